package ecsdeploy

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

// Sentinel errors, usable with errors.Is on any error the Deployer returns.
var (
	// ErrClusterNotFound: the cluster does not exist (ClusterNotFoundException,
	// or a MISSING failure from DescribeClusters).
	ErrClusterNotFound = errors.New("cluster not found")
	// ErrServiceNotFound: the service does not exist or is not ACTIVE
	// (ServiceNotFoundException, ServiceNotActiveException, or a MISSING
	// failure from DescribeServices).
	ErrServiceNotFound = errors.New("service not found")
	// ErrTaskDefinitionNotFound: the task definition family or revision does
	// not exist (ECS reports it as a ClientException).
	ErrTaskDefinitionNotFound = errors.New("task definition not found")
	// ErrTimeout: a wait reached its deadline (see *WaitError for the last
	// status seen).
	ErrTimeout = errors.New("timed out")
)

// APIError wraps an error returned by an ECS API call. The original error
// (usually a smithy.APIError such as *types.ClientException) stays
// reachable with errors.As, and errors.Is matches the sentinel that the
// error code means (ErrClusterNotFound, ErrServiceNotFound,
// ErrTaskDefinitionNotFound).
type APIError struct {
	// Op is the ECS operation, for example "UpdateService".
	Op string
	// Err is the error the API client returned.
	Err error
}

// Error is "ecs <Op>: <original error>".
func (e *APIError) Error() string { return fmt.Sprintf("ecs %s: %v", e.Op, e.Err) }

// Unwrap returns the original API client error.
func (e *APIError) Unwrap() error { return e.Err }

// Is reports whether the API error code means target.
func (e *APIError) Is(target error) bool {
	return target != nil && sentinelFor(e.Err) == target
}

// sentinelFor maps an ECS error code (and, for ClientException, its
// message) to one of the package sentinels, or nil.
func sentinelFor(err error) error {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return nil
	}
	switch ae.ErrorCode() {
	case "ClusterNotFoundException":
		return ErrClusterNotFound
	case "ServiceNotFoundException", "ServiceNotActiveException":
		return ErrServiceNotFound
	case "ClientException", "InvalidParameterException":
		// ECS reports unknown task definitions as ClientException with texts
		// such as "Unable to describe task definition." (DescribeTaskDefinition)
		// or "TaskDefinition not found." (RunTask, UpdateService).
		m := strings.ToLower(ae.ErrorMessage())
		if (strings.Contains(m, "task definition") || strings.Contains(m, "taskdefinition")) &&
			(strings.Contains(m, "not found") || strings.Contains(m, "unable to describe") ||
				strings.Contains(m, "unable to find") || strings.Contains(m, "does not exist")) {
			return ErrTaskDefinitionNotFound
		}
	}
	return nil
}

// wrapAPI wraps a non-nil API error with the operation name.
func wrapAPI(op string, err error) error {
	if err == nil {
		return nil
	}
	return &APIError{Op: op, Err: err}
}

// isTransient reports whether err is an API error worth riding out in a
// wait loop: throttling or a server-side fault.
func isTransient(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "ThrottlingException", "Throttling", "RequestLimitExceeded", "TooManyRequestsException",
		"ServerException", "ServiceUnavailable", "ServiceUnavailableException", "InternalFailure":
		return true
	}
	return ae.ErrorFault() == smithy.FaultServer
}

// NotFoundError says which cluster, service or task definition is missing.
// errors.Is matches its Kind sentinel.
type NotFoundError struct {
	// Kind is ErrClusterNotFound, ErrServiceNotFound or ErrTaskDefinitionNotFound.
	Kind error
	// Name is the cluster, service or task definition that was asked for.
	Name string
	// Cluster is the cluster searched, when Kind is ErrServiceNotFound.
	Cluster string
	// Reason is the failure reason ECS gave (for example "MISSING"), if any.
	Reason string
	// Err is the API error that said so (a ClusterNotFoundException, ...),
	// when there was one; errors.As reaches it.
	Err error
}

