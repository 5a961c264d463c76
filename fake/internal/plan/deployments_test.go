package plan

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestDeploymentStatusesPrimaryNewestOlderActiveThenInactive(t *testing.T) {
	s := rollout(svc(2, 100, 200), healthy(oldID, 1), healthy(newID, 2))
	s.Deployments[0].Status = StatusPrimary // stale: the newest must become PRIMARY
	s.Deployments[1].Status = StatusActive
	s.Deployments = append(s.Deployments, dep(midID, "td:x", 90*time.Minute, StatusActive, types.DeploymentRolloutStateCompleted))
	p := Compute(s)
	want := map[string]DeploymentStatus{oldID: StatusActive, midID: StatusInactive, newID: StatusPrimary}
	for id, st := range want {
		u, ok := update(p, id)
		got := DeploymentStatus("")
		if ok {
			got = u.Status
		} else {
			for _, d := range s.Deployments {
				if d.ID == id {
					got = d.Status
				}
			}
		}
		if got != st {
			t.Errorf("%s status %s, want %s", id, got, st)
		}
	}
	if u, _ := update(p, oldID); u.DesiredCount != 0 {
		t.Errorf("old desiredCount %d, want 0 once its last task is being stopped", u.DesiredCount)
	}
}

func TestRolloutInProgressReason(t *testing.T) {
	p := Compute(rollout(svc(2, 100, 200), healthy(oldID, 2), nil))
	u, ok := update(p, newID)
	if !ok || u.RolloutState != types.DeploymentRolloutStateInProgress || u.RolloutStateReason != "ECS deployment "+newID+" in progress." {
		t.Errorf("primary update %+v, want IN_PROGRESS with the in-progress reason", u)
	}
}

func TestRolloutCompletedWhenPrimaryHealthyAndOldDrained(t *testing.T) {
	tests := []struct {
		name string
		old  []Task
		new  []Task
		want bool
	}{
		{"all new healthy and no old task", nil, healthy(newID, 3), true},
		{"an old task still running", healthy(oldID, 1), healthy(newID, 3), false},
		{"a new task not yet healthy", nil, join(healthy(newID, 2), pending(newID, 1)), false},
		{"old task stopped", join(func() []Task {
			ts := healthy(oldID, 1)
			ts[0].LastStatus, ts[0].DesiredStatus = TaskStopped, TaskStopped
			return ts
		}()), healthy(newID, 3), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Compute(rollout(svc(3, 100, 200), tc.old, tc.new))
			u, _ := update(p, newID)
			got := u.RolloutState == types.DeploymentRolloutStateCompleted
			if got != tc.want {
				t.Fatalf("completed = %v, want %v (update %+v)", got, tc.want, u)
			}
			if !tc.want {
				return
			}
			if u.RolloutStateReason != "ECS deployment "+newID+" completed." {
				t.Errorf("reason %q", u.RolloutStateReason)
			}
			wantEvents := []string{"(service web) (deployment " + newID + ") deployment completed.", "(service web) has reached a steady state."}
			if len(p.Events) != 2 || p.Events[0] != wantEvents[0] || p.Events[1] != wantEvents[1] {
				t.Errorf("events %q, want %q", p.Events, wantEvents)
			}
		})
	}
}

func TestDesiredCountOnlyScalingKeepsDeployment(t *testing.T) {
	s := steadyWithHC(svc(5, 100, 200), unhealthyTasks(healthy(newID, 3), 0))
	p := Compute(s)
	if got := started(p, newID); got != 2 {
		t.Errorf("started %d, want 2", got)
	}
	if p.RolledBackTo != "" {
		t.Errorf("scaling created a deployment")
	}
	if u, _ := update(p, newID); u.DesiredCount != 5 || u.RolloutState != types.DeploymentRolloutStateCompleted {
		t.Errorf("update %+v, want desiredCount 5 and still COMPLETED", u)
	}
	s = steadyWithHC(svc(1, 100, 200), unhealthyTasks(healthy(newID, 3), 0))
	if p := Compute(s); len(p.Stops) != 2 {
		t.Errorf("scale in stopped %d, want 2", len(p.Stops))
	}
}

