package awsquery

import (
	"encoding/base64"
	"fmt"
	"math"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	smithytime "github.com/aws/smithy-go/time"
)

// MaxParams is the largest number of form parameters Unmarshal accepts.
const MaxParams = 10000

// maxDepth bounds the nesting of a parameter name (dot-separated segments).
const maxDepth = 64

// UnmarshalOptions configures Unmarshal.
type UnmarshalOptions struct {
	// DisallowUnknownFields makes a parameter naming a member the target type does not have an
	// *UnknownFieldError instead of being ignored.
	DisallowUnknownFields bool
}

// UnknownFieldError reports a parameter naming a member that the target type does not have. It
// is returned by Unmarshal only when UnmarshalOptions.DisallowUnknownFields is set.
type UnknownFieldError struct {
	// Path is the parameter name up to the unknown member, e.g. "Targets.member.1.Idd".
	Path string
}

// Error implements error.
func (e *UnknownFieldError) Error() string { return e.Path + ": unknown member" }

// DecodeError reports a parameter that is not valid for the target type: a value of the wrong
// type, a number out of range, a list index out of sequence, or too many parameters.
type DecodeError struct {
	// Path is the parameter name ("" for the whole request).
	Path string
	// Msg says what was wrong.
	Msg string
}

// Error implements error.
func (e *DecodeError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// node is one segment of the parameter-name tree: "Targets.member.1.Id=x" makes
// root -> Targets -> member -> 1 -> Id (value x).
type node struct {
	val  string
	set  bool
	kids map[string]*node
}

func (n *node) child(seg string) *node {
	if n.kids == nil {
		n.kids = map[string]*node{}
	}
	c := n.kids[seg]
	if c == nil {
		c = &node{}
		n.kids[seg] = c
	}
	return c
}

// Unmarshal decodes form parameters (Action and Version excluded) into v, a pointer to an SDK
// input struct. See the package doc for the rules.
func Unmarshal(form url.Values, v any, opts UnmarshalOptions) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return &DecodeError{Msg: fmt.Sprintf("target must be a non-nil pointer to a struct, not %T", v)}
	}
	n := 0
	for _, vs := range form {
		n += len(vs)
	}
	if n > MaxParams {
		return &DecodeError{Msg: fmt.Sprintf("%d parameters: at most %d are accepted", n, MaxParams)}
	}
	root := &node{}
	for k, vs := range form {
		if k == "Action" || k == "Version" {
			continue
		}
		segs := strings.Split(k, ".")
		if len(segs) > maxDepth {
			return &DecodeError{Path: k, Msg: fmt.Sprintf("nested deeper than %d levels", maxDepth)}
		}
		cur := root
		for _, s := range segs {
			cur = cur.child(s)
		}
		if len(vs) > 1 {
			return &DecodeError{Path: k, Msg: "given more than once"}
		}
		cur.val, cur.set = vs[0], true
	}
	d := decoder{opts: opts, limit: n}
	return d.structValue(rv.Elem(), root, "")
}

type decoder struct {
	opts  UnmarshalOptions
	limit int // no list or map may have more entries than there are parameters
}

func join(path, seg string) string {
	if path == "" {
		return seg
	}
	return path + "." + seg
}

