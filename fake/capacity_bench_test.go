package fake

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
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
			benchRollout(b, n, 200, func() (*ECS, string, string) {
				e := spotCluster(b, nil, WithQuotas(benchQuotas))
				td1 := register(b, e, fargateTD("bench", "img:1"))
				td2 := register(b, e, fargateTD("bench", "img:2"))
				createSpotSvc(b, e, "web", td1, int32(n), acceptStrategy, 50, 200)
				return e, td1, td2
			}, func(e *ECS) {
				if got := countByProvider(e, "web").running; got["FARGATE"]+got["FARGATE_SPOT"] != n {
					b.Fatalf("running %v, want %d", got, n)
				}
			})
		})
	}
}

// BenchmarkManagedScalingDay measures managed scaling of a 200-instance
// Auto Scaling group over a virtual day: a service of 1024-CPU tasks
// (two per instance) alternates every hour between 400 tasks (the whole
// group, scaled out) and 40 (idle instances terminated after the 15-minute
// window). Target: under 1 s of wall time per virtual day.
func BenchmarkManagedScalingDay(b *testing.B) {
	b.ReportAllocs()
	var wall time.Duration
	days := 0
	for b.Loop() {
		b.StopTimer()
		e := New(WithTiming(fastTiming))
		if _, err := e.CreateCluster(bg, &ecs.CreateClusterInput{}); err != nil {
			b.Fatal(err)
		}
		arn, err := e.DeclareAutoScalingGroup(AutoScalingGroupSpec{Name: "asg", MaxSize: 200, Instance: InstanceSpec{CPU: 2048, Memory: 8192}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.CreateCapacityProvider(bg, &ecs.CreateCapacityProviderInput{Name: aws.String("cp"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{
			AutoScalingGroupArn: aws.String(arn), ManagedScaling: &types.ManagedScaling{Status: types.ManagedScalingStatusEnabled}}}); err != nil {
			b.Fatal(err)
		}
		if _, err := e.PutClusterCapacityProviders(bg, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("default"), CapacityProviders: []string{"cp"},
			DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{cpItem("cp", 0, 1)}}); err != nil {
			b.Fatal(err)
		}
		td := register(b, e, bigTD("web"))
		if _, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(40)}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		for h := range 24 {
			desired := int32(40)
			if h%2 == 0 {
				desired = 400
			}
			update(b, e, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(desired)})
			e.Advance(time.Hour)
			if h == 0 {
				if active, _, _ := e.GroupInstances("asg"); len(active) != 200 || svc(b, e, "web").RunningCount != 400 {
					b.Fatalf("after scaling out: %d instances, %d running, want 200 and 400", len(active), svc(b, e, "web").RunningCount)
				}
			}
		}
		wall += time.Since(start)
		days++
		b.StopTimer()
		// Spread placement leaves the 40 tasks on up to 40 instances: only
		// the idle ones were terminated.
		if active, _, _ := e.GroupInstances("asg"); len(active) < 20 || len(active) > 40 {
			b.Fatalf("after the day: %d instances, want 20-40 (40 tasks, idle ones terminated)", len(active))
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(wall.Milliseconds())/float64(days), "ms/virtual-day")
}
