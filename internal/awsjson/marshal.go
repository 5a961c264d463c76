package awsjson

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	smithydocument "github.com/aws/smithy-go/document"
	smithytime "github.com/aws/smithy-go/time"
)

// maxDepth bounds nesting on both encode and decode. The deepest ECS shape is far shallower.
const maxDepth = 64

// Marshal encodes v (an aws-sdk-go-v2 ECS input, output or types value, or a pointer to one) as
// AWS JSON 1.1. Nil pointers, slices and maps and empty enum strings are omitted; slices and maps
// that are set but empty are emitted ([] / {}), because waiters evaluate them; numbers and booleans
// that are not pointers are always emitted; time.Time is epoch seconds with a millisecond fraction.
// Invalid UTF-8 in strings is replaced by U+FFFD, as encoding/json does.
func Marshal(v any) ([]byte, error) {
	return AppendMarshal(make([]byte, 0, 4096), v)
}

// AppendMarshal is Marshal appending to dst, so that a caller can reuse buffers. On error it
// returns dst unchanged.
func AppendMarshal(dst []byte, v any) ([]byte, error) {
	e := encoder{buf: dst}
	if err := e.marshal(v); err != nil {
		return dst, err
	}
	return e.buf, nil
}

// encoder appends JSON to buf; with a limit (MarshalSize) it counts it.
type encoder struct {
	buf []byte
	// limit, when not 0, makes the encoder count: spill moves buf's bytes
	// to counted and stops the walk once counted passes limit.
	limit   int
	counted int
}

// marshal encodes v, a value or a pointer to one, into e.buf.
func (e *encoder) marshal(v any) error {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			e.buf = append(e.buf, "{}"...)
			return nil
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		e.buf = append(e.buf, "{}"...)
		return nil
	}
	return e.value(rv, 0)
}

// omit reports whether a struct field value is left out of the output.
func omit(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		return v.IsNil()
	case reflect.String:
		return v.Len() == 0
	case reflect.Struct:
		if v.Type() == timeType {
			return timeOf(v).IsZero()
		}
	}
	return false
}