func (d *decoder) structValue(v reflect.Value, n *node, path string) error {
	if n.set && n.val != "" {
		return &DecodeError{Path: path, Msg: "a structure cannot have a value"}
	}
	si := structInfoOf(v.Type())
	for _, name := range sortedKeys(n.kids) {
		i, ok := si.byName[name]
		if !ok {
			if d.opts.DisallowUnknownFields {
				return &UnknownFieldError{Path: join(path, name)}
			}
			continue
		}
		f := si.fields[i]
		if err := d.value(v.Field(f.index), n.kids[name], join(path, name)); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) value(v reflect.Value, n *node, path string) error {
	t := v.Type()
	switch {
	case t == timeType:
		if err := d.leaf(n, path); err != nil {
			return err
		}
		tm, err := smithytime.ParseDateTime(n.val)
		if err != nil {
			return &DecodeError{Path: path, Msg: fmt.Sprintf("%q is not an ISO 8601 timestamp", n.val)}
		}
		v.Set(reflect.ValueOf(tm))
		return nil
	case t.Kind() == reflect.Pointer:
		nv := reflect.New(t.Elem())
		if err := d.value(nv.Elem(), n, path); err != nil {
			return err
		}
		v.Set(nv)
		return nil
	case t.Kind() == reflect.Struct:
		return d.structValue(v, n, path)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		if err := d.leaf(n, path); err != nil {
			return err
		}
		b, err := base64.StdEncoding.DecodeString(n.val)
		if err != nil {
			return &DecodeError{Path: path, Msg: "not base64"}
		}
		v.SetBytes(b)
		return nil
	case t.Kind() == reflect.Slice:
		return d.list(v, n, path)
	case t.Kind() == reflect.Map:
		return d.mapValue(v, n, path)
	}
	if err := d.leaf(n, path); err != nil {
		return err
	}
	return scalar(v, n.val, path)
}

// leaf checks that n is a plain parameter.
func (d *decoder) leaf(n *node, path string) error {
	if len(n.kids) > 0 {
		return &DecodeError{Path: path, Msg: "expected a value, got nested parameters"}
	}
	return nil
}

func scalar(v reflect.Value, s, path string) error {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		switch s {
		case "true":
			v.SetBool(true)
		case "false":
			v.SetBool(false)
		default:
			return &DecodeError{Path: path, Msg: fmt.Sprintf("%q is not a boolean (true or false)", s)}
		}
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := strconv.ParseInt(s, 10, v.Type().Bits())
		if err != nil {
			return &DecodeError{Path: path, Msg: fmt.Sprintf("%q is not an integer of %d bits", s, v.Type().Bits())}
		}
		v.SetInt(i)
	case reflect.Float32, reflect.Float64:
		var f float64
		switch s {
		case "NaN":
			f = math.NaN()
		case "Infinity":
			f = math.Inf(1)
		case "-Infinity":
			f = math.Inf(-1)
		default:
			var err error
			if f, err = strconv.ParseFloat(s, v.Type().Bits()); err != nil {
				return &DecodeError{Path: path, Msg: fmt.Sprintf("%q is not a number", s)}
			}
		}
		v.SetFloat(f)
	default:
		return &DecodeError{Path: path, Msg: "unsupported type " + v.Type().String()}
	}
	return nil
}

// indexed returns the children of n.kids[wrapper] ordered by their 1-based index, which must
// run 1..N without gaps.
func (d *decoder) indexed(n *node, wrapper, path string) ([]*node, error) {
	for k := range n.kids {
		if k != wrapper {
			return nil, &DecodeError{Path: join(path, k), Msg: "expected " + wrapper + ".N"}
		}
	}
	w := n.kids[wrapper]
	if w == nil {
		return nil, nil
	}
	if w.set {
		return nil, &DecodeError{Path: join(path, wrapper), Msg: "expected " + wrapper + ".N"}
	}
	if len(w.kids) > d.limit {
		return nil, &DecodeError{Path: path, Msg: "too many entries"}
	}
	out := make([]*node, len(w.kids))
	for k, c := range w.kids {
		i, err := strconv.Atoi(k)
		if err != nil || i < 1 || i > len(w.kids) || strconv.Itoa(i) != k {
			return nil, &DecodeError{Path: join(join(path, wrapper), k),
				Msg: fmt.Sprintf("index must be 1..%d, without gaps", len(w.kids))}
		}
		out[i-1] = c
	}
	return out, nil
}

func (d *decoder) list(v reflect.Value, n *node, path string) error {
	if n.set && n.val != "" {
		return &DecodeError{Path: path, Msg: "a list is given as " + path + ".member.N"}
	}
	items, err := d.indexed(n, "member", path)
	if err != nil {
		return err
	}
	s := reflect.MakeSlice(v.Type(), len(items), len(items))
	for i, c := range items {
		if err := d.value(s.Index(i), c, join(path, "member."+strconv.Itoa(i+1))); err != nil {
			return err
		}
	}
	v.Set(s)
	return nil
}

func (d *decoder) mapValue(v reflect.Value, n *node, path string) error {
	if n.set && n.val != "" {
		return &DecodeError{Path: path, Msg: "a map is given as " + path + ".entry.N.key/value"}
	}
	entries, err := d.indexed(n, "entry", path)
	if err != nil {
		return err
	}
	t := v.Type()
	m := reflect.MakeMapWithSize(t, len(entries))
	for i, c := range entries {
		p := join(path, "entry."+strconv.Itoa(i+1))
		kn, vn := c.kids["key"], c.kids["value"]
		if kn == nil || len(c.kids) > 2 || (vn == nil && len(c.kids) > 1) {
			return &DecodeError{Path: p, Msg: "an entry has exactly .key and .value"}
		}
		k := reflect.New(t.Key()).Elem()
		if err := d.value(k, kn, p+".key"); err != nil {
			return err
		}
		val := reflect.New(t.Elem()).Elem()
		if vn != nil {
			if err := d.value(val, vn, p+".value"); err != nil {
				return err
			}
		}
		m.SetMapIndex(k, val)
	}
	v.Set(m)
	return nil
}

func sortedKeys(m map[string]*node) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
