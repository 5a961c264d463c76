package awsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/ecs/document"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	smithytime "github.com/aws/smithy-go/time"
)

// UnmarshalOptions tunes Unmarshal.
type UnmarshalOptions struct {
	// DisallowUnknownFields makes a member the target type does not have an *UnknownFieldError
	// instead of being ignored.
	DisallowUnknownFields bool
	// ISO8601Timestamps also accepts timestamps as ISO 8601 / RFC 3339 strings
	// ("2024-05-01T12:30:45.123000+02:00"), the form AWS CLI v2 prints by default. The wire
	// protocol itself only carries epoch seconds, so the server leaves this off.
	ISO8601Timestamps bool
	// AllErrors keeps decoding after a member that is unknown or of the wrong type and returns
	// every such problem at once, as an errors.Join of *DecodeError and *UnknownFieldError
	// (members sorted by name at each level). Syntax errors still stop decoding at once.
	AllErrors bool
}

// maxEpochSeconds bounds timestamps to what int64 nanoseconds can hold (years 1677 to 2262):
// smithy-go's ParseEpochSeconds and FormatEpochSeconds overflow beyond it.
const maxEpochSeconds = 9223372036

var documentType = reflect.TypeFor[document.Interface]()

// Unmarshal decodes AWS JSON 1.1 data into v, a non-nil pointer to an aws-sdk-go-v2 ECS struct.
// It is strict about types, as the SDK's own deserializer is: a string where a number is expected,
// an int32 out of range, or a fraction in an integer is a *DecodeError naming the member's path
// (e.g. "containerDefinitions[0].cpu"). JSON null leaves a member unset. Malformed JSON, invalid
// UTF-8, trailing data and nesting deeper than 64 levels are *DecodeError too; Unmarshal never
// panics on any input.
func Unmarshal(data []byte, v any, opts UnmarshalOptions) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("awsjson: Unmarshal needs a non-nil pointer, got %T", v)
	}
	if !utf8.Valid(data) {
		return &DecodeError{Msg: "invalid UTF-8 in request body"}
	}
	switch sh := scanShape(data); {
	case sh.tooDeep:
		return &DecodeError{Msg: fmt.Sprintf("JSON nesting deeper than %d levels", maxDepth)}
	case sh.tooLong:
		return &DecodeError{Path: sh.longKey, Msg: fmt.Sprintf("a list of more than %d items; at most %d are accepted", MaxListItems, MaxListItems)}
	case sh.tooMany:
		return &DecodeError{Msg: fmt.Sprintf("more than %d list items in one request; at most %d are accepted", MaxTotalItems, MaxTotalItems)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return syntaxError(data, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		de := &DecodeError{Msg: "malformed JSON: data after the top-level value"}
		de.Line, de.Column = lineColumn(data, dec.InputOffset())
		de.Msg = fmt.Sprintf("malformed JSON at line %d, column %d: data after the top-level value", de.Line, de.Column)
		return de
	}
	d := decoder{opts: opts}
	err := topLevel(d.assign(rv.Elem(), tree))
	if el, ok := err.(errList); ok {
		return errors.Join(el...)
	}
	return err
}

// syntaxError is the *DecodeError of malformed JSON, with the line and column of the problem.
func syntaxError(data []byte, err error) *DecodeError {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		de := &DecodeError{}
		// The decoder reports the offset just past the offending byte.
		de.Line, de.Column = lineColumn(data, max(se.Offset-1, 0))
		de.Msg = fmt.Sprintf("malformed JSON at line %d, column %d: %s", de.Line, de.Column, se.Error())
		return de
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		de := &DecodeError{}
		de.Line, de.Column = lineColumn(data, int64(len(data)))
		de.Msg = fmt.Sprintf("malformed JSON at line %d, column %d: unexpected end of input", de.Line, de.Column)
		return de
	}
	return &DecodeError{Msg: "malformed JSON: " + err.Error()}
}

