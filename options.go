package ecsdeploy

import "time"

// Option configures the Deployer (given to New) or one call (given to a
// method, overriding New's for that call).
type Option func(*config)

// config is the resolved set of options.
type config struct {
	clock          Clock
	events         func(Event)
	timeout        time.Duration
	poll           time.Duration
	rollback       bool
	deregister     bool
	keepRevisions  int
	noWait         bool
	onlyIfChanged  bool
	maxStoppedSeen int
	retryAttempts  int
	fixedPolling   bool
	rollbackNoWait bool
	// watch is the blue/green watch interval (WithWatchInterval; zero:
	// watchSteps polls).
	watch time.Duration
	// rollbackTimeout bounds the rollback (WithRollbackTimeout; zero:
	// timeout).
	rollbackTimeout time.Duration
	elb             LoadBalancerAPI // WithLoadBalancers (loadbalancer.go)
	// logs reads container output (logs.go); logLines is how many last
	// lines each failed essential container carries.
	logs     LogsAPI
	logLines int
	// scaling is Application Auto Scaling (scaling.go); suspendScaling
	// suspends dynamic scaling during Deploy.
	scaling        ScalingAPI
	suspendScaling bool
	// visibleGrace: how long a wait takes "service not found" for a
	// service not visible yet (set after CreateService; consistency.go).
	visibleGrace time.Duration

	// clockSet and jitterSeedSet say whether WithClock / WithJitterSeed were
	// given; otherwise New takes them from the API (apienv.go).
	clockSet      bool
	jitterSeed    int64
	jitterSeedSet bool
}

// Defaults: a 5 s poll (the API economy figure) and a 15 minute
// timeout (ECS retries failing tasks for up to 15 minutes).
const (
	DefaultPollInterval = 5 * time.Second
	DefaultTimeout      = 15 * time.Minute
)

func defaultConfig() config {
	return config{clock: RealClock{}, timeout: DefaultTimeout, poll: DefaultPollInterval, maxStoppedSeen: 100, retryAttempts: DefaultRetryAttempts, logLines: DefaultLogLines}
}

func (c config) with(opts []Option) config {
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// WithClock replaces the clock all waiting goes through. Give it to New:
// the backoff between retried API calls uses the clock New was given.
// Without it New uses the API itself when it implements Clock (*fake.ECS
// does: its Sleep advances virtual time) and the wall clock otherwise; a
// fake served over HTTP needs WithClock with a fake.NewRemoteClock when it
// runs with manual time, and a wrapper of your own around *fake.ECS needs
// WithClock(theFake) unless it embeds *fake.ECS (which promotes Now and
// Sleep).
func WithClock(c Clock) Option {
	return func(cfg *config) {
		if c != nil {
			cfg.clock, cfg.clockSet = c, true
		}
	}
}

// WithEvents sends progress Events to fn (see NewTextRenderer).
func WithEvents(fn func(Event)) Option { return func(c *config) { c.events = fn } }

// WithTimeout bounds each wait on the Deployer's clock; 0 keeps the
// default. For Deploy, CreateService, UpdateService and Scale it counts
// from the call's start, and every API call they make carries that
// deadline (retries never sleep past it); reading a failed deployment's
// stopped tasks may take 5 s more, and a rollback wait (WithRollback) has
// a timeout of its own. A wait for a blue/green (BLUE_GREEN, LINEAR,
// CANARY) deployment that replaces another gets its bake times on top of
// the timeout (bakeTimeInMinutes and the canary's or linear steps' bakes).
func WithTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// WithPollInterval sets the step between two reads of a wait
// (DescribeServices/DescribeTasks) whenever ECS could report the outcome
// before a later read: the Deployer then detects completion or failure
// within this interval. Service waits read less often only while ECS's
// rules or the service's own history say nothing decisive can happen (the
// 40-second rule, a circuit breaker that cannot trip yet, the old tasks'
// drain); see WithFixedPolling and docs/deployer.md, "API economy".
func WithPollInterval(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.poll = d
		}
	}
}

