package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// alarmedService creates "web" (3 tasks, v1 COMPLETED) guarded by the
// deployment alarm "errors" on a custom metric (one 60-second period: a
// bake of one minute), and returns v2's ARN. opts go to newCluster.
func alarmedService(t *testing.T, rollback bool, opts ...Option) (*ECS, string, string) {
	t.Helper()
	e := newCluster(t, 4, opts...)
	v1 := register(t, e, simpleTD("web", "nginx:1"))
	v2 := register(t, e, simpleTD("web", "nginx:2"))
	if _, err := e.CloudWatch().PutMetricAlarm(bg, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("errors"),
		Namespace: aws.String("App"), MetricName: aws.String("Errors"), Statistic: cwtypes.StatisticSum, Period: aws.Int32(60),
		EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(10), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
		TreatMissingData: aws.String("notBreaching")}); err != nil {
		t.Fatal(err)
	}
	_, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(v1), DesiredCount: aws.Int32(3),
		DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(100), MaximumPercent: aws.Int32(134), // one task at a time
			Alarms: &types.DeploymentAlarms{AlarmNames: []string{"errors"}, Enable: true, Rollback: rollback}}})
	if err != nil {
		t.Fatal(err)
	}
	stepUntil(t, e, 10*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", v1) })
	return e, v1, v2
}

func publishErrors(t *testing.T, e *ECS, n float64) {
	t.Helper()
	if _, err := e.CloudWatch().PutMetricData(bg, &cloudwatch.PutMetricDataInput{Namespace: aws.String("App"),
		MetricData: []cwtypes.MetricDatum{{MetricName: aws.String("Errors"), Value: aws.Float64(n)}}}); err != nil {
		t.Fatal(err)
	}
}

// TestDeploymentAlarmFailsAndRollsBack: an alarm of
// deploymentConfiguration.alarms going to ALARM while the deployment is
// IN_PROGRESS fails it and, with rollback, revives the last COMPLETED
// deployment (ECS Developer Guide, "How CloudWatch alarms detect Amazon ECS
// deployment failures").
func TestDeploymentAlarmFailsAndRollsBack(t *testing.T) {
	e, v1, v2 := alarmedService(t, true)
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(v2)})
	e.Advance(10 * time.Second)
	publishErrors(t, e, 50) // the release throws errors
	var s types.Service
	stepUntil(t, e, time.Second, 3*time.Minute, nil, func() bool {
		s = svc(t, e, "web")
		return countEvents(s, "deployment failed") > 0
	})
	var failed *types.Deployment
	for i, d := range s.Deployments {
		if aws.ToString(d.TaskDefinition) == v2 {
			failed = &s.Deployments[i]
		}
	}
	if failed == nil || failed.RolloutState != types.DeploymentRolloutStateFailed ||
		aws.ToString(failed.RolloutStateReason) != plan.AlarmFailedReason("errors") {
		t.Fatalf("v2 deployment: %+v", failed)
	}
	if countEvents(s, "deployment failed: alarm detected.") != 1 || countEvents(s, "rolling back to deployment") != 1 {
		t.Fatalf("events %q", eventTexts(s))
	}
	if p := primaryOf(t, s); aws.ToString(p.TaskDefinition) != v1 {
		t.Fatalf("PRIMARY is %s, want v1", aws.ToString(p.TaskDefinition))
	}
	stepUntil(t, e, 10*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", v1) })
}

