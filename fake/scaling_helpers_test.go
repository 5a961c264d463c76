package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// scalingWorld is a cluster of 6 instances with service "web" of n tasks,
// running.
func scalingWorld(t *testing.T, n int32) *ECS {
	t.Helper()
	e := newCluster(t, 6)
	td := register(t, e, simpleTD("web", "nginx"))
	createSvc(t, e, "web", td, n, svcOpts{min: 100, max: 200})
	e.Advance(2 * time.Minute)
	if c := countSvcTasks(e, "web"); c.live != int(n) {
		t.Fatalf("web has %d live tasks, want %d", c.live, n)
	}
	return e
}

func registerTarget(t *testing.T, e *ECS, lo, hi int32) {
	t.Helper()
	_, err := e.AutoScaling().RegisterScalableTarget(bg, &applicationautoscaling.RegisterScalableTargetInput{
		ServiceNamespace: aastypes.ServiceNamespaceEcs, ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount,
		ResourceId: aws.String("service/default/web"), MinCapacity: aws.Int32(lo), MaxCapacity: aws.Int32(hi)})
	if err != nil {
		t.Fatal(err)
	}
}

func cpuTracking(t *testing.T, e *ECS, target float64, mod func(*aastypes.TargetTrackingScalingPolicyConfiguration)) *applicationautoscaling.PutScalingPolicyOutput {
	t.Helper()
	cfg := &aastypes.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(target),
		PredefinedMetricSpecification: &aastypes.PredefinedMetricSpecification{PredefinedMetricType: aastypes.MetricTypeECSServiceAverageCPUUtilization},
		ScaleOutCooldown:              aws.Int32(60), ScaleInCooldown: aws.Int32(120)}
	if mod != nil {
		mod(cfg)
	}
	out, err := e.AutoScaling().PutScalingPolicy(bg, &applicationautoscaling.PutScalingPolicyInput{
		PolicyName: aws.String("cpu"), ServiceNamespace: aastypes.ServiceNamespaceEcs, ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount,
		ResourceId: aws.String("service/default/web"), PolicyType: aastypes.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func desiredOf(t *testing.T, e *ECS) int {
	t.Helper()
	return int(svc(t, e, "web").DesiredCount)
}

func alarmByName(t *testing.T, e *ECS, name string) cwtypes.MetricAlarm {
	t.Helper()
	out, err := e.CloudWatch().DescribeAlarms(bg, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{name}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.MetricAlarms) != 1 {
		t.Fatalf("alarm %s: %d found", name, len(out.MetricAlarms))
	}
	return out.MetricAlarms[0]
}

func cpuAlarm(name string, threshold float64, n, m int32) *cloudwatch.PutMetricAlarmInput {
	return &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(name), Namespace: aws.String(NamespaceECS), MetricName: aws.String(MetricCPUUtilization),
		Dimensions: []cwtypes.Dimension{{Name: aws.String("ClusterName"), Value: aws.String("default")}, {Name: aws.String("ServiceName"), Value: aws.String("web")}},
		Statistic:  cwtypes.StatisticAverage, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(n), DatapointsToAlarm: aws.Int32(m),
		Threshold: aws.Float64(threshold), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold}
}

func updateDesired(name string, n int32) *ecs.UpdateServiceInput {
	return &ecs.UpdateServiceInput{Service: aws.String(name), DesiredCount: aws.Int32(n)}
}
