package plan

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// benchSnapshot is a rollout in the middle: half the tasks old and healthy,
// 30% new and healthy, 20% new and pending, over 3 AZs and tasks/5 instances.
func benchSnapshot(n int) Snapshot {
	s := rollout(svc(n, 50, 200), nil, nil)
	s.Tasks = make([]Task, 0, n)
	for i := range n {
		d, status, started := oldID, TaskRunning, t0.Add(-time.Hour)
		switch {
		case i >= n/2 && i < n*8/10:
			d = newID
		case i >= n*8/10:
			d, status, started = newID, TaskPending, time.Time{}
		}
		s.Tasks = append(s.Tasks, Task{
			ID: fmt.Sprintf("%032x", i), DeploymentID: d, LastStatus: status, DesiredStatus: TaskRunning,
			Health: types.HealthStatusUnknown, StartedAt: started, HealthyCounted: true,
			AZ: string(rune('a' + i%3)), ContainerInstance: fmt.Sprintf("i-%d", i%max(n/5, 1)),
		})
	}
	return s
}

// BenchmarkCompute measures one Compute over a service in mid-rollout.
func BenchmarkCompute(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			s := benchSnapshot(n)
			b.ReportAllocs()
			var p Plan
			for b.Loop() {
				p = Compute(s)
			}
			if len(p.Stops) == 0 {
				b.Fatal("the benchmark rollout stops nothing")
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/task")
		})
	}
}
