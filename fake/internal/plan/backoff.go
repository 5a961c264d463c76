package plan

import "time"

// Service throttle (ECS Developer Guide, "Amazon ECS service throttle logic"):
// tasks that fail to reach RUNNING (they go from PENDING straight to STOPPED,
// or cannot be placed) are retried with growing delays, "up to a maximum of
// 27 minutes" (the page said 15 minutes before). Tasks that stop after
// RUNNING are never throttled.
const (
	// BackoffStartAfter is the number of consecutive start failures after
	// which the "unable to consistently start tasks" event is emitted.
	BackoffStartAfter = 3
	// DefaultThrottleBase is the delay after the first and the second
	// consecutive start failure; each further failure doubles it. It is
	// calibrated on a published Fargate observation (desired 1, an image that
	// cannot be pulled: failedTasks 1, 2, 3 at 2m34s, 4m46s, 11m00s; see
	// docs/ecs-semantics.md).
	DefaultThrottleBase = 220 * time.Second
	// DefaultThrottleCap is the longest delay between launch attempts.
	DefaultThrottleCap = 27 * time.Minute
	// UnableToStartRepeat is how long the "unable to consistently start
	// tasks" event is not repeated for a service.
	UnableToStartRepeat = 6 * time.Hour
)

// Throttle is the service throttle schedule. Zero fields take the defaults.
type Throttle struct {
	// Base is the delay after the first and second consecutive failure.
	Base time.Duration
	// Cap is the longest delay.
	Cap time.Duration
}

// DefaultThrottle is ECS's schedule: DefaultThrottleBase, DefaultThrottleCap.
var DefaultThrottle = Throttle{Base: DefaultThrottleBase, Cap: DefaultThrottleCap}

// withDefaults fills zero fields from DefaultThrottle.
func (t Throttle) withDefaults() Throttle {
	if t.Base <= 0 {
		t.Base = DefaultThrottleBase
	}
	if t.Cap <= 0 {
		t.Cap = DefaultThrottleCap
	}
	return t
}

// Delay is the delay before the next launch after the given number of
// consecutive start failures: 0 without failures, Base after one or two,
// then doubling per failure, never above Cap.
func (t Throttle) Delay(failures int) time.Duration {
	t = t.withDefaults()
	if failures < 1 {
		return 0
	}
	d := t.Base
	for i := 2; i < failures && d < t.Cap; i++ {
		d *= 2
	}
	return min(d, t.Cap)
}
