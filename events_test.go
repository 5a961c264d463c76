package ecsdeploy

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestTrackerReportsEachServiceEventOnceOldestFirst(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	before := svcWith(1, 1, dep("ecs-svc/1", "PRIMARY", "web:1", types.DeploymentRolloutStateCompleted, 1, 1))
	before.Events = []types.ServiceEvent{svcEvent("e0", t0.Add(-time.Hour), "(service web) has reached a steady state.")}
	tr := newTracker(t0)
	tr.prime(before)

	s1 := svcWith(1, 1, dep("ecs-svc/1", "PRIMARY", "web:1", types.DeploymentRolloutStateCompleted, 1, 1))
	s1.Events = []types.ServiceEvent{ // newest first, as ECS lists them
		svcEvent("e2", t0.Add(2*time.Second), "(service web) has started 1 tasks: (task a)."),
		svcEvent("e1", t0.Add(time.Second), "(service web) updated."),
		before.Events[0],
	}
	got := messages(tr.observe(s1, t0))
	want := []string{"(service web) updated.", "(service web) has started 1 tasks: (task a)."}
	if !equal(got, want) {
		t.Fatalf("first observe = %q, want %q", got, want)
	}
	if again := tr.observe(s1, t0); len(again) != 0 {
		t.Errorf("second observe of the same service = %q, want nothing", messages(again))
	}
}

func TestTrackerWithoutPrimeSkipsEventsOlderThanStart(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := svcWith(1, 1)
	s.Events = []types.ServiceEvent{svcEvent("new", t0.Add(time.Second), "new"), svcEvent("old", t0.Add(-time.Second), "old")}
	if got := messages(newTracker(t0).observe(s, t0)); !equal(got, []string{"new"}) {
		t.Errorf("observe = %q, want only the event after the start", got)
	}
}

func TestTrackerReportsDeploymentChangesAndDisappearance(t *testing.T) {
	t0 := time.Now()
	tr := newTracker(t0)
	old := dep("ecs-svc/1", "PRIMARY", "web:1", types.DeploymentRolloutStateCompleted, 2, 2)
	tr.prime(svcWith(2, 2, old))

	oldActive := old
	oldActive.Status = ptr("ACTIVE")
	newDep := dep("ecs-svc/2", "PRIMARY", "web:2", types.DeploymentRolloutStateInProgress, 2, 0)
	steps := []struct {
		name string
		svc  *types.Service
		want []string
	}{
		{"update: new PRIMARY, old becomes ACTIVE", svcWith(2, 2, newDep, oldActive), []string{
			"deployment ecs-svc/2 PRIMARY web:2 desired=2 pending=0 running=0 failed=0 IN_PROGRESS",
			"deployment ecs-svc/1 ACTIVE web:1 desired=2 pending=0 running=2 failed=0 COMPLETED",
		}},
		{"nothing changed", svcWith(2, 2, newDep, oldActive), nil},
		{"counts move", svcWith(2, 3, withRunning(newDep, 1), oldActive), []string{
			"deployment ecs-svc/2 PRIMARY web:2 desired=2 pending=0 running=1 failed=0 IN_PROGRESS",
		}},
		{"old drained and gone, new completed", svcWith(2, 2, withReason(withState(withRunning(newDep, 2), types.DeploymentRolloutStateCompleted), "ECS deployment ecs-svc/2 completed.")), []string{
			"deployment ecs-svc/2 PRIMARY web:2 desired=2 pending=0 running=2 failed=0 COMPLETED: ECS deployment ecs-svc/2 completed.",
			"deployment ecs-svc/1 GONE web:1 (no longer listed; last seen COMPLETED desired=2 running=2 failed=0)",
		}},
	}
	for _, st := range steps {
		if got := messages(tr.observe(st.svc, t0)); !equal(got, st.want) {
			t.Errorf("%s:\n got %q\nwant %q", st.name, got, st.want)
		}
	}
}

func TestTrackerReportsEachStoppedTaskOnce(t *testing.T) {
	tr := newTracker(time.Now())
	a := StoppedTask{TaskArn: "arn:aws:ecs:r:1:task/c/aaa", StoppedReason: "Essential container in task exited"}
	b := StoppedTask{TaskArn: "arn:aws:ecs:r:1:task/c/bbb", StoppedReason: "Task failed to start"}
	if got := tr.stoppedTasks([]StoppedTask{a}, time.Now()); len(got) != 1 {
		t.Fatalf("first: %d events", len(got))
	}
	got := messages(tr.stoppedTasks([]StoppedTask{a, b}, time.Now()))
	if !equal(got, []string{"task bbb stopped: Task failed to start"}) {
		t.Errorf("second = %q, want only the new task", got)
	}
}

func withRunning(d types.Deployment, n int32) types.Deployment { d.RunningCount = n; return d }

func withState(d types.Deployment, s types.DeploymentRolloutState) types.Deployment {
	d.RolloutState = s
	return d
}

func messages(evs []Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.String())
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestTrackerKeepsECSOrderAmongEqualTimes: ECS lists events newest first;
// events with the same createdAt come out oldest first, as ECS made them.
func TestTrackerKeepsECSOrderAmongEqualTimes(t *testing.T) {
	at := time.Unix(1000, 0)
	svc := &types.Service{ServiceName: ptr("web"), Events: []types.ServiceEvent{
		{Id: ptr("3"), CreatedAt: ptr(at), Message: ptr("(service web) has reached a steady state.")},
		{Id: ptr("2"), CreatedAt: ptr(at), Message: ptr("(service web) (deployment ecs-svc/1) deployment completed.")},
		{Id: ptr("1"), CreatedAt: ptr(at.Add(-time.Second)), Message: ptr("(service web) has stopped 1 running tasks: (task a).")},
	}}
	tr := newTracker(at.Add(-time.Hour))
	got := messages(tr.observe(svc, at))
	want := []string{"(service web) has stopped 1 running tasks: (task a).", "(service web) (deployment ecs-svc/1) deployment completed.", "(service web) has reached a steady state."}
	if !equal(got, want) {
		t.Errorf("order = %q, want %q", got, want)
	}
}
