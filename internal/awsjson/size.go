package awsjson

import (
	"errors"
	"reflect"
)

// MarshalSize returns len(Marshal(v)) without keeping the JSON, when that
// is at most limit (exact is true). Past limit it stops and returns a size
// over limit, the bytes counted so far (exact is false), so that a huge v
// costs time and memory in proportion to limit, not to v: the JSON is
// counted in pieces of at most a few times limit, and a string longer than
// the room left is counted by its length without being read. A smithy
// document or an unknown union member is the exception: its JSON is
// produced and counted whole (a task definition holds no document, and
// an unknown union member only as its caller built it). The error is
// Marshal's (for a v Marshal cannot encode) and is only found in the part
// counted. limit must be positive.
func MarshalSize(v any, limit int) (size int, exact bool, err error) {
	if limit <= 0 {
		panic("awsjson: MarshalSize limit must be positive")
	}
	e := encoder{limit: limit}
	err = e.marshal(v)
	switch {
	case errors.Is(err, errOverLimit):
		return e.counted, false, nil
	case err != nil:
		return 0, false, err
	}
	e.spill()
	return e.counted, e.counted <= limit, nil
}

// errOverLimit stops a MarshalSize walk once past its limit.
var errOverLimit = errors.New("awsjson: over the size limit")

// spill, when counting, moves the bytes in buf to the count; past the
// limit it returns errOverLimit. When marshalling it does nothing.
func (e *encoder) spill() error {
	if e.limit == 0 {
		return nil
	}
	e.counted += len(e.buf)
	e.buf = e.buf[:0]
	if e.counted > e.limit {
		return errOverLimit
	}
	return nil
}

// skipStr, when counting, counts a string too long for the room left by
// its length plus quotes (no byte encodes to fewer than itself) and reports
// true: the count is past the limit without reading s.
func (e *encoder) skipStr(s string) bool {
	if e.limit == 0 || len(s)+2 <= e.limit-e.counted-len(e.buf) {
		return false
	}
	e.counted += len(s) + 2
	return true
}

// countedMapValue is mapValue when counting: entries in map order (the size
// does not depend on it), without the sorted copy of the keys.
func (e *encoder) countedMapValue(v reflect.Value, depth int) error {
	k := reflect.New(v.Type().Key()).Elem()
	val := reflect.New(v.Type().Elem()).Elem()
	e.buf = append(e.buf, '{')
	it := v.MapRange()
	for i := 0; it.Next(); i++ {
		k.SetIterKey(it)
		val.SetIterValue(it)
		if err := e.mapEntry(i, k, val, depth); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}
