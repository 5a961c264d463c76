package fake

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// setStatusLocked sets lastStatus and appends to the task's history.
func (e *ECS) setStatusLocked(t *task, status string, now time.Time, reason string) {
	t.lastStatus = status
	t.version++
	e.touchTaskLocked(t) // its service's planner view (scheduler_snapshot.go)
	t.recordHistory(now, reason)
}

// stepStatusLocked is setStatusLocked for a lifecycle step that changes
// nothing else the planner reads of t (touchStepLocked: a pass may be
// skipped without a snapshot when the statuses are alike).
func (e *ECS) stepStatusLocked(t *task, status string, now time.Time, reason string) {
	from := t.lastStatus
	t.lastStatus = status
	t.version++
	e.touchStepLocked(t, from) // scheduler_skip.go
	t.recordHistory(now, reason)
}

// afterLocked schedules step of t's lifecycle d after now (or at the
// simulation time if that is later, as queueLocked does); it runs only if
// the task is then still in the status the step leaves
// (lifecycle_steps.go).
func (e *ECS) afterLocked(t *task, step lifeStep, arg int, now time.Time, d time.Duration) {
	at, key := e.stepAt.of(now, d, e.simNow)
	e.seq++
	t.pending++
	e.events.pushStep(key, at, t, step, arg)
}

// launchLocked begins a freshly placed task's lifecycle: awsvpc tasks start
// PROVISIONING (the ENI is attached), others PENDING.
func (e *ECS) launchLocked(t *task, now time.Time) {
	t.desiredStatus = statusRunning
	if t.awsvpc {
		e.setStatusLocked(t, statusProvisioning, now, "")
		e.afterLocked(t, stepProvisioned, 0, now, e.cfg.timing.Provisioning)
		return
	}
	t.connectedAt = now
	e.enterPendingLocked(t, now)
}

// enterPendingLocked starts pulling images.
func (e *ECS) enterPendingLocked(t *task, now time.Time) {
	e.setStatusLocked(t, statusPending, now, "")
	t.pullStartedAt = now
	for _, c := range t.containers {
		c.lastStatus = statusPending
	}
	pull := e.cfg.timing.Pull
	if t.fate.failStart != "" {
		pull = e.cfg.timing.PullFailure // the agent retries the pull before giving up
	}
	e.afterLocked(t, stepPulled, 0, now, pull)
}

// pulledLocked ends PENDING: the pull failed (a scripted start failure),
// or the task starts ACTIVATING.
func (e *ECS) pulledLocked(t *task, now time.Time) {
	t.pullStoppedAt = now
	if t.fate.failStart != "" {
		c := t.containers[t.fate.failContainer]
		c.reason = t.fate.failStart
		e.stopTaskLocked(t, types.TaskStopCodeTaskFailedToStart, t.fate.failStart, now)
		return
	}
	for _, c := range t.containers {
		e.drawPackedHex(c.runtime[:]) // as hexID(64) draws it: four draws
		c.hasRuntime = true
	}
	if reason := e.awslogsStartLocked(t, now); reason != "" { // logs_awslogs.go
		e.stopTaskLocked(t, types.TaskStopCodeTaskFailedToStart, reason, now)
		return
	}
	e.stepStatusLocked(t, statusActivating, now, "") // only lastStatus changed
	e.afterLocked(t, stepActivated, 0, now, e.cfg.timing.Activating)
}

// enterRunningLocked marks the task RUNNING and schedules health checks and
// scripted container exits.
func (e *ECS) enterRunningLocked(t *task, now time.Time) {
	t.startedAt = now
	for _, c := range t.containers {
		c.lastStatus = statusRunning
		if c.hasHealthCheck {
			c.health = types.HealthStatusUnknown
		}
	}
	t.health = aggregateHealth(t.containers)
	e.setStatusLocked(t, statusRunning, now, "")
	// Register with the service's target groups (elbv2_ecs.go).
	e.lbTaskRunningLocked(t, now)
	e.logsRunningLocked(t, now) // scripted output (logs_awslogs.go)
	// Docker runs the first health check one interval after start; a
	// success makes the container HEALTHY.
	for i, c := range t.containers {
		if !c.hasHealthCheck {
			continue
		}
		unhealthyFirst := t.fate.unhealthy && t.fate.unhealthyCont == i && t.fate.unhealthyAfter <= c.healthInterval
		if !unhealthyFirst {
			e.afterLocked(t, stepFirstHealth, i, now, c.healthInterval)
		}
	}
	if t.fate.unhealthy {
		e.afterLocked(t, stepUnhealthy, t.fate.unhealthyCont, now, t.fate.unhealthyAfter)
	}
	if t.fate.exit {
		e.afterLocked(t, stepExit, t.fate.exitContainer, now, t.fate.exitAfter)
	}
}

