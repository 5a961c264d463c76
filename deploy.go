package ecsdeploy

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Deployer deploys to Amazon ECS. It is implemented once (see New) over
// the API interface, so it behaves the same against AWS and the fake.
// Options given to a call override the ones given to New for that call.
type Deployer interface {
	// Register registers a task definition after validating it. With
	// WithOnlyIfChanged it reuses the family's latest ACTIVE revision when
	// Diff finds no change.
	Register(ctx context.Context, in *ecs.RegisterTaskDefinitionInput, opts ...Option) (*RegisterResult, error)
	// RunTask starts Count tasks (batched by 10) and, per in.Wait, waits for
	// them to be RUNNING or STOPPED.
	RunTask(ctx context.Context, in RunTaskInput, opts ...Option) (*RunTaskResult, error)
	// StopTask stops one task with a reason.
	StopTask(ctx context.Context, cluster, task, reason string) (*types.Task, error)
	// CreateService creates a service and, unless WithNoWait, waits until
	// its first deployment is COMPLETED and steady. With a BLUE_GREEN,
	// LINEAR or CANARY strategy that deployment is a blue/green one
	// (stages, bakes, CLEAN_UP), waited for as Deploy waits for one; if it
	// fails, ECS has nothing to roll back to (ErrNoRollbackCandidate).
	CreateService(ctx context.Context, in *ecs.CreateServiceInput, opts ...Option) (*Status, error)
	// UpdateService updates a service and, unless WithNoWait, waits until
	// the deployment the update made PRIMARY is COMPLETED and steady.
	UpdateService(ctx context.Context, in *ecs.UpdateServiceInput, opts ...Option) (*Status, error)
	// Scale sets the desired count (no new deployment) and waits until the
	// service runs that many tasks.
	Scale(ctx context.Context, cluster, service string, desired int32, opts ...Option) (*Status, error)
	// DeleteService scales the service to 0, waits for its tasks to stop,
	// deletes it and waits until it is INACTIVE.
	DeleteService(ctx context.Context, cluster, service string, opts ...Option) error
	// Deploy registers a revision when something changed, updates the
	// service and waits until that deployment is COMPLETED.
	Deploy(ctx context.Context, in DeployInput, opts ...Option) (*DeployResult, error)
	// Wait waits until the service's PRIMARY deployment is COMPLETED and
	// the service is steady.
	Wait(ctx context.Context, cluster, service string, opts ...Option) (*Status, error)
	// Status reads the service once.
	Status(ctx context.Context, cluster, service string) (*Status, error)
	// Rollback deploys the task definition of the service's last COMPLETED
	// deployment (or in.TaskDefinition when set) and waits for it.
	Rollback(ctx context.Context, in RollbackInput, opts ...Option) (*DeployResult, error)
	// Plan says what Deploy would do with in, from reads only: the task
	// definition diff, whether a revision would be registered, the service
	// changes and the deployment the update would start.
	Plan(ctx context.Context, in DeployInput, opts ...Option) (*Plan, error)
	// Logs streams the log lines of a service's or a task's awslogs
	// containers to fn (see LogsInput); following ends cleanly when ctx
	// is done.
	Logs(ctx context.Context, in LogsInput, fn func(LogLine)) error
}

// RegisterResult is what Register did.
type RegisterResult struct {
	// TaskDefinition is the registered (or reused) revision.
	TaskDefinition *types.TaskDefinition
	// Arn is TaskDefinition's ARN.
	Arn string
	// Registered is false when an unchanged revision was reused.
	Registered bool
	// Diff is the change against the previous latest revision ("" when
	// reused or when there was none to compare with).
	Diff string
}

