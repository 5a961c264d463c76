package fake

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
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

// BenchmarkRollingDeployWithLoadBalancer is BenchmarkRollingDeploy (EC2,
// instances = tasks/5, minimumHealthyPercent 50, maximumPercent 200) for a
// service behind an ALB instance target group (bridge mode, dynamic host
// ports, health check defaults, deregistration delay 60 s): every task is
// registered, health checked, deregistered and drained. Target: CPU per
// task at 10,000 tasks at most 2x that at 100.
func BenchmarkRollingDeployWithLoadBalancer(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			var tg string
			benchRollout(b, n, 400, func() (*ECS, string, string) {
				e := newCluster(b, n/5, WithQuotas(benchQuotas))
				x := e.ELBv2()
				s := newALB(b, x, elbtypes.TargetTypeEnumInstance)
				tg = s.tg
				if _, err := x.ModifyTargetGroupAttributes(bg, &elbv2.ModifyTargetGroupAttributesInput{TargetGroupArn: aws.String(s.tg),
					Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String("60")}}}); err != nil {
					b.Fatal(err)
				}
				lbTD := func(image string) *ecs.RegisterTaskDefinitionInput {
					in := benchTD(image)
					in.ContainerDefinitions[0].PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(80)}}
					return in
				}
				td1 := register(b, e, lbTD("img:1"))
				td2 := register(b, e, lbTD("img:2"))
				if _, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td1), DesiredCount: aws.Int32(int32(n)),
					DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(50), MaximumPercent: aws.Int32(200)},
					LoadBalancers:           []types.LoadBalancer{{TargetGroupArn: aws.String(s.tg), ContainerName: aws.String("app"), ContainerPort: aws.Int32(80)}}}); err != nil {
					b.Fatal(err)
				}
				return e, td1, td2
			}, func(e *ECS) {
				if st := states(health(b, e.ELBv2(), tg)); st["healthy"] != n {
					b.Fatalf("after the rollout: %v", st)
				}
			})
		})
	}
}