// firstHealthLocked: container i's first health check passed.
func (e *ECS) firstHealthLocked(t *task, i int, now time.Time) {
	if c := t.containers[i]; c.health == types.HealthStatusUnknown {
		c.health = types.HealthStatusHealthy
		e.updateHealthLocked(t, now, "")
	}
}

// unhealthyLocked: container i fails its health check (a scripted fault).
func (e *ECS) unhealthyLocked(t *task, i int, now time.Time) {
	c := t.containers[i]
	c.health = types.HealthStatusUnhealthy
	e.updateHealthLocked(t, now, "container "+c.name+" failed its health check")
}

// exitLocked: container i exits (a scripted fault); an essential one stops
// the task.
func (e *ECS) exitLocked(t *task, i int, now time.Time) {
	c := t.containers[i]
	c.exitCode, c.hasExitCode = t.fate.exitCode, true
	c.lastStatus = statusStopped
	c.reason = t.fate.exitReason
	e.logsContainerStoppedLocked(c, now, false)
	if c.essential {
		e.stopTaskLocked(t, types.TaskStopCodeEssentialContainerExited, "Essential container in task exited", now)
		return
	}
	t.version++
	t.recordHistory(now, "container "+c.name+" exited")
}

// aggregateHealth follows the ECS Developer Guide ("Determine Amazon ECS
// task health using container health checks"): only essential containers
// with a health check count; any UNHEALTHY makes the task UNHEALTHY, all
// HEALTHY make it HEALTHY, otherwise (or with none) it is UNKNOWN.
func aggregateHealth(cs []*container) types.HealthStatus {
	checked, healthy := 0, 0
	for _, c := range cs {
		if !c.essential || !c.hasHealthCheck {
			continue
		}
		checked++
		switch c.health {
		case types.HealthStatusUnhealthy:
			return types.HealthStatusUnhealthy
		case types.HealthStatusHealthy:
			healthy++
		}
	}
	if checked > 0 && healthy == checked {
		return types.HealthStatusHealthy
	}
	return types.HealthStatusUnknown
}

func (e *ECS) updateHealthLocked(t *task, now time.Time, reason string) {
	h := aggregateHealth(t.containers)
	if h == t.health {
		return
	}
	t.health = h
	t.version++
	e.touchTaskLocked(t) // its service's planner view (scheduler_snapshot.go)
	t.recordHistory(now, reason)
}

// stopTaskLocked asks a task to stop with stopCode and reason (the
// scheduler calls it with ServiceSchedulerInitiated). A task already
// stopping keeps its first code and reason. The task then walks
// DEACTIVATING (if it was activating or running) -> STOPPING ->
// DEPROVISIONING (awsvpc) -> STOPPED in virtual time.
func (e *ECS) stopTaskLocked(t *task, code types.TaskStopCode, reason string, now time.Time) {
	if t.desiredStatus == statusStopped {
		return
	}
	t.desiredStatus = statusStopped
	e.reindexTaskLocked(t)
	t.stopCode = code
	t.stoppedReason = reason
	t.stoppingAt = now
	switch t.lastStatus {
	case statusProvisioning:
		if e.stopWaitingLocked(t, now) { // waiting for capacity: capacity_scaling.go
			return
		}
		// The network interface being attached is attached first, then
		// detached: the task leaves PROVISIONING when provisioning ends
		// (launchLocked), straight to STOPPING. Calibrated on the published
		// rollback timing (docs/ecs-semantics.md, "Timings").
		t.version++
		e.touchTaskLocked(t) // its service's planner view (scheduler_snapshot.go)
	case statusActivating, statusRunning:
		e.setStatusLocked(t, statusDeactivating, now, reason)
		drain := e.lbTaskStoppingLocked(t, now) // deregister; DEACTIVATING lasts the deregistration delay
		e.afterLocked(t, stepDeactivated, 0, now, e.cfg.timing.Deactivating+drain)
	default:
		e.enterStoppingLocked(t, now, false)
	}
}

