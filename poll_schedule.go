package ecsdeploy

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// healthyAfterRunning is ECS's rule for tasks without a load balancer or
// container health check: they count healthy 40 seconds after RUNNING
// (ECS API Reference, Deployment / service model text for
// minimumHealthyPercent; docs/ecs-semantics.md "Services and rolling
// deployments"). Nothing decisive can happen in that window.
const healthyAfterRunning = 40 * time.Second

// predictionMargin is added to a predicted instant so that the poll lands
// just after it rather than just before it.
const predictionMargin = time.Second

// maxPredictedSteps caps a predicted wait at this many fast steps. The
// predictions assume that ECS's clock runs at the Deployer's pace (true on
// AWS); a sped-up fake read on the wall clock with a short poll interval
// would otherwise be read too late.
const maxPredictedSteps = 24

// pollSchedule decides how long to wait before the next DescribeServices
// of a wait. It is a pure decision: it reads the readings it is given and
// the time, never a clock or the API; its only memory is what earlier
// readings showed.
//
// Its promise: whenever ECS can report the outcome (completion or
// failure), the next read comes within one fast step of it. It computes
// the earliest instant each can come and reads then: just after an
// instant it predicts (the moment it expects the outcome), one fast step
// after an instant that only bounds it. The instants (docs/deployer.md,
// "API economy"):
//   - completion, while the awaited deployment's tasks are not all
//     RUNNING and count healthy by the 40-second rule: no sooner than 40 s
//     after this read;
//   - completion once every task was seen turning RUNNING (ECS stamps it
//     in the deployment's updatedAt): that instant + 40 s, plus 4/5 of the
//     old tasks' learned drain when the old set still runs (predicted), or
//     bounded by that instant + 40 s when the drain is unknown;
//   - failure (the circuit breaker): failedTasks reaching its threshold
//     needs that many tasks to fail; each launched task not yet counted
//     fails no sooner than its launch (the service's "has started"
//     events) + the time the deployment's first failed task took, less a
//     slack (predicted), or + 40 s (or 4/5 of the learned pull when
//     longer) before any failed (unseenFailureAfter, a bound), and tasks
//     not launched yet no sooner than now + that;
//   - failure by a deployment alarm: any time (fast);
//   - after an update, the first read waits 4/5 of the pull time (and
//     drain) the service's last successful deployment took, + 40 s;
//   - completion of a blue/green (BLUE_GREEN, LINEAR, CANARY) deployment
//     that replaces another, or of a blue/green service's first one
//     (which has nothing to clean up): after its bakes, from the instant its stage
//     read says green scaled up (predicted; before that, from the instant
//     its tasks all ran: a bound), then blue's clean-up, which takes the
//     deregistration delay of the groups it drains plus 4/5 of what the
//     last clean-up took beyond it (predicted; poll_bluegreen.go); such a
//     deployment is read at least every watch interval (WithWatchInterval;
//     watchSteps fast steps by default), which bounds when a failure is
//     seen, and its alarms, and its circuit breaker once green scaled up,
//     are watched at that interval.
//
// Predictions are capped at maxPredictedSteps fast steps (the watch
// interval for blue/green), and no read comes sooner than one fast step.
type pollSchedule struct {
	// fast is the step when nothing is predicted (WithPollInterval).
	fast time.Duration
	// watchEvery is the watch interval (WithWatchInterval; poll_bluegreen.go).
	watchEvery time.Duration
	// predict is off with WithFixedPolling.
	predict bool
	// healthCheck tells, for a task definition ARN, whether it has an
	// essential container health check (nil: unknown, which disables the
	// 40-second prediction).
	healthCheck func(arn string) *bool
	// drain is the expected time from the old tasks' stop to completion
	// (4/5 of the learned one, 0 when unknown); pull the expected time
	// from a task's launch to RUNNING (0: unknown).
	drain, pull time.Duration

	lastKey    string
	lastAt     time.Time
	lastFailed int32
	firstQuiet bool
	firstDrain time.Duration
	// sawStarting is set once a reading showed the awaited deployment's
	// tasks not all RUNNING: only then is the moment they turned RUNNING
	// known.
	sawStarting bool
	// failures learns how long the deployment's tasks take to fail.
	failures failureModel
	// runningSince is when the awaited deployment's tasks all turned
	// RUNNING (zero: not all RUNNING).
	runningSince time.Time
	// allRunningFrom is the earliest instant the awaited deployment's
	// tasks may all have turned RUNNING, once a reading showed them
	// starting and a later one all RUNNING (zero: unknown); blue/green
	// completion is bounded from it (poll_bluegreen.go).
	allRunningFrom time.Time
	// bg is what the schedule read of a blue/green deployment besides
	// the service (poll_bluegreen.go).
	bg bgKnowledge
	// scan is the last reading's clean-up events (poll_bluegreen.go).
	scan eventScan
}

