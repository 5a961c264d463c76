package plan

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// NoHealthCheckDelay is how long a task without container health checks (and
// without a load balancer) must be RUNNING before it counts as healthy.
const NoHealthCheckDelay = 40 * time.Second

// condition classifies a task for scheduling.
type condition int

const (
	condGone      condition = iota // STOPPED or being stopped: not schedulable
	condStarting                   // pending, or RUNNING but not yet healthy
	condHealthy                    // RUNNING and healthy
	condUnhealthy                  // RUNNING, failing health checks past the grace period
)

// live reports whether the task has not reached STOPPED (it still holds
// resources and keeps its deployment listed). Tasks being stopped do not
// count toward maximumPercent (see schedule).
func live(t *Task) bool { return t.LastStatus != TaskStopped }

// classify returns the task's condition at now and, when the condition can
// change by time alone, the instant it will (zero otherwise).
func classify(t *Task, d *Deployment, grace time.Duration, now time.Time) (condition, time.Time) {
	if cond, ok := notRunning(t); ok {
		return cond, time.Time{}
	}
	return classifyRunning(t, d, grace, now)
}

// notRunning classifies a task that is STOPPED or being stopped (gone)
// or not RUNNING yet (starting), whatever the time; ok is false for a
// RUNNING task that is not being stopped (classifyRunning). It is small
// enough to be inlined where index classifies every task: most tasks of
// a busy service are not RUNNING.
func notRunning(t *Task) (cond condition, ok bool) {
	if t.LastStatus == TaskStopped || t.DesiredStatus == TaskStopped {
		return condGone, true
	}
	return condStarting, t.LastStatus != TaskRunning
}

// classifyRunning is classify for a RUNNING task that is not being
// stopped.
func classifyRunning(t *Task, d *Deployment, grace time.Duration, now time.Time) (condition, time.Time) {
	if t.LoadBalancer.Behind {
		return classifyBehindLoadBalancer(t, d, grace, now)
	}
	if d != nil && d.HasHealthCheck {
		switch t.Health {
		case types.HealthStatusHealthy:
			return condHealthy, time.Time{}
		case types.HealthStatusUnhealthy:
			if end := t.StartedAt.Add(grace); now.Before(end) {
				return condStarting, end
			}
			return condUnhealthy, time.Time{}
		}
		return condStarting, time.Time{}
	}
	if at := t.StartedAt.Add(NoHealthCheckDelay); now.Before(at) {
		return condStarting, at
	}
	return condHealthy, time.Time{}
}
