package plan

// MaxTasks is floor(desired * maximumPercent / 100): the most tasks that may
// be RUNNING or PENDING at once.
func MaxTasks(desired, maximumPercent int) int {
	if desired <= 0 || maximumPercent <= 0 {
		return 0
	}
	return desired * maximumPercent / 100
}

// MinHealthy is ceil(desired * minimumHealthyPercent / 100): the fewest
// healthy RUNNING tasks the scheduler may leave by its own stops.
func MinHealthy(desired, minimumHealthyPercent int) int {
	if desired <= 0 || minimumHealthyPercent <= 0 {
		return 0
	}
	return (desired*minimumHealthyPercent + 99) / 100
}

// BreakerThreshold is ceil(0.5 * desired) clamped to [3, 200].
func BreakerThreshold(desired int) int {
	t := (desired + 1) / 2
	return min(max(t, 3), 200)
}

// ThresholdType is deploymentCircuitBreaker.thresholdConfiguration.type.
type ThresholdType string

// Threshold types (API Reference, "ThresholdConfiguration").
const (
	// ThresholdBoundedPercent is value% of desiredCount, clamped to [3, 200] (the default, value 50).
	ThresholdBoundedPercent ThresholdType = "BOUNDED_PERCENT"
	// ThresholdUnboundedPercent is value% of desiredCount without the clamp (at least 1).
	ThresholdUnboundedPercent ThresholdType = "UNBOUNDED_PERCENT"
	// ThresholdCount is value itself.
	ThresholdCount ThresholdType = "COUNT"
)

// Threshold computes the breaker's failure threshold for desired tasks:
// without a type, ceil(0.5 * desired) clamped to [3, 200] (BreakerThreshold);
// BOUNDED_PERCENT ceil(value% * desired) clamped to [3, 200];
// UNBOUNDED_PERCENT ceil(value% * desired), at least 1; COUNT value, at
// least 1 (API Reference, "ThresholdConfiguration"; the Python SDK's
// ThresholdType documents the 3-to-200 bounds).
func (cb CircuitBreaker) Threshold(desired int) int {
	desired = max(desired, 0)
	pct := func() int { return (desired*cb.ThresholdValue + 99) / 100 }
	switch cb.ThresholdType {
	case ThresholdBoundedPercent:
		return min(max(pct(), 3), 200)
	case ThresholdUnboundedPercent:
		return max(pct(), 1)
	case ThresholdCount:
		return max(cb.ThresholdValue, 1)
	}
	return BreakerThreshold(desired)
}
