// Package scaling is the pure core of the fake's Application Auto Scaling:
// the target-tracking and step-scaling arithmetic and the decision whether
// a scaling activity may run (bounds, suspension, cooldowns). It reads no
// clock and keeps no state: the caller passes a Target snapshot and now,
// and applies the Decision.
//
// Sources: Application Auto Scaling User Guide, "Target tracking scaling
// policies" (how target tracking works, cooldowns), "Step scaling policies"
// (step adjustments, adjustment types) and "Suspend and resume scaling".
package scaling

import (
	"math"
	"time"
)

// Target is a scalable target at decision time.
type Target struct {
	// Current is the capacity now (the service's desiredCount).
	Current int
	// Min and Max bound the capacity.
	Min, Max int
	// InSuspended and OutSuspended are DynamicScalingInSuspended and
	// DynamicScalingOutSuspended.
	InSuspended, OutSuspended bool
	// LastScaleOut and LastScaleIn are when the last scale-out / scale-in
	// activity of this policy ran (zero: never).
	LastScaleOut, LastScaleIn time.Time
	// ScaleOutCooldown and ScaleInCooldown are the policy's cooldowns.
	ScaleOutCooldown, ScaleInCooldown time.Duration
	// DisableScaleIn is target tracking's DisableScaleIn.
	DisableScaleIn bool
	// OutBase is the capacity before the last scale-out.
	OutBase int
}

// Base is the capacity a scale-out proposal starts from: during the
// scale-out cooldown the capacity added by the last scale-out counts as
// already there, so the base is the capacity before it ("While the cooldown
// period is in effect, capacity added by the initiating scale-out activity
// is calculated as part of the desired capacity for the next scale-out
// activity": User Guide, "Step scaling policies", cooldown); else Current.
func Base(t Target, now time.Time) int {
	if !t.LastScaleOut.IsZero() && now.Before(t.LastScaleOut.Add(t.ScaleOutCooldown)) {
		return t.OutBase
	}
	return t.Current
}

// Decision is the outcome for one proposed capacity.
type Decision struct {
	// Scale reports that the capacity must change to New.
	Scale bool
	New   int
	// NotScaled, when Scale is false and a change was proposed, says why
	// (a NotScaledReason-like code).
	NotScaled string
	// NextWakeup is when a blocked change may be retried (the end of the
	// cooldown); zero when nothing waits.
	NextWakeup time.Time
}

// Reasons a proposed change is not applied.
const (
	ReasonNoChange        = "AlreadyAtTargetCapacity"
	ReasonScaleInCooldown = "InScaleInCooldown"
	ReasonScaleInDisabled = "ScaleInDisabled"
	ReasonInSuspended     = "DynamicScalingInSuspended"
	ReasonOutSuspended    = "DynamicScalingOutSuspended"
	ReasonAtMax           = "AlreadyAtMaxCapacity"
	ReasonAtMin           = "AlreadyAtMinCapacity"
	ReasonOutCooldownLess = "InScaleOutCooldown"
)

// TargetTracking is the capacity that brings metric back to target:
// ceil(current × metric ÷ target) ("the capacity is proportional to the
// metric"); with no running capacity it is at least 1 when the metric is
// above the target.
func TargetTracking(current int, metric, target float64) int {
	if target <= 0 {
		return current
	}
	base := float64(current)
	if current == 0 {
		base = 1
	}
	v := base * metric / target
	// Guard against float noise (0.1*3/0.1 = 3.0000000000000004).
	n := int(math.Ceil(v - 1e-9))
	if n < 0 {
		n = 0
	}
	return n
}

// AdjustmentType is a step-scaling adjustment type.
type AdjustmentType string

// Adjustment types.
const (
	ChangeInCapacity        AdjustmentType = "ChangeInCapacity"
	ExactCapacity           AdjustmentType = "ExactCapacity"
	PercentChangeInCapacity AdjustmentType = "PercentChangeInCapacity"
)

