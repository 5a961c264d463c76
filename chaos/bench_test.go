package chaos

import (
	"context"
	"testing"
)

// BenchmarkChaos runs the small scenario (10 services, 100 tasks, 16
// instances, 3 h of faults + 1 h quiet) and reports virtual hours
// simulated per wall second, invariant checks and faults per run.
func BenchmarkChaos(b *testing.B) {
	var checks, faults int
	var virtual float64
	for i := 0; b.Loop(); i++ {
		rep, err := Run(context.Background(), smallConfig(int64(i+1)))
		if err != nil {
			b.Fatal(err)
		}
		checks += rep.Checks
		faults += rep.FaultTotal()
		virtual += rep.VirtualTime.Hours()
	}
	b.ReportMetric(virtual/b.Elapsed().Seconds(), "virtual-h/s")
	b.ReportMetric(float64(checks)/float64(b.N), "checks/op")
	b.ReportMetric(float64(faults)/float64(b.N), "faults/op")
}
