package plan

import (
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// account counts the primary deployment's new failures and healthy tasks
// exactly once (marking the tasks), updates the circuit breaker and the
// start-failure backoff, and reports whether the deployment is being rolled
// back (the caller then stops planning: the applier creates the rollback
// deployment and calls Compute again).
//
// Circuit breaker (ECS Developer Guide, "How the Amazon ECS deployment circuit
// breaker detects failures"): stage 1, until a task of the deployment has
// reached RUNNING, counts tasks that fail to reach RUNNING; stage 2 counts
// failed health checks. failedTasks resets when a task becomes healthy.
func (c *computation) account() (rollingBack bool) {
	p := c.primary
	d := &p.next
	stage1 := !p.orig.ReachedRunning
	healthy, startFailures, healthFailures := 0, 0, 0
	for _, ts := range p.tasks {
		t := ts.t
		if !t.StartedAt.IsZero() {
			d.ReachedRunning = true
		}
		mark := TaskMark{TaskID: t.ID}
		if ts.cond == condHealthy && !t.HealthyCounted {
			mark.HealthyCounted = true
			healthy++
		}
		if !t.FailureCounted {
			switch {
			case failedToStart(t):
				mark.FailureCounted = true
				startFailures++
			case ts.cond == condUnhealthy:
				mark.FailureCounted = true
				healthFailures++
			}
		}
		if mark.HealthyCounted || mark.FailureCounted {
			c.plan.Marks = append(c.plan.Marks, mark)
		}
	}
	if healthy > 0 { // resetOnHealthyTask, and the throttle ends once a task runs well
		d.FailedTasks = 0
		d.Backoff = Backoff{}
	}
	if startFailures > 0 {
		d.Backoff.Failures += startFailures
		d.Backoff.NotBefore = c.s.Now.Add(BackoffDelay(d.Backoff.Failures))
		if d.Backoff.Failures >= BackoffStartAfter {
			c.event(UnableToStartConsistentlyEvent(c.s.Service.Name))
		}
	}
	if d.RolloutState != types.DeploymentRolloutStateInProgress {
		return false
	}
	if d.RolloutStateReason == "" {
		d.RolloutStateReason = InProgressReason(d.ID)
	}
	d.FailedTasks += healthFailures
	if stage1 {
		d.FailedTasks += startFailures
	}
	cb := c.s.Service.CircuitBreaker
	if !cb.Enable || d.FailedTasks < BreakerThreshold(c.s.Service.DesiredCount) {
		return false
	}
	d.RolloutState = types.DeploymentRolloutStateFailed
	d.RolloutStateReason = CircuitBreakerFailedReason
	c.event(DeploymentFailedEvent(c.s.Service.Name, d.ID))
	if !cb.Rollback || p.orig.IsRollback {
		return false
	}
	target := c.lastCompleted()
	if target == nil {
		return false
	}
	c.plan.NewDeployment = &NewDeployment{
		TaskDefinition:     target.TaskDefinition,
		RolloutStateReason: RollbackReason(target.ID),
		RollbackTo:         target.ID,
	}
	c.event(RollingBackEvent(c.s.Service.Name, target.ID))
	c.wake(c.s.Now)
	return true
}

// failedToStart reports whether a task stopped without reaching RUNNING for a
// reason other than the scheduler or a user stopping it.
func failedToStart(t *Task) bool {
	if t.LastStatus != TaskStopped || !t.StoppedBeforeRunning {
		return false
	}
	return t.StopCode != types.TaskStopCodeServiceSchedulerInitiated && t.StopCode != types.TaskStopCodeUserInitiated
}

// lastCompleted is the newest deployment other than the primary whose
// rolloutState is COMPLETED, or nil.
func (c *computation) lastCompleted() *Deployment {
	for i := len(c.deps) - 1; i >= 0; i-- {
		ds := c.deps[i]
		if ds != c.primary && !ds.synthetic && ds.orig.RolloutState == types.DeploymentRolloutStateCompleted {
			return ds.orig
		}
	}
	return nil
}
