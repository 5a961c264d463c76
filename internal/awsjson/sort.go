package awsjson

import (
	"reflect"
	"slices"
	"strings"
)

// sortStrings sorts string-kinded reflect values in place.
func sortStrings(vs []reflect.Value) {
	slices.SortFunc(vs, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
}