// enterStoppingLocked sends SIGTERM: containers exit after the Stopping
// duration. step says that nothing but lastStatus changed for the planner
// since the task's last change (a lifecycle step: stepStatusLocked).
func (e *ECS) enterStoppingLocked(t *task, now time.Time, step bool) {
	for _, c := range t.containers {
		if c.lastStatus == statusRunning {
			e.logsContainerStoppedLocked(c, now, true) // SIGTERM: the script's last line
		}
	}
	if step {
		e.stepStatusLocked(t, statusStopping, now, t.stoppedReason)
	} else {
		e.setStatusLocked(t, statusStopping, now, t.stoppedReason)
	}
	e.afterLocked(t, stepExited, 0, now, e.cfg.timing.Stopping)
}

// exitedLocked ends STOPPING: the containers have exited.
func (e *ECS) exitedLocked(t *task, now time.Time) {
	t.execStoppedAt = now
	for _, c := range t.containers {
		if c.lastStatus == statusRunning {
			c.exitCode, c.hasExitCode = 0, true
		}
		c.lastStatus = statusStopped
	}
	if t.awsvpc {
		e.stepStatusLocked(t, statusDeprovisioning, now, "") // only lastStatus changed
		e.afterLocked(t, stepDeprovisioned, 0, now, e.cfg.timing.Deprovisioning)
		return
	}
	e.enterStoppedLocked(t, now)
}

// enterStoppedLocked makes the task STOPPED, frees its resources and
// schedules it to be forgotten after the retention period.
func (e *ECS) enterStoppedLocked(t *task, now time.Time) {
	if t.execStoppedAt.IsZero() {
		t.execStoppedAt = now
	}
	t.stoppedAt = now
	for _, c := range t.containers {
		c.lastStatus = statusStopped
	}
	e.setStatusLocked(t, statusStopped, now, t.stoppedReason)
	e.lbTaskStoppedLocked(t, now)
	e.logsTaskStoppedLocked(t, now)
	e.releaseLocked(t)
	e.afterLocked(t, stepForget, 0, now, e.cfg.timing.Retention)
	if e.stoppedHook != nil {
		e.stoppedHook(t)
	}
}

// releaseLocked returns the task's resources and group counts.
func (e *ECS) releaseLocked(t *task) {
	if t.released {
		return
	}
	t.released = true
	t.td.live--
	e.maybeDeleteTaskDefLocked(t.td)
	if in := t.inst; in != nil {
		in.cpuFree += t.cpu
		in.memFree += t.mem
		for _, p := range t.ports {
			if in.ports[p] && p >= dynPortMin {
				in.dynUsed--
			}
			delete(in.ports, p)
		}
		in.groupN[t.gid]--
		in.dropTask(t)
	}
	t.c.takeFromAZ(t.gid, t.azID)
}

// dropTask takes t off in.tasks: the last task takes its place.
func (in *instance) dropTask(t *task) {
	i, last := t.instIdx, len(in.tasks)-1
	if int(i) > last || in.tasks[i] != t {
		return
	}
	x := in.tasks[last]
	in.tasks[i], x.instIdx = x, i
	in.tasks[last] = nil
	in.tasks = in.tasks[:last]
}

// forgetLocked drops a stopped task entirely (memory stays bounded). The
// cluster's task list drops it at once when it is the oldest there, else
// lazily, so forgetting is O(1) amortised.
func (e *ECS) forgetLocked(t *task) {
	if t.forgotten { // only forgetLocked removes tasks from e.tasks
		return
	}
	e.tasks.remove(t)
	// Tags are kept under an ARN read through t.arn (createTaskLocked,
	// TagResource): a task whose ARN nobody read has none.
	if t.arnMemo != "" && len(e.tags) > 0 {
		delete(e.tags, t.arnMemo)
	}
	e.unindexTaskLocked(t)
	e.lbTaskForgottenLocked(t) // elbv2_ecs.go
	t.forgotten = true
	e.dropForgottenLocked(t.c) // task_alloc.go
}

// LoseInstance simulates a container instance whose EC2 host is gone: the
// agent disconnects, the instance becomes INACTIVE and every task on it is
// STOPPED at once with stopCode InfrastructureHealth (see loseInstance).
func (e *ECS) LoseInstance(arn string) error {
	_, _, err := e.loseInstance(arn)
	return err
}
