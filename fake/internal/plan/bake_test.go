package plan

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"pgregory.net/rapid"
)

// baking is a rollout that has scaled out (3 healthy tasks of the new
// deployment) and in (no task of the old one left), at now, with a bake of
// bake and the bake's end until (zero: not started).
func baking(bake time.Duration, until, now time.Time) Snapshot {
	s := svc(3, 100, 200)
	s.Bake = bake
	snap := rollout(s, nil, healthy(newID, 3))
	snap.Deployments[0].Status = StatusInactive
	d := &snap.Deployments[1]
	d.BakeUntil, d.DesiredCount, d.ReachedRunning, d.RolloutStateReason = until, 3, true, InProgressReason(newID)
	snap.Now = now
	return snap
}

// TestBakeKeepsTheRolloutInProgress: with a bake (deployment alarms), a
// deployment that has scaled out and in stays IN_PROGRESS, its bake's end
// is fixed at the first plan and a wake-up asked for then; it completes
// at that instant, with the completed and steady-state events, and not a
// nanosecond sooner (ECS Developer Guide, "How CloudWatch alarms detect
// Amazon ECS deployment failures").
func TestBakeKeepsTheRolloutInProgress(t *testing.T) {
	const bake = 5 * time.Minute
	end := t0.Add(bake)
	p := Compute(baking(bake, time.Time{}, t0))
	u, ok := update(p, newID)
	if !ok || u.RolloutState != types.DeploymentRolloutStateInProgress || !u.BakeUntil.Equal(end) {
		t.Fatalf("bake start: update %+v (found %v), want IN_PROGRESS until %v", u, ok, end)
	}
	if !p.NextWakeup.Equal(end) || len(p.Starts) != 0 || len(p.Stops) != 0 || len(p.Events) != 0 {
		t.Fatalf("bake start: wake-up %v, starts %v, stops %v, events %q", p.NextWakeup, p.Starts, p.Stops, p.Events)
	}
	// Replanned during the bake (a task event, say): no change, the same wake-up.
	p = Compute(baking(bake, end, end.Add(-time.Nanosecond)))
	if _, ok := update(p, newID); ok || !p.NextWakeup.Equal(end) || len(p.Events) != 0 {
		t.Fatalf("during the bake: updates %+v, wake-up %v, events %q", p.Deployments, p.NextWakeup, p.Events)
	}
	p = Compute(baking(bake, end, end))
	u, ok = update(p, newID)
	if !ok || u.RolloutState != types.DeploymentRolloutStateCompleted || u.RolloutStateReason != CompletedReason(newID) {
		t.Fatalf("bake end: update %+v (found %v)", u, ok)
	}
	if !hasEvent(p, DeploymentCompletedEvent("web", newID)) || !hasEvent(p, SteadyStateEvent("web")) || !p.Service.Steady {
		t.Fatalf("bake end: events %q, marks %+v", p.Events, p.Service)
	}
}

// TestBakeWaitsForTheRollout: the bake starts only once the old
// deployment has no task left and the new one has desiredCount healthy
// tasks; before that nothing is fixed.
func TestBakeWaitsForTheRollout(t *testing.T) {
	s := svc(3, 100, 200)
	s.Bake = 5 * time.Minute
	snap := rollout(s, healthy(oldID, 1), healthy(newID, 3))
	p := Compute(snap)
	if u, _ := update(p, newID); !u.BakeUntil.IsZero() || u.RolloutState == types.DeploymentRolloutStateCompleted {
		t.Fatalf("old task left: update %+v", u)
	}
	if stoppedOf(p, oldID) != 1 {
		t.Fatalf("the old task is not stopped: %+v", p.Stops)
	}
}

// TestBakeEndsOnlyWhenSteadyAgain: a task lost during the bake delays
// completion past the bake's end until the service is steady again; the
// bake is not started afresh.
func TestBakeEndsOnlyWhenSteadyAgain(t *testing.T) {
	const bake = 5 * time.Minute
	end := t0.Add(bake)
	snap := baking(bake, end, end.Add(time.Minute))
	snap.Tasks = snap.Tasks[:2] // one of the three is gone
	p := Compute(snap)
	if u, ok := update(p, newID); ok && (u.RolloutState != types.DeploymentRolloutStateInProgress || !u.BakeUntil.Equal(end)) {
		t.Fatalf("short of a task: update %+v", u)
	}
	if started(p, newID) != 1 {
		t.Fatalf("no replacement started: %+v", p.Starts)
	}
	p = Compute(baking(bake, end, end.Add(2*time.Minute)))
	if u, ok := update(p, newID); !ok || u.RolloutState != types.DeploymentRolloutStateCompleted {
		t.Fatalf("steady again after the bake: update %+v", u)
	}
}