// TestDeploymentAlarmWithoutRollbackOnlyFails and an alarm already in ALARM
// when a deployment starts does not fail it (only a transition during the
// deployment counts).
func TestDeploymentAlarmWithoutRollbackOnlyFails(t *testing.T) {
	e, v1, v2 := alarmedService(t, false)
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(v2)})
	e.Advance(10 * time.Second)
	if _, err := e.CloudWatch().SetAlarmState(bg, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("errors"), StateValue: "ALARM", StateReason: aws.String("test")}); err != nil {
		t.Fatal(err)
	}
	e.Advance(time.Second)
	s := svc(t, e, "web")
	p := primaryOf(t, s)
	if aws.ToString(p.TaskDefinition) != v2 || p.RolloutState != types.DeploymentRolloutStateFailed {
		t.Fatalf("primary %s %s", aws.ToString(p.TaskDefinition), p.RolloutState)
	}
	if countEvents(s, "rolling back") != 0 {
		t.Fatal("rolled back without rollback")
	}
	_ = v1
	// A new deployment while the alarm is still in ALARM completes.
	e2, _, v2b := alarmedService(t, true)
	if _, err := e2.CloudWatch().SetAlarmState(bg, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("errors"), StateValue: "ALARM", StateReason: aws.String("already")}); err != nil {
		t.Fatal(err)
	}
	update(t, e2, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(v2b)})
	stepUntil(t, e2, 10*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e2, "web", v2b) })
}

// TestDeploymentAlarmNamedButMissingIsIgnoredUntilCreated: ECS watches the
// named alarms by polling DescribeAlarms (ECS Developer Guide, "How
// CloudWatch alarms detect Amazon ECS deployment failures": "Amazon ECS
// calls DescribeAlarms to poll the alarms"), and DescribeAlarms returns no
// alarm for a name that does not exist. So CreateService and UpdateService
// accept names of missing alarms, a missing alarm never fails a
// deployment, and an alarm created later under that name is watched from
// then on.
func TestDeploymentAlarmNamedButMissingIsIgnoredUntilCreated(t *testing.T) {
	e := newCluster(t, 4)
	v1 := register(t, e, simpleTD("web", "nginx:1"))
	v2 := register(t, e, simpleTD("web", "nginx:2"))
	v3 := register(t, e, simpleTD("web", "nginx:3"))
	alarms := &types.DeploymentAlarms{AlarmNames: []string{"not-yet"}, Enable: true, Rollback: true}
	if _, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(v1), DesiredCount: aws.Int32(3),
		DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(100), MaximumPercent: aws.Int32(134), Alarms: alarms}}); err != nil {
		t.Fatalf("CreateService naming a missing alarm: %v", err)
	}
	stepUntil(t, e, 10*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", v1) })
	if got := svc(t, e, "web").DeploymentConfiguration.Alarms; got == nil || len(got.AlarmNames) != 1 || got.AlarmNames[0] != "not-yet" || !got.Enable {
		t.Fatalf("stored alarms %+v", got)
	}
	// A deployment with the alarm still missing completes, errors or not.
	publishErrors(t, e, 50)
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(v2),
		DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(100), MaximumPercent: aws.Int32(134), Alarms: alarms}})
	stepUntil(t, e, 10*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", v2) })
	if s := svc(t, e, "web"); countEvents(s, "deployment failed") != 0 {
		t.Fatalf("a missing alarm failed a deployment: %q", eventTexts(s))
	}
	// Created later under that name, the alarm fails the next deployment.
	if _, err := e.CloudWatch().PutMetricAlarm(bg, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("not-yet"),
		Namespace: aws.String("App"), MetricName: aws.String("Errors"), Statistic: cwtypes.StatisticSum, Period: aws.Int32(60),
		EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(10), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
		TreatMissingData: aws.String("notBreaching")}); err != nil {
		t.Fatal(err)
	}
	stepUntil(t, e, 10*time.Second, 5*time.Minute, nil, func() bool { return alarmByName(t, e, "not-yet").StateValue == cwtypes.StateValueOk })
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(v3)})
	e.Advance(10 * time.Second)
	publishErrors(t, e, 50)
	var s types.Service
	stepUntil(t, e, time.Second, 3*time.Minute, nil, func() bool {
		s = svc(t, e, "web")
		return countEvents(s, "deployment failed: alarm detected.") > 0
	})
	if p := primaryOf(t, s); aws.ToString(p.TaskDefinition) != v2 {
		t.Fatalf("PRIMARY is %s, want the rollback to v2", aws.ToString(p.TaskDefinition))
	}
}
