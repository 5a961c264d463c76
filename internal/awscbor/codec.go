// Package awscbor serves an aws-sdk-go-v2-shaped service over the Smithy
// RPC v2 CBOR protocol (`POST /service/<Service>/operation/<Operation>`
// with header `Smithy-Protocol: rpc-v2-cbor`), the protocol of current
// CloudWatch clients (aws-sdk-go-v2 service/cloudwatch, botocore 1.43).
// Values are converted by reflection on the SDK's own types, with
// smithy-go's encoding/cbor doing the encoding: structure members are
// keyed by their Go field names (the Smithy member names), timestamps are
// tag 1 epoch seconds, blobs byte strings.
package awscbor

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"
)

var timeType = reflect.TypeFor[time.Time]()

// maxDepth bounds nesting on decode and encode.
const maxDepth = 64

// Marshal converts an SDK value (usually *<Op>Output) to a CBOR value.
// Nil pointers, nil slices and nil maps are omitted from structures.
func Marshal(v any) (cbor.Value, error) {
	return marshal(reflect.ValueOf(v), 0)
}

func marshal(v reflect.Value, depth int) (cbor.Value, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("awscbor: value nested deeper than %d", maxDepth)
	}
	if !v.IsValid() {
		return &cbor.Nil{}, nil
	}
	if v.Type() == timeType {
		t := v.Interface().(time.Time)
		return &cbor.Tag{ID: 1, Value: cbor.Float64(float64(t.UnixNano()) / 1e9)}, nil
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return &cbor.Nil{}, nil
		}
		return marshal(v.Elem(), depth+1)
	case reflect.String:
		return cbor.String(v.String()), nil
	case reflect.Bool:
		return cbor.Bool(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := v.Int()
		if n < 0 {
			return cbor.NegInt(uint64(-(n + 1)) + 1), nil
		}
		return cbor.Uint(uint64(n)), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return cbor.Uint(v.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return cbor.Float64(v.Float()), nil
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return cbor.Slice(append([]byte(nil), v.Bytes()...)), nil
		}
		l := make(cbor.List, 0, v.Len())
		for i := range v.Len() {
			x, err := marshal(v.Index(i), depth+1)
			if err != nil {
				return nil, err
			}
			l = append(l, x)
		}
		return l, nil
	case reflect.Map:
		m := cbor.Map{}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			x, err := marshal(v.MapIndex(k), depth+1)
			if err != nil {
				return nil, err
			}
			m[k.String()] = x
		}
		return m, nil
	case reflect.Struct:
		m := cbor.Map{}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() || f.Name == "ResultMetadata" {
				continue
			}
			fv := v.Field(i)
			if (fv.Kind() == reflect.Pointer || fv.Kind() == reflect.Slice || fv.Kind() == reflect.Map || fv.Kind() == reflect.Interface) && fv.IsNil() {
				continue
			}
			if fv.Kind() == reflect.String && fv.String() == "" && fv.Type().Name() != "string" {
				continue // an unset enum
			}
			x, err := marshal(fv, depth+1)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.Name, err)
			}
			m[f.Name] = x
		}
		return m, nil
	}
	return nil, fmt.Errorf("awscbor: cannot encode %s", v.Type())
}

// DecodeError is a request body that is not CBOR or does not fit the input
// type; Path names the member.
type DecodeError struct {
	Path string
	Err  error
}

func (e *DecodeError) Error() string {
	if e.Path == "" {
		return e.Err.Error()
	}
	return e.Path + ": " + e.Err.Error()
}

// Unmarshal fills v (a pointer to an SDK input struct) from a CBOR value.
// Unknown structure members are ignored.
func Unmarshal(val cbor.Value, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("awscbor: Unmarshal needs a non-nil pointer")
	}
	return unmarshal(val, rv.Elem(), "", 0)
}

func unmarshal(val cbor.Value, v reflect.Value, path string, depth int) error {
	if depth > maxDepth {
		return &DecodeError{path, fmt.Errorf("nested deeper than %d", maxDepth)}
	}
	if _, ok := val.(*cbor.Nil); ok {
		return nil
	}
	if _, ok := val.(*cbor.Undefined); ok {
		return nil
	}
	if v.Type() == timeType {
		// Tag 1 epoch seconds, rounded to the millisecond (Smithy
		// timestamps' precision; cbor.AsTime truncates float error).
		tag, ok := val.(*cbor.Tag)
		if !ok || tag.ID != 1 {
			return &DecodeError{path, fmt.Errorf("expected a tag 1 timestamp, got %T", val)}
		}
		f, err := cbor.AsFloat64(tag.Value)
		if err != nil {
			return &DecodeError{path, err}
		}
		v.Set(reflect.ValueOf(time.UnixMilli(int64(math.Round(f * 1000))).UTC()))
		return nil
	}
	mismatch := func(want string) error { return &DecodeError{path, fmt.Errorf("expected %s, got %T", want, val)} }
	switch v.Kind() {
	case reflect.Pointer:
		n := reflect.New(v.Type().Elem())
		if err := unmarshal(val, n.Elem(), path, depth+1); err != nil {
			return err
		}
		v.Set(n)
		return nil
	case reflect.String:
		s, ok := val.(cbor.String)
		if !ok {
			return mismatch("string")
		}
		v.SetString(string(s))
	case reflect.Bool:
		b, ok := val.(cbor.Bool)
		if !ok {
			return mismatch("boolean")
		}
		v.SetBool(bool(b))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := cbor.AsInt64(val)
		if err != nil {
			return &DecodeError{path, err}
		}
		if v.OverflowInt(n) {
			return &DecodeError{path, fmt.Errorf("%d overflows %s", n, v.Type())}
		}
		v.SetInt(n)
	case reflect.Float32, reflect.Float64:
		f, err := cbor.AsFloat64(val)
		if err != nil {
			return &DecodeError{path, err}
		}
		if v.Kind() == reflect.Float32 && !math.IsInf(f, 0) && math.Abs(f) > math.MaxFloat32 {
			return &DecodeError{path, fmt.Errorf("%v overflows float32", f)}
		}
		v.SetFloat(f)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b, ok := val.(cbor.Slice)
			if !ok {
				return mismatch("byte string")
			}
			v.SetBytes(append([]byte(nil), b...))
			return nil
		}
		l, ok := val.(cbor.List)
		if !ok {
			return mismatch("list")
		}
		s := reflect.MakeSlice(v.Type(), len(l), len(l))
		for i, x := range l {
			if err := unmarshal(x, s.Index(i), fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.Map:
		m, ok := val.(cbor.Map)
		if !ok {
			return mismatch("map")
		}
		out := reflect.MakeMapWithSize(v.Type(), len(m))
		for k, x := range m {
			e := reflect.New(v.Type().Elem()).Elem()
			if err := unmarshal(x, e, path+"."+k, depth+1); err != nil {
				return err
			}
			out.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), e)
		}
		v.Set(out)
	case reflect.Struct:
		m, ok := val.(cbor.Map)
		if !ok {
			return mismatch("structure")
		}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			x, ok := m[f.Name]
			if !ok {
				continue
			}
			p := f.Name
			if path != "" {
				p = path + "." + f.Name
			}
			if err := unmarshal(x, v.Field(i), p, depth+1); err != nil {
				return err
			}
		}
	default:
		return &DecodeError{path, fmt.Errorf("cannot decode into %s", v.Type())}
	}
	return nil
}
