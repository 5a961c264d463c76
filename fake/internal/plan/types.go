package plan

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// DeploymentStatus is the status of a deployment in DescribeServices.
type DeploymentStatus string

// Deployment statuses as ECS reports them.
const (
	// StatusPrimary marks the newest deployment, the one the scheduler launches for.
	StatusPrimary DeploymentStatus = "PRIMARY"
	// StatusActive marks an older deployment that still has tasks.
	StatusActive DeploymentStatus = "ACTIVE"
	// StatusInactive marks an older deployment whose tasks are all stopped.
	StatusInactive DeploymentStatus = "INACTIVE"
)

// Task lastStatus / desiredStatus values the planner distinguishes.
const (
	// TaskRunning is the RUNNING task status.
	TaskRunning = "RUNNING"
	// TaskPending is the PENDING task status (PROVISIONING and ACTIVATING count as pending too).
	TaskPending = "PENDING"
	// TaskProvisioning is the PROVISIONING task status: the task has no
	// compute yet (an awsvpc interface being attached, or a task waiting
	// for an Auto Scaling group capacity provider's instances); among
	// tasks the scheduler stops to scale in, those go first (progress).
	TaskProvisioning = "PROVISIONING"
	// TaskStopped is the STOPPED task status.
	TaskStopped = "STOPPED"
)

// Snapshot is everything Compute needs to know about one service at Now.
// Compute never modifies it.
type Snapshot struct {
	// Service is the service's configuration and its event marks.
	Service Service
	// Deployments are the service's deployments, oldest first (only the order
	// of those with equal CreatedAt matters: it says which is newer); INACTIVE ones may
	// be included (they are needed to find the last COMPLETED deployment for a
	// rollback).
	Deployments []Deployment
	// Tasks are the service's tasks, including STOPPED ones that have not been
	// accounted for yet (see Task.FailureCounted).
	Tasks []Task
	// Now is the current (virtual) time.
	Now time.Time
}

// Service is the configuration of a REPLICA service plus the marks the
// planner keeps on it (copied back from Plan.Service by the applier).
type Service struct {
	// Name is the service name used in event texts: "(service Name) ...".
	Name string
	// DesiredCount is the service's desiredCount.
	DesiredCount int
	// MinimumHealthyPercent is deploymentConfiguration.minimumHealthyPercent (0-100).
	MinimumHealthyPercent int
	// MaximumPercent is deploymentConfiguration.maximumPercent (>= 100).
	MaximumPercent int
	// HealthCheckGracePeriod is healthCheckGracePeriodSeconds as a duration.
	HealthCheckGracePeriod time.Duration
	// CircuitBreaker is deploymentConfiguration.deploymentCircuitBreaker.
	CircuitBreaker CircuitBreaker
	// Throttle is the service throttle schedule; the zero value is DefaultThrottle.
	Throttle Throttle
	// Marks are the planner's own bookkeeping; start with the zero value.
	Marks ServiceMarks
	// Alarm is a deployment alarm (deploymentConfiguration.alarms) that went
	// to ALARM since the last Compute; the zero value: none (alarms.go).
	Alarm DeploymentAlarm
	// Bake is the bake time of the primary deployment while deployment
	// alarms watch it (deploymentConfiguration.alarms with enable): how
	// long it stays IN_PROGRESS after it has scaled out and the older ones
	// in; zero: no bake (bake.go).
	Bake time.Duration
	// Hold is the id of an older deployment whose tasks the scheduler
	// keeps, not scaling it in (the blue deployment of a blue/green
	// deployment until its clean-up: bluegreen.go); empty: none.
	Hold string
	// Staging is set while the primary is a blue/green deployment whose
	// stages have not reached CLEAN_UP (BlueGreenStep.Hold): it does not
	// complete before then, even with no blue deployment to keep (a
	// service's first deployment).
	Staging bool
}

// CircuitBreaker is the deployment circuit breaker configuration.
type CircuitBreaker struct {
	// Enable turns the circuit breaker on.
	Enable bool
	// Rollback rolls a failed deployment back to the last COMPLETED one.
	Rollback bool
	// ThresholdType and ThresholdValue are thresholdConfiguration; an
	// empty type means ECS's default (see CircuitBreaker.Threshold).
	ThresholdType  ThresholdType
	ThresholdValue int
	// KeepFailuresOnHealthy is resetOnHealthyTask=false: a healthy task
	// does not reset failedTasks (the default, false, resets it).
	KeepFailuresOnHealthy bool
}

