package fake

import (
	"fmt"
	"runtime/metrics"
	"testing"
	"time"
)

// catchUpWorld builds a fake with three services of 100 tasks each (300
// in all) on 40 instances, settled. With a non-zero exitAfter every task's
// container exits that long after RUNNING, every time (no circuit
// breaker): the scheduler replaces them for ever, and ECS does not
// throttle tasks that reached RUNNING (Developer Guide, "Amazon ECS
// service throttle logic").
func catchUpWorld(b testing.TB, exitAfter time.Duration) *ECS {
	e := clusterT(b, 40)
	td := registerT(b, e, benchTD("app:crash"))
	if exitAfter > 0 {
		if err := e.InjectFault(Fault{Family: "bench", Action: FaultExit, ExitCode: 1, After: exitAfter}); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 3 {
		createSvc(b, e, fmt.Sprintf("svc%d", i), td, 100, svcOpts{min: 100, max: 200})
	}
	e.Advance(10 * time.Minute)
	return e
}

// BenchmarkCatchUp advances 24 virtual hours in one step over 300 tasks
// (issue #17 item 3; target: under 1 s with 300 crash-looping tasks):
// steady (no failures), crashing 10 minutes after RUNNING, and crashing
// 30 s after RUNNING. The cost follows the events that happen (events/op:
// simulation events and tasks created; tasks/op: task lives), not virtual
// time. gc-cpu-s is the runtime's estimate of the CPU the garbage
// collector spent meanwhile (part of cpu-s).
//
//	go test ./fake -run '^$' -bench BenchmarkCatchUp -benchtime 1x
func BenchmarkCatchUp(b *testing.B) {
	for _, sc := range []struct {
		name      string
		exitAfter time.Duration
	}{{"steady", 0}, {"crash-after-10m", 10 * time.Minute}, {"crash-after-30s", 30 * time.Second}} {
		b.Run(sc.name, func(b *testing.B) {
			var events, tasks uint64
			var elapsed, cpu time.Duration
			var gc float64
			for b.Loop() {
				b.StopTimer()
				e := catchUpWorld(b, sc.exitAfter)
				seq0, created0 := e.seq, e.created
				b.StartTimer()
				t0, c0, g0 := time.Now(), cpuTime(), gcCPUSeconds()
				e.Advance(24 * time.Hour)
				elapsed += time.Since(t0)
				cpu += cpuTime() - c0
				gc += gcCPUSeconds() - g0
				b.StopTimer()
				events += e.seq - seq0
				tasks += e.created - created0
				if n := len(e.Tasks("default")); n < 300 {
					b.Fatalf("%d tasks remembered, want at least the 300 of the services", n)
				}
				b.StartTimer()
			}
			b.ReportMetric(elapsed.Seconds()/float64(b.N), "s/24h")
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/24h")
			b.ReportMetric(gc/float64(b.N), "gc-cpu-s")
			b.ReportMetric(float64(events)/float64(b.N), "events/op")
			b.ReportMetric(float64(tasks)/float64(b.N), "tasks/op")
			if events > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(events), "cpu-ns/event")
			}
			if tasks > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(tasks), "cpu-ns/task")
			}
		})
	}
}

// gcCPUSeconds returns the runtime's estimate of the CPU time the garbage
// collector has used so far.
func gcCPUSeconds() float64 {
	s := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64 {
		return 0
	}
	return s[0].Value.Float64()
}
