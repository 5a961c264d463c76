package awsquery

import (
	"context"
	"reflect"
	"slices"
)

// operation is one dispatchable service method.
type operation struct {
	name   string
	method reflect.Value // bound to the service
	in     reflect.Type  // the struct type of *<Op>Input
}

var (
	contextType = reflect.TypeFor[context.Context]()
	errorType   = reflect.TypeFor[error]()
)

// operationsOf finds the methods of service shaped like an aws-sdk-go-v2 client's:
//
//	<Op>(context.Context, *<Op>Input, ...func(*<Options>)) (*<Op>Output, error)
//
// where the variadic options parameter is optional. (internal/awsjson applies the same rule.)
func operationsOf(service any) map[string]operation {
	ops := map[string]operation{}
	if service == nil {
		return ops
	}
	sv := reflect.ValueOf(service)
	st := sv.Type()
	for i := range st.NumMethod() {
		m := st.Method(i)
		mt := sv.Method(i).Type()
		if isOperation(m.Name, mt) {
			ops[m.Name] = operation{name: m.Name, method: sv.Method(i), in: mt.In(1).Elem()}
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

// Operations lists, sorted, the operation names that NewHandler would serve for service.
func Operations(service any) []string {
	ops := operationsOf(service)
	names := make([]string, 0, len(ops))
	for n := range ops {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
