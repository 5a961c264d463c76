package ecsdeploy

import "reflect"

func reflectValue(p any) reflect.Value { return reflect.ValueOf(p).Elem() }

func reflectType[T any]() reflect.Type { return reflect.TypeFor[T]() }

// setNonZero gives v some non-zero value of its type.
func setNonZero(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int32, reflect.Int64, reflect.Int:
		v.SetInt(1)
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
	}
}
