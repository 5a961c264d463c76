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