// newPollSchedule returns the schedule for one wait, knowing the
// service's history h.
func newPollSchedule(cfg config, healthCheck func(arn string) *bool, h history) *pollSchedule {
	return &pollSchedule{fast: cfg.poll, watchEvery: cfg.watchInterval(), predict: !cfg.fixedPolling, healthCheck: healthCheck,
		drain: h.drain * 4 / 5, pull: h.pull, bg: bgKnowledge{cleanup: h.drain}}
}

// first is the delay before the first read after an update.
func (s *pollSchedule) first() time.Duration {
	if !s.firstQuiet {
		return s.fast
	}
	wait := healthyAfterRunning + s.fast
	if s.pull > 0 {
		// Nothing completes before the tasks run (4/5 of the pull the
		// service's history shows, to err early) plus 40 s, plus the old
		// tasks' drain when there are old tasks.
		wait = s.pull*4/5 + healthyAfterRunning + s.firstDrain + predictionMargin
	}
	return min(wait, maxPredictedSteps*s.fast)
}

// prime records the update's response (the state the first read is
// compared with).
func (s *pollSchedule) prime(svc *types.Service, ours *types.Deployment, now time.Time) {
	s.lastKey, s.lastAt = countsKey(svc), now
	if ours == nil || !s.predict {
		return
	}
	s.lastFailed = ours.FailedTasks
	s.sawStarting = !allRunning(ours)
	// A new deployment whose tasks are not running yet: nothing can
	// complete before they run plus 40 s.
	s.firstQuiet = ours.RunningCount == 0 && ours.DesiredCount > 0 && s.quiet(svc, ours)
	if 2*othersTasks(svc, valueOf(ours.Id)) >= ours.DesiredCount {
		s.firstDrain = s.drain
	}
}

// allRunning reports whether every task of d is RUNNING.
func allRunning(d *types.Deployment) bool {
	return d.DesiredCount > 0 && d.RunningCount == d.DesiredCount && d.PendingCount == 0
}

// next returns the delay before the read after svc, read at now, in which
// ours is the awaited deployment (nil when gone or unknown).
func (s *pollSchedule) next(svc *types.Service, ours *types.Deployment, now time.Time) time.Duration {
	key := countsKey(svc)
	changed := key != s.lastKey
	prevAt := s.lastAt
	s.lastKey, s.lastAt = key, now
	s.noteScaledIn(svc, ours, prevAt, now)
	if !s.predict || ours == nil || ours.RolloutState != types.DeploymentRolloutStateInProgress && ours.RolloutState != "" {
		return s.fast
	}
	// changedAt is when this reading's change happened: the deployment's
	// updatedAt when it falls since the previous read, else the earliest
	// instant it may have happened (so predictions err early).
	changedAt := now
	if !prevAt.IsZero() {
		changedAt = prevAt
	}
	if u := valueOf(ours.UpdatedAt); changed && !u.IsZero() && !u.After(now) && (prevAt.IsZero() || u.After(prevAt)) {
		changedAt = u
	}
	launched := launches(svc, valueOf(ours.CreatedAt))
	s.failures.observe(s.lastFailed, ours.FailedTasks, changedAt, launched)
	s.failures.alive(now, ours.FailedTasks, ours.PendingCount+ours.RunningCount, launched)
	s.lastFailed = ours.FailedTasks
	var complete time.Time // when to read for completion
	if !allRunning(ours) {
		s.runningSince, s.sawStarting, s.allRunningFrom = time.Time{}, true, time.Time{}
		complete = now.Add(s.fast)
		if s.fortyRule(svc, ours) {
			// Nothing can complete before the last task runs plus 40 s.
			complete = now.Add(healthyAfterRunning + s.fast)
		}
	} else {
		if s.sawStarting && s.allRunningFrom.IsZero() {
			s.allRunningFrom = changedAt
		}
		complete = s.completionRead(svc, ours, changedAt, now)
	}
	limit := maxPredictedSteps * s.fast
	if blueGreenActive(svc, ours) {
		// A blue/green deployment completes after its bakes and clean-up,
		// which the schedule knows (poll_bluegreen.go), and is read at
		// least every watch interval.
		complete, limit = s.blueGreenRead(svc, ours, now), s.watch()
	}
	read := complete
	if f := s.failureRead(svc, ours, launched, now); f.Before(read) {
		read = f
	}
	return max(s.fast, min(read.Sub(now), limit))
}

