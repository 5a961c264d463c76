package fake

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// benchTargets registers n ip targets (30 s interval) behind a listener and returns the fake.
func benchTargets(b *testing.B, n int, flapEvery int) (*ECS, lbSetup) {
	e := New()
	x := e.ELBv2()
	s := newALB(b, x, elbtypes.TargetTypeEnumIp)
	if flapEvery > 0 {
		// Every flapEvery-th target (port 8080) flaps: 5 minutes failing, 5 passing.
		if err := x.InjectHealthFault(TargetHealthFault{Port: 8080, Reason: "Target.Timeout", Flap: 5 * time.Minute}); err != nil {
			b.Fatal(err)
		}
	}
	for start := 0; start < n; start += maxTargetsPerCall {
		ts := make([]elbtypes.TargetDescription, 0, maxTargetsPerCall)
		for i := start; i < min(n, start+maxTargetsPerCall); i++ {
			d := elbtypes.TargetDescription{Id: aws.String(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))}
			if flapEvery > 0 && i%flapEvery == 0 {
				d.Port = aws.Int32(8080)
			}
			ts = append(ts, d)
		}
		if _, err := x.RegisterTargets(bg, &elbv2.RegisterTargetsInput{TargetGroupArn: aws.String(s.tg), Targets: ts}); err != nil {
			b.Fatal(err)
		}
	}
	return e, s
}

// BenchmarkTargetHealthHour: 10,000 registered targets, 30 s health check interval, one
// virtual hour advanced in 1-minute steps (a poller's view). Event-driven target health makes
// the cost follow state changes, not the 1.2 million checks. Target: < 1 s of wall time per
// virtual hour. The flapping variant has every 10th target alternating every 5 minutes.
func BenchmarkTargetHealthHour(b *testing.B) {
	for _, tc := range []struct {
		name      string
		flapEvery int
	}{{"steady", 0}, {"flap10pct", 10}} {
		b.Run(tc.name, func(b *testing.B) {
			const n = 10000
			var wall time.Duration
			for b.Loop() {
				b.StopTimer()
				e, s := benchTargets(b, n, tc.flapEvery)
				b.StartTimer()
				start := time.Now()
				for range 60 {
					e.Advance(time.Minute)
				}
				wall += time.Since(start)
				b.StopTimer()
				if st := states(health(b, e.ELBv2(), s.tg)); st["healthy"]+st["unhealthy"] != n {
					b.Fatalf("states %v", st)
				}
				b.StartTimer()
			}
			b.ReportMetric(wall.Seconds()/float64(b.N), "wall-s/virtual-hour")
			b.ReportMetric(n*120, "checks/virtual-hour")
		})
	}
}
