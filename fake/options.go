package fake

import (
	"time"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// Timing holds the durations of the task lifecycle in virtual time. Zero
// fields take the defaults from DefaultTiming.
type Timing struct {
	// Provisioning is how long awsvpc tasks (all Fargate tasks) stay
	// PROVISIONING while their network interface is attached.
	Provisioning time.Duration `json:"provisioning,omitempty"`
	// Pull is how long tasks stay PENDING pulling images
	// (pullStartedAt to pullStoppedAt).
	Pull time.Duration `json:"pull,omitempty"`
	// Activating is how long tasks stay ACTIVATING before RUNNING.
	Activating time.Duration `json:"activating,omitempty"`
	// Deactivating is how long stopping tasks stay DEACTIVATING.
	Deactivating time.Duration `json:"deactivating,omitempty"`
	// Stopping is how long tasks stay STOPPING (SIGTERM to exit).
	Stopping time.Duration `json:"stopping,omitempty"`
	// Deprovisioning is how long awsvpc tasks stay DEPROVISIONING.
	Deprovisioning time.Duration `json:"deprovisioning,omitempty"`
	// Retention is how long STOPPED tasks stay describable (about an hour in ECS).
	Retention time.Duration `json:"retention,omitempty"`
	// PullFailure is how long a task whose image cannot be pulled (or that
	// fails to start for another scripted reason) stays PENDING while the
	// agent retries, before it stops with TaskFailedToStart.
	PullFailure time.Duration `json:"pullFailure,omitempty"`
	// ThrottleBase is the service throttle's delay after the first and second
	// consecutive task that failed to start; it doubles per further failure
	// ("Amazon ECS service throttle logic").
	ThrottleBase time.Duration `json:"throttleBase,omitempty"`
	// ThrottleCap is the longest service throttle delay (27 minutes in ECS).
	ThrottleCap time.Duration `json:"throttleCap,omitempty"`
	// Bake, when positive, is the bake time of every rolling deployment
	// that deployment alarms watch (how long it stays IN_PROGRESS after it
	// has scaled out and the old one in); tests shorten or pin it with it.
	// Zero keeps the fake's model: the longest Period x EvaluationPeriods
	// of the named alarms that exist, at least one minute (ECS computes
	// the bake from the alarms and does not publish how;
	// deployment_alarms.go, docs/fidelity.md "Deployment alarms").
	Bake time.Duration `json:"bake,omitempty"`
}

// DefaultTiming returns lifecycle durations close to what ECS shows for a
// small image, stopped tasks kept for one hour, and the pull-retry and
// service-throttle schedule calibrated on a published Fargate observation
// (desired 1, an image that cannot be pulled: failedTasks 1, 2, 3 at 2m34s,
// 4m46s, 11m00s, rollback completed at 11m44s; docs/ecs-semantics.md,
// "Timings"). Tests that want speed shorten them with WithTiming.
func DefaultTiming() Timing {
	return Timing{
		Provisioning:   44 * time.Second,
		Pull:           8 * time.Second,
		Activating:     2 * time.Second,
		Deactivating:   2 * time.Second,
		Stopping:       5 * time.Second,
		Deprovisioning: 17 * time.Second,
		Retention:      time.Hour,
		PullFailure:    88 * time.Second,
		ThrottleBase:   plan.DefaultThrottleBase,
		ThrottleCap:    plan.DefaultThrottleCap,
	}
}

func (t Timing) withDefaults() Timing {
	d := DefaultTiming()
	fill := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	fill(&t.Provisioning, d.Provisioning)
	fill(&t.Pull, d.Pull)
	fill(&t.Activating, d.Activating)
	fill(&t.Deactivating, d.Deactivating)
	fill(&t.Stopping, d.Stopping)
	fill(&t.Deprovisioning, d.Deprovisioning)
	fill(&t.Retention, d.Retention)
	fill(&t.PullFailure, d.PullFailure)
	fill(&t.ThrottleBase, d.ThrottleBase)
	fill(&t.ThrottleCap, d.ThrottleCap)
	return t
}

// config is what the options set.
type config struct {
	region  string
	account string
	seed    int64
	clock   Clock
	azs     []string
	timing  Timing
	quotas  Quotas // quotas.go
	// snapshots keeps the journal Snapshot saves (journal.go).
	snapshots bool
	// logStreamCap bounds the events per log stream (WithLogStreamCap).
	logStreamCap int
	// consistency is how long reads may lag writes (WithEventualConsistency).
	consistency time.Duration

	// Call latency and in-process SDK retries (latency.go, retries.go).
	callLatency    time.Duration
	callLatencySet bool
	sdkRetries     bool
}

// Option configures a fake ECS built by New.
type Option func(*config)

// WithRegion sets the region used in ARNs (default us-east-1). A region in
// the request context (ContextWithRegion) takes precedence.
func WithRegion(region string) Option { return func(c *config) { c.region = region } }

// WithAccount sets the account ID used in ARNs (default 123456789012).
func WithAccount(account string) Option { return func(c *config) { c.account = account } }

// WithSeed seeds the random sources behind IDs and random decisions (the
// random placement strategy, eventual consistency's lag, fault
// probabilities); the same seed and calls give the same results (default
// 1). IDs are drawn from a stream of their own: they never change a
// random decision.
func WithSeed(seed int64) Option { return func(c *config) { c.seed = seed } }

// WithClock replaces the default manual clock, for example with RealTime.
func WithClock(clock Clock) Option { return func(c *config) { c.clock = clock } }

// WithAvailabilityZones sets the AZs Fargate tasks spread over and new
// instances default to (default: the region's a, b and c zones).
func WithAvailabilityZones(azs ...string) Option {
	return func(c *config) { c.azs = append([]string(nil), azs...) }
}

// WithTiming sets the task lifecycle durations; zero fields keep defaults.
func WithTiming(t Timing) Option { return func(c *config) { c.timing = t } }