func (e *encoder) value(v reflect.Value, depth int) error {
	if depth > maxDepth {
		return &encodeError{msg: fmt.Sprintf("nesting deeper than %d", maxDepth)}
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		return e.value(v.Elem(), depth+1)
	case reflect.Interface:
		return e.iface(v, depth)
	case reflect.String:
		e.str(v.String())
	case reflect.Bool:
		e.buf = strconv.AppendBool(e.buf, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.buf = strconv.AppendInt(e.buf, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		e.buf = strconv.AppendUint(e.buf, v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			// AWS JSON 1.1 sends non-finite numbers as strings.
			e.str(nonFinite(f))
			return nil
		}
		e.buf = strconv.AppendFloat(e.buf, f, 'f', -1, 64)
	case reflect.Slice, reflect.Array:
		e.buf = append(e.buf, '[')
		for i := range v.Len() {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := e.value(v.Index(i), depth+1); err != nil {
				return wrapEncode(err, "["+strconv.Itoa(i)+"]")
			}
			if err := e.spill(); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, ']')
	case reflect.Map:
		return e.mapValue(v, depth)
	case reflect.Struct:
		if v.Type() == timeType {
			e.epochSeconds(timeOf(v))
			return nil
		}
		return e.structValue(v, depth)
	default:
		return &encodeError{msg: "cannot encode Go kind " + v.Kind().String()}
	}
	return nil
}

// epochSeconds appends t as epoch seconds with a millisecond fraction, the same number
// smithy-go's FormatEpochSeconds produces, without float formatting for non-negative times.
func (e *encoder) epochSeconds(t time.Time) {
	ms := t.UnixMilli()
	if ms < 0 {
		e.buf = strconv.AppendFloat(e.buf, smithytime.FormatEpochSeconds(t), 'f', -1, 64)
		return
	}
	e.buf = strconv.AppendInt(e.buf, ms/1000, 10)
	frac := ms % 1000
	if frac == 0 {
		return
	}
	digits := [3]byte{byte('0' + frac/100), byte('0' + frac/10%10), byte('0' + frac%10)}
	n := 3
	for digits[n-1] == '0' {
		n--
	}
	e.buf = append(e.buf, '.')
	e.buf = append(e.buf, digits[:n]...)
}

// timeOf reads a time.Time value without boxing it when it is addressable.
func timeOf(v reflect.Value) time.Time {
	if v.CanAddr() {
		return *(*time.Time)(v.Addr().UnsafePointer())
	}
	return v.Interface().(time.Time)
}

func nonFinite(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case f > 0:
		return "Infinity"
	}
	return "-Infinity"
}

func (e *encoder) structValue(v reflect.Value, depth int) error {
	si := structInfoOf(v.Type())
	e.buf = append(e.buf, '{')
	first := true
	for i := range si.fields {
		f := &si.fields[i]
		fv := v.Field(f.index)
		if omit(fv) {
			continue
		}
		if !first {
			e.buf = append(e.buf, ',')
		}
		first = false
		e.buf = append(e.buf, f.key...)
		if err := e.value(fv, depth+1); err != nil {
			return wrapEncode(err, "."+f.name)
		}
		if err := e.spill(); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}

func (e *encoder) mapValue(v reflect.Value, depth int) error {
	if v.Type().Key().Kind() != reflect.String {
		return &encodeError{msg: "map key must be a string, not " + v.Type().Key().String()}
	}
	if e.limit != 0 {
		return e.countedMapValue(v, depth)
	}
	keys := v.MapKeys()
	// Sorted keys make the output deterministic.
	sortStrings(keys)
	e.buf = append(e.buf, '{')
	for i, k := range keys {
		if err := e.mapEntry(i, k, v.MapIndex(k), depth); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}

// mapEntry encodes the i-th entry of a map, k: val.
func (e *encoder) mapEntry(i int, k, val reflect.Value, depth int) error {
	if i > 0 {
		e.buf = append(e.buf, ',')
	}
	e.str(k.String())
	e.buf = append(e.buf, ':')
	if err := e.value(val, depth+1); err != nil {
		return wrapEncode(err, "["+strconv.Quote(k.String())+"]")
	}
	return e.spill()
}

// iface encodes a union (one-member object) or a smithy document.
func (e *encoder) iface(v reflect.Value, depth int) error {
	if v.IsNil() {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	if m, ok := v.Interface().(smithydocument.Marshaler); ok {
		raw, err := m.MarshalSmithyDocument()
		if err != nil {
			return &encodeError{msg: "document: " + err.Error()}
		}
		if !json.Valid(raw) {
			return &encodeError{msg: "document is not valid JSON"}
		}
		e.buf = append(e.buf, raw...)
		return nil
	}
	if u, ok := v.Interface().(*types.UnknownUnionMember); ok {
		if !json.Valid(u.Value) {
			return &encodeError{msg: "unknown union member " + u.Tag + " is not valid JSON"}
		}
		e.buf = append(e.buf, '{')
		e.str(u.Tag)
		e.buf = append(e.buf, ':')
		e.buf = append(e.buf, u.Value...)
		e.buf = append(e.buf, '}')
		return nil
	}
	concrete := v.Elem()
	ct := concrete.Type()
	if ct.Kind() == reflect.Pointer {
		ct = ct.Elem()
		concrete = concrete.Elem()
	}
	if _, known := unionMembers[v.Type()]; !known || ct.Kind() != reflect.Struct {
		return &encodeError{msg: fmt.Sprintf("cannot encode %s held in %s", ct, v.Type())}
	}
	vf, ok := ct.FieldByName("Value")
	if !ok {
		return &encodeError{msg: fmt.Sprintf("union member %s has no Value", ct)}
	}
	name := unionMemberName(v.Type(), ct)
	e.buf = append(e.buf, '{')
	e.str(name)
	e.buf = append(e.buf, ':')
	if err := e.value(concrete.FieldByIndex(vf.Index), depth+1); err != nil {
		return wrapEncode(err, "."+name)
	}
	e.buf = append(e.buf, '}')
	return nil
}

const hexDigits = "0123456789abcdef"

// str appends s as a JSON string.
func (e *encoder) str(s string) {
	if e.skipStr(s) {
		return
	}
	e.buf = append(e.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			e.buf = append(e.buf, s[start:i]...)
			switch c {
			case '"', '\\':
				e.buf = append(e.buf, '\\', c)
			case '\n':
				e.buf = append(e.buf, '\\', 'n')
			case '\r':
				e.buf = append(e.buf, '\\', 'r')
			case '\t':
				e.buf = append(e.buf, '\\', 't')
			default:
				e.buf = append(e.buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			e.buf = append(e.buf, s[start:i]...)
			e.buf = append(e.buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		// U+2028 and U+2029 are valid JSON but break JavaScript consumers; escape like encoding/json.
		if r == '\u2028' || r == '\u2029' {
			e.buf = append(e.buf, s[start:i]...)
			e.buf = append(e.buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	e.buf = append(e.buf, s[start:]...)
	e.buf = append(e.buf, '"')
}

// encodeError is an encoding failure; its path is built while the recursion unwinds so that the
// successful path allocates nothing for it.
type encodeError struct {
	path string
	msg  string
}

// Error implements error.
func (e *encodeError) Error() string {
	return "awsjson: " + strings.TrimPrefix(e.path, ".") + ": " + e.msg
}

func wrapEncode(err error, seg string) error {
	if ee, ok := err.(*encodeError); ok {
		ee.path = seg + ee.path
	}
	return err
}
