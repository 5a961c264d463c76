package fake

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// benchTD is a small EC2 task (128 CPU units, 256 MiB): 16 fit on a
// default-sized bench instance, so tasks/5 instances hold a 200% rollout.
func benchTD(image string) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{Family: aws.String("bench"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String(image), Memory: aws.Int32(256), Cpu: 128}}}
}

// rolledOut reports (without an API call) whether service name has a single
// COMPLETED deployment on td.
func rolledOut(e *ECS, name, td string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.services[serviceKey{e.clusters["default"], name}]
	if s == nil {
		return false
	}
	live := 0
	for _, d := range s.deployments {
		if d.status != "INACTIVE" {
			live++
		}
	}
	p := s.primary()
	return live == 1 && p.td.arn == td && p.rolloutState == types.DeploymentRolloutStateCompleted
}

// BenchmarkRollingDeploy measures one full rolling deployment (EC2,
// instances = tasks/5, minimumHealthyPercent 50, maximumPercent 200) from
// UpdateService to COMPLETED in virtual time per op.
//
// Figures (go test -run XXX -bench RollingDeploy -benchtime 5x ./fake/,
// 2 shared cores, load 7-10 from other work, so wall times are noisy;
// cpu-ns/task is the process CPU time and steadier):
//
//	tasks=100     2.2-2.6 ms/op   23-28 µs/task   23-28 µs cpu/task    5016 allocs/op
//	tasks=1000    22-26 ms/op     22-26 µs/task   22-25 µs cpu/task   45387 allocs/op
//	tasks=10000   226-319 ms/op   23-32 µs/task   22-26 µs cpu/task  447325 allocs/op
//
// ns/task at 10,000 tasks is 1.0-1.2x that at 100 (target: at most 2x).
// Under heavier load (15+) wall ns/task at 10,000 reached 3-4x while CPU
// time per task stayed within 1.5x.
func BenchmarkRollingDeploy(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var elapsed, cpu time.Duration
			ops := 0
			for b.Loop() {
				b.StopTimer()
				e := newCluster(b, n/5, WithQuotas(benchQuotas))
				td1 := register(b, e, benchTD("img:1"))
				td2 := register(b, e, benchTD("img:2"))
				createSvc(b, e, "web", td1, int32(n), svcOpts{min: 50, max: 200})
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
			}
			b.ReportMetric(float64(elapsed.Milliseconds())/float64(ops), "ms/op")
			b.ReportMetric(float64(elapsed.Nanoseconds())/float64(ops*n), "ns/task")
			// CPU time of the whole process (GC included): steadier than
			// wall time on a shared, loaded machine.
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(ops*n), "cpu-ns/task")
		})
	}
}

// cpuTime is the user+system CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchQuotas lifts the tasks-per-service quota (5,000 by default, an
// adjustable quota in ECS too) for the 10,000-task benchmarks.
var benchQuotas = Quotas{TasksPerService: -1}