// completionRead is when to read for the completion of ours, whose tasks
// are all RUNNING, changedAt being when this reading's change happened.
func (s *pollSchedule) completionRead(svc *types.Service, ours *types.Deployment, changedAt, now time.Time) time.Time {
	if !s.sawStarting || !s.fortyRule(svc, ours) {
		// When they turned RUNNING is unknown, or health checks
		// (container, load balancer, or an unknown task definition's)
		// pass on their own schedule: read at the fast step.
		return now.Add(s.fast)
	}
	if s.runningSince.IsZero() {
		s.runningSince = changedAt // the last task turned RUNNING then
	}
	healthy := s.runningSince.Add(healthyAfterRunning)
	if 2*othersTasks(svc, valueOf(ours.Id)) < ours.DesiredCount {
		// No old set, or a one-by-one rollout whose last old task may be
		// draining already: completion is expected at the health instant.
		return healthy.Add(predictionMargin)
	}
	// The old set is still (mostly) running: ECS stops it once these
	// tasks count healthy, and completion follows its drain; unknown, the
	// drain only bounds completion by the health instant.
	if s.drain > 0 {
		return healthy.Add(s.drain + predictionMargin)
	}
	return healthy.Add(s.fast)
}

// failureRead is when to read for a failure of ours: a deployment alarm
// can fail it at any time; the circuit breaker (failureModel) no sooner
// than its failedTasks can reach the threshold; with neither, nothing
// fails it (the cap: completion decides).
func (s *pollSchedule) failureRead(svc *types.Service, ours *types.Deployment, launched []time.Time, now time.Time) time.Time {
	never := now.Add(maxPredictedSteps * s.fast)
	dc := svc.DeploymentConfiguration
	bg := blueGreenActive(svc, ours)
	switch {
	case dc != nil && dc.Alarms != nil && dc.Alarms.Enable && bg:
		// A blue/green deployment's alarms are watched through its bakes:
		// at the watch interval (poll_bluegreen.go).
		return now.Add(s.watch())
	case dc != nil && dc.Alarms != nil && dc.Alarms.Enable:
		return now.Add(s.fast)
	case dc == nil || dc.DeploymentCircuitBreaker == nil || !dc.DeploymentCircuitBreaker.Enable:
		return never
	}
	threshold := breakerThreshold(dc.DeploymentCircuitBreaker, ours.DesiredCount)
	at, estimate := s.failures.earliest(now, ours.FailedTasks, threshold, ours.PendingCount+ours.RunningCount, launched, s.pull, s.fast)
	switch {
	case estimate:
		return at.Add(predictionMargin)
	case bg && s.pastScaleUp(svc, ours) && allRunning(ours) && ours.FailedTasks == 0:
		// Green scaled up healthy, all its tasks run and none failed: they
		// may crash at any time through the bakes, watched at the watch
		// interval (once a task stops or fails, the rules above apply).
		return later(at.Add(s.fast), now.Add(s.watch()))
	}
	return at.Add(s.fast)
}

// fortyRule reports whether ours's tasks count healthy by the 40-second
// rule: its task definition is known to have no health check and the
// service has no load balancer.
func (s *pollSchedule) fortyRule(svc *types.Service, ours *types.Deployment) bool {
	if s.healthCheck == nil || len(svc.LoadBalancers) > 0 {
		return false
	}
	hc := s.healthCheck(valueOf(ours.TaskDefinition))
	return hc != nil && !*hc
}

