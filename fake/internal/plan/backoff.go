package plan

import "time"

// Service throttle (ECS Developer Guide, "Amazon ECS service throttle logic"):
// tasks that repeatedly fail to reach RUNNING are retried with growing delays.
const (
	// BackoffStartAfter is the number of consecutive start failures after
	// which launches are delayed and the "unable to consistently start tasks"
	// event is emitted.
	BackoffStartAfter = 3
	// BackoffBase is the first delay; each further failure doubles it.
	BackoffBase = 10 * time.Second
	// BackoffCap is the longest delay between launch attempts.
	BackoffCap = 15 * time.Minute
)

// BackoffDelay is the delay before the next launch after the given number of
// consecutive start failures: 0 below BackoffStartAfter, then BackoffBase
// doubling per failure, capped at BackoffCap.
func BackoffDelay(failures int) time.Duration {
	if failures < BackoffStartAfter {
		return 0
	}
	d := BackoffBase
	for i := BackoffStartAfter; i < failures && d < BackoffCap; i++ {
		d *= 2
	}
	return min(d, BackoffCap)
}