// DeployInput says what to deploy. Set at most one of TaskDefinition or
// Image; ServiceDefinition may come with either or alone; or none of them
// with ForceNewDeployment to restart the current revision.
type DeployInput struct {
	// Cluster is the cluster name or ARN ("" means the default cluster).
	Cluster string
	// Service is the service name or ARN.
	Service string
	// TaskDefinition is a full task definition (built or loaded from JSON).
	TaskDefinition *ecs.RegisterTaskDefinitionInput
	// Image is a new image for Container on top of the service's current
	// task definition.
	Image string
	// Container names the container that gets Image; it may be empty when
	// the task definition has exactly one container.
	Container string
	// ForceNewDeployment starts a new deployment even without a change.
	ForceNewDeployment bool
	// DesiredCount, when set, changes the desired count in the same update.
	// Unset, Deploy keeps the current count (a scaler may own it).
	DesiredCount *int32
	// Scaling, when set, declares the service's auto scaling, applied with
	// the update (needs WithScaling; see scaling.go).
	Scaling *Scaling
	// CapacityProviderStrategy, when not nil, moves the service to this
	// strategy; an empty (non-nil) list returns it to its launch type. A
	// change starts a new deployment (ECS requires forceNewDeployment for
	// it, and Deploy sets it).
	CapacityProviderStrategy []types.CapacityProviderStrategyItem
	// ServiceDefinition, when set, is the service's full definition (from
	// LoadServiceJSON or NewService(...).Build()): Deploy changes whatever
	// differs from the running service (see ServiceDiff) in the same
	// UpdateService, and refuses, before any call that writes, changes
	// UpdateService cannot make in place (launch type, scheduling
	// strategy, role, tags, deployment controller, a launch type <->
	// capacity provider strategy move without ForceNewDeployment). Its
	// serviceName and cluster fill Service and Cluster when those are
	// empty; its taskDefinition is ignored (TaskDefinition or Image says
	// what runs); members it leaves unset are kept (desiredCount, ...).
	ServiceDefinition *ecs.CreateServiceInput
}

// DeployResult is what Deploy or Rollback did.
type DeployResult struct {
	// TaskDefinitionArn is the revision the service now runs (or rolls to).
	TaskDefinitionArn string
	// Registered reports whether a new revision was registered.
	Registered bool
	// Diff is the change against the service's previous task definition.
	Diff string
	// NoChange is true when nothing changed and no update was made.
	NoChange bool
	// DeploymentID is the id of the deployment the update started.
	DeploymentID string
	// Status is the last status seen.
	Status *Status
	// ScalingPolicies are the ARNs of the policies DeployInput.Scaling
	// put, by policy name.
	ScalingPolicies map[string]string
}

// RollbackInput names the service to roll back.
type RollbackInput struct {
	// Cluster and Service name the service.
	Cluster, Service string
	// TaskDefinition, when set, is the revision to roll back to; otherwise
	// the last COMPLETED deployment's task definition other than the
	// PRIMARY's, else the family's newest ACTIVE revision older than it.
	TaskDefinition string
}

// TaskWait says how long RunTask waits.
type TaskWait int

const (
	// WaitNone returns as soon as the tasks are started.
	WaitNone TaskWait = iota
	// WaitRunning waits until every task is RUNNING.
	WaitRunning
	// WaitStopped waits until every task is STOPPED and reports exit codes.
	WaitStopped
)

// RunTaskInput describes one RunTask request (batched past 10 tasks).
type RunTaskInput struct {
	// Cluster is the cluster name or ARN.
	Cluster string
	// TaskDefinition is a family, family:revision or ARN.
	TaskDefinition string
	// Count is the number of tasks (default 1); more than 10 are sent in
	// batches of 10, the RunTask limit.
	Count int
	// LaunchType is FARGATE, EC2, ... (leave empty with a capacity
	// provider strategy).
	LaunchType types.LaunchType
	// CapacityProviderStrategy selects capacity providers instead.
	CapacityProviderStrategy []types.CapacityProviderStrategyItem
	// NetworkConfiguration is required for awsvpc task definitions.
	NetworkConfiguration *types.NetworkConfiguration
	// Overrides overrides container commands, environment and more; see
	// ContainerOverride.
	Overrides *types.TaskOverride
	// StartedBy is recorded on the tasks.
	StartedBy string
	// Group is the task group.
	Group string
	// Wait says whether to wait for RUNNING or STOPPED.
	Wait TaskWait
}

