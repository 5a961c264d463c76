package plan

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Plan is what Compute decided. The applier performs, in this order: apply
// Deployments, replan at once if RolledBackTo is set, set Marks, set Service marks, stop
// Stops, start Starts (placing them), append Events (in slice order, so the
// last one is the newest), and call Compute again at NextWakeup or on any
// change of a task or of the service.
type Plan struct {
	// Starts are the tasks to launch, per deployment.
	Starts []Start
	// Stops are the tasks to stop, in order.
	Stops []Stop
	// Deployments holds the new values of every deployment that changed.
	Deployments []DeploymentUpdate
	// RolledBackTo, when not empty, is the id of the last COMPLETED
	// deployment a circuit-breaker rollback revived as PRIMARY (its update is
	// in Deployments); the applier must then call Compute again right away.
	RolledBackTo string
	// Marks are per-task accounting marks to set.
	Marks []TaskMark
	// Service is the new value of Service.Marks.
	Service ServiceMarks
	// Events are service event messages, oldest first.
	Events []string
	// NextWakeup is the earliest time Compute must run again even if nothing
	// changes; zero means never.
	NextWakeup time.Time
}

// Start asks the applier to launch Count tasks of a deployment, placing each
// where the service has the fewest tasks (AZ, then instance).
type Start struct {
	// DeploymentID is the deployment the tasks belong to (task.startedBy).
	DeploymentID string
	// TaskDefinition is the task definition ARN to launch.
	TaskDefinition string
	// Count is the number of tasks to launch.
	Count int
	// ReplacesUnhealthy is how many of them replace tasks that failed their
	// health checks: the "has started" event then ends with " Amazon ECS
	// replaced N tasks due to an unhealthy status." (see StartedTasksEvent).
	ReplacesUnhealthy int
}

// Stop asks the applier to stop a task (set desiredStatus STOPPED).
type Stop struct {
	// TaskID is the task to stop.
	TaskID string
	// StopCode is the stopCode to record.
	StopCode types.TaskStopCode
	// Reason is the stoppedReason to record.
	Reason string
}

// DeploymentUpdate carries the new values of a deployment's mutable fields;
// the applier copies them all and sets updatedAt to Snapshot.Now.
type DeploymentUpdate struct {
	// ID identifies the deployment.
	ID string
	// Status is the new status.
	Status DeploymentStatus
	// DesiredCount is the new desiredCount.
	DesiredCount int
	// RolloutState is the new rolloutState.
	RolloutState types.DeploymentRolloutState
	// RolloutStateReason is the new rolloutStateReason.
	RolloutStateReason string
	// FailedTasks is the new failedTasks.
	FailedTasks int
	// ReachedRunning is the new circuit-breaker stage flag.
	ReachedRunning bool
	// Backoff is the new start-failure throttle state.
	Backoff Backoff
	// RevivedAt is the new Deployment.RevivedAt.
	RevivedAt time.Time
	// PlacementFailures is the new Deployment.PlacementFailures (zero once counted).
	PlacementFailures int
	// BakeUntil is the new Deployment.BakeUntil.
	BakeUntil time.Time
}

// TaskMark asks the applier to set accounting flags on a task (flags are only
// ever set, never cleared).
type TaskMark struct {
	// TaskID is the task to mark.
	TaskID string
	// Row is the index of the task's row in Snapshot.Tasks: an applier
	// that keeps its rows finds the task's there without a search.
	Row int
	// FailureCounted sets Task.FailureCounted.
	FailureCounted bool
	// HealthyCounted sets Task.HealthyCounted.
	HealthyCounted bool
}
