package fake

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// TestALBRequestCountPerTargetScales: behind a target group, the service's
// request rate divided among its tasks is AWS/ApplicationELB
// RequestCountPerTarget (dimension TargetGroup, Sum per minute; "CloudWatch
// metrics for your Application Load Balancer"), and an
// ALBRequestCountPerTarget target-tracking policy (ResourceLabel
// app/<lb>/<id>/targetgroup/<tg>/<id>) scales on it.
func TestALBRequestCountPerTargetScales(t *testing.T) {
	e := New(WithTiming(fastTiming))
	if _, err := e.CreateCluster(bg, nil); err != nil {
		t.Fatal(err)
	}
	s := newALB(t, e.ELBv2(), elbtypes.TargetTypeEnumIp)
	td := register(t, e, webFargateTD("web:1"))
	lbService(t, e, td, 2, s.tg, svcOpts{min: 100, max: 200})
	e.Advance(3 * time.Minute)
	if err := e.SetLoad("default", "web", Load{Requests: ConstantLoad(1000)}); err != nil { // 1000 requests a minute
		t.Fatal(err)
	}
	e.Advance(3 * time.Minute)
	now := e.Now().Truncate(time.Minute)
	tgDim := TargetGroupDimension(s.tg)
	if !strings.HasPrefix(tgDim, "targetgroup/web-tg/") {
		t.Fatalf("TargetGroup dimension %q", tgDim)
	}
	st, err := e.CloudWatch().GetMetricStatistics(bg, &cloudwatch.GetMetricStatisticsInput{Namespace: aws.String(NamespaceALB), MetricName: aws.String(MetricRequestsPerTgt),
		Dimensions: []cwtypes.Dimension{{Name: aws.String("TargetGroup"), Value: aws.String(tgDim)}},
		StartTime:  aws.Time(now.Add(-2 * time.Minute)), EndTime: aws.Time(now), Period: aws.Int32(60), Statistics: []cwtypes.Statistic{cwtypes.StatisticSum}})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Datapoints) != 2 || *st.Datapoints[0].Sum != 500 || st.Datapoints[0].Unit != cwtypes.StandardUnitCount {
		t.Fatalf("RequestCountPerTarget %+v, want Sum 500 (1000 / 2 targets)", st.Datapoints)
	}
	lbDim := "app/" + strings.SplitN(s.lb[strings.Index(s.lb, ":loadbalancer/app/")+len(":loadbalancer/app/"):], "/", 2)[0]
	lbID := s.lb[strings.LastIndex(s.lb, "/")+1:]
	label := lbDim + "/" + lbID + "/" + tgDim
	registerTarget(t, e, 1, 10)
	out, err := e.AutoScaling().PutScalingPolicy(bg, &applicationautoscaling.PutScalingPolicyInput{PolicyName: aws.String("requests"), ServiceNamespace: "ecs",
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/default/web"), PolicyType: aastypes.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &aastypes.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(200),
			PredefinedMetricSpecification: &aastypes.PredefinedMetricSpecification{PredefinedMetricType: aastypes.MetricTypeALBRequestCountPerTarget, ResourceLabel: aws.String(label)}}})
	if err != nil {
		t.Fatal(err)
	}
	high := alarmByName(t, e, *out.Alarms[0].AlarmName)
	if *high.Namespace != NamespaceALB || high.Statistic != cwtypes.StatisticSum || len(high.Dimensions) != 2 {
		t.Fatalf("high alarm %s %s %v", *high.Namespace, high.Statistic, high.Dimensions)
	}
	e.Advance(15 * time.Minute)
	if d := desiredOf(t, e); d != 5 {
		t.Fatalf("desired %d, want 5 (1000 requests / 200 per target)", d)
	}
}
