package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// The fake-only chapter of the story (issue #16): the service scales out
// under a load ramp with a target-tracking policy and back in when the
// load falls; then a release whose error alarm fires during the rollout
// is failed and rolled back by ECS's deployment alarms.

// scalingSteps is how many numbered steps the chapter adds.
const scalingSteps = 2

// errorAlarm is the name of the story service's deployment alarm.
func (s *story) errorAlarm() string { return s.o.service + "-5xx" }

// createErrorAlarm creates the deployment alarm (an error count above 5 a
// minute on the custom metric Story/5xx) before the service names it.
func (s *story) createErrorAlarm(ctx context.Context) error {
	_, err := s.t.fake.CloudWatch().PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(s.errorAlarm()),
		Namespace: aws.String("Story"), MetricName: aws.String("5xx"), Statistic: cwtypes.StatisticSum, Period: aws.Int32(60),
		EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(5), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
		TreatMissingData: aws.String("notBreaching")})
	return err
}

// scaleOut declares target tracking at 50 % CPU (2 to 6 tasks), ramps the
// load from one to four tasks' worth, and prints the desired count as the
// scaler follows; then the load falls and the service scales back in.
// It returns the highest desired count seen.
func (s *story) scaleOut(ctx context.Context) (int32, error) {
	s.header("Auto scaling: keep CPU at 50%% with 2 to 6 tasks while the load ramps up, then falls")
	sc := &ecsdeploy.Scaling{Min: 2, Max: 6, TargetTracking: []ecsdeploy.TargetTrackingPolicy{
		{Name: "cpu50", Metric: ecsdeploy.ScalingCPU, Target: 50, ScaleOutCooldown: time.Minute, ScaleInCooldown: 2 * time.Minute}}}
	if _, err := s.d.Deploy(ctx, ecsdeploy.DeployInput{Cluster: s.t.cluster, Service: s.o.service, Scaling: sc}); err != nil {
		return 0, fmt.Errorf("declaring the scaling: %w", err)
	}
	now := s.t.fake.Now()
	if err := s.t.fake.SetLoad(s.t.cluster, s.o.service, fake.Load{CPU: fake.RampLoad(100, 400, now, 10*time.Minute)}); err != nil {
		return 0, err
	}
	fmt.Fprintln(s.w, "(fake: CPU load ramps from 100% to 400% of one task over 10 minutes)")
	peak, err := s.followScaling(ctx, 20*time.Minute, func(d int32) bool { return d == 6 })
	if err != nil {
		return peak, err
	}
	if err := s.t.fake.SetLoad(s.t.cluster, s.o.service, fake.Load{CPU: fake.ConstantLoad(50)}); err != nil {
		return peak, err
	}
	fmt.Fprintln(s.w, "(fake: the load falls to 50% of one task)")
	if _, err := s.followScaling(ctx, 40*time.Minute, func(d int32) bool { return d == 2 }); err != nil {
		return peak, err
	}
	st, err := s.d.Status(ctx, s.t.cluster, s.o.service)
	if err != nil {
		return peak, err
	}
	if st.Scaling != nil {
		for i := len(st.Scaling.Activities) - 1; i >= 0; i-- {
			a := st.Scaling.Activities[i]
			fmt.Fprintf(s.w, "activity %s: %s (%s)\n", aws.ToTime(a.StartTime).Format(timeFormat), aws.ToString(a.Description), aws.ToString(a.Cause))
		}
	}
	return peak, nil
}

// followScaling prints each desired-count change, a virtual minute at a
// time, until done holds with every desired task running, or limit.
func (s *story) followScaling(ctx context.Context, limit time.Duration, done func(int32) bool) (int32, error) {
	var last, peak int32
	for waited := time.Duration(0); waited <= limit; waited += time.Minute {
		st, err := s.d.Status(ctx, s.t.cluster, s.o.service)
		if err != nil {
			return peak, err
		}
		d := st.Service.DesiredCount
		peak = max(peak, d)
		if d != last {
			fmt.Fprintf(s.w, "%s desired %d, running %d\n", s.t.clock.Now().Format(timeFormat), d, st.Service.RunningCount)
			last = d
		}
		if done(d) && st.Service.RunningCount == d {
			return peak, nil
		}
		if err := s.t.clock.Sleep(ctx, time.Minute); err != nil {
			return peak, err
		}
	}
	return peak, fmt.Errorf("the service did not reach the expected count in %s (desired %d)", limit, last)
}

// alarmRelease deploys a release that starts failing requests: its error
// alarm goes to ALARM during the rollout, ECS fails the deployment and
// rolls back; Deploy returns an *AlarmFailedError naming the alarm.
func (s *story) alarmRelease(ctx context.Context) (*ecsdeploy.AlarmFailedError, error) {
	image := s.o.newImage + "-errors"
	s.header("Deploy %s, whose error alarm %s fires during the rollout", image, s.errorAlarm())
	cw := s.t.fake.CloudWatch()
	published := false
	render := s.render
	_, err := s.d.Deploy(ctx, ecsdeploy.DeployInput{Cluster: s.t.cluster, Service: s.o.service, Image: image},
		ecsdeploy.WithEvents(func(ev ecsdeploy.Event) {
			render(ev)
			if a, ok := ev.(*ecsdeploy.ActionEvent); ok && strings.HasPrefix(a.Message, "updated service") && !published {
				published = true
				fmt.Fprintln(s.w, "(fake: the new tasks answer 40 requests a minute with HTTP 500: Story/5xx = 40)")
				_, _ = cw.PutMetricData(context.WithoutCancel(ctx), &cloudwatch.PutMetricDataInput{Namespace: aws.String("Story"),
					MetricData: []cwtypes.MetricDatum{{MetricName: aws.String("5xx"), Value: aws.Float64(40)}}})
			}
		}))
	var ae *ecsdeploy.AlarmFailedError
	if !errors.As(err, &ae) {
		return nil, fmt.Errorf("deploying %s: want a deployment failed by alarm %s, got %v", image, s.errorAlarm(), err)
	}
	fmt.Fprintf(s.w, "\n%v\n", ae)
	if !ae.Deployment.RollbackStarted {
		return ae, errors.New("the alarm failed the deployment but ECS did not roll back")
	}
	if _, err := s.d.Wait(ctx, s.t.cluster, s.o.service); err != nil {
		return ae, fmt.Errorf("waiting for the rollback: %w", err)
	}
	return ae, nil
}
