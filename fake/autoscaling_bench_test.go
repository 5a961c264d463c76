package fake

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// BenchmarkTargetTrackingDay: 100 services, each with a CPU target-tracking
// policy (200 alarms evaluated every minute), under a load that steps every
// two hours, for one virtual day. Target: < 2 s of wall time per day.
//
//	go test ./fake -run '^$' -bench TargetTrackingDay -benchtime 1x
func BenchmarkTargetTrackingDay(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		e := New(WithTiming(fastTiming))
		if _, err := e.CreateCluster(bg, &ecs.CreateClusterInput{}); err != nil {
			b.Fatal(err)
		}
		if _, err := e.RegisterTaskDefinition(bg, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"), NetworkMode: types.NetworkModeAwsvpc,
			RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate}, Cpu: aws.String("256"), Memory: aws.String("512"),
			ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("web:1")}}}); err != nil {
			b.Fatal(err)
		}
		start := e.Now()
		for i := range 100 {
			name := fmt.Sprintf("svc-%03d", i)
			if _, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String(name), TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(2),
				LaunchType: types.LaunchTypeFargate, NetworkConfiguration: netCfg}); err != nil {
				b.Fatal(err)
			}
			id := "service/default/" + name
			if _, err := e.AutoScaling().RegisterScalableTarget(bg, &applicationautoscaling.RegisterScalableTargetInput{ServiceNamespace: "ecs",
				ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(id), MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(20)}); err != nil {
				b.Fatal(err)
			}
			if _, err := e.AutoScaling().PutScalingPolicy(bg, &applicationautoscaling.PutScalingPolicyInput{PolicyName: aws.String("cpu"), ServiceNamespace: "ecs",
				ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(id), PolicyType: aastypes.PolicyTypeTargetTrackingScaling,
				TargetTrackingScalingPolicyConfiguration: &aastypes.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(50),
					PredefinedMetricSpecification: &aastypes.PredefinedMetricSpecification{PredefinedMetricType: aastypes.MetricTypeECSServiceAverageCPUUtilization}}}); err != nil {
				b.Fatal(err)
			}
			var steps []LoadStep
			for h := 2; h < 24; h += 2 {
				steps = append(steps, LoadStep{At: start.Add(time.Duration(h) * time.Hour), Value: float64(50 + (i*37+h*53)%600)})
			}
			if err := e.SetLoad("default", name, Load{CPU: StepLoad(100, steps...)}); err != nil {
				b.Fatal(err)
			}
		}
		evals0 := e.cw.evals
		b.StartTimer()
		e.Advance(24 * time.Hour)
		b.StopTimer()
		scaled := 0
		for _, t := range e.aas.targets {
			scaled += len(t.activities)
		}
		b.ReportMetric(float64(e.cw.evals-evals0), "alarm-evals/day")
		b.ReportMetric(float64(scaled), "scaling-activities/day")
		b.StartTimer()
	}
}

// BenchmarkAlarmEvaluation measures one alarm evaluation with 10 or 1000
// alarms in the world: the cost is flat in the number of alarms.
func BenchmarkAlarmEvaluation(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			e := New()
			for i := range n {
				in := cpuAlarm(fmt.Sprintf("a-%d", i), 50, 3, 3)
				if _, err := e.CloudWatch().PutMetricAlarm(bg, in); err != nil {
					b.Fatal(err)
				}
			}
			a := e.cw.alarms["a-0"]
			now := e.Now()
			e.mu.Lock()
			defer e.mu.Unlock()
			for b.Loop() {
				e.evaluateAlarmLocked(a, now)
			}
		})
	}
}
