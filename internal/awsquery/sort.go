package awsquery

import (
	"reflect"
	"slices"
	"strings"
)

// sortedMapKeys returns the keys of a string-keyed map in order, so output is deterministic.
func sortedMapKeys(m reflect.Value) []reflect.Value {
	ks := m.MapKeys()
	slices.SortFunc(ks, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	return ks
}
