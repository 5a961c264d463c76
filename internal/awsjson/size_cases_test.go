package awsjson

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/document"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// MarshalSize agrees with Marshal, at every limit, on what the size
// property does not draw: smithy documents, unknown union members (raw
// JSON appended in one piece), nil against empty at the top and inside a
// list, and a value that is nothing but a nil pointer.
func TestMarshalSizeAgreesOnRawPieces(t *testing.T) {
	hook := types.DeploymentLifecycleHook{
		HookTargetArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:h\u2028ook"),
		HookDetails:   document.NewLazyDocument(map[string]any{"timeout": 30, "steps": []any{"a", "\"b\"", nil}, "é": true}),
	}
	cases := map[string]any{
		"document":           &types.DeploymentConfiguration{LifecycleHooks: []types.DeploymentLifecycleHook{hook, hook}},
		"unknown union":      &struct{ X types.SharingStrategy }{X: &types.UnknownUnionMember{Tag: "fu\x01ture", Value: []byte(`{"a":[1,2,{"b":"\u00e9"}]}`)}},
		"nil pointer":        (*types.Service)(nil),
		"nil":                nil,
		"nil map":            map[string]string(nil),
		"empty map":          map[string]string{},
		"nil and empty list": [][]string{nil, {}, {""}},
		"maps in a list":     []map[string]*string{nil, {}, {"k": nil, "": aws.String("v")}},
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			data, err := Marshal(v)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			n := len(data)
			for limit := 1; limit <= n+1; limit++ {
				size, exact, err := MarshalSize(v, limit)
				switch {
				case err != nil:
					t.Fatalf("limit %d: %v", limit, err)
				case n <= limit && (size != n || !exact):
					t.Fatalf("limit %d: (%d, %v), want (%d, true) for %s", limit, size, exact, n, data)
				case n > limit && (size <= limit || size > n || exact):
					t.Fatalf("limit %d: (%d, %v), want a size in (%d, %d], not exact", limit, size, exact, limit, n)
				}
			}
		})
	}
}
