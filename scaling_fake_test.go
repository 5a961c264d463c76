package ecsdeploy_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

var cpuScaling = &ecsdeploy.Scaling{Min: 2, Max: 10, TargetTracking: []ecsdeploy.TargetTrackingPolicy{
	{Name: "cpu50", Metric: ecsdeploy.ScalingCPU, Target: 50, ScaleOutCooldown: 3 * time.Minute, ScaleInCooldown: 5 * time.Minute}}}

// quickTiming starts tasks in seconds, so that scaling tests converge in
// a few virtual minutes.
var quickTiming = fake.WithTiming(fake.Timing{Provisioning: 10 * time.Second, Deprovisioning: 10 * time.Second})

// TestDeployKeepsScaledDesiredCount (conformance: "a deploy while the
// scaler is active ends with the scaled count, not the deploy's"): the
// service scales out under load, a release is deployed, and the service
// ends the deploy with the scaled count; Status shows the target, the
// policy and the scale-out activity.
func TestDeployKeepsScaledDesiredCount(t *testing.T) {
	f := newFakeEnv(t, quickTiming)
	f.service("web", "nginx:1", 2, nil)
	res, err := f.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:2", Scaling: cpuScaling})
	if err != nil {
		t.Fatal(err)
	}
	if res.ScalingPolicies["cpu50"] == "" {
		t.Fatalf("policy ARNs %v", res.ScalingPolicies)
	}
	if err := f.e.SetLoad(f.cluster, "web", fake.Load{CPU: fake.ConstantLoad(300)}); err != nil {
		t.Fatal(err)
	}
	f.e.Advance(10 * time.Minute)
	st, err := f.d.Status(t.Context(), f.cluster, "web")
	if err != nil {
		t.Fatal(err)
	}
	if st.Service.DesiredCount != 6 || st.Scaling == nil || *st.Scaling.Target.MaxCapacity != 10 || len(st.Scaling.Policies) != 1 ||
		len(st.Scaling.Activities) == 0 || *st.Scaling.Activities[0].Description != "Setting desired count to 6." {
		t.Fatalf("scaled status: desired %d, scaling %+v", st.Service.DesiredCount, st.Scaling)
	}
	res, err = f.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:3", Scaling: cpuScaling})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Status.Service.DesiredCount; got != 6 || res.Status.Service.RunningCount != 6 {
		t.Fatalf("after the deploy desired %d running %d, want the scaled 6", got, res.Status.Service.RunningCount)
	}
}

// TestDeploySuspendsScalingAndRestores: WithSuspendScaling suspends
// dynamic scaling during the deploy and restores the previous state after
// it, also when the deploy's context is cancelled.
func TestDeploySuspendsScalingAndRestores(t *testing.T) {
	f := newFakeEnv(t)
	f.service("web", "nginx:1", 2, nil)
	if _, err := f.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:2", Scaling: cpuScaling}); err != nil {
		t.Fatal(err)
	}
	var during []string
	d := ecsdeploy.New(f.e, ecsdeploy.WithClock(f.e), ecsdeploy.WithEvents(func(ev ecsdeploy.Event) {
		if a, ok := ev.(*ecsdeploy.ActionEvent); ok {
			during = append(during, a.Message)
		}
	}))
	if _, err := d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:3"}, ecsdeploy.WithSuspendScaling()); err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(during, "\n")
	if !strings.Contains(joined, "dynamic scaling suspended for the deploy") || !strings.Contains(joined, "dynamic scaling restored") {
		t.Fatalf("actions: %s", joined)
	}
	st, _ := f.d.Status(t.Context(), f.cluster, "web")
	if ss := st.Scaling.Target.SuspendedState; aws.ToBool(ss.DynamicScalingInSuspended) || aws.ToBool(ss.DynamicScalingOutSuspended) {
		t.Fatalf("not restored: %+v", ss)
	}
	// Cancelled mid-deploy: still restored.
	ctx, cancel := context.WithCancel(t.Context())
	d2 := ecsdeploy.New(f.e, ecsdeploy.WithClock(f.e), ecsdeploy.WithEvents(func(ev ecsdeploy.Event) {
		if a, ok := ev.(*ecsdeploy.ActionEvent); ok && strings.Contains(a.Message, "updated service") {
			cancel()
		}
	}))
	if _, err := d2.Deploy(ctx, ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:4"}, ecsdeploy.WithSuspendScaling()); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled deploy: %v", err)
	}
	st, _ = f.d.Status(t.Context(), f.cluster, "web")
	if ss := st.Scaling.Target.SuspendedState; aws.ToBool(ss.DynamicScalingInSuspended) || aws.ToBool(ss.DynamicScalingOutSuspended) {
		t.Fatalf("not restored after cancel: %+v", ss)
	}
}

// TestDeployAlarmRollbackIsTypedError (conformance: alarm-triggered
// rollback): a release whose error alarm fires during the rollout fails
// with an *AlarmFailedError naming the alarm, and ECS rolls back.
func TestDeployAlarmRollbackIsTypedError(t *testing.T) {
	f := newFakeEnv(t)
	cw := f.e.CloudWatch()
	putAlarm(t, f.e)
	f.service("web", "nginx:1", 3, &types.DeploymentConfiguration{MinimumHealthyPercent: ptr(int32(100)), MaximumPercent: ptr(int32(134)),
		Alarms: &types.DeploymentAlarms{AlarmNames: []string{"web-5xx"}, Enable: true, Rollback: true}})
	d := ecsdeploy.New(f.e, ecsdeploy.WithClock(f.e), ecsdeploy.WithEvents(func(ev ecsdeploy.Event) {
		if a, ok := ev.(*ecsdeploy.ActionEvent); ok && strings.Contains(a.Message, "updated service") {
			// The release throws errors as soon as it rolls out.
			if _, err := cw.PutMetricData(context.Background(), &cloudwatch.PutMetricDataInput{Namespace: aws.String("App"),
				MetricData: []cwtypes.MetricDatum{{MetricName: aws.String("Errors"), Value: aws.Float64(40)}}}); err != nil {
				t.Error(err)
			}
		}
	}))
	_, err := d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:2"})
	var ae *ecsdeploy.AlarmFailedError
	if !errors.As(err, &ae) || ae.Alarm != "web-5xx" || !strings.Contains(ae.Reason, "alarm") {
		t.Fatalf("Deploy: %T %v", err, err)
	}
	var df *ecsdeploy.DeploymentFailedError
	if !errors.As(err, &df) || !df.RollbackStarted || df.RollbackBy != "alarm" || !strings.HasPrefix(df.Reason, "ECS deployment alarms: ") {
		t.Fatalf("not a DeploymentFailedError rolled back by the alarm: %+v", df)
	}
	if !strings.Contains(err.Error(), "deployment alarm web-5xx went to ALARM") {
		t.Fatalf("message %q", err)
	}
}

// TestScalingDeclarationIsValidated: bad declarations name the field.
func TestScalingDeclarationIsValidated(t *testing.T) {
	s := &ecsdeploy.Scaling{Min: 5, Max: 2, TargetTracking: []ecsdeploy.TargetTrackingPolicy{{Name: "a", Metric: ecsdeploy.ScalingRequestsPerTarget, Target: 0}, {Name: "a", Metric: "Bogus", Target: 1}}}
	err := s.Validate()
	for _, want := range []string{"Scaling.Max", "Scaling.TargetTracking[0].ResourceLabel", "Scaling.TargetTracking[0].Target", "Scaling.TargetTracking[1].Name", "Scaling.TargetTracking[1].Metric"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("missing %s in %v", want, err)
		}
	}
}
