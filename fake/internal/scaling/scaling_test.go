package scaling

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func f(v float64) *float64 { return &v }

// TestTargetTrackingIsProportional: "Application Auto Scaling ... adjusts
// capacity in proportion to the metric" (User Guide, target tracking).
func TestTargetTrackingIsProportional(t *testing.T) {
	cases := []struct {
		cur         int
		metric, tgt float64
		want        int
	}{
		{2, 100, 50, 4}, {2, 75, 50, 3}, {4, 20, 50, 2}, {3, 50, 50, 3},
		{10, 51, 50, 11}, {0, 80, 50, 2}, {1, 0.1 * 3, 0.1, 3},
	}
	for _, c := range cases {
		if got := TargetTracking(c.cur, c.metric, c.tgt); got != c.want {
			t.Errorf("TargetTracking(%d, %v, %v) = %d, want %d", c.cur, c.metric, c.tgt, got, c.want)
		}
	}
}

// TestStepAdjustments follows the step-scaling example of the User Guide
// ("Step scaling policies": threshold 50, steps [0,10) +10%, [10,20) +20%,
// [20,+inf) +30%; for scale in (-inf,0] -1).
func TestStepAdjustments(t *testing.T) {
	out := []Step{{Lower: f(0), Upper: f(10), Adjustment: 10}, {Lower: f(10), Upper: f(20), Adjustment: 20}, {Lower: f(20), Adjustment: 30}}
	for _, c := range []struct {
		delta float64
		want  int
	}{{0, 10}, {9.9, 10}, {10, 20}, {25, 30}} {
		s, ok := StepFor(out, c.delta)
		if !ok || s.Adjustment != c.want {
			t.Errorf("delta %v: got %v %v", c.delta, s, ok)
		}
	}
	if _, ok := StepFor(out, -1); ok {
		t.Error("a negative delta matched a scale-out step")
	}
	in := []Step{{Upper: f(0), Adjustment: -1}}
	if s, ok := StepFor(in, 0); !ok || s.Adjustment != -1 {
		t.Error("scale-in step upper bound 0 must include 0")
	}
	if got := StepCapacity(10, PercentChangeInCapacity, 10, 0); got != 11 {
		t.Errorf("10 +10%% = %d", got)
	}
	if got := StepCapacity(3, PercentChangeInCapacity, 10, 0); got != 4 {
		t.Errorf("3 +10%% (0.3 rounds to 1) = %d", got)
	}
	if got := StepCapacity(10, PercentChangeInCapacity, 25, 0); got != 12 {
		t.Errorf("10 +25%% (2.5 rounds down) = %d", got)
	}
	if got := StepCapacity(10, PercentChangeInCapacity, 10, 3); got != 13 {
		t.Errorf("MinAdjustmentMagnitude 3: %d", got)
	}
	if got := StepCapacity(4, ExactCapacity, 7, 0); got != 7 {
		t.Errorf("exact: %d", got)
	}
	if got := StepCapacity(4, ChangeInCapacity, -2, 0); got != 2 {
		t.Errorf("change: %d", got)
	}
}