// ContainerOverride returns a TaskOverride that sets one container's
// command and adds environment variables (sorted by name).
func ContainerOverride(container string, command []string, env map[string]string) *types.TaskOverride {
	co := types.ContainerOverride{Name: &container, Command: command}
	for _, k := range sortedKeys(env) {
		co.Environment = append(co.Environment, types.KeyValuePair{Name: ptr(k), Value: ptr(env[k])})
	}
	return &types.TaskOverride{ContainerOverrides: []types.ContainerOverride{co}}
}

// RunTaskResult is what RunTask started and saw.
type RunTaskResult struct {
	// Tasks are the last seen descriptions of the started tasks.
	Tasks []types.Task
	// Stopped has every task's stop reason and container exit codes when
	// waiting for STOPPED.
	Stopped []StoppedTask
}

// Status is one reading of a service.
type Status struct {
	// At is when it was read, on the Deployer's clock.
	At time.Time
	// Service is the service as DescribeServices returned it.
	Service types.Service
	// Deployment is the deployment waited for (or the PRIMARY), nil if gone.
	Deployment *types.Deployment
	// Providers counts the service's RUNNING tasks per capacity provider
	// (FARGATE, FARGATE_SPOT, ...). Deployer.Status fills it when the
	// service uses a capacity provider strategy; it is nil otherwise.
	Providers map[string]int
	// TargetGroups counts the targets of the service's target groups by
	// state, the alternate groups of blue/green load balancers included
	// (with WithLoadBalancers; see loadbalancer.go).
	TargetGroups []TargetGroupHealth
	// Scaling is the service's scalable target, policies and latest
	// activities (with WithScaling and a registered target; scaling.go).
	Scaling *ScalingStatus
}

// String summarises the status in one line.
func (s *Status) String() string {
	if s == nil {
		return "<none>"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "service %s %s desired=%d running=%d pending=%d deployments=%d",
		valueOf(s.Service.ServiceName), valueOf(s.Service.Status), s.Service.DesiredCount,
		s.Service.RunningCount, s.Service.PendingCount, len(s.Service.Deployments))
	if d := s.Deployment; d != nil {
		fmt.Fprintf(&b, "; %s", deploymentLine(d))
	}
	return b.String()
}

// StoppedTask is a stopped task with why it stopped.
type StoppedTask struct {
	// TaskArn is the task's ARN.
	TaskArn string
	// StopCode is ECS's stop code, for example EssentialContainerExited.
	StopCode types.TaskStopCode
	// StoppedReason is ECS's text, for example "Essential container in task exited".
	StoppedReason string
	// Containers has each container's exit code and reason.
	Containers []ContainerExit
}

// String is "task ID stopped: reason [code], container web exit 1 (reason)";
// a container reason equal to the task's stoppedReason is not repeated.
func (t StoppedTask) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "task %s stopped: %s", taskID(t.TaskArn), t.StoppedReason)
	if t.StopCode != "" {
		fmt.Fprintf(&b, " [%s]", t.StopCode)
	}
	for _, c := range t.Containers {
		b.WriteString(", ")
		if c.Reason == t.StoppedReason {
			c.Reason = "" // said already
		}
		b.WriteString(c.String())
	}
	return b.String()
}

// Cause is String without the task ID: what stopped it and the exit codes.
// Tasks with the same Cause failed the same way.
func (t StoppedTask) Cause() string {
	s := t.String()
	return s[len("task "+taskID(t.TaskArn)+" stopped: "):]
}

// ContainerExit is one container of a stopped task.
type ContainerExit struct {
	// Name is the container name.
	Name string
	// ExitCode is nil when the container never ran.
	ExitCode *int32
	// Reason is ECS's container reason, for example "CannotPullContainerError: ...".
	Reason string
	// Essential reports whether the container is essential, when known.
	Essential bool
	// Logs holds the essential container's last log lines (awslogs), or
	// why there are none; nil for other containers or when fetching is
	// off (WithLogLines(0)).
	Logs *ContainerLogs
}

// String is "container web exit 1 (reason)".
func (c ContainerExit) String() string {
	s := "container " + c.Name
	if c.ExitCode != nil {
		s += fmt.Sprintf(" exit %d", *c.ExitCode)
	} else {
		s += " no exit code"
	}
	if c.Reason != "" {
		s += " (" + c.Reason + ")"
	}
	return s
}
