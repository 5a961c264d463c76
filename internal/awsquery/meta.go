package awsquery

import (
	"reflect"
	"time"

	"github.com/ecsdeploy/ecsdeploy/internal/sdkreflect"
)

// fieldInfo describes one serialisable struct field.
type fieldInfo struct {
	name  string // wire member name: the Go field name
	index int
	typ   reflect.Type
}

// structInfo is the cached serialisation metadata of one struct type.
type structInfo struct {
	fields []fieldInfo
	byName map[string]int // wire name -> index in fields
}

var typeCache = sdkreflect.NewCache(buildStructInfo)

var timeType = reflect.TypeFor[time.Time]()

// structInfoOf returns the (cached) metadata of struct type t.
func structInfoOf(t reflect.Type) *structInfo { return typeCache.Of(t) }

// buildStructInfo derives the metadata of struct type t. The wire name of a member is its Go
// field name unchanged (Query and XML member names are the model's, which the SDK keeps); an
// exception's code travels as <Code>, not as a member.
func buildStructInfo(t reflect.Type) *structInfo {
	si := &structInfo{byName: map[string]int{}}
	for _, f := range sdkreflect.Fields(t) {
		si.byName[f.Name] = len(si.fields)
		si.fields = append(si.fields, fieldInfo{name: f.Name, index: f.Index, typ: f.Type})
	}
	return si
}