// TestDecideBoundsSuspensionCooldowns covers "Suspend and resume scaling"
// and the cooldown rules of target tracking.
func TestDecideBoundsSuspensionCooldowns(t *testing.T) {
	base := Target{Current: 4, Min: 2, Max: 6, ScaleInCooldown: 5 * time.Minute, ScaleOutCooldown: time.Minute}
	cases := []struct {
		name     string
		mod      func(*Target)
		proposed int
		want     Decision
	}{
		{"clamped to max", nil, 10, Decision{Scale: true, New: 6}},
		{"clamped to min", nil, 0, Decision{Scale: true, New: 2}},
		{"at max", func(t *Target) { t.Current = 6 }, 9, Decision{NotScaled: ReasonAtMax}},
		{"at min", func(t *Target) { t.Current = 2 }, 1, Decision{NotScaled: ReasonAtMin}},
		{"no change", nil, 4, Decision{NotScaled: ReasonNoChange}},
		{"out suspended", func(t *Target) { t.OutSuspended = true }, 5, Decision{NotScaled: ReasonOutSuspended}},
		{"in suspended", func(t *Target) { t.InSuspended = true }, 3, Decision{NotScaled: ReasonInSuspended}},
		{"scale-in disabled", func(t *Target) { t.DisableScaleIn = true }, 3, Decision{NotScaled: ReasonScaleInDisabled}},
		{"in cooldown", func(t *Target) { t.LastScaleIn = t0.Add(-time.Minute) }, 3, Decision{NotScaled: ReasonScaleInCooldown, NextWakeup: t0.Add(4 * time.Minute)}},
		{"after in cooldown", func(t *Target) { t.LastScaleIn = t0.Add(-5 * time.Minute) }, 3, Decision{Scale: true, New: 3}},
		{"scale-out during scale-out cooldown when larger", func(t *Target) { t.LastScaleOut = t0 }, 5, Decision{Scale: true, New: 5}},
		{"no scale-in during scale-out cooldown", func(t *Target) { t.LastScaleOut = t0.Add(-30 * time.Second) }, 3, Decision{NotScaled: ReasonOutCooldownLess, NextWakeup: t0.Add(30 * time.Second)}},
	}
	for _, c := range cases {
		tg := base
		if c.mod != nil {
			c.mod(&tg)
		}
		if got := Decide(tg, c.proposed, t0); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

// TestDecideStaysWithinBounds: whatever is proposed, a scaling decision
// never leaves [Min, Max] and never scales in while scale-in is disabled.
func TestDecideStaysWithinBounds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		lo := rapid.IntRange(0, 20).Draw(t, "min")
		hi := rapid.IntRange(lo, 40).Draw(t, "max")
		tg := Target{Current: rapid.IntRange(lo, hi).Draw(t, "cur"), Min: lo, Max: hi,
			DisableScaleIn: rapid.Bool().Draw(t, "dis"), OutSuspended: rapid.Bool().Draw(t, "os")}
		d := Decide(tg, rapid.IntRange(-5, 100).Draw(t, "p"), t0)
		if d.Scale && (d.New < lo || d.New > hi) {
			t.Fatalf("scaled to %d outside [%d,%d]", d.New, lo, hi)
		}
		if d.Scale && tg.DisableScaleIn && d.New < tg.Current {
			t.Fatal("scaled in with scale-in disabled")
		}
		if d.Scale && tg.OutSuspended && d.New > tg.Current {
			t.Fatal("scaled out while suspended")
		}
	})
}

// TestBaseDuringScaleOutCooldown: the same step fired again during the
// cooldown proposes no more capacity; after it, it adds again.
func TestBaseDuringScaleOutCooldown(t *testing.T) {
	tg := Target{Current: 5, Min: 1, Max: 20, OutBase: 2, LastScaleOut: t0, ScaleOutCooldown: 10 * time.Minute}
	if b := Base(tg, t0.Add(5*time.Minute)); b != 2 {
		t.Fatalf("base in cooldown %d", b)
	}
	if d := Decide(tg, StepCapacity(Base(tg, t0.Add(5*time.Minute)), ChangeInCapacity, 3, 0), t0.Add(5*time.Minute)); d.Scale {
		t.Fatalf("same step in cooldown scaled: %+v", d)
	}
	if d := Decide(tg, StepCapacity(Base(tg, t0.Add(5*time.Minute)), ChangeInCapacity, 4, 0), t0.Add(5*time.Minute)); !d.Scale || d.New != 6 {
		t.Fatalf("larger step in cooldown: %+v", d)
	}
	if b := Base(tg, t0.Add(10*time.Minute)); b != 5 {
		t.Fatalf("base after cooldown %d", b)
	}
}
