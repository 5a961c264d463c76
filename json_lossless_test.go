package ecsdeploy

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/google/go-cmp/cmp"
)

// fillAll sets every exported field reachable from v to a distinct non-zero
// value (slices and maps get two elements), so a round trip that drops or
// mangles any modelled field shows up.
func fillAll(v reflect.Value, n *int, depth int) {
	*n++
	switch v.Kind() {
	case reflect.Pointer:
		if depth > 8 {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fillAll(v.Elem(), n, depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillAll(v.Field(i), n, depth+1)
			}
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fillAll(s.Index(i), n, depth+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for range 2 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fillAll(k, n, depth+1)
			fillAll(e, n, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", *n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int32, reflect.Int64, reflect.Int:
		v.SetInt(int64(*n))
	case reflect.Float64, reflect.Float32:
		v.SetFloat(float64(*n) + 0.5)
	}
}

// TestTaskDefinitionJSONLossless writes and reads back a register input
// with every SDK-modelled field set.
func TestTaskDefinitionJSONLossless(t *testing.T) {
	var in ecs.RegisterTaskDefinitionInput
	n := 0
	fillAll(reflect.ValueOf(&in).Elem(), &n, 0)
	b, err := MarshalTaskDefinitionJSON(&in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := LoadTaskDefinitionJSON(b, SkipValidation())
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if d := cmp.Diff(&in, got, sdkEqual...); d != "" {
		t.Errorf("round trip lost fields (-want +got):\n%s", d)
	}
	if n < 200 {
		t.Errorf("filled only %d values", n)
	}
}