// WithRollback makes Deploy roll back on failure when ECS did not (no
// circuit-breaker rollback): to the task definition of the service's last
// COMPLETED deployment. Whoever started the rollback (ECS's circuit
// breaker or the Deployer), Deploy then waits for the rollback deployment
// to finish, bounded by a timeout of its own (WithTimeout's length, or
// WithRollbackTimeout's), and reports
// which happened in DeploymentFailedError (RollbackStarted, RolledBack,
// RollbackState); WithRollbackNoWait returns once it started.
func WithRollback() Option { return func(c *config) { c.rollback = true } }

// WithDeregisterFailed makes Deploy deregister the revision it registered
// when the deployment fails.
func WithDeregisterFailed() Option { return func(c *config) { c.deregister = true } }

// WithKeepRevisions makes Deploy, after success, deregister all but the
// newest n ACTIVE revisions of the family (n < 1 disables it).
func WithKeepRevisions(n int) Option { return func(c *config) { c.keepRevisions = n } }

// WithNoWait makes Deploy, CreateService, UpdateService, Scale and RunTask
// return right after the API call.
func WithNoWait() Option { return func(c *config) { c.noWait = true } }

// WithOnlyIfChanged makes Register reuse the family's latest ACTIVE
// revision when Diff finds no change.
func WithOnlyIfChanged() Option { return func(c *config) { c.onlyIfChanged = true } }

// WithRetryAttempts sets how many times each API call is tried when the
// API is not an *ecs.Client (whose SDK retryer already retries): transient
// errors (throttling, server faults) are retried with the SDK's exponential
// jitter backoff, sleeping through the Deployer's clock. n <= 1 turns these
// retries off. It takes effect when given to New.
func WithRetryAttempts(n int) Option { return func(c *config) { c.retryAttempts = n } }

// WithWatchInterval sets the watch interval: the longest a wait for a
// blue/green (BLUE_GREEN, LINEAR or CANARY) deployment goes between two
// reads of the service, however long its bakes and clean-up; 0 or less
// keeps the default (or an earlier WithWatchInterval's), 12 poll intervals
// (1 minute at the default 5 s), and a value under the poll interval
// counts as one poll interval. ECS can fail such
// a deployment at any time through them (a deployment alarm, the circuit
// breaker once green scaled up, a rollback or a newer deployment started
// by someone else): the Deployer sees such a failure within the watch
// interval of it. A shorter one sees it sooner for more DescribeServices
// calls (about one per interval through the bakes); completion is read
// when the schedule predicts it either way. See docs/deployer.md, "The
// blue/green wait".
func WithWatchInterval(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.watch = d
		}
	}
}

// watchInterval is the blue/green watch interval: WithWatchInterval's, at
// least one poll, else watchSteps polls.
func (c config) watchInterval() time.Duration {
	if c.watch > 0 {
		return max(c.watch, c.poll)
	}
	return watchSteps * c.poll
}

// WithFixedPolling makes service waits read every poll interval, without
// the adaptive schedule's predictions (more calls, the same detection
// latency at most).
func WithFixedPolling() Option { return func(c *config) { c.fixedPolling = true } }

// WithRollbackNoWait makes a Deploy with WithRollback return as soon as a
// rollback has started, instead of waiting (bounded by the timeout) for
// the rollback deployment to finish; DeploymentFailedError then reports
// RollbackStarted with the rollback's last seen state.
func WithRollbackNoWait() Option { return func(c *config) { c.rollbackNoWait = true } }

// WithRollbackTimeout bounds a rollback (WithRollback: the Deployer's
// update back to the last COMPLETED revision and the wait for the
// rollback deployment, whoever started it) by d instead of WithTimeout's
// length; 0 keeps that. A deploy that gives up early on a failing release
// (a short WithTimeout) may still need long for the rollback: with
// deployment alarms ECS bakes the rollback deployment the Deployer starts
// before it completes (docs/deployer.md, "Auto scaling and deployment
// alarms"). Deployer.Rollback, a rollback asked for, is an update like any
// other and is bounded by WithTimeout.
func WithRollbackTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.rollbackTimeout = d
		}
	}
}

// rollbackWait is how long a rollback may take (WithRollbackTimeout, else
// the timeout).
func (c config) rollbackWait() time.Duration {
	if c.rollbackTimeout > 0 {
		return c.rollbackTimeout
	}
	return c.timeout
}
