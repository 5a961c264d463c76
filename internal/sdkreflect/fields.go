package sdkreflect

import (
	"reflect"
	"sync"

	"github.com/aws/smithy-go/middleware"
)

// Field is one serialisable field of an SDK struct.
type Field struct {
	Name  string // the Go field name
	Index int
	Type  reflect.Type
}

var metadataType = reflect.TypeFor[middleware.Metadata]()

// Fields lists, in field order, the serialisable fields of struct type t:
// the exported ones except ResultMetadata (middleware.Metadata) and an
// exception's ErrorCodeOverride (its code travels in the protocol's own
// place). Unexported fields (noSmithyDocumentSerde) are skipped.
func Fields(t reflect.Type) []Field {
	var out []Field
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Type == metadataType || f.Name == "ErrorCodeOverride" {
			continue
		}
		out = append(out, Field{Name: f.Name, Index: i, Type: f.Type})
	}
	return out
}

// Cache holds metadata of type M per reflect.Type, built once by the
// function given to NewCache. It is a pure cache of immutable, derived
// data, safe for concurrent use.
type Cache[M any] struct {
	m     sync.Map
	build func(reflect.Type) *M
}

// NewCache returns an empty cache that builds missing entries with build.
func NewCache[M any](build func(reflect.Type) *M) *Cache[M] {
	return &Cache[M]{build: build}
}

// Of returns the metadata of t, building it on first use (concurrent first
// uses may build twice; one result wins).
func (c *Cache[M]) Of(t reflect.Type) *M {
	if v, ok := c.m.Load(t); ok {
		return v.(*M)
	}
	v, _ := c.m.LoadOrStore(t, c.build(t))
	return v.(*M)
}
