package fake

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// The bake time of rolling deployments watched by deployment alarms (ECS
// Developer Guide, "How CloudWatch alarms detect Amazon ECS deployment
// failures": after the new revision has scaled out and the old one in,
// the deployment stays IN_PROGRESS while ECS keeps watching the alarms;
// "When the service reaches a steady state and the bake time is complete,
// the rollout state transitions to COMPLETED").

// putAlarm creates alarm name on the "App"/"Errors" metric with the given
// period (seconds) and evaluation periods.
func putAlarm(t *testing.T, e *ECS, name string, period, evals int32) {
	t.Helper()
	if _, err := e.CloudWatch().PutMetricAlarm(bg, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(name),
		Namespace: aws.String("App"), MetricName: aws.String("Errors"), Statistic: cwtypes.StatisticSum, Period: aws.Int32(period),
		EvaluationPeriods: aws.Int32(evals), Threshold: aws.Float64(10), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
		TreatMissingData: aws.String("notBreaching")}); err != nil {
		t.Fatal(err)
	}
}

// setAlarm sets alarm name's state (SetAlarmState) and runs the fake at
// that instant.
func setAlarm(t *testing.T, e *ECS, name string, st cwtypes.StateValue) {
	t.Helper()
	if _, err := e.CloudWatch().SetAlarmState(bg, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String(name), StateValue: st,
		StateReason: aws.String("test")}); err != nil {
		t.Fatal(err)
	}
	e.Advance(0)
}

// tasksOf describes every task of service "web" with task definition td,
// stopped ones included.
func tasksOf(t *testing.T, e *ECS, td string) []types.Task {
	t.Helper()
	var arns []string
	for _, st := range []types.DesiredStatus{types.DesiredStatusRunning, types.DesiredStatusStopped} {
		out, err := e.ListTasks(bg, &ecs.ListTasksInput{ServiceName: aws.String("web"), DesiredStatus: st})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, out.TaskArns...)
	}
	var ts []types.Task
	for chunk := range slices.Chunk(arns, 100) {
		out, err := e.DescribeTasks(bg, &ecs.DescribeTasksInput{Tasks: chunk})
		if err != nil {
			t.Fatal(err)
		}
		for _, task := range out.Tasks {
			if aws.ToString(task.TaskDefinitionArn) == td {
				ts = append(ts, task)
			}
		}
	}
	return ts
}

