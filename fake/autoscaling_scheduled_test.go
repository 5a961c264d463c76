package fake

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
)

// TestScheduledActionSetsBounds: a scheduled action sets the target's
// min/max at its time and the service is brought inside the new bounds
// (Application Auto Scaling User Guide, "Scheduled scaling");
// ScheduledScalingSuspended skips it.
func TestScheduledActionSetsBounds(t *testing.T) {
	e := scalingWorld(t, 2)
	registerTarget(t, e, 1, 10)
	x := e.AutoScaling()
	put := func(name, expr string, lo, hi int32) error {
		_, err := x.PutScheduledAction(bg, &applicationautoscaling.PutScheduledActionInput{ScheduledActionName: aws.String(name), ServiceNamespace: "ecs",
			ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/default/web"), Schedule: aws.String(expr),
			ScalableTargetAction: &aastypes.ScalableTargetAction{MinCapacity: aws.Int32(lo), MaxCapacity: aws.Int32(hi)}})
		return err
	}
	at := e.Now().Add(10 * time.Minute).UTC().Format("2006-01-02T15:04:05")
	if err := put("morning", "at("+at+")", 5, 10); err != nil {
		t.Fatal(err)
	}
	e.Advance(9 * time.Minute)
	if d := desiredOf(t, e); d != 2 {
		t.Fatalf("scaled before the action: %d", d)
	}
	e.Advance(2 * time.Minute)
	if d := desiredOf(t, e); d != 5 {
		t.Fatalf("desired %d after the scheduled min 5", d)
	}
	acts, _ := x.DescribeScalingActivities(bg, &applicationautoscaling.DescribeScalingActivitiesInput{ServiceNamespace: "ecs", ResourceId: aws.String("service/default/web")})
	if c := aws.ToString(acts.ScalingActivities[0].Cause); c != "scheduled action name morning was triggered" {
		t.Fatalf("cause %q", c)
	}
	// Suspended scheduled scaling: the evening action does not run.
	if _, err := x.RegisterScalableTarget(bg, &applicationautoscaling.RegisterScalableTargetInput{ServiceNamespace: "ecs", ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount,
		ResourceId: aws.String("service/default/web"), SuspendedState: &aastypes.SuspendedState{ScheduledScalingSuspended: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	if err := put("evening", "rate(5 minutes)", 1, 3); err != nil {
		t.Fatal(err)
	}
	e.Advance(6 * time.Minute)
	if d := desiredOf(t, e); d != 5 {
		t.Fatalf("suspended scheduled scaling ran: %d", d)
	}
	out, _ := x.DescribeScheduledActions(bg, &applicationautoscaling.DescribeScheduledActionsInput{ServiceNamespace: "ecs"})
	if len(out.ScheduledActions) != 2 || *out.ScheduledActions[1].Schedule != "rate(5 minutes)" {
		t.Fatalf("described %+v", out.ScheduledActions)
	}
	var ve *aastypes.ValidationException
	if err := put("bad", "cron(0 25 * * ? *)", 1, 2); !errors.As(err, &ve) {
		t.Fatalf("bad cron: %v", err)
	}
	if _, err := x.DeleteScheduledAction(bg, &applicationautoscaling.DeleteScheduledActionInput{ScheduledActionName: aws.String("nope"), ServiceNamespace: "ecs",
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/default/web")}); err == nil {
		t.Fatal("deleting an unknown action succeeded")
	}
}

// TestDeregisterDeletesEveryPolicyAndAlarm: deregistering a target with
// two target-tracking policies deletes both and their four alarms.
func TestDeregisterDeletesEveryPolicyAndAlarm(t *testing.T) {
	e := scalingWorld(t, 2)
	registerTarget(t, e, 1, 10)
	cpuTracking(t, e, 50, nil)
	_, err := e.AutoScaling().PutScalingPolicy(bg, &applicationautoscaling.PutScalingPolicyInput{PolicyName: aws.String("mem"), ServiceNamespace: "ecs",
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/default/web"), PolicyType: aastypes.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &aastypes.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(70),
			PredefinedMetricSpecification: &aastypes.PredefinedMetricSpecification{PredefinedMetricType: aastypes.MetricTypeECSServiceAverageMemoryUtilization}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.AutoScaling().DeregisterScalableTarget(bg, &applicationautoscaling.DeregisterScalableTargetInput{ServiceNamespace: "ecs",
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/default/web")}); err != nil {
		t.Fatal(err)
	}
	al, _ := e.CloudWatch().DescribeAlarms(bg, &cloudwatch.DescribeAlarmsInput{})
	if len(al.MetricAlarms) != 0 || len(e.aas.policies) != 0 {
		t.Fatalf("%d alarms and %d policies left", len(al.MetricAlarms), len(e.aas.policies))
	}
}
