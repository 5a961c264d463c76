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
// UpdateService to COMPLETED in virtual time per op. Target: cost per task
// at 10,000 tasks at most 2x that at 100. Figures: README.md, Benchmarks
// (go test ./fake -run '^$' -bench BenchmarkRollingDeploy -benchtime 3x
// -count 3 -cpu 1).
//
// The planner passes are the same at every size (8 per rollout), the task
// index lists cost about the same per change at any length (task_list.go) and
// the snapshot is kept from pass to pass (scheduler_snapshot.go: a pass
// rereads only the tasks that changed, or every task once a quarter of
// them did): what still grows with the task count is memory-bound (the
// planner's rows and the tasks it rereads are no longer in cache; the
// collector marks a 58 MB live heap), so the ratio moves with the
// machine's load.
func BenchmarkRollingDeploy(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			benchRollout(b, n, 200, func() (*ECS, string, string) {
				e := newCluster(b, n/5, WithQuotas(benchQuotas))
				td1 := register(b, e, benchTD("img:1"))
				td2 := register(b, e, benchTD("img:2"))
				createSvc(b, e, "web", td1, int32(n), svcOpts{min: 50, max: 200})
				return e, td1, td2
			}, nil)
		})
	}
}

// benchRollout is the measured part of the rolling-deploy benchmarks: each
// iteration builds a world with setup (service "web" of n tasks on td1,
// untimed), lets it get steady (at most 100 steps of 10 s, untimed), then
// times the update to td2 until it has rolled out (at most maxSteps steps
// of 5 s) and runs check on the result, untimed (nil: none). It reports
// ms/op, ns/task and cpu-ns/task: CPU time of the whole process (GC
// included), steadier than wall time on a shared, loaded machine.
func benchRollout(b *testing.B, n, maxSteps int, setup func() (e *ECS, td1, td2 string), check func(e *ECS)) {
	b.Helper()
	b.ReportAllocs()
	var elapsed, cpu time.Duration
	ops := 0
	for b.Loop() {
		b.StopTimer()
		e, td1, td2 := setup()
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
			if i > maxSteps {
				b.Fatal("rollout never completed")
			}
			e.Advance(5 * time.Second)
		}
		elapsed += time.Since(start)
		cpu += cpuTime() - cpuStart
		ops++
		if check != nil {
			b.StopTimer()
			check(e)
			b.StartTimer()
		}
	}
	b.ReportMetric(float64(elapsed.Milliseconds())/float64(ops), "ms/op")
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(ops*n), "ns/task")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(ops*n), "cpu-ns/task")
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
