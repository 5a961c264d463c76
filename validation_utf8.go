package ecsdeploy

import (
	"fmt"
	"reflect"
	"sort"
	"unicode"
	"unicode/utf8"
)

// validateUTF8 reports every string in v (a request struct) that is not
// valid UTF-8. ECS requests travel as JSON, which carries only UTF-8 text:
// the SDK would replace such bytes with U+FFFD, so the definition ECS
// stored would differ from the one validated. Paths use the wire (JSON)
// member names, like the other rules. Paths are built only when a bad
// string exists.
func validateUTF8(p *problems, path string, v reflect.Value) {
	if validUTF8(v) {
		return
	}
	reportUTF8(p, path, v)
}

// validUTF8 reports whether every string (and map key) in v is UTF-8.
func validUTF8(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return utf8.ValidString(v.String())
	case reflect.Pointer, reflect.Interface:
		return v.IsNil() || validUTF8(v.Elem())
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if !validUTF8(v.Index(i)) {
				return false
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if !validUTF8(it.Key()) || !validUTF8(it.Value()) {
				return false
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if t.Field(i).IsExported() && !validUTF8(v.Field(i)) {
				return false
			}
		}
	}
	return true
}

// reportUTF8 adds a problem for every string in v that is not UTF-8.
func reportUTF8(p *problems, path string, v reflect.Value) {
	if p.full() {
		p.more += countBadUTF8(v) // counted, without building paths
		return
	}
	switch v.Kind() {
	case reflect.String:
		if !utf8.ValidString(v.String()) {
			p.add(path, "must be valid UTF-8 text")
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			reportUTF8(p, path, v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			reportUTF8(p, fmt.Sprintf("%s[%d]", path, i), v.Index(i))
		}
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			if k.Kind() == reflect.String && !utf8.ValidString(k.String()) {
				p.add(path, "keys must be valid UTF-8 text")
				continue
			}
			reportUTF8(p, fmt.Sprintf("%s.%s", path, k.String()), v.MapIndex(k))
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			reportUTF8(p, joinPath(path, wireName(f.Name)), v.Field(i))
		}
	}
}

// countBadUTF8 counts the strings and map keys in v that are not UTF-8.
func countBadUTF8(v reflect.Value) int {
	n := 0
	switch v.Kind() {
	case reflect.String:
		if !utf8.ValidString(v.String()) {
			n++
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			n += countBadUTF8(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			n += countBadUTF8(v.Index(i))
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if it.Key().Kind() == reflect.String && !utf8.ValidString(it.Key().String()) {
				n++
				continue
			}
			n += countBadUTF8(it.Value())
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				n += countBadUTF8(v.Field(i))
			}
		}
	}
	return n
}

// wireName is the JSON member name of an SDK field: its Go name with the
// first letter lower-cased.
func wireName(goName string) string {
	r, n := utf8.DecodeRuneInString(goName)
	return string(unicode.ToLower(r)) + goName[n:]
}

func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}
