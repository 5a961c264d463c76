package fake

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// TestTargetTrackingCreatesDocumentedAlarms: a target-tracking policy
// creates TargetTracking-<resource id>-AlarmHigh-<uuid> (3 of 3 one-minute
// datapoints above the target) and -AlarmLow-<uuid> (15 of 15 below 90% of
// it) owned by the policy (Application Auto Scaling User Guide, "Target
// tracking scaling policies"); DisableScaleIn creates no low alarm; deleting
// the policy deletes them.
func TestTargetTrackingCreatesDocumentedAlarms(t *testing.T) {
	e := scalingWorld(t, 2)
	registerTarget(t, e, 1, 10)
	out := cpuTracking(t, e, 50, nil)
	if len(out.Alarms) != 2 {
		t.Fatalf("got %d alarms", len(out.Alarms))
	}
	re := regexp.MustCompile(`^TargetTracking-service/default/web-Alarm(High|Low)-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$`)
	high, low := alarmByName(t, e, *out.Alarms[0].AlarmName), alarmByName(t, e, *out.Alarms[1].AlarmName)
	for _, a := range []cwtypes.MetricAlarm{high, low} {
		if !re.MatchString(*a.AlarmName) || !strings.HasPrefix(*a.AlarmDescription, "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy arn:aws:autoscaling:") {
			t.Errorf("alarm %q %q", *a.AlarmName, *a.AlarmDescription)
		}
		if len(a.AlarmActions) != 1 || a.AlarmActions[0] != *out.PolicyARN {
			t.Errorf("alarm actions %v", a.AlarmActions)
		}
	}
	if *high.EvaluationPeriods != 3 || *high.Threshold != 50 || high.ComparisonOperator != cwtypes.ComparisonOperatorGreaterThanThreshold {
		t.Errorf("high alarm %d %v %s", *high.EvaluationPeriods, *high.Threshold, high.ComparisonOperator)
	}
	if *low.EvaluationPeriods != 15 || *low.Threshold != 45 || low.ComparisonOperator != cwtypes.ComparisonOperatorLessThanThreshold {
		t.Errorf("low alarm %d %v %s", *low.EvaluationPeriods, *low.Threshold, low.ComparisonOperator)
	}
	// Replacing the policy with DisableScaleIn keeps one (new) alarm.
	out2 := cpuTracking(t, e, 50, func(c *aastypes.TargetTrackingScalingPolicyConfiguration) { c.DisableScaleIn = aws.Bool(true) })
	if len(out2.Alarms) != 1 || *out2.PolicyARN != *out.PolicyARN {
		t.Fatalf("replaced policy: %d alarms, arn %s", len(out2.Alarms), *out2.PolicyARN)
	}
	all, _ := e.CloudWatch().DescribeAlarms(bg, &cloudwatch.DescribeAlarmsInput{})
	if len(all.MetricAlarms) != 1 {
		t.Fatalf("%d alarms after replacing the policy, want 1", len(all.MetricAlarms))
	}
	if _, err := e.AutoScaling().DeleteScalingPolicy(bg, &applicationautoscaling.DeleteScalingPolicyInput{PolicyName: aws.String("cpu"),
		ServiceNamespace: "ecs", ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/default/web")}); err != nil {
		t.Fatal(err)
	}
	all, _ = e.CloudWatch().DescribeAlarms(bg, &cloudwatch.DescribeAlarmsInput{})
	if len(all.MetricAlarms) != 0 {
		t.Fatalf("%d alarms left after DeleteScalingPolicy", len(all.MetricAlarms))
	}
}

// TestScaleOutUnderLoadConverges: under a CPU ramp from 100% to 400% of a
// task with a 50% target, the service scales out in proportion and
// settles at 8 tasks (400/50), never above the target's max; when the load
// drops, it scales in after the low alarm's 15 minutes and the cooldown.
func TestScaleOutUnderLoadConverges(t *testing.T) {
	e := scalingWorld(t, 2)
	registerTarget(t, e, 2, 12)
	cpuTracking(t, e, 50, nil)
	now := e.Now()
	if err := e.SetLoad("default", "web", Load{CPU: RampLoad(100, 400, now, 10*time.Minute)}); err != nil {
		t.Fatal(err)
	}
	prev := 2
	for range 40 {
		e.Advance(time.Minute)
		d := desiredOf(t, e)
		if d < prev || d > 12 {
			t.Fatalf("desired went %d -> %d during the ramp", prev, d)
		}
		prev = d
	}
	if prev != 8 {
		t.Fatalf("desired after the ramp = %d, want 8", prev)
	}
	if c := countSvcTasks(e, "web"); c.live != 8 {
		t.Fatalf("%d live tasks, want 8", c.live)
	}
	acts, err := e.AutoScaling().DescribeScalingActivities(bg, &applicationautoscaling.DescribeScalingActivitiesInput{ServiceNamespace: "ecs", ResourceId: aws.String("service/default/web")})
	if err != nil {
		t.Fatal(err)
	}
	if len(acts.ScalingActivities) == 0 {
		t.Fatal("no scaling activity")
	}
	a := acts.ScalingActivities[0]
	if *a.Description != "Setting desired count to 8." || a.StatusCode != aastypes.ScalingActivityStatusCodeSuccessful ||
		!regexp.MustCompile(`^monitor alarm TargetTracking-service/default/web-AlarmHigh-\S+ in state ALARM triggered policy cpu$`).MatchString(*a.Cause) ||
		*a.StatusMessage != "Successfully set desired count to 8. Change successfully fulfilled by ecs." {
		t.Fatalf("newest activity %q %q %s %q", *a.Description, *a.Cause, a.StatusCode, *a.StatusMessage)
	}
	// Load falls to 100%: scale in to 2 (100/50), not before 15 minutes.
	if err := e.SetLoad("default", "web", Load{CPU: ConstantLoad(100)}); err != nil {
		t.Fatal(err)
	}
	e.Advance(14 * time.Minute)
	if d := desiredOf(t, e); d != 8 {
		t.Fatalf("scaled in after 14 minutes: %d", d)
	}
	e.Advance(20 * time.Minute)
	if d := desiredOf(t, e); d != 2 {
		t.Fatalf("desired after the load fell = %d, want 2", d)
	}
}

// TestScalingStaysWithinMinMax and suspension: a target's max caps scale
// out; DynamicScalingOutSuspended stops it (Application Auto Scaling User
// Guide, "Suspend and resume scaling").
func TestScalingStaysWithinMinMax(t *testing.T) {
	e := scalingWorld(t, 2)
	registerTarget(t, e, 2, 5)
	cpuTracking(t, e, 50, nil)
	if err := e.SetLoad("default", "web", Load{CPU: ConstantLoad(1000)}); err != nil {
		t.Fatal(err)
	}
	e.Advance(10 * time.Minute)
	if d := desiredOf(t, e); d != 5 {
		t.Fatalf("desired %d, want max 5", d)
	}
	_, err := e.AutoScaling().RegisterScalableTarget(bg, &applicationautoscaling.RegisterScalableTargetInput{
		ServiceNamespace: "ecs", ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/default/web"),
		MaxCapacity: aws.Int32(20), SuspendedState: &aastypes.SuspendedState{DynamicScalingOutSuspended: aws.Bool(true)}})
	if err != nil {
		t.Fatal(err)
	}
	e.Advance(10 * time.Minute)
	if d := desiredOf(t, e); d != 5 {
		t.Fatalf("scaled out while suspended: %d", d)
	}
	// Lowering max below the current count brings it down at once.
	_, err = e.AutoScaling().RegisterScalableTarget(bg, &applicationautoscaling.RegisterScalableTargetInput{
		ServiceNamespace: "ecs", ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/default/web"),
		MaxCapacity: aws.Int32(3)})
	if err != nil {
		t.Fatal(err)
	}
	if d := desiredOf(t, e); d != 3 {
		t.Fatalf("desired %d after max=3", d)
	}
}

// TestStepScalingOnAlarm: a step policy runs when its alarm is in ALARM,
// with the step containing metric − threshold (User Guide, "Step scaling
// policies").
func TestStepScalingOnAlarm(t *testing.T) {
	e := scalingWorld(t, 2)
	registerTarget(t, e, 1, 10)
	out, err := e.AutoScaling().PutScalingPolicy(bg, &applicationautoscaling.PutScalingPolicyInput{
		PolicyName: aws.String("steps"), ServiceNamespace: "ecs", ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount,
		ResourceId: aws.String("service/default/web"), PolicyType: aastypes.PolicyTypeStepScaling,
		StepScalingPolicyConfiguration: &aastypes.StepScalingPolicyConfiguration{AdjustmentType: aastypes.AdjustmentTypeChangeInCapacity, Cooldown: aws.Int32(600),
			StepAdjustments: []aastypes.StepAdjustment{
				{MetricIntervalLowerBound: aws.Float64(0), MetricIntervalUpperBound: aws.Float64(20), ScalingAdjustment: aws.Int32(1)},
				{MetricIntervalLowerBound: aws.Float64(20), ScalingAdjustment: aws.Int32(3)}}}})
	if err != nil {
		t.Fatal(err)
	}
	in := cpuAlarm("cpu-high", 60, 2, 2)
	in.AlarmActions = []string{*out.PolicyARN}
	if _, err := e.CloudWatch().PutMetricAlarm(bg, in); err != nil {
		t.Fatal(err)
	}
	if err := e.SetLoad("default", "web", Load{CPU: ConstantLoad(180)}); err != nil { // 90% per task: 30 above
		t.Fatal(err)
	}
	e.Advance(4 * time.Minute)
	if d := desiredOf(t, e); d != 5 {
		t.Fatalf("desired %d, want 2+3", d)
	}
	// 180% over 5 tasks is 36% per task: the alarm returns to OK.
	e.Advance(3 * time.Minute)
	if a := alarmByName(t, e, "cpu-high"); a.StateValue != cwtypes.StateValueOk || !strings.Contains(*a.StateReason, "were not greater than the threshold (60.0) (minimum 1 datapoint for ALARM -> OK transition).") {
		t.Fatalf("alarm %s %q", a.StateValue, *a.StateReason)
	}
	// Cooldown 600 s from the scale-out: the alarm fires again (100% per
	// task, +3) but the service waits for the cooldown, then scales.
	if err := e.SetLoad("default", "web", Load{CPU: ConstantLoad(500)}); err != nil {
		t.Fatal(err)
	}
	e.Advance(3 * time.Minute)
	if a := alarmByName(t, e, "cpu-high"); a.StateValue != cwtypes.StateValueAlarm {
		t.Fatalf("alarm %s", a.StateValue)
	}
	if d := desiredOf(t, e); d != 5 {
		t.Fatalf("scaled during the cooldown: %d", d)
	}
	e.Advance(2 * time.Minute)
	if d := desiredOf(t, e); d != 8 {
		t.Fatalf("after the cooldown desired %d, want 5+3", d)
	}
}

// TestAutoScalingBadInput: each rule answers the service's own exception
// with its text and changes nothing.
func TestAutoScalingBadInput(t *testing.T) {
	e := scalingWorld(t, 2)
	x := e.AutoScaling()
	reg := func(mod func(*applicationautoscaling.RegisterScalableTargetInput)) error {
		in := &applicationautoscaling.RegisterScalableTargetInput{ServiceNamespace: "ecs", ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount,
			ResourceId: aws.String("service/default/web"), MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(3)}
		mod(in)
		_, err := x.RegisterScalableTarget(bg, in)
		return err
	}
	var ve *aastypes.ValidationException
	for _, c := range []struct {
		name string
		mod  func(*applicationautoscaling.RegisterScalableTargetInput)
		msg  string
	}{
		{"min above max", func(in *applicationautoscaling.RegisterScalableTargetInput) { in.MinCapacity = aws.Int32(5) }, "Minimum capacity cannot be greater than maximum capacity"},
		{"bad dimension", func(in *applicationautoscaling.RegisterScalableTargetInput) {
			in.ScalableDimension = "ecs:service:Count"
		}, "1 validation error detected: Value 'ecs:service:Count' at 'scalableDimension'"},
		{"bad resource id", func(in *applicationautoscaling.RegisterScalableTargetInput) { in.ResourceId = aws.String("web") }, "Unsupported service namespace, resource type or scalable dimension"},
		{"missing service", func(in *applicationautoscaling.RegisterScalableTargetInput) {
			in.ResourceId = aws.String("service/default/nope")
		}, "ECS service doesn't exist: service/default/nope"},
		{"new target without bounds", func(in *applicationautoscaling.RegisterScalableTargetInput) { in.MaxCapacity = nil }, "MinCapacity and MaxCapacity are required"},
	} {
		err := reg(c.mod)
		if !errors.As(err, &ve) || !strings.HasPrefix(*ve.Message, c.msg) {
			t.Errorf("%s: got %v", c.name, err)
		}
	}
	tg, _ := x.DescribeScalableTargets(bg, &applicationautoscaling.DescribeScalableTargetsInput{ServiceNamespace: "ecs"})
	if len(tg.ScalableTargets) != 0 {
		t.Fatal("bad input registered a target")
	}
	_, err := x.PutScalingPolicy(bg, &applicationautoscaling.PutScalingPolicyInput{PolicyName: aws.String("p"), ServiceNamespace: "ecs",
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/default/web"), PolicyType: aastypes.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &aastypes.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(50),
			PredefinedMetricSpecification: &aastypes.PredefinedMetricSpecification{PredefinedMetricType: aastypes.MetricTypeECSServiceAverageCPUUtilization}}})
	var nf *aastypes.ObjectNotFoundException
	if !errors.As(err, &nf) || *nf.Message != "No scalable target registered for service namespace: ecs, resource ID: service/default/web, scalable dimension: ecs:service:DesiredCount" {
		t.Fatalf("policy on unregistered target: %v", err)
	}
	registerTarget(t, e, 1, 3)
	_, err = x.PutScalingPolicy(bg, &applicationautoscaling.PutScalingPolicyInput{PolicyName: aws.String("p"), ServiceNamespace: "ecs",
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/default/web"), PolicyType: aastypes.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &aastypes.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(50),
			PredefinedMetricSpecification: &aastypes.PredefinedMetricSpecification{PredefinedMetricType: aastypes.MetricTypeALBRequestCountPerTarget}}})
	if !errors.As(err, &ve) || !strings.Contains(*ve.Message, "ResourceLabel") {
		t.Fatalf("ALB policy without ResourceLabel: %v", err)
	}
	_, err = x.DeregisterScalableTarget(bg, &applicationautoscaling.DeregisterScalableTargetInput{ServiceNamespace: "ecs",
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/default/other")})
	if !errors.As(err, &nf) {
		t.Fatalf("deregister unknown: %v", err)
	}
}

// TestCloudWatchAlarmBadInput: PutMetricAlarm's rules, CloudWatch's
// exception types.
func TestCloudWatchAlarmBadInput(t *testing.T) {
	e := New()
	cw := e.CloudWatch()
	in := cpuAlarm("a", 50, 3, 4) // DatapointsToAlarm > EvaluationPeriods
	_, err := cw.PutMetricAlarm(bg, in)
	var iv *cwtypes.InvalidParameterValueException
	if !errors.As(err, &iv) {
		t.Fatalf("M > N: %v", err)
	}
	in = cpuAlarm("a", 50, 3, 3)
	in.ComparisonOperator = "Bigger"
	if _, err := cw.PutMetricAlarm(bg, in); err == nil || !strings.Contains(err.Error(), "ValidationError") {
		t.Fatalf("bad comparison: %v", err)
	}
	in = cpuAlarm("a", 50, 3, 3)
	in.Statistic = ""
	var mr *cwtypes.MissingRequiredParameterException
	if _, err := cw.PutMetricAlarm(bg, in); !errors.As(err, &mr) {
		t.Fatalf("no statistic: %v", err)
	}
	out, _ := cw.DescribeAlarms(bg, nil)
	if len(out.MetricAlarms) != 0 {
		t.Fatal("a bad alarm was stored")
	}
	var nf *cwtypes.ResourceNotFound
	if _, err := cw.SetAlarmState(bg, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("x"), StateValue: "ALARM", StateReason: aws.String("r")}); !errors.As(err, &nf) {
		t.Fatalf("SetAlarmState unknown: %v", err)
	}
}

