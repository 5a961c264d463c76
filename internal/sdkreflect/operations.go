package sdkreflect

import (
	"context"
	"reflect"
	"slices"
)

// Operation is one dispatchable service method.
type Operation struct {
	Name   string
	Method reflect.Value // bound to the service
	In     reflect.Type  // the struct type of *<Op>Input
}

var (
	contextType = reflect.TypeFor[context.Context]()
	errorType   = reflect.TypeFor[error]()
)

// Operations finds the methods of service shaped like an aws-sdk-go-v2
// client's:
//
//	<Op>(context.Context, *<Op>Input, ...func(*<Options>)) (*<Op>Output, error)
//
// where the variadic options parameter is optional. A nil service has none.
func Operations(service any) map[string]Operation {
	ops := map[string]Operation{}
	if service == nil {
		return ops
	}
	sv := reflect.ValueOf(service)
	st := sv.Type()
	for i := range st.NumMethod() {
		m := st.Method(i)
		mt := sv.Method(i).Type()
		if isOperation(m.Name, mt) {
			ops[m.Name] = Operation{Name: m.Name, Method: sv.Method(i), In: mt.In(1).Elem()}
		}
	}
	return ops
}

func isOperation(name string, mt reflect.Type) bool {
	switch {
	case mt.NumIn() < 2 || mt.NumIn() > 3 || mt.NumOut() != 2:
		return false
	case mt.In(0) != contextType || mt.Out(1) != errorType:
		return false
	case mt.NumIn() == 3 && !mt.IsVariadic():
		return false
	}
	in, out := mt.In(1), mt.Out(0)
	return in.Kind() == reflect.Pointer && in.Elem().Kind() == reflect.Struct && in.Elem().Name() == name+"Input" &&
		out.Kind() == reflect.Pointer && out.Elem().Kind() == reflect.Struct && out.Elem().Name() == name+"Output"
}

// OperationNames lists, sorted, the names of Operations(service).
func OperationNames(service any) []string {
	ops := Operations(service)
	names := make([]string, 0, len(ops))
	for n := range ops {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
