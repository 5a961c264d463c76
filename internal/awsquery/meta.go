package awsquery

import (
	"reflect"
	"sync"
	"time"

	"github.com/aws/smithy-go/middleware"
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

// typeCache holds *structInfo per reflect.Type. It is a pure cache of immutable, derived data.
var typeCache sync.Map

var (
	timeType     = reflect.TypeFor[time.Time]()
	metadataType = reflect.TypeFor[middleware.Metadata]()
)

// structInfoOf returns the (cached) metadata of struct type t. The wire name of a member is its
// Go field name unchanged (Query and XML member names are the model's, which the SDK keeps).
func structInfoOf(t reflect.Type) *structInfo {
	if v, ok := typeCache.Load(t); ok {
		return v.(*structInfo)
	}
	si := &structInfo{byName: map[string]int{}}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Type == metadataType || f.Name == "ErrorCodeOverride" {
			continue // noSmithyDocumentSerde, ResultMetadata; an exception's code travels as <Code>
		}
		si.byName[f.Name] = len(si.fields)
		si.fields = append(si.fields, fieldInfo{name: f.Name, index: i, typ: f.Type})
	}
	v, _ := typeCache.LoadOrStore(t, si)
	return v.(*structInfo)
}
