package targethealth

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// ALB defaults ("Health checks for Application Load Balancer target groups"): interval 30 s,
// healthy threshold 5, unhealthy threshold 2; the fake's registration delay is 10 s.
var albDefaults = Settings{Interval: 30 * time.Second, HealthyThreshold: 5, UnhealthyThreshold: 2,
	RegistrationDelay: 10 * time.Second, DeregistrationDelay: 300 * time.Second}

func sec(n int) time.Duration { return time.Duration(n) * time.Second }

func eval(t Target, b Behaviour, at time.Duration) Result {
	return Evaluate(t, albDefaults, b, true, t0, t0.Add(at))
}

// "Targets in a target group that is not used by a load balancer are unused" (TargetHealth:
// Target.NotInUse); no checks run and nothing is scheduled.
func TestTargetUnusedWhenGroupNotBehindListener(t *testing.T) {
	r := Evaluate(Target{RegisteredAt: t0}, albDefaults, Behaviour{}, false, time.Time{}, t0.Add(time.Hour))
	if r.Target.State != Unused || r.Target.Reason != ReasonNotInUse || !r.NextWakeup.IsZero() {
		t.Fatalf("%+v", r)
	}
	if Description(r.Target.Reason, 0) != "Target group is not configured to receive traffic from the load balancer" {
		t.Error(Description(r.Target.Reason, 0))
	}
}

// initial (Elb.RegistrationInProgress, then Elb.InitialHealthChecking) -> healthy after
// HealthyThresholdCount consecutive passing checks at the interval.
func TestTargetHealthyAfterHealthyThresholdPassingChecks(t *testing.T) {
	tg := Target{RegisteredAt: t0}
	r := eval(tg, Behaviour{}, 0)
	if r.Target.State != Initial || r.Target.Reason != ReasonRegistrationInProgress || !r.NextWakeup.Equal(t0.Add(sec(10))) {
		t.Fatalf("at 0: %+v", r)
	}
	r = eval(r.Target, Behaviour{}, sec(10))
	if r.Target.State != Initial || r.Target.Reason != ReasonInitialHealthChecking {
		t.Fatalf("at 10s: %+v", r.Target)
	}
	// Checks at 10, 40, 70, 100, 130 s: the fifth makes it healthy.
	if want := t0.Add(sec(130)); !r.NextWakeup.Equal(want) {
		t.Fatalf("next wakeup %v, want %v", r.NextWakeup, want)
	}
	r = eval(r.Target, Behaviour{}, sec(129))
	if r.Target.State != Initial {
		t.Fatalf("at 129s: %s", r.Target.State)
	}
	r = eval(r.Target, Behaviour{}, sec(130))
	if r.Target.State != Healthy || r.Target.Reason != "" || !r.Target.Since.Equal(t0.Add(sec(130))) {
		t.Fatalf("at 130s: %+v", r.Target)
	}
	if !r.NextWakeup.IsZero() {
		t.Errorf("a healthy target with a steady behaviour needs no wake-up, got %v", r.NextWakeup)
	}
}

// unhealthy after UnhealthyThresholdCount consecutive failures, with the failure's reason.
func TestTargetUnhealthyAfterUnhealthyThresholdFailures(t *testing.T) {
	b := Behaviour{Fail: true, Reason: ReasonResponseCodeMismatch}
	r := eval(Target{RegisteredAt: t0}, b, sec(39))
	if r.Target.State != Initial {
		t.Fatalf("after one failure: %+v", r.Target)
	}
	r = eval(r.Target, b, sec(40))
	if r.Target.State != Unhealthy || r.Target.Reason != ReasonResponseCodeMismatch {
		t.Fatalf("after two failures: %+v", r.Target)
	}
	if Description(ReasonResponseCodeMismatch, 502) != "Health checks failed with these codes: [502]" {
		t.Error("description")
	}
}

// A healthy target that starts failing at d turns unhealthy at the UnhealthyThreshold-th
// failing check after d; passing again, healthy after HealthyThreshold passes.
func TestTargetFailingAfterDurationThenRecovering(t *testing.T) {
	b := Behaviour{Fail: true, FailFrom: t0.Add(sec(300)), Reason: ReasonTimeout}
	r := eval(Target{RegisteredAt: t0}, b, sec(299))
	if r.Target.State != Healthy {
		t.Fatalf("%+v", r.Target)
	}
	// Checks at 310, 340: unhealthy at 340.
	if !r.NextWakeup.Equal(t0.Add(sec(340))) { // checks at 310, 340: unhealthy at the second
		t.Fatalf("wake %v", r.NextWakeup.Sub(t0))
	}
	r = eval(r.Target, b, sec(340))
	if r.Target.State != Unhealthy || !r.Target.Since.Equal(t0.Add(sec(340))) || r.Target.Reason != ReasonTimeout {
		t.Fatalf("%+v", r.Target)
	}
}

