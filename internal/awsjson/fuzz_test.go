package awsjson

import (
	"bytes"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// FuzzUnmarshal checks that no input panics the decoder, and that whatever decodes re-encodes to
// a document that decodes to the same encoding (Marshal∘Unmarshal is idempotent).
func FuzzUnmarshal(f *testing.F) {
	f.Add([]byte(`{"family":"web","containerDefinitions":[{"name":"web","image":"nginx","cpu":256,"essential":true,"dockerLabels":{"a":"b"}}]}`))
	f.Add([]byte(`{"cluster":"default","serviceName":"web","desiredCount":2,"deploymentConfiguration":{"maximumPercent":200,"minimumHealthyPercent":100,"deploymentCircuitBreaker":{"enable":true,"rollback":true}}}`))
	f.Add([]byte(`{"services":[{"createdAt":1466801808.595,"deployments":[]}]}`))
	f.Add([]byte(`{"x":{"nvidiaMps":{"memory":3}}}`))
	f.Add([]byte(`[[[[[[]]]]]]`))
	f.Add([]byte("{\"family\":\"\xff\"}"))
	targets := []func() any{
		func() any { return new(ecs.RegisterTaskDefinitionInput) },
		func() any { return new(ecs.CreateServiceInput) },
		func() any { return new(ecs.DescribeServicesOutput) },
		func() any { return new(struct{ X types.SharingStrategy }) },
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, target := range targets {
			for _, strict := range []bool{false, true} {
				v := target()
				if err := Unmarshal(data, v, UnmarshalOptions{DisallowUnknownFields: strict}); err != nil {
					continue
				}
				once, err := Marshal(v)
				if err != nil {
					t.Fatalf("Marshal after Unmarshal(%q): %v", data, err)
				}
				w := target()
				if err := Unmarshal(once, w, UnmarshalOptions{DisallowUnknownFields: strict}); err != nil {
					t.Fatalf("re-Unmarshal(%s): %v", once, err)
				}
				twice, err := Marshal(w)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(once, twice) {
					t.Fatalf("not idempotent:\n%s\n%s", once, twice)
				}
			}
		}
	})
}