// lineColumn returns the 1-based line and column (in bytes) of offset in data.
func lineColumn(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// errList collects the problems of one decoding with UnmarshalOptions.AllErrors.
type errList []error

func (l errList) Error() string { return errors.Join(l...).Error() }

// add appends err (itself possibly an errList) to l.
func (l errList) add(err error) errList {
	if more, ok := err.(errList); ok {
		return append(l, more...)
	}
	return append(l, err)
}

// collect records a member's error: with AllErrors it is kept and decoding goes on (nil is
// returned to the caller's loop through *errs); otherwise it is returned at once.
func (d *decoder) collect(errs *errList, err error, seg string) error {
	err = within(err, seg)
	if !d.opts.AllErrors {
		return err
	}
	*errs = errs.add(err)
	return nil
}

// result is the collected errors of a composite value, or nil.
func (l errList) result() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// MaxListItems is the most items a JSON array in a request may hold. No
// ECS list comes near it (the largest are bounded by the 64 KiB task
// definition quota and by 100-item describe calls), and refusing longer
// arrays before decoding bounds the memory one request can cost: a 1 MiB
// body of 349,000 empty container definitions would otherwise decode into
// ~280 MB of Go structs.
const MaxListItems = 10000

// MaxTotalItems is the most items all the JSON arrays of one request may
// hold together (a 64 KiB task definition holds at most ~22,000).
const MaxTotalItems = 50000

// shape is what scanShape learns about a JSON document without decoding it.
type shape struct {
	depth   int    // deepest nesting of objects and arrays
	longest int    // items in the longest array
	longKey string // the member name holding that array ("" at the top or inside an array)
	tooDeep bool   // depth exceeds maxDepth (scanning stopped there)
	tooLong bool   // longest exceeds MaxListItems (scanning stopped there)
	items   int    // items in all arrays
	tooMany bool   // items exceeds MaxTotalItems (scanning stopped there)
}

// scanShape measures nesting and array lengths in one pass over data,
// ignoring brackets in strings; it stops at the first limit exceeded.
func scanShape(data []byte) shape {
	var sh shape
	type level struct {
		array bool
		items int // commas seen + 1 once a value started
		key   string
	}
	var stack []level
	inString, escaped := false, false
	lastStrStart, lastStrEnd := -1, -1
	for i, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
				lastStrEnd = i
			}
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':':
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].array && stack[n-1].items == 0 && c != ']' {
			stack[n-1].items = 1
			sh.items++
		}
		switch {
		case c == '"':
			inString = true
			lastStrStart = i
		case c == '{' || c == '[':
			key := ""
			if len(stack) > 0 && !stack[len(stack)-1].array && lastStrStart >= 0 && lastStrEnd > lastStrStart {
				key = string(data[lastStrStart+1 : min(lastStrEnd, lastStrStart+1+128)])
			}
			stack = append(stack, level{array: c == '[', key: key})
			sh.depth = max(sh.depth, len(stack))
			if sh.depth > maxDepth {
				sh.tooDeep = true
				return sh
			}
		case c == '}' || c == ']':
			if n := len(stack); n > 0 {
				stack = stack[:n-1]
			}
		case c == ',':
			if n := len(stack); n > 0 && stack[n-1].array {
				stack[n-1].items++
				if sh.items++; sh.items > MaxTotalItems {
					sh.tooMany = true
					return sh
				}
				if l := stack[n-1]; l.items > sh.longest {
					sh.longest, sh.longKey = l.items, l.key
					if sh.longest > MaxListItems {
						sh.tooLong = true
						return sh
					}
				}
			}
		}
	}
	return sh
}

type decoder struct {
	opts UnmarshalOptions
}

func jsonKind(x any) string {
	switch x.(type) {
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "null"
}

func mismatch(want string, x any) error {
	return &DecodeError{Msg: fmt.Sprintf("expected %s, got %s", want, jsonKind(x))}
}

// assign stores the decoded JSON value x into v.
func (d *decoder) assign(v reflect.Value, x any) error {
	if x == nil {
		return nil // null: member unset
	}
	t := v.Type()
	switch t.Kind() {
	case reflect.Pointer:
		nv := reflect.New(t.Elem())
		if err := d.assign(nv.Elem(), x); err != nil {
			return err
		}
		v.Set(nv)
	case reflect.Interface:
		return d.iface(v, x)
	case reflect.String:
		s, ok := x.(string)
		if !ok {
			return mismatch("string", x)
		}
		v.SetString(s)
	case reflect.Bool:
		b, ok := x.(bool)
		if !ok {
			return mismatch("boolean", x)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := x.(json.Number)
		if !ok {
			return mismatch("integer", x)
		}
		i, err := strconv.ParseInt(string(n), 10, t.Bits())
		if err != nil {
			return &DecodeError{Msg: fmt.Sprintf("%s is not an integer in %d-bit range", n, t.Bits())}
		}
		v.SetInt(i)
	case reflect.Float32, reflect.Float64:
		f, err := parseFloat(x, t.Bits())
		if err != nil {
			return &DecodeError{Msg: err.Error()}
		}
		v.SetFloat(f)
	case reflect.Slice:
		arr, ok := x.([]any)
		if !ok {
			return mismatch("array", x)
		}
		s := reflect.MakeSlice(t, len(arr), len(arr))
		var errs errList
		for i, el := range arr {
			if err := d.assign(s.Index(i), el); err != nil {
				if err := d.collect(&errs, err, "["+strconv.Itoa(i)+"]"); err != nil {
					return err
				}
			}
		}
		v.Set(s)
		return errs.result()
	case reflect.Map:
		return d.mapValue(v, x)
	case reflect.Struct:
		if t == timeType {
			if str, ok := x.(string); ok && d.opts.ISO8601Timestamps {
				tm, err := time.Parse(time.RFC3339Nano, str)
				if err != nil {
					return &DecodeError{Msg: fmt.Sprintf("%q is not an ISO 8601 timestamp (2006-01-02T15:04:05.000000+00:00)", str)}
				}
				v.Set(reflect.ValueOf(tm))
				return nil
			}
			n, ok := x.(json.Number)
			if !ok {
				if d.opts.ISO8601Timestamps {
					return mismatch("timestamp as epoch seconds or ISO 8601 string", x)
				}
				return mismatch("timestamp as epoch seconds", x)
			}
			f, err := strconv.ParseFloat(string(n), 64)
			if err != nil || math.Abs(f) >= maxEpochSeconds {
				return &DecodeError{Msg: fmt.Sprintf("%s is not a timestamp within ±9223372036 epoch seconds", n)}
			}
			v.Set(reflect.ValueOf(smithytime.ParseEpochSeconds(f)))
			return nil
		}
		return d.structValue(v, x)
	default:
		return &DecodeError{Msg: "cannot decode into Go kind " + t.Kind().String()}
	}
	return nil
}

// parseFloat accepts a JSON number, or "NaN", "Infinity", "-Infinity" as AWS JSON 1.1 sends them.
func parseFloat(x any, bits int) (float64, error) {
	switch n := x.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(n), bits)
		if err != nil {
			return 0, fmt.Errorf("%s is not a %d-bit float", n, bits)
		}
		return f, nil
	case string:
		switch n {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
	}
	return 0, fmt.Errorf("expected number, got %s", jsonKind(x))
}

func (d *decoder) mapValue(v reflect.Value, x any) error {
	obj, ok := x.(map[string]any)
	if !ok {
		return mismatch("object", x)
	}
	t := v.Type()
	if t.Key().Kind() != reflect.String {
		return &DecodeError{Msg: "map key type " + t.Key().String() + " is not a string"}
	}
	m := reflect.MakeMapWithSize(t, len(obj))
	var errs errList
	for _, k := range sortedKeys(obj) {
		ev := reflect.New(t.Elem()).Elem()
		if err := d.assign(ev, obj[k]); err != nil {
			if err := d.collect(&errs, err, "["+strconv.Quote(k)+"]"); err != nil {
				return err
			}
			continue
		}
		m.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), ev)
	}
	v.Set(m)
	return errs.result()
}

