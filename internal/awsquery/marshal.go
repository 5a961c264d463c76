package awsquery

import (
	"encoding/base64"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"

	smithytime "github.com/aws/smithy-go/time"
)

// maxMarshalDepth bounds the nesting Marshal follows (SDK types are acyclic; this guards
// against a self-referencing value).
const maxMarshalDepth = 64

// AppendResponse appends the XML response of operation action to dst:
//
//	<{action}Response xmlns="{namespace}"><{action}Result>members of out</{action}Result>
//	<ResponseMetadata><RequestId>{requestID}</RequestId></ResponseMetadata></{action}Response>
//
// out is a pointer to an SDK output struct (nil writes an empty result).
func AppendResponse(dst []byte, action, namespace, requestID string, out any) ([]byte, error) {
	e := encoder{buf: dst}
	e.buf = append(e.buf, `<?xml version="1.0" encoding="UTF-8"?>`+"\n<"...)
	e.buf = append(e.buf, action...)
	e.buf = append(e.buf, `Response xmlns="`...)
	e.text(namespace)
	e.buf = append(e.buf, `"><`...)
	e.buf = append(e.buf, action...)
	e.buf = append(e.buf, "Result>"...)
	if out != nil {
		v := reflect.ValueOf(out)
		if v.Kind() == reflect.Pointer && !v.IsNil() {
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return nil, fmt.Errorf("awsquery: output must be a struct or a pointer to one, not %T", out)
		}
		if err := e.members(v, 0); err != nil {
			return nil, err
		}
	}
	e.buf = append(e.buf, "</"...)
	e.buf = append(e.buf, action...)
	e.buf = append(e.buf, "Result><ResponseMetadata><RequestId>"...)
	e.text(requestID)
	e.buf = append(e.buf, "</RequestId></ResponseMetadata></"...)
	e.buf = append(e.buf, action...)
	e.buf = append(e.buf, "Response>\n"...)
	return e.buf, nil
}

// Marshal returns the members of v (a struct or pointer to one) as XML elements, the content of
// an <{action}Result> element.
func Marshal(v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil, fmt.Errorf("awsquery: Marshal needs a struct or a pointer to one, not %T", v)
	}
	e := encoder{}
	if err := e.members(rv, 0); err != nil {
		return nil, err
	}
	return e.buf, nil
}

type encoder struct{ buf []byte }

// omit reports whether a member is left out: nil pointers, slices, maps and interfaces, and
// empty enum or string values that are not pointers.
func omit(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return v.IsNil()
	case reflect.String:
		return v.Len() == 0
	}
	return false
}

func (e *encoder) members(v reflect.Value, depth int) error {
	for _, f := range structInfoOf(v.Type()).fields {
		fv := v.Field(f.index)
		if omit(fv) {
			continue
		}
		if err := e.element(f.name, fv, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (e *encoder) open(name string) {
	e.buf = append(e.buf, '<')
	e.buf = append(e.buf, name...)
	e.buf = append(e.buf, '>')
}

func (e *encoder) close(name string) {
	e.buf = append(e.buf, "</"...)
	e.buf = append(e.buf, name...)
	e.buf = append(e.buf, '>')
}

// element writes <name>value</name>.
func (e *encoder) element(name string, v reflect.Value, depth int) error {
	if depth > maxMarshalDepth {
		return fmt.Errorf("awsquery: %s: nested deeper than %d levels", name, maxMarshalDepth)
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	e.open(name)
	switch {
	case v.Type() == timeType:
		e.buf = append(e.buf, smithytime.FormatDateTime(v.Interface().(time.Time))...)
	case v.Kind() == reflect.Struct:
		if err := e.members(v, depth); err != nil {
			return err
		}
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
		e.buf = base64.StdEncoding.AppendEncode(e.buf, v.Bytes())
	case v.Kind() == reflect.Slice:
		for i := range v.Len() {
			if err := e.element("member", v.Index(i), depth+1); err != nil {
				return err
			}
		}
	case v.Kind() == reflect.Map:
		for _, k := range sortedMapKeys(v) {
			e.open("entry")
			if err := e.element("key", k, depth+1); err != nil {
				return err
			}
			if err := e.element("value", v.MapIndex(k), depth+1); err != nil {
				return err
			}
			e.close("entry")
		}
	case v.Kind() == reflect.String:
		e.text(v.String())
	case v.Kind() == reflect.Bool:
		e.buf = strconv.AppendBool(e.buf, v.Bool())
	case v.CanInt():
		e.buf = strconv.AppendInt(e.buf, v.Int(), 10)
	case v.CanFloat():
		e.buf = appendFloat(e.buf, v.Float())
	default:
		return fmt.Errorf("awsquery: %s: unsupported type %s", name, v.Type())
	}
	e.close(name)
	return nil
}

func appendFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// text appends s as XML character data: & < > " escaped, \r \n \t as character references (so
// they survive attribute and line-end normalisation), invalid UTF-8 and characters XML 1.0
// cannot carry replaced by U+FFFD.
func (e *encoder) text(s string) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '&':
			e.buf = append(e.buf, "&amp;"...)
		case r == '<':
			e.buf = append(e.buf, "&lt;"...)
		case r == '>':
			e.buf = append(e.buf, "&gt;"...)
		case r == '"':
			e.buf = append(e.buf, "&quot;"...)
		case r == '\n':
			e.buf = append(e.buf, "&#xA;"...)
		case r == '\r':
			e.buf = append(e.buf, "&#xD;"...)
		case r == '\t':
			e.buf = append(e.buf, "&#x9;"...)
		case r == utf8.RuneError && size == 1, !xmlChar(r):
			e.buf = utf8.AppendRune(e.buf, utf8.RuneError)
		default:
			e.buf = append(e.buf, s[i-size:i]...)
		}
	}
}

// xmlChar reports whether r is allowed in an XML 1.0 document.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}