// Step is one step adjustment: it applies when Lower <= metric-threshold <
// Upper (nil bounds are infinite).
type Step struct {
	Lower, Upper *float64
	Adjustment   int
}

// StepFor returns the step whose interval contains delta (= metric value
// − alarm threshold); ok is false when none does.
func StepFor(steps []Step, delta float64) (Step, bool) {
	for _, s := range steps {
		lo, hi := math.Inf(-1), math.Inf(1)
		if s.Lower != nil {
			lo = *s.Lower
		}
		if s.Upper != nil {
			hi = *s.Upper
		}
		if delta >= lo && delta < hi {
			return s, true
		}
		if s.Upper != nil && s.Lower == nil && delta == hi && hi <= 0 { // a scale-in step's upper bound is inclusive
			return s, true
		}
	}
	return Step{}, false
}

// StepCapacity applies one step adjustment to current. For
// PercentChangeInCapacity a fractional result rounds toward zero, except
// that a change between -1 and 1 becomes -1 or 1; minMagnitude is
// MinAdjustmentMagnitude.
func StepCapacity(current int, t AdjustmentType, adj, minMagnitude int) int {
	switch t {
	case ExactCapacity:
		return adj
	case PercentChangeInCapacity:
		d := float64(current) * float64(adj) / 100
		var change int
		switch {
		case d > 0 && d < 1:
			change = 1
		case d < 0 && d > -1:
			change = -1
		default:
			change = int(d) // toward zero
		}
		if minMagnitude > 0 && change != 0 && abs(change) < minMagnitude {
			change = minMagnitude * sign(change)
		}
		return current + change
	default:
		return current + adj
	}
}

// Decide decides whether proposed may be applied to t at now: it clamps
// to [Min, Max], then applies suspension, DisableScaleIn and cooldowns. A
// scale-out is allowed during the scale-out cooldown only when it raises the
// capacity further (the capacity added by the last scale-out counts); a
// scale-in waits for the scale-in cooldown and for the scale-out cooldown.
func Decide(t Target, proposed int, now time.Time) Decision {
	n := min(max(proposed, t.Min), t.Max)
	switch {
	case n == t.Current:
		switch {
		case proposed > t.Current && t.Current >= t.Max:
			return Decision{NotScaled: ReasonAtMax}
		case proposed < t.Current && t.Current <= t.Min:
			return Decision{NotScaled: ReasonAtMin}
		}
		return Decision{NotScaled: ReasonNoChange}
	case n > t.Current:
		if t.OutSuspended {
			return Decision{NotScaled: ReasonOutSuspended}
		}
		return Decision{Scale: true, New: n}
	}
	// Scale in.
	switch {
	case t.DisableScaleIn:
		return Decision{NotScaled: ReasonScaleInDisabled}
	case t.InSuspended:
		return Decision{NotScaled: ReasonInSuspended}
	}
	if !t.LastScaleIn.IsZero() && now.Before(t.LastScaleIn.Add(t.ScaleInCooldown)) {
		return Decision{NotScaled: ReasonScaleInCooldown, NextWakeup: t.LastScaleIn.Add(t.ScaleInCooldown)}
	}
	if !t.LastScaleOut.IsZero() && now.Before(t.LastScaleOut.Add(t.ScaleOutCooldown)) {
		return Decision{NotScaled: ReasonOutCooldownLess, NextWakeup: t.LastScaleOut.Add(t.ScaleOutCooldown)}
	}
	return Decision{Scale: true, New: n}
}

// Clamp bounds a capacity to [lo, hi].
func Clamp(n, lo, hi int) int { return min(max(n, lo), hi) }

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func sign(n int) int {
	if n < 0 {
		return -1
	}
	return 1
}

// Alarm thresholds target tracking creates (Application Auto Scaling User
// Guide, "Target tracking scaling policies": a high alarm over 3 one-minute
// datapoints at the target, a low alarm over 15 datapoints at 90% of it).
const (
	HighEvaluationPeriods = 3
	LowEvaluationPeriods  = 15
	LowFraction           = 0.9
)
