package ecsdeploy_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// With deployment alarms ECS keeps a deployment IN_PROGRESS for a bake
// time after the new revision has scaled out and the old one in, and an
// alarm during the bake fails it (ECS Developer Guide, "How CloudWatch
// alarms detect Amazon ECS deployment failures"). The Deployer reports
// success only at COMPLETED, so its wait includes the bake.

// bakedService creates "web" (3 Fargate tasks of nginx:1) watched by the
// deployment alarm "web-5xx" (60 s x 5 periods: the fake's bake is 5
// minutes) with rollback.
func bakedService(t *testing.T) *fakeEnv {
	t.Helper()
	f := newFakeEnv(t)
	if _, err := f.e.CloudWatch().PutMetricAlarm(t.Context(), &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("web-5xx"), Namespace: aws.String("App"),
		MetricName: aws.String("Errors"), Statistic: cwtypes.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(5),
		Threshold: aws.Float64(5), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold, TreatMissingData: aws.String("notBreaching")}); err != nil {
		t.Fatal(err)
	}
	f.service("web", "nginx:1", 3, &types.DeploymentConfiguration{MinimumHealthyPercent: ptr(int32(100)), MaximumPercent: ptr(int32(200)),
		Alarms: &types.DeploymentAlarms{AlarmNames: []string{"web-5xx"}, Enable: true, Rollback: true}})
	return f
}

// lastStoppedOf is when the last task of "web" with task definition td
// reached STOPPED.
func lastStoppedOf(t *testing.T, f *fakeEnv, td string) time.Time {
	t.Helper()
	out, err := f.e.ListTasks(t.Context(), &ecs.ListTasksInput{Cluster: ptr(f.cluster), ServiceName: ptr("web"), DesiredStatus: types.DesiredStatusStopped})
	if err != nil {
		t.Fatal(err)
	}
	var last time.Time
	for chunk := range slices.Chunk(out.TaskArns, 100) {
		d, err := f.e.DescribeTasks(t.Context(), &ecs.DescribeTasksInput{Cluster: ptr(f.cluster), Tasks: chunk})
		if err != nil {
			t.Fatal(err)
		}
		for _, task := range d.Tasks {
			if aws.ToString(task.TaskDefinitionArn) == td && aws.ToTime(task.StoppedAt).After(last) {
				last = aws.ToTime(task.StoppedAt)
			}
		}
	}
	if last.IsZero() {
		t.Fatalf("no stopped task of %s", td)
	}
	return last
}

// TestDeployWithAlarmsWaitsForTheBake: Deploy returns success only once
// ECS set the deployment COMPLETED, at the end of the bake (5 minutes
// after the old revision's last task stopped), and within one poll of it.
func TestDeployWithAlarmsWaitsForTheBake(t *testing.T) {
	f := bakedService(t)
	old := aws.ToString(describeSvc(t, f, "web").TaskDefinition)
	res, err := f.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:2"})
	if err != nil {
		t.Fatal(err)
	}
	if d := res.Status.Deployment; d == nil || d.RolloutState != types.DeploymentRolloutStateCompleted {
		t.Fatalf("Deploy returned with deployment %+v", res.Status.Deployment)
	}
	end := lastStoppedOf(t, f, old).Add(5 * time.Minute)
	completedAt := time.Time{}
	for _, ev := range describeSvc(t, f, "web").Events {
		if aws.ToString(ev.Message) == "(service web) (deployment "+res.DeploymentID+") deployment completed." {
			completedAt = aws.ToTime(ev.CreatedAt)
		}
	}
	if completedAt.Sub(end) < 0 || completedAt.Sub(end) >= time.Second {
		t.Fatalf("deployment completed at %v, want the bake's end %v", completedAt, end)
	}
	if now := f.e.Now(); now.Before(completedAt) || now.Sub(completedAt) > 5*time.Second {
		t.Fatalf("Deploy returned at %v, the deployment completed at %v", now, completedAt)
	}
}

// TestDeployFailsWhenAlarmFiresDuringBake: an alarm that goes to ALARM
// after the old revision has scaled in, while the deployment bakes, fails
// the deploy with an *AlarmFailedError, and ECS rolls back (on the old
// behaviour the deploy had already succeeded).
func TestDeployFailsWhenAlarmFiresDuringBake(t *testing.T) {
	f := bakedService(t)
	cw := f.e.CloudWatch()
	fired := false
	d := ecsdeploy.New(f.e, ecsdeploy.WithClock(f.e), ecsdeploy.WithEvents(func(ev ecsdeploy.Event) {
		if de, ok := ev.(*ecsdeploy.DeploymentEvent); ok && de.Status == "GONE" && !fired {
			fired = true // the old revision has scaled in: the bake runs
			fireAlarm(t, cw, "errors after the rollout")
		}
	}))
	_, err := d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:2"})
	if !fired {
		t.Fatalf("the old deployment never left the list; Deploy: %v", err)
	}
	var ae *ecsdeploy.AlarmFailedError
	if !errors.As(err, &ae) || ae.Alarm != "web-5xx" {
		t.Fatalf("Deploy: want an *AlarmFailedError naming web-5xx, got %T %v", err, err)
	}
	var df *ecsdeploy.DeploymentFailedError
	if !errors.As(err, &df) || !df.RollbackStarted || df.RollbackBy != "alarm" {
		t.Fatalf("not rolled back by the alarm: %+v", df)
	}
}

