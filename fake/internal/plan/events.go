package plan

import (
	"strconv"
	"strings"
)

// Texts of service events and deployment reasons, as Amazon ECS writes them
// (see shared/ECS-SEMANTICS.md "Service events" and "Deployments in DescribeServices").

// SteadyStateEvent is "(service X) has reached a steady state.".
func SteadyStateEvent(service string) string {
	return "(service " + service + ") has reached a steady state."
}

// StartedTasksEvent is "(service X) has started N tasks: (task ID1) (task ID2).".
// The applier emits it after placing the tasks of a Start.
func StartedTasksEvent(service string, taskIDs []string) string {
	return taskListEvent("(service "+service+") has started "+strconv.Itoa(len(taskIDs))+" tasks: ", taskIDs)
}

// AppendStartedTasksEvent appends StartedTasksEvent(service, ids) to b,
// then ReplacedUnhealthySuffix(replaced) when replaced > 0, where ids are
// the n IDs id(0), ..., id(n-1): an applier that keeps the text as bytes
// until it is shown builds it without a string per task ID or per event.
func AppendStartedTasksEvent(b []byte, service string, n int, id func(i int) string, replaced int) []byte {
	b = append(b, "(service "...)
	b = append(b, service...)
	b = append(b, ") has started "...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, " tasks: "...)
	for i := range n {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, "(task "...)
		b = append(b, id(i)...)
		b = append(b, ')')
	}
	b = append(b, '.')
	if replaced > 0 {
		b = append(b, " Amazon ECS replaced "...)
		b = strconv.AppendInt(b, int64(replaced), 10)
		b = append(b, " tasks due to an unhealthy status."...)
	}
	return b
}

// ReplacedUnhealthySuffix is what ECS appends to StartedTasksEvent when n of
// the started tasks replace tasks with an unhealthy status:
// " Amazon ECS replaced N tasks due to an unhealthy status.".
func ReplacedUnhealthySuffix(n int) string {
	return " Amazon ECS replaced " + strconv.Itoa(n) + " tasks due to an unhealthy status."
}

// StoppedTasksEvent is "(service X) has stopped N running tasks: (task ID1) (task ID2).".
// Compute already includes it in Plan.Events for the tasks it stops.
func StoppedTasksEvent(service string, taskIDs []string) string {
	return taskListEvent("(service "+service+") has stopped "+strconv.Itoa(len(taskIDs))+" running tasks: ", taskIDs)
}

// DeploymentCompletedEvent is "(service X) (deployment ecs-svc/N) deployment completed.".
func DeploymentCompletedEvent(service, deploymentID string) string {
	return "(service " + service + ") (deployment " + deploymentID + ") deployment completed."
}

// DeploymentFailedEvent is "(service X) (deployment ecs-svc/N) deployment failed: tasks failed to start.".
func DeploymentFailedEvent(service, deploymentID string) string {
	return "(service " + service + ") (deployment " + deploymentID + ") deployment failed: tasks failed to start."
}

// RollingBackEvent is "(service X) rolling back to deployment ecs-svc/N.".
func RollingBackEvent(service, deploymentID string) string {
	return "(service " + service + ") rolling back to deployment " + deploymentID + "."
}

// FailedHealthChecksEvent is "(service X) (task ID) failed container health checks.".
// Compute includes it in Plan.Events when it stops an unhealthy task.
func FailedHealthChecksEvent(service, taskID string) string {
	return "(service " + service + ") (task " + taskID + ") failed container health checks."
}

// UnableToStartConsistentlyEvent is "(service X) is unable to consistently start tasks successfully.".
func UnableToStartConsistentlyEvent(service string) string {
	return "(service " + service + ") is unable to consistently start tasks successfully."
}

// DeploymentBlockedEvent is the event ECS emits when minimumHealthyPercent and
// maximumPercent allow neither stopping nor starting a task during a deployment.
func DeploymentBlockedEvent(service string) string {
	return "(service " + service + ") was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again."
}

// Resource names a resource for UnableToPlaceEvent.
type Resource string

// Resources that can be insufficient on the closest-matching container instance.
const (
	// ResourceMemory renders as "memory".
	ResourceMemory Resource = "memory"
	// ResourceCPU renders as "CPU units".
	ResourceCPU Resource = "CPU units"
)

// UnableToPlaceEvent is "(service X) was unable to place a task because no
// container instance met all of its requirements. The closest matching
// container-instance ID has insufficient memory available. ...". The applier
// emits it when placement fails.
func UnableToPlaceEvent(service, containerInstanceID string, r Resource) string {
	return "(service " + service + ") was unable to place a task because no container instance met all of its requirements. The closest matching container-instance " +
		containerInstanceID + " has insufficient " + string(r) + " available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
}

// InProgressReason is "ECS deployment ecs-svc/N in progress.".
func InProgressReason(deploymentID string) string {
	return "ECS deployment " + deploymentID + " in progress."
}

// CompletedReason is "ECS deployment ecs-svc/N completed.".
func CompletedReason(deploymentID string) string {
	return "ECS deployment " + deploymentID + " completed."
}

// CircuitBreakerFailedReason is the rolloutStateReason of a deployment the circuit breaker failed.
const CircuitBreakerFailedReason = "ECS deployment circuit breaker: tasks failed to start."

// RollbackReason is "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/N.".
func RollbackReason(deploymentID string) string {
	return "ECS deployment circuit breaker: rolling back to deploymentId " + deploymentID + "."
}

// ScalingReason is the stoppedReason of a task stopped by the scheduler:
// "Scaling activity initiated by (deployment ecs-svc/N)".
func ScalingReason(deploymentID string) string {
	return "Scaling activity initiated by (deployment " + deploymentID + ")"
}

// HealthCheckStopReason is the stoppedReason of a task stopped for failing health checks.
const HealthCheckStopReason = "Task failed container health checks"

// taskListEvent is prefix followed by "(task ID1) (task ID2)" and ".",
// built in one allocation however many tasks (a 10,000-task rollout lists
// thousands).
func taskListEvent(prefix string, ids []string) string {
	n := len(prefix) + len(".")
	for _, id := range ids {
		n += len("(task ) ") + len(id)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(prefix)
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("(task ")
		b.WriteString(id)
		b.WriteByte(')')
	}
	b.WriteByte('.')
	return b.String()
}