// lastStopped is when the last task of td reached STOPPED (all must have).
func lastStopped(t *testing.T, e *ECS, td string) time.Time {
	t.Helper()
	var last time.Time
	for _, task := range tasksOf(t, e, td) {
		if aws.ToString(task.LastStatus) != "STOPPED" {
			t.Fatalf("task %s of %s is %s, not STOPPED", aws.ToString(task.TaskArn), td, aws.ToString(task.LastStatus))
		}
		last = latest(last, aws.ToTime(task.StoppedAt))
	}
	return last
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// stampedAt reports whether an event stamped got was written at virtual
// instant want: the fake keeps a service's event stamps strictly
// increasing by adding a millisecond per earlier event of the instant.
func stampedAt(got, want time.Time) bool {
	d := got.Sub(want)
	return d >= 0 && d < 100*time.Millisecond
}

// eventAt is when the newest event of s saying msg was written (zero: none).
func eventAt(s types.Service, msg string) time.Time {
	for _, ev := range s.Events { // newest first
		if aws.ToString(ev.Message) == msg {
			return aws.ToTime(ev.CreatedAt)
		}
	}
	return time.Time{}
}

// untilBaking steps the fake a second at a time until "web" lists only
// the deployment of td (the old one has scaled in) and returns the
// service then.
func untilBaking(t *testing.T, e *ECS, td string) types.Service {
	t.Helper()
	var s types.Service
	stepUntil(t, e, time.Second, 10*time.Minute, nil, func() bool {
		s = svc(t, e, "web")
		return len(s.Deployments) == 1 && aws.ToString(s.Deployments[0].TaskDefinition) == td
	})
	return s
}

// checkBaking fails unless s's only deployment is td's, IN_PROGRESS, with
// all 3 tasks RUNNING, none pending, and no deployment completed or steady
// state event since the service was base.
func checkBaking(t *testing.T, s types.Service, td string, base types.Service) types.Deployment {
	t.Helper()
	if len(s.Deployments) != 1 {
		t.Fatalf("%d deployments listed while baking", len(s.Deployments))
	}
	d := s.Deployments[0]
	if aws.ToString(d.TaskDefinition) != td || aws.ToString(d.Status) != "PRIMARY" || d.RolloutState != types.DeploymentRolloutStateInProgress ||
		aws.ToString(d.RolloutStateReason) != plan.InProgressReason(aws.ToString(d.Id)) {
		t.Fatalf("baking deployment: %s %s %s %q", aws.ToString(d.TaskDefinition), aws.ToString(d.Status), d.RolloutState, aws.ToString(d.RolloutStateReason))
	}
	if d.DesiredCount != 3 || d.RunningCount != 3 || d.PendingCount != 0 || s.RunningCount != 3 || s.PendingCount != 0 {
		t.Fatalf("counts while baking: deployment %d/%d/%d, service %d/%d", d.DesiredCount, d.RunningCount, d.PendingCount, s.RunningCount, s.PendingCount)
	}
	for _, m := range []string{"deployment completed.", "has reached a steady state."} {
		if countEvents(s, m) != countEvents(base, m) {
			t.Fatalf("while baking: a new %q event: %q", m, eventTexts(s))
		}
	}
	return d
}

// TestDeploymentBakesBeforeCompleted: with deployment alarms, the
// deployment stays IN_PROGRESS (and its service deployment IN_PROGRESS,
// alarms MONITORING) for the bake time after the old revision's last task
// stopped, then completes at that exact instant with the completed and
// steady-state events. The bake is the fake's model: the longest Period x
// EvaluationPeriods of the named alarms, here 120 s x 3 = 6 minutes
// ("errors" has 60 s x 1; "missing" does not exist).
func TestDeploymentBakesBeforeCompleted(t *testing.T) {
	e, _, v2 := alarmedService(t, true)
	putAlarm(t, e, "latency", 120, 3)
	const bake = 6 * time.Minute
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(v2),
		DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(100), MaximumPercent: aws.Int32(134),
			Alarms: &types.DeploymentAlarms{AlarmNames: []string{"errors", "latency", "missing"}, Enable: true, Rollback: true}}})
	base := svc(t, e, "web")
	sdARN := aws.ToString(listSD(t, e, "web")[0].ServiceDeploymentArn)
	v1 := aws.ToString(base.Deployments[1].TaskDefinition)

	s := untilBaking(t, e, v2)
	start := lastStopped(t, e, v1)
	if now := e.Now(); !now.Equal(start) {
		t.Fatalf("old deployment left the list at %v, its last task stopped at %v", now, start)
	}
	d := checkBaking(t, s, v2, base)
	id := aws.ToString(d.Id)
	sd := describeSD(t, e, sdARN)
	if sd.Status != types.ServiceDeploymentStatusInProgress || sd.FinishedAt != nil || sd.Alarms == nil ||
		sd.Alarms.Status != types.ServiceDeploymentRollbackMonitorsStatusMonitoring {
		t.Fatalf("service deployment while baking: %s finished %v alarms %+v", sd.Status, sd.FinishedAt, sd.Alarms)
	}

	e.Advance(bake - time.Second)
	checkBaking(t, svc(t, e, "web"), v2, base)
	if st := describeSD(t, e, sdARN).Status; st != types.ServiceDeploymentStatusInProgress {
		t.Fatalf("service deployment a second before the bake's end: %s", st)
	}

	e.Advance(time.Second)
	end := start.Add(bake)
	s = svc(t, e, "web")
	d = s.Deployments[0]
	if len(s.Deployments) != 1 || d.RolloutState != types.DeploymentRolloutStateCompleted || !aws.ToTime(d.UpdatedAt).Equal(end) ||
		aws.ToString(d.RolloutStateReason) != plan.CompletedReason(id) || d.RunningCount != 3 || s.RunningCount != 3 {
		t.Fatalf("at the bake's end: %s %q updated %v (want %v), running %d/%d", d.RolloutState, aws.ToString(d.RolloutStateReason),
			aws.ToTime(d.UpdatedAt), end, d.RunningCount, s.RunningCount)
	}
	if at := eventAt(s, plan.DeploymentCompletedEvent("web", id)); !stampedAt(at, end) {
		t.Fatalf("deployment completed event at %v, want %v", at, end)
	}
	if at := eventAt(s, plan.SteadyStateEvent("web")); !stampedAt(at, end) {
		t.Fatalf("steady-state event at %v, want %v", at, end)
	}
	sd = describeSD(t, e, sdARN)
	if sd.Status != types.ServiceDeploymentStatusSuccessful || !aws.ToTime(sd.FinishedAt).Equal(end) ||
		sd.Alarms.Status != types.ServiceDeploymentRollbackMonitorsStatusMonitoringComplete {
		t.Fatalf("service deployment after the bake: %s finished %v alarms %s", sd.Status, aws.ToTime(sd.FinishedAt), sd.Alarms.Status)
	}
}

