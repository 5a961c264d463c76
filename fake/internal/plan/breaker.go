package plan

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// account counts the primary deployment's new failures and healthy tasks
// exactly once (marking the tasks), updates the circuit breaker and the
// service throttle, and reports whether a rollback was started (the caller
// then stops planning: the applier replans at once with the revived
// deployment as PRIMARY).
//
// Circuit breaker (ECS Developer Guide, "How the Amazon ECS deployment circuit
// breaker detects failures"; re:Post knowledge center
// "ecs-troubleshoot-deployment-failures"):
//   - stage 1, until a task of the deployment has reached RUNNING, counts
//     tasks that fail to reach RUNNING and tasks that cannot be placed;
//   - stage 2 counts failed health checks;
//   - in both stages a task that reached RUNNING and stopped because an
//     essential container exited, before it was ever counted healthy,
//     counts (a crash loop; AWS change of 2021-12, containers-roadmap #1206);
//   - failedTasks resets when a task becomes healthy (resetOnHealthyTask).
//
// The throttle ("Amazon ECS service throttle logic") counts only tasks that
// never reached RUNNING (failed starts and placement failures).
func (c *computation) account() (rollingBack bool) {
	p := c.primary
	d := &p.next
	stage1 := !p.orig.ReachedRunning
	healthy, startFailures, healthFailures, crashes := 0, 0, 0, 0
	marks := c.buf.marks[:0]    // copied into the plan once, at its size
	reached := d.ReachedRunning // once set, it stays
	for _, ts := range p.tasks {
		t := ts.t
		reached = reached || !t.StartedAt.IsZero()
		healthyMark := ts.cond == condHealthy && !t.HealthyCounted
		if healthyMark {
			healthy++
		}
		failureMark := false
		// A failure is a STOPPED task (gone) or an unhealthy one.
		if !t.FailureCounted && (ts.cond == condGone || ts.cond == condUnhealthy) {
			switch {
			case failedToStart(t):
				failureMark = true
				startFailures++
			case crashedBeforeHealthy(t):
				failureMark = true
				crashes++
			case ts.cond == condUnhealthy:
				failureMark = true
				healthFailures++
			}
		}
		if healthyMark || failureMark {
			marks = append(marks, TaskMark{TaskID: t.ID, Row: int(ts.row), FailureCounted: failureMark, HealthyCounted: healthyMark})
		}
	}
	if reached {
		d.ReachedRunning = true
	}
	if len(marks) > 0 {
		c.plan.Marks = append(c.plan.Marks, marks...)
	}
	c.buf.marks = marks
	for _, ds := range c.deps {
		ds.next.PlacementFailures = 0 // counted now (only the primary's matter)
	}
	startFailures += p.orig.PlacementFailures
	cb := c.s.Service.CircuitBreaker
	if healthy > 0 { // the throttle ends once a task runs well
		if !cb.KeepFailuresOnHealthy {
			d.FailedTasks = 0 // resetOnHealthyTask (default true)
		}
		d.Backoff = Backoff{}
	}
	if startFailures > 0 {
		d.Backoff.Failures += startFailures
		d.Backoff.NotBefore = c.s.Now.Add(c.s.Service.Throttle.Delay(d.Backoff.Failures))
		if m := &c.plan.Service; d.Backoff.Failures >= BackoffStartAfter &&
			(m.UnableToStartAt.IsZero() || !c.s.Now.Before(m.UnableToStartAt.Add(UnableToStartRepeat))) {
			c.event(UnableToStartConsistentlyEvent(c.s.Service.Name))
			m.UnableToStartAt = c.s.Now
		}
	}
	if d.RolloutState != types.DeploymentRolloutStateInProgress {
		return false
	}
	if d.RolloutStateReason == "" {
		d.RolloutStateReason = InProgressReason(d.ID)
	}
	if c.s.Service.Alarm.Name != "" {
		return c.failByAlarm()
	}
	d.FailedTasks += healthFailures + crashes
	if stage1 {
		d.FailedTasks += startFailures
	}
	if !cb.Enable || d.FailedTasks < cb.Threshold(c.s.Service.DesiredCount) {
		return false
	}
	return c.fail(CircuitBreakerFailedReason, DeploymentFailedEvent(c.s.Service.Name, d.ID), cb.Rollback)
}

// fail sets the IN_PROGRESS primary deployment FAILED with reason and
// writes event; with rollback, and unless the deployment is itself a
// rollback, ECS rolls back to the last COMPLETED deployment (circuit
// breaker and deployment alarms alike). It reports whether a rollback
// started.
func (c *computation) fail(reason, event string, rollback bool) bool {
	p := c.primary
	d := &p.next
	d.RolloutState = types.DeploymentRolloutStateFailed
	d.RolloutStateReason = reason
	c.event(event)
	if !rollback || !p.orig.RevivedAt.IsZero() {
		return false
	}
	target := c.lastCompleted()
	if target == nil {
		return false
	}
	c.revive(target)
	return true
}

// revive makes the last COMPLETED deployment the PRIMARY again (developer
// guide, "deployment circuit breaker": on rollback it changes from COMPLETED
// to IN_PROGRESS). It keeps its id and its tasks; failedTasks and the
// throttle start afresh.
func (c *computation) revive(target *depState) {
	n := &target.next
	n.Status = StatusPrimary
	n.DesiredCount = c.s.Service.DesiredCount
	n.RolloutState = types.DeploymentRolloutStateInProgress
	n.RolloutStateReason = RollbackReason(n.ID)
	n.FailedTasks = 0
	n.Backoff = Backoff{}
	n.BakeUntil = time.Time{} // a rollback does not bake (bake.go)
	n.RevivedAt = c.s.Now
	c.plan.RolledBackTo = n.ID
	c.event(RollingBackEvent(c.s.Service.Name, n.ID))
	c.wake(c.s.Now)
}

// failedToStart reports whether a task stopped without reaching RUNNING for a
// reason other than the scheduler or a user stopping it.
func failedToStart(t *Task) bool {
	if t.LastStatus != TaskStopped || !t.StoppedBeforeRunning {
		return false
	}
	return t.StopCode != types.TaskStopCodeServiceSchedulerInitiated && t.StopCode != types.TaskStopCodeUserInitiated
}

// crashedBeforeHealthy reports whether a task reached RUNNING and stopped
// because an essential container exited before it was ever counted healthy.
func crashedBeforeHealthy(t *Task) bool {
	return t.LastStatus == TaskStopped && !t.StoppedBeforeRunning && !t.StartedAt.IsZero() &&
		t.StopCode == types.TaskStopCodeEssentialContainerExited && !t.HealthyCounted
}

// lastCompleted is the newest deployment other than the primary whose
// rolloutState is COMPLETED, or nil.
func (c *computation) lastCompleted() *depState {
	for i := len(c.deps) - 1; i >= 0; i-- {
		ds := c.deps[i]
		if ds != c.primary && !ds.synthetic && ds.orig.RolloutState == types.DeploymentRolloutStateCompleted {
			return ds
		}
	}
	return nil
}
