package fake

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// BenchmarkListAttributesPaging pages through every attribute of 500 and
// of 5,000 container instances (the default quota), 100 a page: each page
// costs one pass over the instances' counts plus the page itself, not a
// rebuild of the whole list (that took 62 ms a page, 43 s in all, at
// 5,000 instances). The pass makes the cost per attribute grow with the
// instances, within the quota: 437 / 1,515 ns per attribute, 53 ms for
// all 35,000 at 5,000 instances (2026-12-02, load ~3).
//
//	go test ./fake -run '^$' -bench BenchmarkListAttributesPaging -benchtime 3x -cpu 1
func BenchmarkListAttributesPaging(b *testing.B) {
	for _, n := range []int{500, 5_000} {
		b.Run(fmt.Sprintf("instances=%d", n), func(b *testing.B) {
			e := New()
			if _, err := e.CreateCluster(bg, &ecs.CreateClusterInput{}); err != nil {
				b.Fatal(err)
			}
			attrs := map[string]string{"rack": "r1", "tier": "web", "team": "core"}
			for range n {
				if _, err := e.AddInstance("default", InstanceSpec{Attributes: attrs}); err != nil {
					b.Fatal(err)
				}
			}
			listed, pages := 0, 0
			for b.Loop() {
				listed, pages = 0, 0
				in := &ecs.ListAttributesInput{TargetType: types.TargetTypeContainerInstance}
				for {
					out, err := e.ListAttributes(bg, in)
					if err != nil {
						b.Fatal(err)
					}
					listed += len(out.Attributes)
					pages++
					if out.NextToken == nil {
						break
					}
					in.NextToken = out.NextToken
				}
			}
			if listed < 3*n {
				b.Fatalf("listed %d attributes of %d instances, want at least %d", listed, n, 3*n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*pages), "ns/page")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*listed), "ns/attribute")
			b.ReportMetric(float64(listed), "attributes")
		})
	}
}