// describeSvc describes service name of f's cluster.
func describeSvc(t *testing.T, f *fakeEnv, name string) types.Service {
	t.Helper()
	out, err := f.e.DescribeServices(t.Context(), &ecs.DescribeServicesInput{Cluster: ptr(f.cluster), Services: []string{name}})
	if err != nil || len(out.Services) != 1 {
		t.Fatalf("DescribeServices(%s): %v", name, err)
	}
	return out.Services[0]
}

// TestDeployerRollbackBakesAndWithRollbackTimeout: the Deployer's own
// rollback is a new deployment, which ECS bakes too (5 minutes here) once
// the failed revision's tasks are gone; a short WithTimeout, fine for
// giving up on a release that cannot start, then ends the rollback wait
// before the bake does (the rollback started, not completed), and
// WithRollbackTimeout gives the rollback the time it needs.
func TestDeployerRollbackBakesAndWithRollbackTimeout(t *testing.T) {
	for _, c := range []struct {
		name       string
		opts       []ecsdeploy.Option
		rolledBack bool
	}{
		{"timeout only", nil, false},
		{"rollback timeout", []ecsdeploy.Option{ecsdeploy.WithRollbackTimeout(15 * time.Minute)}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := bakedService(t)
			if err := f.e.InjectFault(fake.Fault{Image: "nginx:bad", Action: fake.FaultFailStart}); err != nil {
				t.Fatal(err)
			}
			opts := append([]ecsdeploy.Option{ecsdeploy.WithTimeout(3 * time.Minute), ecsdeploy.WithRollback()}, c.opts...)
			_, err := f.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:bad"}, opts...)
			var df *ecsdeploy.DeploymentFailedError
			if !errors.As(err, &df) || !df.RollbackStarted || df.RollbackBy != "deployer" {
				t.Fatalf("Deploy: want a deployer rollback, got %T %v", err, err)
			}
			if df.RolledBack != c.rolledBack || (df.RollbackErr != nil) == c.rolledBack {
				t.Fatalf("rolled back %v (want %v), rollback error %v", df.RolledBack, c.rolledBack, df.RollbackErr)
			}
			if c.rolledBack && df.RollbackState != types.DeploymentRolloutStateCompleted {
				t.Fatalf("rollback state %s", df.RollbackState)
			}
			if !c.rolledBack && (!errors.Is(df.RollbackErr, ecsdeploy.ErrTimeout) || df.RollbackState != types.DeploymentRolloutStateInProgress) {
				t.Fatalf("rollback error %v, state %s: want a timeout while IN_PROGRESS (baking)", df.RollbackErr, df.RollbackState)
			}
		})
	}
}

// slowRollbackAPI is the fake's API whose UpdateService back to a given
// task definition takes took of virtual time before ECS answers it.
type slowRollbackAPI struct {
	*fake.ECS
	to   string
	took time.Duration
}

// UpdateService lets s.took pass first when the update goes back to s.to.
func (s slowRollbackAPI) UpdateService(ctx context.Context, in *ecs.UpdateServiceInput, opts ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	if aws.ToString(in.TaskDefinition) == s.to {
		s.Advance(s.took)
	}
	return s.ECS.UpdateService(ctx, in, opts...)
}

// TestWithRollbackTimeoutBoundsUpdateAndWaitTogether: WithRollbackTimeout
// bounds the Deployer's rollback as a whole, the update back and the wait
// for its deployment together. The rollback needs about 7 virtual
// minutes after its update (the failed tasks go, then the 5-minute bake);
// with 9 minutes it completes when the update is quick, and times out
// when the update itself took 3 of them (it completed before: the wait
// had 9 minutes of its own after the update).
func TestWithRollbackTimeoutBoundsUpdateAndWaitTogether(t *testing.T) {
	for _, c := range []struct {
		name       string
		took       time.Duration
		rolledBack bool
	}{{"quick update", 0, true}, {"slow update", 3 * time.Minute, false}} {
		t.Run(c.name, func(t *testing.T) {
			f := bakedService(t)
			old := aws.ToString(describeSvc(t, f, "web").TaskDefinition)
			if err := f.e.InjectFault(fake.Fault{Image: "nginx:bad", Action: fake.FaultFailStart}); err != nil {
				t.Fatal(err)
			}
			d := ecsdeploy.New(slowRollbackAPI{ECS: f.e, to: old, took: c.took}, ecsdeploy.WithClock(f.e))
			began := time.Time{}
			_, err := d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:bad"},
				ecsdeploy.WithTimeout(3*time.Minute), ecsdeploy.WithRollback(), ecsdeploy.WithRollbackTimeout(9*time.Minute),
				ecsdeploy.WithEvents(func(ev ecsdeploy.Event) {
					if rb, ok := ev.(*ecsdeploy.RollbackEvent); ok && began.IsZero() {
						began = rb.At.Add(-c.took) // the first report comes after the update
					}
				}))
			var df *ecsdeploy.DeploymentFailedError
			if !errors.As(err, &df) || !df.RollbackStarted || df.RollbackBy != "deployer" {
				t.Fatalf("Deploy: want a deployer rollback, got %T %v", err, err)
			}
			if df.RolledBack != c.rolledBack {
				t.Fatalf("rolled back %v, want %v (rollback error %v)", df.RolledBack, c.rolledBack, df.RollbackErr)
			}
			if !c.rolledBack && !errors.Is(df.RollbackErr, ecsdeploy.ErrTimeout) {
				t.Fatalf("rollback error %v, want a timeout", df.RollbackErr)
			}
			if spent := f.e.Now().Sub(began); spent > 9*time.Minute+10*time.Second {
				t.Fatalf("the rollback took %v from its update, want at most WithRollbackTimeout's 9m", spent)
			}
		})
	}
}
