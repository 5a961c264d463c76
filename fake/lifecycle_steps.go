package fake

import (
	"time"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/samestr"
)

// lifeStep is a scheduled step of a task's lifecycle. Steps are queued as
// plain values (an event with a task and a step, events.go), not closures:
// a crash-looping service runs several per task life, and catching up
// virtual time runs millions (issue #17 item 3).
type lifeStep uint8

const (
	stepNone          lifeStep = iota
	stepProvisioned            // PROVISIONING ends (launchLocked)
	stepPulled                 // PENDING ends: images pulled, or the pull failed
	stepActivated              // ACTIVATING ends: RUNNING
	stepFirstHealth            // RUNNING: container arg's first health check passes
	stepUnhealthy              // RUNNING: container arg fails its health check (fault)
	stepExit                   // RUNNING: container arg exits (fault)
	stepDeactivated            // DEACTIVATING ends: STOPPING
	stepExited                 // STOPPING ends: the containers have exited
	stepDeprovisioned          // DEPROVISIONING ends: STOPPED
	stepForget                 // the retention period of a STOPPED task is over
)

// stepFrom is the status a step leaves: the step runs only if the task is
// still in it (and ECS still hears about the task). stepForget always runs.
var stepFrom = [...]string{
	stepProvisioned:   statusProvisioning,
	stepPulled:        statusPending,
	stepActivated:     statusActivating,
	stepFirstHealth:   statusRunning,
	stepUnhealthy:     statusRunning,
	stepExit:          statusRunning,
	stepDeactivated:   statusDeactivating,
	stepExited:        statusStopping,
	stepDeprovisioned: statusDeprovisioning,
}

// runStepLocked runs step of t's lifecycle at now.
func (e *ECS) runStepLocked(t *task, step lifeStep, arg int, now time.Time) {
	if step == stepForget {
		e.forgetLocked(t)
		return
	}
	if !samestr.Same(t.lastStatus, stepFrom[step]) || t.orphaned { // the same constant, mostly: no call
		return // moved on, or ECS no longer hears about it
	}
	switch step {
	case stepProvisioned:
		if t.desiredStatus == statusStopped { // asked to stop while provisioning
			e.enterStoppingLocked(t, now, false)
			return
		}
		t.connectedAt = now
		e.enterPendingLocked(t, now)
	case stepPulled:
		e.pulledLocked(t, now)
	case stepActivated:
		e.enterRunningLocked(t, now)
	case stepFirstHealth:
		e.firstHealthLocked(t, arg, now)
	case stepUnhealthy:
		e.unhealthyLocked(t, arg, now)
	case stepExit:
		e.exitLocked(t, arg, now)
	case stepDeactivated:
		e.enterStoppingLocked(t, now, true)
	case stepExited:
		e.exitedLocked(t, now)
	case stepDeprovisioned:
		e.enterStoppedLocked(t, now)
	}
}