// TestAlarmDuringBakeFailsAndRollsBack: a deployment alarm going to ALARM
// while the deployment bakes fails it and, with rollback, revives the last
// COMPLETED deployment, exactly as during the rollout.
func TestAlarmDuringBakeFailsAndRollsBack(t *testing.T) {
	const bake = 5 * time.Minute
	end := t0.Add(bake)
	snap := baking(bake, end, t0.Add(time.Minute))
	snap.Service.Alarm = DeploymentAlarm{Name: "errors", Rollback: true}
	p := Compute(snap)
	u, _ := update(p, newID)
	if u.RolloutState != types.DeploymentRolloutStateFailed || u.RolloutStateReason != AlarmFailedReason("errors") {
		t.Fatalf("baking deployment after the alarm: %+v", u)
	}
	if p.RolledBackTo != oldID || !hasEvent(p, DeploymentAlarmFailedEvent("web", newID)) || !hasEvent(p, RollingBackEvent("web", oldID)) {
		t.Fatalf("rolled back to %q, events %q", p.RolledBackTo, p.Events)
	}
}

// TestRollbackDoesNotBake: a deployment a rollback revived completes as
// soon as it has scaled out and the failed one in, bake or not (the
// fake's choice: it returns to a revision that baked when it completed).
func TestRollbackDoesNotBake(t *testing.T) {
	s := svc(3, 100, 200)
	s.Bake = 5 * time.Minute
	snap := Snapshot{
		Service: s,
		Deployments: []Deployment{
			dep(oldID, "td:1", 2*time.Hour, StatusPrimary, types.DeploymentRolloutStateInProgress),
			dep(newID, "td:2", time.Hour, StatusInactive, types.DeploymentRolloutStateFailed),
		},
		Tasks: healthy(oldID, 3),
		Now:   t0,
	}
	snap.Deployments[0].RevivedAt = t0.Add(-time.Minute)
	p := Compute(snap)
	if u, ok := update(p, oldID); !ok || u.RolloutState != types.DeploymentRolloutStateCompleted || !u.BakeUntil.IsZero() {
		t.Fatalf("revived deployment: update %+v (found %v)", u, ok)
	}
}

// TestNoBakeWithoutAlarms: Service.Bake zero (no deployment alarms)
// completes the rollout at once, as before.
func TestNoBakeWithoutAlarms(t *testing.T) {
	p := Compute(baking(0, time.Time{}, t0))
	if u, ok := update(p, newID); !ok || u.RolloutState != types.DeploymentRolloutStateCompleted || !u.BakeUntil.IsZero() {
		t.Fatalf("update %+v (found %v)", u, ok)
	}
}

// TestPropertyBakeHoldsCompletion: with a bake of any length, a rollout
// (with or without a task crashing, during the rollout or the bake) never
// completes before its bake's end, which is fixed once, at a plan where no
// older deployment has a live task left, at that plan's time + the bake;
// without a crash it completes at the first plan at or after the end
// (the sim plans every step, so exactly then); with no bake it completes
// without one.
func TestPropertyBakeHoldsCompletion(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := newSim(t, drawService(t), rapid.Bool().Draw(t, "healthCheck"))
		bake := time.Duration(rapid.IntRange(0, 12).Draw(t, "bakeSteps")) * step
		m.snap.Service.Bake = bake
		m.deploy("td:1", false, "")
		if !m.run(300, func() bool { return m.steady("td:1") }, nil) {
			t.Fatalf("service creation did not reach steady state: %+v", m.snap.Deployments)
		}
		m.deploy("td:2", false, "")
		id := m.primary().ID
		crashAt := rapid.IntRange(-1, 40).Draw(t, "crashAt")
		var until, completedAt time.Time
		for i := 0; i < 500 && completedAt.IsZero(); i++ {
			m.progress()
			if i == crashAt {
				m.crash(rapid.IntRange(0, 7).Draw(t, "crashWhich"), false)
			}
			oldLive := false
			for _, tk := range m.snap.Tasks {
				if tk.DeploymentID != id && tk.LastStatus != TaskStopped {
					oldLive = true
				}
			}
			m.tick()
			d := m.deployment(id)
			switch {
			case until.IsZero() && !d.BakeUntil.IsZero():
				if bake == 0 || oldLive || !d.BakeUntil.Equal(m.snap.Now.Add(bake)) {
					t.Fatalf("at %v: bake end set to %v (bake %v, old tasks live %v)", m.snap.Now, d.BakeUntil, bake, oldLive)
				}
				until = d.BakeUntil
			case !until.IsZero() && !d.BakeUntil.Equal(until):
				t.Fatalf("at %v: bake end moved from %v to %v", m.snap.Now, until, d.BakeUntil)
			}
			if d.RolloutState == types.DeploymentRolloutStateCompleted {
				completedAt = m.snap.Now
			}
		}
		switch {
		case completedAt.IsZero():
			t.Fatalf("td:2 never completed: %+v", m.deployment(id))
		case bake > 0 && (until.IsZero() || completedAt.Before(until)):
			t.Fatalf("completed at %v, bake end %v", completedAt, until)
		case bake > 0 && crashAt < 0 && !completedAt.Equal(until):
			t.Fatalf("completed at %v without a crash, want the bake end %v", completedAt, until)
		case bake == 0 && !until.IsZero():
			t.Fatalf("a bake end %v without a bake", until)
		}
	})
}