func (d *decoder) structValue(v reflect.Value, x any) error {
	obj, ok := x.(map[string]any)
	if !ok {
		return mismatch("object", x)
	}
	si := structInfoOf(v.Type())
	var errs errList
	for _, k := range sortedKeys(obj) {
		i, known := si.byName[k]
		if !known {
			if d.opts.DisallowUnknownFields {
				if err := d.collect(&errs, &UnknownFieldError{}, "."+k); err != nil {
					return err
				}
			}
			continue
		}
		f := &si.fields[i]
		if err := d.assign(v.Field(f.index), obj[k]); err != nil {
			if err := d.collect(&errs, err, "."+k); err != nil {
				return err
			}
		}
	}
	return errs.result()
}

// iface decodes a union (an object with exactly one member) or a document.
func (d *decoder) iface(v reflect.Value, x any) error {
	t := v.Type()
	if t == documentType {
		v.Set(reflect.ValueOf(newJSONDocument(x)))
		return nil
	}
	if _, isUnion := unionMembers[t]; !isUnion {
		return &DecodeError{Msg: "cannot decode into interface " + t.String()}
	}
	obj, ok := x.(map[string]any)
	if !ok {
		return mismatch("object", x)
	}
	set := make([]string, 0, 1)
	for k, val := range obj {
		if val != nil {
			set = append(set, k)
		}
	}
	if len(set) != 1 {
		return &DecodeError{Msg: fmt.Sprintf("union must set exactly one member, got %d", len(set))}
	}
	name := set[0]
	mt, ok := unionMemberByName(t, name)
	if !ok {
		if d.opts.DisallowUnknownFields {
			return &UnknownFieldError{Path: "." + name}
		}
		// As the SDK does for members newer than its model.
		raw, err := json.Marshal(obj[name])
		if err != nil {
			return &DecodeError{Path: "." + name, Msg: err.Error()}
		}
		unknown := reflect.ValueOf(&types.UnknownUnionMember{Tag: name, Value: raw})
		if unknown.Type().Implements(t) {
			v.Set(unknown)
		}
		return nil
	}
	mv := reflect.New(mt)
	if err := d.assign(mv.Elem().FieldByName("Value"), obj[name]); err != nil {
		return within(err, "."+name)
	}
	if !mv.Type().Implements(t) {
		return &DecodeError{Msg: mt.String() + " does not implement " + t.String()}
	}
	v.Set(mv)
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// within prefixes the path of a decoding error with seg (".name", "[3]" or `["key"]`) while the
// recursion unwinds, so that successful decoding builds no path strings.
func within(err error, seg string) error {
	switch e := err.(type) {
	case errList:
		for _, el := range e {
			within(el, seg)
		}
	case *DecodeError:
		e.Path = seg + e.Path
	case *UnknownFieldError:
		e.Path = seg + e.Path
	}
	return err
}

// topLevel drops the leading "." of an error path.
func topLevel(err error) error {
	switch e := err.(type) {
	case errList:
		for _, el := range e {
			topLevel(el)
		}
	case *DecodeError:
		e.Path = strings.TrimPrefix(e.Path, ".")
	case *UnknownFieldError:
		e.Path = strings.TrimPrefix(e.Path, ".")
	}
	return err
}