// TestAlarmOnMissingMetricIsInsufficientData: an alarm on a metric with no
// data stays INSUFFICIENT_DATA (treatMissingData missing); with
// "breaching" it goes to ALARM (CloudWatch User Guide).
func TestAlarmOnMissingMetricIsInsufficientData(t *testing.T) {
	e := New()
	cw := e.CloudWatch()
	in := cpuAlarm("none", 50, 2, 2)
	in.Dimensions[1].Value = aws.String("ghost")
	if _, err := cw.PutMetricAlarm(bg, in); err != nil {
		t.Fatal(err)
	}
	in2 := cpuAlarm("none-breaching", 50, 2, 2)
	in2.Dimensions[1].Value = aws.String("ghost")
	in2.TreatMissingData = aws.String("breaching")
	if _, err := cw.PutMetricAlarm(bg, in2); err != nil {
		t.Fatal(err)
	}
	e.Advance(5 * time.Minute)
	if a := alarmByName(t, e, "none"); a.StateValue != cwtypes.StateValueInsufficientData {
		t.Fatalf("state %s", a.StateValue)
	}
	if a := alarmByName(t, e, "none-breaching"); a.StateValue != cwtypes.StateValueAlarm {
		t.Fatalf("breaching state %s", a.StateValue)
	}
}