// ServiceMarks is the planner's memory about service-level events, so that an
// event is emitted once per occurrence rather than on every Compute.
type ServiceMarks struct {
	// Steady is true while the service is in the steady state that was last reported.
	Steady bool
	// SteadyEventAt is when "has reached a steady state." was last emitted.
	SteadyEventAt time.Time
	// Blocked is true while the "unable to stop or start tasks" condition has
	// been reported and still holds.
	Blocked bool
	// UnableToStartAt is when "is unable to consistently start tasks
	// successfully." was last emitted (it is not repeated within
	// UnableToStartRepeat).
	UnableToStartAt time.Time
}

// Deployment is one deployment of the service.
type Deployment struct {
	// ID is the deployment id, "ecs-svc/" followed by 19 digits.
	ID string
	// Status is PRIMARY, ACTIVE or INACTIVE.
	Status DeploymentStatus
	// TaskDefinition is the task definition ARN.
	TaskDefinition string
	// DesiredCount is the deployment's desiredCount.
	DesiredCount int
	// RolloutState is IN_PROGRESS, COMPLETED or FAILED.
	RolloutState types.DeploymentRolloutState
	// RolloutStateReason is the text shown with RolloutState.
	RolloutStateReason string
	// FailedTasks is the circuit breaker's failure count.
	FailedTasks int
	// CreatedAt orders deployments (see RevivedAt): the newest is PRIMARY.
	CreatedAt time.Time
	// HasHealthCheck is true when the task definition has a health check on an
	// essential container (tasks are healthy only when HEALTHY).
	HasHealthCheck bool
	// ReachedRunning is true once any task of the deployment has been RUNNING
	// (circuit breaker stage 2).
	ReachedRunning bool
	// RevivedAt is when a circuit-breaker rollback made this (earlier
	// COMPLETED) deployment PRIMARY again; zero if it never was. The
	// deployment with the latest of CreatedAt and RevivedAt is the primary,
	// and a revived primary is never rolled back again.
	RevivedAt time.Time
	// PlacementFailures is the number of the deployment's tasks the applier
	// could not place since the last Compute; Compute counts them (breaker
	// stage 1 and the service throttle) and sets the field back to zero.
	PlacementFailures int
	// Backoff is the start-failure throttle state.
	Backoff Backoff
	// BakeUntil is when the bake of the IN_PROGRESS primary ends: set once
	// it has scaled out and the older deployments in, with Service.Bake
	// above zero; zero until then (bake.go).
	BakeUntil time.Time
}

// Backoff is the service throttle state of a deployment: tasks that keep
// failing to start are retried with growing delays.
type Backoff struct {
	// Failures is the number of consecutive tasks that failed to start.
	Failures int
	// NotBefore is the earliest time the next task may be launched.
	NotBefore time.Time
}

// Task is one task of the service.
type Task struct {
	// ID is the task id (32 hex characters).
	ID string
	// DeploymentID is the deployment that started the task (task.startedBy).
	DeploymentID string
	// LastStatus is the task's lastStatus.
	LastStatus string
	// DesiredStatus is the task's desiredStatus.
	DesiredStatus string
	// Health is the task's healthStatus.
	Health types.HealthStatus
	// StartedAt is when the task reached RUNNING; zero if it never did.
	StartedAt time.Time
	// StoppedAt is when the task reached STOPPED; zero if it has not.
	StoppedAt time.Time
	// StoppedBeforeRunning is true when the task stopped without ever reaching RUNNING.
	StoppedBeforeRunning bool
	// StopCode is the task's stopCode, if stopping or stopped.
	StopCode types.TaskStopCode
	// StoppedReason is the task's stoppedReason, if stopping or stopped.
	StoppedReason string
	// AZ is the availability zone the task runs in.
	AZ string
	// ContainerInstance is the container instance ARN (empty on Fargate).
	ContainerInstance string
	// FailureCounted is set once the planner has counted the task as a failure.
	FailureCounted bool
	// HealthyCounted is set once the planner has seen the task healthy.
	HealthyCounted bool
	// LoadBalancer is the task's load-balancer health (zero: no load
	// balancer); see loadbalancer.go.
	LoadBalancer LoadBalancerHealth
}