// Error names what is missing, for example `service not found: "web" in cluster "prod" (MISSING)`.
func (e *NotFoundError) Error() string {
	s := fmt.Sprintf("%v: %q", e.Kind, e.Name)
	if e.Cluster != "" {
		s += fmt.Sprintf(" in cluster %q", e.Cluster)
	}
	if e.Reason != "" {
		s += " (" + e.Reason + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is matches the Kind sentinel.
func (e *NotFoundError) Is(target error) bool { return target == e.Kind }

// Unwrap returns the API error, if any.
func (e *NotFoundError) Unwrap() error { return e.Err }

// WaitError is returned when a wait stops before its goal: because its own
// deadline passed (errors.Is(err, ErrTimeout)) or because ctx was done
// (errors.Is(err, context.Canceled) / context.DeadlineExceeded). Last holds
// the last status seen, so callers can say how far things got.
type WaitError struct {
	// Op is what was being waited for, for example "deployment ecs-svc/123 to complete".
	Op string
	// Waited is how long the wait lasted, on the Deployer's clock.
	Waited time.Duration
	// Last is the last status seen, nil if none was read.
	Last *Status
	// Err is ErrTimeout or the context's error.
	Err error
}

// Error says what was awaited, why it stopped, and the last status.
func (e *WaitError) Error() string {
	s := fmt.Sprintf("waiting for %s: %v after %s", e.Op, e.Err, e.Waited)
	if e.Last != nil {
		s += "; last status: " + e.Last.String()
	}
	return s
}

// Unwrap returns ErrTimeout or the context's error.
func (e *WaitError) Unwrap() error { return e.Err }

// DeploymentFailedError is returned when a deployment did not complete: ECS
// marked it FAILED (circuit breaker), it was replaced, or its wait timed out.
// It carries the stopped tasks of that deployment with their reasons and
// container exit codes, and the rollback's outcome, told apart honestly:
// RollbackStarted says a rollback deployment exists (started by ECS's
// circuit breaker or by the Deployer with WithRollback), RolledBack says
// it COMPLETED (the service is steady on RollbackTaskDefinition again),
// and RollbackState is the rollback deployment's rollout state when the
// Deployer last read it. Without WithRollback, Deploy returns as soon as
// the failure is known, so a circuit-breaker rollback is usually still
// IN_PROGRESS (RollbackStarted true, RolledBack false); with WithRollback
// it waits for the rollback to finish, bounded by its own timeout.
type DeploymentFailedError struct {
	// Service and Cluster name the service.
	Service, Cluster string
	// DeploymentID is the id of the failed deployment (ecs-svc/...).
	DeploymentID string
	// TaskDefinition is the task definition ARN the deployment tried to roll out.
	TaskDefinition string
	// Reason is ECS's rolloutStateReason, or why the Deployer gave up.
	Reason string
	// StoppedTasks are the stopped tasks of the failed deployment.
	StoppedTasks []StoppedTask
	// RollbackStarted reports that a rollback deployment was started, by
	// the ECS circuit breaker or by the Deployer's rollback option.
	RollbackStarted bool
	// RolledBack reports that the rollback completed: its deployment was
	// seen COMPLETED with the service steady. It implies RollbackStarted.
	RolledBack bool
	// RollbackBy is "circuit-breaker", "alarm" (ECS rolled back because a
	// deployment alarm failed the deployment), "outside" (someone else
	// rolled the deployment back, e.g. StopServiceDeployment ROLLBACK: ECS
	// wrote no "deployment failed" event, only "rolling back to") or
	// "deployer" when RollbackStarted.
	RollbackBy string
	// RollbackTaskDefinition is the task definition rolled back to.
	RollbackTaskDefinition string
	// RollbackDeploymentID is the rollback deployment's id: with ECS's
	// circuit breaker, the revived last COMPLETED deployment (same id as
	// before) or, on older fakes, a new deployment.
	RollbackDeploymentID string
	// RollbackState is the rollback deployment's rolloutState when last
	// read: IN_PROGRESS (still rolling back), COMPLETED or FAILED.
	RollbackState types.DeploymentRolloutState
	// RollbackErr is set when the Deployer could not start a rollback, or
	// when waiting for a started one ended without its completion (a
	// *WaitError on timeout, or why it failed), or when ECS had nothing to
	// roll back to (errors.Is ErrNoRollbackCandidate: a blue/green
	// service's first deployment).
	RollbackErr error
	// Err is the underlying cause, for example a *WaitError on timeout.
	Err error
	// LoadBalancer explains tasks stopped for failing load balancer health
	// checks, per target group (see loadbalancer.go).
	LoadBalancer []LoadBalancerFailure
}

// Error gives the deployment, the reason, whether it rolled back, and the
// stopped tasks grouped by cause (up to three causes, each with how many
// tasks stopped that way and one task ID).
func (e *DeploymentFailedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "deployment %s of service %s failed: %s", e.DeploymentID, e.Service, e.Reason)
	b.WriteString(e.rollbackText())
	var causes []string
	count := map[string]int{}
	first := map[string]string{}
	for _, t := range e.StoppedTasks {
		c := t.Cause()
		if count[c] == 0 {
			causes = append(causes, c)
			first[c] = taskID(t.TaskArn)
		}
		count[c]++
	}
	for i, c := range causes {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more causes", len(causes)-3)
			break
		}
		if count[c] == 1 {
			fmt.Fprintf(&b, "; task %s stopped: %s", first[c], c)
		} else {
			fmt.Fprintf(&b, "; %d tasks (%s, ...) stopped: %s", count[c], first[c], c)
		}
	}
	for _, f := range e.LoadBalancer {
		b.WriteString("; " + f.String())
	}
	return b.String()
}

