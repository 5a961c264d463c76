package sdkreflect

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/aws/smithy-go/middleware"
)

type PingInput struct{ Name *string }
type PingOutput struct{ Count int32 }
type BadInput struct{}
type Opts struct{}

type svc struct{}

func (svc) Ping(context.Context, *PingInput, ...func(*Opts)) (*PingOutput, error) { return nil, nil }

// Bad takes its input by value, so it is not an operation.
func (svc) Bad(context.Context, BadInput) (*PingOutput, error) { return nil, nil }

// Other returns no error, so it is not an operation.
func (svc) Other(context.Context, *PingInput) *PingOutput { return nil }

func TestOperationsKeepOnlySDKClientShapedMethods(t *testing.T) {
	if got := OperationNames(svc{}); !slices.Equal(got, []string{"Ping"}) {
		t.Fatalf("OperationNames = %v, want [Ping]", got)
	}
	op := Operations(svc{})["Ping"]
	if op.Name != "Ping" || op.In != reflect.TypeFor[PingInput]() {
		t.Fatalf("Ping = %+v", op)
	}
	if n := len(Operations(nil)); n != 0 {
		t.Fatalf("Operations(nil) has %d", n)
	}
}

type shape struct {
	A                 *string
	hidden            int
	ErrorCodeOverride *string
	B                 []int
	ResultMetadata    middleware.Metadata
}

func TestFieldsSkipUnexportedMetadataAndErrorCodeOverride(t *testing.T) {
	got := Fields(reflect.TypeFor[shape]())
	if len(got) != 2 || got[0].Name != "A" || got[0].Index != 0 || got[1].Name != "B" || got[1].Index != 3 {
		t.Fatalf("Fields = %+v, want A(0) and B(3)", got)
	}
	_ = shape{}.hidden
}

func TestCacheBuildsOncePerType(t *testing.T) {
	builds := 0
	c := NewCache(func(t reflect.Type) *string { builds++; s := t.Name(); return &s })
	a, b := c.Of(reflect.TypeFor[shape]()), c.Of(reflect.TypeFor[shape]())
	if a != b || *a != "shape" || builds != 1 {
		t.Fatalf("Of twice: %p %p %q, %d builds; want the same entry built once", a, b, *a, builds)
	}
}