func TestSteadyStateEventOnceThenAfterSixHours(t *testing.T) {
	base := steadyWithHC(svc(2, 100, 200), unhealthyTasks(healthy(newID, 2), 0))
	tests := []struct {
		name      string
		marks     ServiceMarks
		now       time.Time
		wantEvent bool
		wantWake  time.Time
	}{
		{"reached", ServiceMarks{}, t0, true, t0.Add(6 * time.Hour)},
		{"already reported", ServiceMarks{Steady: true, SteadyEventAt: t0.Add(-time.Hour)}, t0, false, t0.Add(5 * time.Hour)},
		{"repeated after 6 h", ServiceMarks{Steady: true, SteadyEventAt: t0.Add(-6 * time.Hour)}, t0, true, t0.Add(6 * time.Hour)},
		{"reached again after a change", ServiceMarks{Steady: false, SteadyEventAt: t0.Add(-time.Hour)}, t0, true, t0.Add(6 * time.Hour)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := base
			s.Service.Marks = tc.marks
			p := Compute(s)
			if got := hasEvent(p, "(service web) has reached a steady state."); got != tc.wantEvent {
				t.Errorf("steady event = %v, want %v", got, tc.wantEvent)
			}
			if !p.Service.Steady || !p.NextWakeup.Equal(tc.wantWake) {
				t.Errorf("marks %+v wake %v, want steady and wake %v", p.Service, p.NextWakeup, tc.wantWake)
			}
		})
	}
	s := base
	s.Service.DesiredCount = 3
	s.Service.Marks = ServiceMarks{Steady: true, SteadyEventAt: t0}
	if p := Compute(s); p.Service.Steady {
		t.Errorf("a service scaling out is not steady")
	}
}

func TestBlockedEventOnlyOnceWhileBlocked(t *testing.T) {
	s := rollout(svc(4, 100, 100), healthy(oldID, 4), nil)
	s.Service.Marks.Blocked = true
	if p := Compute(s); hasEvent(p, DeploymentBlockedEvent("web")) || !p.Service.Blocked {
		t.Errorf("repeated blocked event: %q", p.Events)
	}
}

func TestTasksOfUnknownDeploymentsAreDrained(t *testing.T) {
	s := rollout(svc(2, 0, 200), nil, healthy(newID, 2))
	s.Tasks = append(s.Tasks, healthy("ecs-svc/gone", 1)...)
	p := Compute(s)
	if stoppedOf(p, "ecs-svc/gone") != 1 {
		t.Errorf("stops %+v, want the orphan task stopped", p.Stops)
	}
	for _, u := range p.Deployments {
		if u.ID == "ecs-svc/gone" {
			t.Errorf("update for a deployment that does not exist: %+v", u)
		}
	}
}

// A deployment that completes without changing any task (desiredCount 0)
// still reports the steady state after "deployment completed".
func TestSteadyStateEventAfterEveryCompletedDeployment(t *testing.T) {
	s := Snapshot{Service: svc(0, 100, 200), Now: t0,
		Deployments: []Deployment{
			dep(oldID, "td:1", time.Hour, StatusActive, types.DeploymentRolloutStateCompleted),
			dep(newID, "td:2", 0, StatusPrimary, types.DeploymentRolloutStateInProgress),
		}}
	s.Service.Marks = ServiceMarks{Steady: true, SteadyEventAt: t0.Add(-time.Hour)}
	p := Compute(s)
	want := []string{DeploymentCompletedEvent("web", newID), SteadyStateEvent("web")}
	if len(p.Events) != 2 || p.Events[0] != want[0] || p.Events[1] != want[1] {
		t.Fatalf("events %q, want %q", p.Events, want)
	}
}