// TestDeploymentAlarmDuringBakeFails: an alarm going to ALARM during the
// bake fails the deployment exactly as during the rollout: with rollback
// the last COMPLETED deployment is revived (and, being a rollback, does
// not bake: it completes as soon as it has scaled out and the failed one
// in); without, the deployment stays FAILED and PRIMARY.
func TestDeploymentAlarmDuringBakeFails(t *testing.T) {
	t.Run("rollback", func(t *testing.T) {
		e, v1, v2 := alarmedService(t, true)
		update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(v2)})
		sdARN := aws.ToString(listSD(t, e, "web")[0].ServiceDeploymentArn)
		base := svc(t, e, "web")
		id := aws.ToString(checkBaking(t, untilBaking(t, e, v2), v2, base).Id)
		e.Advance(30 * time.Second) // within the one-minute bake
		at := e.Now()
		setAlarm(t, e, "errors", cwtypes.StateValueAlarm)
		s := svc(t, e, "web")
		var failed, primary *types.Deployment
		for i, d := range s.Deployments {
			switch aws.ToString(d.Id) {
			case id:
				failed = &s.Deployments[i]
			default:
				primary = &s.Deployments[i]
			}
		}
		if failed == nil || failed.RolloutState != types.DeploymentRolloutStateFailed || aws.ToString(failed.RolloutStateReason) != plan.AlarmFailedReason("errors") {
			t.Fatalf("baking deployment after the alarm: %+v", failed)
		}
		if primary == nil || aws.ToString(primary.TaskDefinition) != v1 || aws.ToString(primary.Status) != "PRIMARY" ||
			primary.RolloutState != types.DeploymentRolloutStateInProgress {
			t.Fatalf("no rollback to v1: %+v", primary)
		}
		if got := eventAt(s, plan.DeploymentAlarmFailedEvent("web", id)); !stampedAt(got, at) {
			t.Fatalf("alarm failure event at %v, want %v: %q", got, at, eventTexts(s))
		}
		if got := eventAt(s, plan.RollingBackEvent("web", aws.ToString(primary.Id))); !stampedAt(got, at) {
			t.Fatalf("rolling back event at %v, want %v: %q", got, at, eventTexts(s))
		}
		stepUntil(t, e, time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", v1) })
		// No bake for the rollback: it completes when v2's last task has
		// stopped and v1's last one is healthy (40 s after RUNNING).
		want := lastStopped(t, e, v2)
		for _, task := range tasksOf(t, e, v1) {
			if aws.ToString(task.LastStatus) == "RUNNING" {
				want = latest(want, aws.ToTime(task.StartedAt).Add(40*time.Second))
			}
		}
		s = svc(t, e, "web")
		if got := eventAt(s, plan.DeploymentCompletedEvent("web", aws.ToString(primary.Id))); !stampedAt(got, want) {
			t.Fatalf("rollback completed at %v, want %v (no bake)", got, want)
		}
		sd := describeSD(t, e, sdARN)
		if sd.Status != types.ServiceDeploymentStatusRollbackSuccessful || sd.Alarms.Status != types.ServiceDeploymentRollbackMonitorsStatusTriggered ||
			!slices.Equal(sd.Alarms.TriggeredAlarmNames, []string{"errors"}) {
			t.Fatalf("service deployment: %s alarms %+v", sd.Status, sd.Alarms)
		}
	})
	t.Run("no rollback", func(t *testing.T) {
		e, _, v2 := alarmedService(t, false)
		update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(v2)})
		sdARN := aws.ToString(listSD(t, e, "web")[0].ServiceDeploymentArn)
		checkBaking(t, untilBaking(t, e, v2), v2, svc(t, e, "web"))
		e.Advance(59 * time.Second) // the bake's last second
		setAlarm(t, e, "errors", cwtypes.StateValueAlarm)
		s := svc(t, e, "web")
		if p := primaryOf(t, s); aws.ToString(p.TaskDefinition) != v2 || p.RolloutState != types.DeploymentRolloutStateFailed ||
			countEvents(s, "deployment failed: alarm detected.") != 1 || countEvents(s, "rolling back") != 0 {
			t.Fatalf("primary %s %s, events %q", aws.ToString(p.TaskDefinition), p.RolloutState, eventTexts(s))
		}
		if sd := describeSD(t, e, sdARN); sd.Status != types.ServiceDeploymentStatusStopped {
			t.Fatalf("service deployment %s, want STOPPED", sd.Status)
		}
		e.Advance(time.Hour) // FAILED stays FAILED: no completion at the bake's end
		if p := primaryOf(t, svc(t, e, "web")); p.RolloutState != types.DeploymentRolloutStateFailed {
			t.Fatalf("an hour later: %s", p.RolloutState)
		}
	})
}