// Flapping: fail for Flap, pass for Flap, ...; every transition is reported at its check.
func TestTargetFlappingReportsEveryTransition(t *testing.T) {
	b := Behaviour{Fail: true, FailFrom: t0.Add(sec(200)), Flap: sec(300)}
	r := eval(Target{RegisteredAt: t0}, b, sec(3600))
	var seq []State
	for _, c := range r.Changes {
		seq = append(seq, c.To)
	}
	// initial(reg), initial(checking), healthy, then unhealthy/healthy alternating.
	if len(seq) < 8 || seq[2] != Healthy || seq[3] != Unhealthy || seq[4] != Healthy {
		t.Fatalf("changes %v", seq)
	}
}

// Draining: a deregistered target is draining (Target.DeregistrationInProgress) for the
// deregistration delay, then removed.
func TestTargetDrainsForDeregistrationDelay(t *testing.T) {
	r := eval(Target{RegisteredAt: t0}, Behaviour{}, sec(200))
	tg := r.Target
	tg.DeregisteredAt = t0.Add(sec(200))
	r = eval(tg, Behaviour{}, sec(200))
	if r.Target.State != Draining || r.Target.Reason != ReasonDeregistrationInProgress || !r.NextWakeup.Equal(t0.Add(sec(500))) {
		t.Fatalf("%+v", r)
	}
	if r = eval(r.Target, Behaviour{}, sec(499)); r.Removed {
		t.Fatal("removed before the delay")
	}
	if r = eval(r.Target, Behaviour{}, sec(500)); !r.Removed {
		t.Fatal("not removed after the delay")
	}
}

// Deregistering a target of an unused group removes it at once.
func TestUnusedTargetDeregistersAtOnce(t *testing.T) {
	r := Evaluate(Target{RegisteredAt: t0}, albDefaults, Behaviour{}, false, time.Time{}, t0)
	tg := r.Target
	tg.DeregisteredAt = t0.Add(sec(5))
	if r = Evaluate(tg, albDefaults, Behaviour{}, false, time.Time{}, t0.Add(sec(5))); !r.Removed {
		t.Fatalf("%+v", r)
	}
}

// reference simulates every check one by one.
func reference(s Settings, b Behaviour, inUseSince, now time.Time) (State, string) {
	first := inUseSince.Add(s.RegistrationDelay)
	if now.Before(first) {
		return Initial, ReasonRegistrationInProgress
	}
	st, reason := Initial, ReasonInitialHealthChecking
	streak := 0
	for at := first; !at.After(now); at = at.Add(s.Interval) {
		if b.failing(at) {
			streak = min(streak, 0) - 1
			if -streak >= s.UnhealthyThreshold {
				st, reason = Unhealthy, b.reason()
			}
		} else {
			streak = max(streak, 0) + 1
			if streak >= s.HealthyThreshold {
				st, reason = Healthy, ""
			}
		}
	}
	return st, reason
}

// Evaluate, called at any sequence of instants (or only when it asked to be woken), agrees with
// a check-by-check simulation, and never asks to be woken in the past.
func TestEvaluateMatchesCheckByCheckSimulation(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		s := Settings{
			Interval:           sec(rapid.IntRange(5, 300).Draw(rt, "interval")),
			HealthyThreshold:   rapid.IntRange(2, 10).Draw(rt, "healthy"),
			UnhealthyThreshold: rapid.IntRange(2, 10).Draw(rt, "unhealthy"),
			RegistrationDelay:  sec(rapid.IntRange(0, 30).Draw(rt, "reg")),
		}
		b := Behaviour{Fail: rapid.Bool().Draw(rt, "fail"), FailFrom: t0.Add(sec(rapid.IntRange(0, 2000).Draw(rt, "from"))),
			Flap:   sec(rapid.IntRange(0, 900).Draw(rt, "flap")),
			Reason: rapid.SampledFrom([]string{ReasonTimeout, ReasonResponseCodeMismatch, ""}).Draw(rt, "reason")}
		tg := Target{RegisteredAt: t0}
		now := t0
		onlyWakeups := rapid.Bool().Draw(rt, "onlyWakeups")
		for i := range 40 {
			r := Evaluate(tg, s, b, true, t0, now)
			tg = r.Target
			wantS, wantR := reference(s, b, t0, now)
			if tg.State != wantS || tg.Reason != wantR {
				rt.Fatalf("step %d at %v: got %s/%s, want %s/%s", i, now.Sub(t0), tg.State, tg.Reason, wantS, wantR)
			}
			if !r.NextWakeup.IsZero() && !r.NextWakeup.After(now) {
				rt.Fatalf("wake-up %v not after now %v", r.NextWakeup.Sub(t0), now.Sub(t0))
			}
			for _, c := range r.Changes {
				if c.At.After(now) {
					rt.Fatalf("change in the future: %+v", c)
				}
			}
			if onlyWakeups {
				if r.NextWakeup.IsZero() {
					// Nothing can change: check far ahead that the state holds.
					far := now.Add(10 * time.Hour)
					if st, _ := reference(s, b, t0, far); st != tg.State {
						rt.Fatalf("no wake-up at %v but state becomes %s by %v", now.Sub(t0), st, far.Sub(t0))
					}
					return
				}
				now = r.NextWakeup
			} else {
				now = now.Add(sec(rapid.IntRange(0, 400).Draw(rt, "step")))
			}
		}
	})
}