// quiet reports whether, with ours not yet all RUNNING, nothing decisive
// can happen within the 40-second rule: the tasks count healthy by it, and
// even if every task of the deployment failed (those in flight, and those
// that stopped but are not counted yet) the circuit breaker would not trip
// (failedTasks + desiredCount stays under its threshold, breakerThreshold;
// developer guide "deployment circuit breaker"), or the breaker is off.
func (s *pollSchedule) quiet(svc *types.Service, ours *types.Deployment) bool {
	if !s.fortyRule(svc, ours) {
		return false
	}
	dc := svc.DeploymentConfiguration
	if dc == nil || dc.DeploymentCircuitBreaker == nil || !dc.DeploymentCircuitBreaker.Enable {
		return true
	}
	return ours.FailedTasks+ours.DesiredCount < breakerThreshold(dc.DeploymentCircuitBreaker, ours.DesiredCount)
}

// breakerThreshold is the circuit breaker's failure threshold for desired
// tasks: ceil(0.5 * desired) clamped to [3, 200] by default, or as its
// thresholdConfiguration says (API Reference, "ThresholdConfiguration":
// BOUNDED_PERCENT clamped to [3, 200], UNBOUNDED_PERCENT at least 1,
// COUNT the value itself).
func breakerThreshold(cb *types.DeploymentCircuitBreaker, desired int32) int32 {
	desired = max(desired, 0)
	if tc := cb.ThresholdConfiguration; tc != nil {
		pct := (desired*tc.Value + 99) / 100
		switch tc.Type {
		case types.ThresholdTypeBoundedPercent:
			return min(max(pct, 3), 200)
		case types.ThresholdTypeUnboundedPercent:
			return max(pct, 1)
		case types.ThresholdTypeCount:
			return max(tc.Value, 1)
		}
	}
	return min(max((desired+1)/2, 3), 200)
}

// countsKey summarises what a reading says about progress: every
// deployment's id, status, counts and rollout state.
func countsKey(svc *types.Service) string {
	var b strings.Builder
	for _, d := range svc.Deployments {
		fmt.Fprintf(&b, "%s %s %d/%d/%d/%d %s;", valueOf(d.Id), valueOf(d.Status), d.DesiredCount, d.RunningCount, d.PendingCount, d.FailedTasks, d.RolloutState)
	}
	return b.String()
}

// othersTasks counts the running and pending tasks of deployments other
// than id (old tasks that must drain before completion).
func othersTasks(svc *types.Service, id string) int32 {
	var n int32
	for _, d := range svc.Deployments {
		if valueOf(d.Id) != id {
			n += d.RunningCount + d.PendingCount
		}
	}
	return n
}

// history is what the service's own events say about its previous
// successful deployment: how long its tasks took from launch to RUNNING
// (pull) and its old tasks from stop to completion (drain); zero when the
// events do not tell.
type history struct {
	pull, drain time.Duration
}

// learnHistory reads svc's events (newest first) back from the latest
// "deployment completed": an optional "has stopped N running tasks"
// (stop), then "has started N tasks" (start). The tasks count healthy 40 s
// after RUNNING, so pull = (stop or completion) - start - 40 s, and drain =
// completion - stop. A completion that follows a failure (a rollback's)
// is skipped for an older one.
func learnHistory(svc *types.Service) history {
	var completed, stopped time.Time
	for _, e := range svc.Events {
		m, at := valueOf(e.Message), valueOf(e.CreatedAt)
		switch {
		case completed.IsZero():
			if strings.HasSuffix(m, ") deployment completed.") {
				completed = at
			}
		case strings.Contains(m, ") deployment failed") || strings.Contains(m, ") rolling back to "):
			// That completion was a rollback's: learn from an older one.
			completed, stopped = time.Time{}, time.Time{}
		case stopped.IsZero() && strings.Contains(m, ") has stopped ") && strings.Contains(m, " running tasks"):
			stopped = at
		case strings.Contains(m, ") has started "):
			h := history{}
			healthy := completed
			if !stopped.IsZero() {
				healthy, h.drain = stopped, completed.Sub(stopped)
			}
			if p := healthy.Sub(at) - healthyAfterRunning; p > 0 && p < 10*time.Minute {
				h.pull = p
			}
			if h.drain < 0 || h.drain > 10*time.Minute {
				h.drain = 0
			}
			return h
		}
	}
	return history{}
}

// taskDefinitionHealthCheck reports whether td has an essential container
// with a health check.
func taskDefinitionHealthCheck(containers []types.ContainerDefinition) *bool {
	has := false
	for _, c := range containers {
		if c.HealthCheck != nil && (c.Essential == nil || *c.Essential) {
			has = true
		}
	}
	return &has
}
