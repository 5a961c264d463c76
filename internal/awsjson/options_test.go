package awsjson

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ISO8601Timestamps takes RFC 3339 strings (AWS CLI v2's default output)
// besides epoch seconds; without it a string is refused, as the SDK does.
func TestISO8601TimestampsOption(t *testing.T) {
	doc := []byte(`{"registeredAt": "2026-12-01T15:24:37.772000+00:00", "deregisteredAt": 1796138677.772}`)
	var td types.TaskDefinition
	if err := Unmarshal(doc, &td, UnmarshalOptions{ISO8601Timestamps: true}); err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 12, 1, 15, 24, 37, 772000000, time.UTC)
	if !td.RegisteredAt.Equal(want) || !td.DeregisteredAt.Equal(want) {
		t.Fatalf("got %v and %v, want %v", td.RegisteredAt, td.DeregisteredAt, want)
	}
	err := Unmarshal(doc, &types.TaskDefinition{}, UnmarshalOptions{})
	var de *DecodeError
	if !errors.As(err, &de) || de.Path != "registeredAt" || de.Msg != "expected timestamp as epoch seconds, got string" {
		t.Fatalf("without the option: %v", err)
	}
}

// AllErrors reports every unknown or mistyped member, with its path;
// without it decoding stops at the first.
func TestAllErrorsOption(t *testing.T) {
	doc := []byte(`{"family": 1, "cpu": "256", "containerDefinitions": [{"name": "a", "memory": "x", "imagee": "y"}], "tags": [{"key": 5}]}`)
	var td ecs.RegisterTaskDefinitionInput
	err := Unmarshal(doc, &td, UnmarshalOptions{AllErrors: true, DisallowUnknownFields: true})
	many, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("%v (%T) is not a join", err, err)
	}
	var paths []string
	for _, e := range many.Unwrap() {
		switch e := e.(type) {
		case *DecodeError:
			paths = append(paths, e.Path)
		case *UnknownFieldError:
			paths = append(paths, e.Path+"?")
		}
	}
	if got := strings.Join(paths, ","); got != "containerDefinitions[0].imagee?,containerDefinitions[0].memory,family,tags[0].key" {
		t.Fatalf("paths %s", got)
	}
	if td.Cpu == nil || *td.Cpu != "256" || td.ContainerDefinitions[0].Name == nil {
		t.Fatalf("the good members were not decoded: %+v", td)
	}
	if err := Unmarshal(doc, &ecs.RegisterTaskDefinitionInput{}, UnmarshalOptions{DisallowUnknownFields: true}); err == nil || strings.Contains(err.Error(), "\n") {
		t.Fatalf("without AllErrors: %v", err)
	}
}

// Malformed JSON names its line and column.
func TestSyntaxErrorsHaveLineAndColumn(t *testing.T) {
	err := Unmarshal([]byte("{\n  \"family\": \"web\"\n  \"cpu\": \"256\"\n}"), &types.TaskDefinition{}, UnmarshalOptions{})
	var de *DecodeError
	if !errors.As(err, &de) || de.Line != 3 || de.Column != 3 || !strings.Contains(de.Msg, "line 3, column 3") {
		t.Fatalf("%v (line %d col %d)", err, de.Line, de.Column)
	}
}
