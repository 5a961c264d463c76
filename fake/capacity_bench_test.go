package fake

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// BenchmarkCapacityPlacement measures placement with a two-provider
// strategy (FARGATE base 1 weight 1, FARGATE_SPOT weight 3): one rolling
// deployment (minimumHealthyPercent 50, maximumPercent 200) from
// UpdateService to COMPLETED, every task placed by the split and every
// stop re-picked by provider, per op.
//
// Figures: see the report of issue #14 (go test -run XXX -bench
// CapacityPlacement -benchtime 3x ./fake/).
func BenchmarkCapacityPlacement(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var elapsed, cpu time.Duration
			ops := 0
			for b.Loop() {
				b.StopTimer()
				e := spotCluster(b, nil)
				td1 := register(b, e, fargateTD("bench", "img:1"))
				td2 := register(b, e, fargateTD("bench", "img:2"))
				createSpotSvc(b, e, "web", td1, int32(n), acceptStrategy, 50, 200)
				for i := 0; !rolledOut(e, "web", td1); i++ {
					if i > 100 {
						b.Fatal("service never got steady")
					}
					e.Advance(10 * time.Second)
				}
				b.StartTimer()
				start, cpuStart := time.Now(), cpuTime()
				update(b, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
				for i := 0; !rolledOut(e, "web", td2); i++ {
					if i > 200 {
						b.Fatal("rollout never completed")
					}
					e.Advance(5 * time.Second)
				}
				elapsed += time.Since(start)
				cpu += cpuTime() - cpuStart
				ops++
				b.StopTimer()
				if got := countByProvider(e, "web").running; got["FARGATE"]+got["FARGATE_SPOT"] != n {
					b.Fatalf("running %v, want %d", got, n)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(elapsed.Milliseconds())/float64(ops), "ms/op")
			b.ReportMetric(float64(elapsed.Nanoseconds())/float64(ops*n), "ns/task")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(ops*n), "cpu-ns/task")
		})
	}
}
