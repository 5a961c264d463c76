package fake

import (
	"fmt"
	"testing"
	"time"
)

// crashLoop builds a fake with services of 300 tasks in all whose
// containers exit 30 s after reaching RUNNING, every time (no circuit
// breaker): the service scheduler replaces them for ever.
func crashLoop(b *testing.B, services int) *ECS {
	e := clusterT(b, 40)
	td := registerT(b, e, benchTD("app:crash"))
	if err := e.InjectFault(Fault{Family: "bench", Action: FaultExit, ExitCode: 1, After: 30 * time.Second}); err != nil {
		b.Fatal(err)
	}
	for i := range services {
		createSvc(b, e, fmt.Sprintf("crash%d", i), td, int32(300/services), svcOpts{min: 100, max: 200})
	}
	e.Advance(10 * time.Minute)
	return e
}

// catchUpSpan is the virtual time BenchmarkCatchUp advances in one step.
var catchUpSpan = 24 * time.Hour

// BenchmarkCatchUp advances 24 virtual hours in one step over 300
// crash-looping tasks (issue #17 item 3: catch-up cost follows the events
// that happen, not the ticks of virtual time; target < 1 s per op).
// events/op counts the simulation events run.
//
//	go test ./fake -run '^$' -bench BenchmarkCatchUp -benchtime 3x
func BenchmarkCatchUp(b *testing.B) {
	var events uint64
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		e := crashLoop(b, 3)
		seq0 := e.seq
		b.StartTimer()
		t0 := time.Now()
		e.Advance(catchUpSpan)
		elapsed += time.Since(t0)
		b.StopTimer()
		events += e.seq - seq0
		if n := len(e.Tasks("default")); n < 300 {
			b.Fatalf("%d tasks remembered, want the crash loop going", n)
		}
		b.StartTimer()
	}
	b.ReportMetric(elapsed.Seconds()/float64(b.N), "s/24h")
	b.ReportMetric(float64(events)/float64(b.N), "events/op")
}
