package ecsdeploytest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
)

// CloudWatchAPI is the part of *cloudwatch.Client the scaling scenarios
// call (the fake's *fake.CloudWatch satisfies it too).
type CloudWatchAPI interface {
	PutMetricAlarm(ctx context.Context, in *cloudwatch.PutMetricAlarmInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricAlarmOutput, error)
	PutMetricData(ctx context.Context, in *cloudwatch.PutMetricDataInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricDataOutput, error)
	DeleteAlarms(ctx context.Context, in *cloudwatch.DeleteAlarmsInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.DeleteAlarmsOutput, error)
}

// scalingReady skips the test unless the backend has the scaling hooks.
func (s *suite) scalingReady(t *testing.T) {
	if s.b.Scaling == nil || s.b.SetCPULoad == nil {
		t.Skip("backend has no Scaling or SetCPULoad")
	}
}

// scalingDeployer is the suite's deployer with the backend's scaling.
func (s *suite) scalingDeployer(opts ...ecsdeploy.Option) ecsdeploy.Deployer {
	return s.deployer(append([]ecsdeploy.Option{ecsdeploy.WithScaling(s.b.Scaling)}, opts...)...)
}

// scaleOutConverges: under a CPU load of three tasks' worth and a 50 %
// CPU target, a 2-task service scales out to 6 tasks, never above the
// target's max (8), and a deploy while the scaler is active ends with the
// scaled count, not the deploy's.
func (s *suite) scaleOutConverges(t *testing.T) {
	s.scalingReady(t)
	svc := s.name(t, "scaling")
	s.newService(t, svc, 2, noBreaker)
	sc := &ecsdeploy.Scaling{Min: 2, Max: 8, TargetTracking: []ecsdeploy.TargetTrackingPolicy{
		{Name: "cpu50", Metric: ecsdeploy.ScalingCPU, Target: 50, ScaleOutCooldown: 3 * time.Minute}}}
	d := s.scalingDeployer()
	if _, err := d.Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, Image: s.b.OtherImage, Scaling: sc}); err != nil {
		t.Fatalf("Deploy with Scaling: %v", err)
	}
	s.b.SetCPULoad(t, svc, 300)
	var st *ecsdeploy.Status
	for i := 0; i < 40; i++ {
		if err := s.b.Clock.Sleep(s.ctx(t), 30*time.Second); err != nil {
			t.Fatal(err)
		}
		var err error
		if st, err = d.Status(s.ctx(t), s.b.Cluster, svc); err != nil {
			t.Fatal(err)
		}
		if st.Service.DesiredCount > 8 {
			t.Fatalf("desired %d above the scalable target's max 8", st.Service.DesiredCount)
		}
		if st.Service.DesiredCount == 6 && st.Service.RunningCount == 6 {
			break
		}
	}
	if st.Service.DesiredCount != 6 || st.Service.RunningCount != 6 {
		t.Fatalf("after 20 minutes: desired %d running %d, want 6 (300%% / 50%%)", st.Service.DesiredCount, st.Service.RunningCount)
	}
	if st.Scaling == nil || len(st.Scaling.Activities) == 0 || !strings.HasPrefix(*st.Scaling.Activities[0].Description, "Setting desired count to ") {
		t.Fatalf("Status.Scaling: %+v", st.Scaling)
	}
	res, err := d.Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, Image: s.b.Image, Scaling: sc})
	if err != nil {
		t.Fatalf("Deploy while scaled: %v", err)
	}
	// The scaler may still move the count during the rollout (tasks come
	// and go); the deploy itself must not set it back to the created 2.
	if d := res.Status.Service.DesiredCount; d < 6 || d > 8 {
		t.Fatalf("after the deploy desired %d, want the scaled count (6..8), not the created 2", d)
	}
}

// alarmRollback: a release whose error alarm (a deployment alarm with
// rollback) fires during the rollout fails with *AlarmFailedError naming
// the alarm, and ECS rolls the service back.
func (s *suite) alarmRollback(t *testing.T) {
	if s.b.CloudWatch == nil {
		t.Skip("backend has no CloudWatch")
	}
	svc := s.name(t, "alarmed")
	alarm := svc + "-errors"
	ns := "ecsdeploytest/" + svc
	cw := s.b.CloudWatch
	if _, err := cw.PutMetricAlarm(s.ctx(t), &cloudwatch.PutMetricAlarmInput{AlarmName: ptr(alarm), Namespace: ptr(ns), MetricName: ptr("Errors"),
		Statistic: cwtypes.StatisticSum, Period: ptr(int32(60)), EvaluationPeriods: ptr(int32(1)), Threshold: ptr(5.0),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold, TreatMissingData: ptr("notBreaching")}); err != nil {
		t.Fatalf("PutMetricAlarm: %v", err)
	}
	t.Cleanup(func() {
		_, _ = cw.DeleteAlarms(context.WithoutCancel(s.ctx(t)), &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{alarm}})
	})
	td := s.register(t, s.taskDef(svc, s.b.Image, nil))
	in := &ecs.CreateServiceInput{Cluster: ptr(s.b.Cluster), ServiceName: ptr(svc), TaskDefinition: ptr(td), DesiredCount: ptr(int32(3)), LaunchType: s.b.LaunchType,
		DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: ptr(int32(100)), MaximumPercent: ptr(int32(134)),
			Alarms: &types.DeploymentAlarms{AlarmNames: []string{alarm}, Enable: true, Rollback: true}}}
	if s.fargate() {
		in.NetworkConfiguration = s.b.NetworkConfiguration
	}
	t.Cleanup(func() { s.cleanupService(t, svc) })
	if _, err := s.deployer().CreateService(s.ctx(t), in); err != nil {
		t.Fatalf("CreateService: %v", err)
	}
	published := false
	d := s.deployer(ecsdeploy.WithEvents(func(ev ecsdeploy.Event) {
		if a, ok := ev.(*ecsdeploy.ActionEvent); ok && strings.Contains(a.Message, "updated service") && !published {
			published = true // the release starts failing requests
			if _, err := cw.PutMetricData(context.WithoutCancel(s.ctx(t)), &cloudwatch.PutMetricDataInput{Namespace: ptr(ns),
				MetricData: []cwtypes.MetricDatum{{MetricName: ptr("Errors"), Value: ptr(50.0)}}}); err != nil {
				t.Errorf("PutMetricData: %v", err)
			}
		}
	}))
	_, err := d.Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, Image: s.b.OtherImage})
	var ae *ecsdeploy.AlarmFailedError
	if !errors.As(err, &ae) || ae.Alarm != alarm {
		t.Fatalf("Deploy: want *AlarmFailedError naming %s, got %T %v", alarm, err, err)
	}
	var df *ecsdeploy.DeploymentFailedError
	if !errors.As(err, &df) || !df.RollbackStarted {
		t.Fatalf("want a rolled-back deployment, got %+v", df)
	}
	st, err := s.deployer().Wait(s.ctx(t), s.b.Cluster, svc)
	if err != nil {
		t.Fatalf("Wait after the rollback: %v", err)
	}
	s.checkSteady(t, st, td, 3)
}