// TestNewDeploymentDuringBakeReplacesIt: a new deployment while one bakes
// replaces it (the baking one never completes, its service deployment
// STOPPED), and the new one bakes in full after its own rollout.
// Timing.Bake pins the bake (3 minutes, whatever the alarms).
func TestNewDeploymentDuringBakeReplacesIt(t *testing.T) {
	tm := fastTiming
	tm.Bake = 3 * time.Minute
	e, _, v2 := alarmedService(t, true, WithTiming(tm))
	v3 := register(t, e, simpleTD("web", "nginx:3"))
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(v2)})
	sd2 := aws.ToString(listSD(t, e, "web")[0].ServiceDeploymentArn)
	id2 := aws.ToString(checkBaking(t, untilBaking(t, e, v2), v2, svc(t, e, "web")).Id)
	e.Advance(2 * time.Minute)
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(v3)})
	updated, base := e.Now(), svc(t, e, "web")
	sd3 := aws.ToString(listSD(t, e, "web")[0].ServiceDeploymentArn)
	if sd := describeSD(t, e, sd2); sd.Status != types.ServiceDeploymentStatusStopped || !aws.ToTime(sd.FinishedAt).Equal(updated) {
		t.Fatalf("the baking deployment's service deployment: %s finished %v", sd.Status, aws.ToTime(sd.FinishedAt))
	}
	s := untilBaking(t, e, v3)
	start := lastStopped(t, e, v2)
	if !e.Now().Equal(start) {
		t.Fatalf("v2 left the list at %v, its last task stopped at %v", e.Now(), start)
	}
	id3 := aws.ToString(checkBaking(t, s, v3, base).Id)
	e.Advance(tm.Bake - time.Second)
	checkBaking(t, svc(t, e, "web"), v3, base)
	e.Advance(time.Second)
	s = svc(t, e, "web")
	if at := eventAt(s, plan.DeploymentCompletedEvent("web", id3)); !stampedAt(at, start.Add(tm.Bake)) {
		t.Fatalf("v3 completed at %v, want %v", at, start.Add(tm.Bake))
	}
	if countEvents(s, plan.DeploymentCompletedEvent("web", id2)) != 0 {
		t.Fatalf("the replaced deployment completed: %q", eventTexts(s))
	}
	if sd := describeSD(t, e, sd3); sd.Status != types.ServiceDeploymentStatusSuccessful {
		t.Fatalf("v3's service deployment: %s", sd.Status)
	}
}

