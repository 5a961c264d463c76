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

// defaultDrain is how long the Deployer expects old tasks to take from
// the moment they are stopped to the deployment's completion (DEACTIVATING,
// STOPPING, DEPROVISIONING) when the service's own history does not say.
const defaultDrain = 15 * time.Second

// predictionMargin is added to a predicted instant so that the poll lands
// just after it rather than just before it.
const predictionMargin = time.Second

// maxPredictedSteps caps a predicted wait at this many fast steps. The
// predictions assume that ECS's clock runs at the Deployer's pace (true on
// AWS); a sped-up fake read on the wall clock with a short poll interval
// would otherwise be read too late.
const maxPredictedSteps = 12

// pollSchedule decides how long to wait before the next DescribeServices
// of a wait. It is a pure decision: it reads the readings it is given and
// the time, never a clock or the API; its only memory is the previous
// reading's counts and the current step.
//
// The rules (docs/deployer.md, "API economy"):
//   - the first read comes first (2 × fast) after an update whose response
//     already showed the state;
//   - while tasks start, the step is fast after progress (more tasks
//     RUNNING, a rollout state change) and doubles, up to slow, while
//     nothing moves (image pull, throttled relaunches);
//   - once every task of the awaited deployment is RUNNING and the task
//     definition has no health check, nothing can complete before the
//     40-second rule has passed plus the old tasks' drain: the next read
//     is at that instant (plus a margin), at most maxPredictedSteps fast
//     steps away;
//   - past a prediction, reads come every fast step until the outcome.
type pollSchedule struct {
	// fast is the shortest step (WithPollInterval); slow the longest step
	// while nothing can be predicted.
	fast, slow time.Duration
	// healthCheck tells, for a task definition ARN, whether it has an
	// essential container health check (nil: unknown, which disables the
	// 40-second prediction).
	healthCheck func(arn string) *bool
	// drain is the expected time from the old tasks' stop to completion.
	drain time.Duration

	lastKey     string
	lastAt      time.Time
	lastRunning int32
	lastState   types.DeploymentRolloutState
	step        time.Duration
	// runningSince is when the awaited deployment was first seen with all
	// its tasks RUNNING (its updatedAt at that reading, when plausible).
	runningSince time.Time
}

// newPollSchedule returns the schedule for one wait; fixed means every
// step is fast (the pre-adaptive behaviour, WithFixedPolling).
func newPollSchedule(cfg config, healthCheck func(arn string) *bool, drain time.Duration) *pollSchedule {
	if drain <= 0 {
		drain = defaultDrain
	}
	s := &pollSchedule{fast: cfg.poll, slow: 3 * cfg.poll, healthCheck: healthCheck, drain: drain}
	if cfg.fixedPolling {
		s.slow, s.healthCheck = cfg.poll, nil
	}
	s.step = s.fast
	return s
}

// first is the delay before the first read after an update.
func (s *pollSchedule) first() time.Duration {
	if s.slow == s.fast {
		return s.fast
	}
	return 2 * s.fast
}

// prime records the update's response (the state the first read is
// compared with).
func (s *pollSchedule) prime(svc *types.Service, ours *types.Deployment, now time.Time) {
	s.lastKey, s.lastAt = countsKey(svc), now
	if ours != nil {
		s.lastRunning, s.lastState = ours.RunningCount, ours.RolloutState
	}
	s.step = s.first()
}

// next returns the delay before the read after svc, read at now, in which
// ours is the awaited deployment (nil when gone or unknown).
func (s *pollSchedule) next(svc *types.Service, ours *types.Deployment, now time.Time) time.Duration {
	key := countsKey(svc)
	progressed := false
	if ours != nil {
		progressed = ours.RunningCount > s.lastRunning || ours.RolloutState != s.lastState
		s.lastRunning, s.lastState = ours.RunningCount, ours.RolloutState
	}
	changed := key != s.lastKey
	prevAt := s.lastAt
	s.lastKey, s.lastAt = key, now
	if ours == nil || ours.RolloutState != types.DeploymentRolloutStateInProgress && ours.RolloutState != "" {
		return s.fast
	}
	allRunning := ours.DesiredCount > 0 && ours.RunningCount == ours.DesiredCount && ours.PendingCount == 0
	if !allRunning {
		s.runningSince = time.Time{}
		if progressed {
			s.step = s.fast
		} else if s.step = 2 * s.step; s.step > s.slow {
			s.step = s.slow
		}
		return s.step
	}
	if s.runningSince.IsZero() {
		// The last task turned RUNNING between the previous read and this
		// one. ECS stamps the count change in the deployment's updatedAt:
		// trust it when it falls in that interval; otherwise assume the
		// earliest instant, so that the prediction is early, never late.
		s.runningSince = now
		if !prevAt.IsZero() {
			s.runningSince = prevAt
		}
		if u := valueOf(ours.UpdatedAt); changed && !u.IsZero() && !u.After(now) && (prevAt.IsZero() || u.After(prevAt)) {
			s.runningSince = u
		}
	}
	var hc *bool
	if s.healthCheck != nil {
		hc = s.healthCheck(valueOf(ours.TaskDefinition))
	}
	if hc == nil || *hc || len(svc.LoadBalancers) > 0 {
		// Health checks (container or load balancer) pass on their own
		// schedule, and an unknown task definition may have one: read at
		// the fast step.
		s.step = s.fast
		return s.fast
	}
	expect := s.runningSince.Add(healthyAfterRunning)
	if 2*othersTasks(svc, valueOf(ours.Id)) >= ours.DesiredCount {
		// The old set is still (mostly) running: ECS stops it once these
		// tasks count healthy, and completion follows its drain. (Fewer
		// old tasks left means a one-by-one rollout, whose last old task
		// may be draining already: read at the health instant.)
		expect = expect.Add(s.drain)
	}
	wait := expect.Add(predictionMargin).Sub(now)
	return max(s.fast, min(wait, maxPredictedSteps*s.fast))
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

// learnedDrain returns how long the service's previous deployment took
// from its "has stopped N running tasks" event to its "deployment
// completed" event, as the service's own history shows it (0 when it does
// not): the best estimate of this deployment's drain.
func learnedDrain(svc *types.Service) time.Duration {
	var completed time.Time
	for _, e := range svc.Events { // newest first
		m, at := valueOf(e.Message), valueOf(e.CreatedAt)
		switch {
		case completed.IsZero() && strings.HasSuffix(m, ") deployment completed."):
			completed = at
		case !completed.IsZero() && strings.Contains(m, ") has stopped ") && strings.Contains(m, " running tasks"):
			if d := completed.Sub(at); d > 0 && d < 10*time.Minute {
				return d
			}
			return 0
		case !completed.IsZero() && strings.Contains(m, ") has started "):
			return 0 // that deployment stopped no task
		}
	}
	return 0
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