// Unwrap returns the underlying cause, if any.
func (e *DeploymentFailedError) Unwrap() error { return e.Err }

// rollbackText is the rollback part of Error: completed, started and how
// far it got, failed to start, or none.
func (e *DeploymentFailedError) rollbackText() string {
	dep := ""
	if e.RollbackDeploymentID != "" {
		dep = " (deployment " + e.RollbackDeploymentID + ")"
	}
	switch {
	case e.RolledBack:
		return fmt.Sprintf("; rolled back (%s) to %s%s, rollback COMPLETED", e.RollbackBy, shortTD(e.RollbackTaskDefinition), dep)
	case e.RollbackStarted && e.RollbackErr != nil:
		return fmt.Sprintf("; rollback (%s) to %s%s started, not completed: %v", e.RollbackBy, shortTD(e.RollbackTaskDefinition), dep, e.RollbackErr)
	case e.RollbackStarted:
		return fmt.Sprintf("; rollback (%s) to %s%s started, %s when last read", e.RollbackBy, shortTD(e.RollbackTaskDefinition), dep, orNone(string(e.RollbackState)))
	case errors.Is(e.RollbackErr, ErrNoRollbackCandidate):
		return fmt.Sprintf("; not rolled back: %v", e.RollbackErr)
	case e.RollbackErr != nil:
		return fmt.Sprintf("; rollback failed: %v", e.RollbackErr)
	}
	return "; not rolled back"
}

// TaskFailedError is returned by RunTask when a task stopped before
// RUNNING (when waiting for RUNNING), failed to start, or an essential
// container exited non-zero (when waiting for STOPPED).
type TaskFailedError struct {
	// Tasks are the tasks that failed, with reasons and exit codes.
	Tasks []StoppedTask
}

// Error lists each failed task with its reason and exit codes.
func (e *TaskFailedError) Error() string {
	parts := make([]string, len(e.Tasks))
	for i, t := range e.Tasks {
		parts[i] = t.String()
	}
	return fmt.Sprintf("%d task(s) failed: %s", len(e.Tasks), strings.Join(parts, "; "))
}

// PlacementError is returned by RunTask when ECS could not place some of
// the requested tasks; Failures carries ECS's reasons (RESOURCE:MEMORY,
// RESOURCE:CPU, RESOURCE:PORTS, AGENT, ATTRIBUTE, ...).
type PlacementError struct {
	// Requested is how many tasks were asked for.
	Requested int
	// Placed is how many were started.
	Placed int
	// Reasons lists each failure as "reason (arn)" in the order ECS gave them.
	Reasons []string
}

// Error is "placed N of M tasks: reasons".
func (e *PlacementError) Error() string {
	return fmt.Sprintf("placed %d of %d tasks: %s", e.Placed, e.Requested, strings.Join(e.Reasons, ", "))
}