// TestNoAlarmsNoBake: without deployment alarms, or with them named but
// not enabled, a deployment completes at the instant the old revision's
// last task stopped, whatever Timing.Bake says.
func TestNoAlarmsNoBake(t *testing.T) {
	for _, alarms := range []*types.DeploymentAlarms{nil, {AlarmNames: []string{"errors"}, Enable: false, Rollback: true}} {
		tm := fastTiming
		tm.Bake = time.Hour
		e := newCluster(t, 4, WithTiming(tm))
		v1 := register(t, e, simpleTD("web", "nginx:1"))
		v2 := register(t, e, simpleTD("web", "nginx:2"))
		putAlarm(t, e, "errors", 60, 5)
		cfg := &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(100), MaximumPercent: aws.Int32(134), Alarms: alarms}
		if _, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(v1),
			DesiredCount: aws.Int32(3), DeploymentConfiguration: cfg}); err != nil {
			t.Fatal(err)
		}
		stepUntil(t, e, 10*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", v1) })
		update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(v2)})
		s := untilBaking(t, e, v2)
		start := lastStopped(t, e, v1)
		d := s.Deployments[0]
		if d.RolloutState != types.DeploymentRolloutStateCompleted || !e.Now().Equal(start) ||
			!stampedAt(eventAt(s, plan.DeploymentCompletedEvent("web", aws.ToString(d.Id))), start) {
			t.Fatalf("alarms %+v: %s at %v, old tasks stopped at %v", alarms, d.RolloutState, e.Now(), start)
		}
	}
}

// TestBakeModel: the fake's bake time is Timing.Bake when set, else the
// longest Period x EvaluationPeriods of the named alarms that exist now,
// at least a minute; zero when the alarms are not enabled.
func TestBakeModel(t *testing.T) {
	e, _, _ := alarmedService(t, true) // "errors": 60 s x 1
	putAlarm(t, e, "slow", 300, 3)
	putAlarm(t, e, "gone", 3600, 24)
	if _, err := e.CloudWatch().DeleteAlarms(bg, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{"gone"}}); err != nil {
		t.Fatal(err)
	}
	s := e.svcOrder[0]
	for _, c := range []struct {
		names  []string
		enable bool
		want   time.Duration
	}{
		{[]string{"errors"}, true, time.Minute},
		{[]string{"errors", "slow", "missing", "gone"}, true, 15 * time.Minute},
		{[]string{"missing"}, true, time.Minute},
		{[]string{"slow"}, false, 0},
	} {
		s.deployCfg.Alarms = &types.DeploymentAlarms{AlarmNames: c.names, Enable: c.enable}
		if got := e.bakeLocked(s); got != c.want {
			t.Errorf("alarms %v enable %v: bake %v, want %v", c.names, c.enable, got, c.want)
		}
	}
	s.deployCfg.Alarms = nil
	if got := e.bakeLocked(s); got != 0 {
		t.Errorf("no alarms: bake %v", got)
	}
	e.cfg.timing.Bake = 10 * time.Second
	s.deployCfg.Alarms = &types.DeploymentAlarms{AlarmNames: []string{"slow"}, Enable: true}
	if got := e.bakeLocked(s); got != 10*time.Second {
		t.Errorf("Timing.Bake 10s: bake %v", got)
	}
}

// TestBakeSurvivesSnapshotRestore: a fake restored from a snapshot taken
// during a bake (the journal replays the calls, the bake's wake-up
// included) completes the deployment at the same instant as the original.
func TestBakeSurvivesSnapshotRestore(t *testing.T) {
	e, _, v2 := alarmedService(t, true, WithTiming(fastTiming), WithSnapshots())
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(v2)})
	id := aws.ToString(checkBaking(t, untilBaking(t, e, v2), v2, svc(t, e, "web")).Id)
	e.Advance(20 * time.Second)
	r := restoredCopy(t, e)
	checkBaking(t, svc(t, r, "web"), v2, svc(t, e, "web"))
	e.Advance(time.Minute)
	r.Advance(time.Minute)
	want := eventAt(svc(t, e, "web"), plan.DeploymentCompletedEvent("web", id))
	if got := eventAt(svc(t, r, "web"), plan.DeploymentCompletedEvent("web", id)); want.IsZero() || !got.Equal(want) {
		t.Fatalf("restored fake completed at %v, the original at %v", got, want)
	}
}
