package ecsdeploytest

import (
	"testing"
	"time"

	"github.com/ecsdeploy/ecsdeploy"
)

// Bench measures rolling deployments through the Deployer: it creates a
// service with desired tasks, then each iteration deploys the other of
// Image/OtherImage and waits for COMPLETED. Besides ns/op it reports
//
//   - µs/op: wall-clock microseconds per Deploy;
//   - calls/deploy: API calls per Deploy (needs Backend.Calls);
//   - detect-s: mean seconds, on the backend clock, between the deployment's
//     updatedAt as last seen (when it turned COMPLETED) and Deploy returning;
//   - virtual-s/deploy: mean backend-clock seconds per Deploy.
func Bench(b *testing.B, backend Backend, desired int32) {
	s := &suite{b: backend.withDefaults()}
	svc := s.name(b, "bench")
	s.newService(b, svc, desired, breakerWithRollback)
	d := s.deployer()
	images := []string{s.b.OtherImage, s.b.Image}
	before := s.calls()
	var detect, virtual time.Duration
	i := 0
	for ; b.Loop(); i++ {
		start := s.b.Clock.Now()
		res, err := d.Deploy(s.ctx(b), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, Image: images[i%2]})
		if err != nil {
			b.Fatalf("Deploy %d: %v", i, err)
		}
		end := s.b.Clock.Now()
		virtual += end.Sub(start)
		if dep := res.Status.Deployment; dep != nil && dep.UpdatedAt != nil {
			detect += end.Sub(*dep.UpdatedAt)
		}
	}
	b.StopTimer()
	n := float64(max(i, 1))
	b.ReportMetric(float64(b.Elapsed().Microseconds())/n, "µs/op")
	if before != nil {
		total := 0
		for _, v := range s.calls() {
			total += v
		}
		for _, v := range before {
			total -= v
		}
		b.ReportMetric(float64(total)/n, "calls/deploy")
	}
	b.ReportMetric(detect.Seconds()/n, "detect-s")
	b.ReportMetric(virtual.Seconds()/n, "virtual-s/deploy")
}
