package ecsdeploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

func TestAPIErrorMapsCodesToSentinelsKeepingTheOriginal(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want error // nil: no sentinel
	}{
		{"ClusterNotFoundException", &types.ClusterNotFoundException{Message: ptr("Cluster not found.")}, ErrClusterNotFound},
		{"ServiceNotFoundException", &types.ServiceNotFoundException{Message: ptr("Service not found.")}, ErrServiceNotFound},
		{"ServiceNotActiveException", &types.ServiceNotActiveException{Message: ptr("Service was not ACTIVE.")}, ErrServiceNotFound},
		{"ClientException unable to describe task definition", &types.ClientException{Message: ptr("Unable to describe task definition.")}, ErrTaskDefinitionNotFound},
		{"ClientException TaskDefinition not found", &types.ClientException{Message: ptr("TaskDefinition not found.")}, ErrTaskDefinitionNotFound},
		{"generic InvalidParameterException", &smithy.GenericAPIError{Code: "InvalidParameterException", Message: "Unable to find task definition 'web:9'"}, ErrTaskDefinitionNotFound},
		{"other ClientException", &types.ClientException{Message: ptr("Too many containers.")}, nil},
		{"not an API error", errors.New("dial tcp: refused"), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := fmt.Errorf("outer: %w", wrapAPI("UpdateService", c.err))
			for _, s := range []error{ErrClusterNotFound, ErrServiceNotFound, ErrTaskDefinitionNotFound} {
				if got := errors.Is(err, s); got != (s == c.want) {
					t.Errorf("errors.Is(%v) = %v", s, got)
				}
			}
			var ae *APIError
			if !errors.As(err, &ae) || ae.Op != "UpdateService" || !strings.Contains(err.Error(), "ecs UpdateService: ") {
				t.Errorf("no *APIError for UpdateService in %q", err)
			}
			if !errors.Is(err, c.err) {
				t.Error("original error not reachable with errors.Is")
			}
		})
	}
}

func TestAPIErrorOriginalReachableWithErrorsAs(t *testing.T) {
	err := wrapAPI("DescribeServices", &types.ClusterNotFoundException{Message: ptr("Cluster not found.")})
	var cnf *types.ClusterNotFoundException
	var sa smithy.APIError
	if !errors.As(err, &cnf) || !errors.As(err, &sa) || sa.ErrorCode() != "ClusterNotFoundException" {
		t.Errorf("errors.As did not reach the SDK error in %v", err)
	}
}

func TestTransientErrorsAreThrottlingAndServerFaults(t *testing.T) {
	cases := map[string]struct {
		err  error
		want bool
	}{
		"ThrottlingException": {&smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}, true},
		"ServerException":     {&types.ServerException{Message: ptr("boom")}, true},
		"wrapped throttling":  {wrapAPI("DescribeServices", &smithy.GenericAPIError{Code: "ThrottlingException"}), true},
		"server fault code":   {&smithy.GenericAPIError{Code: "Whatever", Fault: smithy.FaultServer}, true},
		"ClientException":     {&types.ClientException{Message: ptr("bad")}, false},
		"not found":           {&types.ServiceNotFoundException{}, false},
		"plain error":         {errors.New("x"), false},
		"context canceled":    {context.Canceled, false},
	}
	for name, c := range cases {
		if got := isTransient(c.err); got != c.want {
			t.Errorf("%s: isTransient = %v, want %v", name, got, c.want)
		}
	}
}

func TestNotFoundErrorMatchesItsKindAndNamesTheThing(t *testing.T) {
	err := error(&NotFoundError{Kind: ErrServiceNotFound, Name: "web", Cluster: "prod", Reason: "MISSING"})
	if !errors.Is(err, ErrServiceNotFound) || errors.Is(err, ErrClusterNotFound) {
		t.Errorf("errors.Is wrong for %v", err)
	}
	if want := `service not found: "web" in cluster "prod" (MISSING)`; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err, want)
	}
}

func TestWaitErrorUnwrapsToTimeoutOrContextAndCarriesLastStatus(t *testing.T) {
	last := &Status{Service: *svcWith(2, 1)}
	timeout := error(&WaitError{Op: "deployment ecs-svc/2 to complete", Last: last, Err: ErrTimeout})
	if !errors.Is(timeout, ErrTimeout) || errors.Is(timeout, context.Canceled) {
		t.Errorf("timeout: errors.Is wrong")
	}
	if !strings.Contains(timeout.Error(), "desired=2 running=1") || !strings.Contains(timeout.Error(), "timed out") {
		t.Errorf("timeout text %q lacks the last status", timeout)
	}
	canceled := error(&WaitError{Err: context.Canceled})
	if !errors.Is(canceled, context.Canceled) || errors.Is(canceled, ErrTimeout) {
		t.Errorf("canceled: errors.Is wrong")
	}
}

func TestDeploymentFailedErrorTextAndUnwrap(t *testing.T) {
	we := &WaitError{Err: ErrTimeout}
	e := &DeploymentFailedError{Service: "web", DeploymentID: "ecs-svc/2", Reason: "ECS deployment circuit breaker: tasks failed to start.",
		RollbackStarted: true, RolledBack: true, RollbackBy: "circuit-breaker", RollbackTaskDefinition: tdArn + "web:1", Err: we,
		RollbackDeploymentID: "ecs-svc/1", RollbackState: types.DeploymentRolloutStateCompleted,
		StoppedTasks: []StoppedTask{{TaskArn: "arn:aws:ecs:r:1:task/c/abc", StoppedReason: "CannotPullContainerError", StopCode: types.TaskStopCodeTaskFailedToStart,
			Containers: []ContainerExit{{Name: "app", Reason: "CannotPullContainerError: pull access denied"}}}}}
	err := fmt.Errorf("deploy: %w", e)
	var df *DeploymentFailedError
	if !errors.As(err, &df) || !errors.Is(err, ErrTimeout) {
		t.Fatal("errors.As/Is failed")
	}
	want := "deployment ecs-svc/2 of service web failed: ECS deployment circuit breaker: tasks failed to start.; rolled back (circuit-breaker) to " +
		"web:1 (deployment ecs-svc/1), rollback COMPLETED; task abc stopped: CannotPullContainerError [TaskFailedToStart], container app no exit code (CannotPullContainerError: pull access denied)"
	if e.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", e.Error(), want)
	}
	// Tasks that stopped the same way are grouped; a container reason
	// equal to the task's is not repeated.
	same := func(id string) StoppedTask {
		return StoppedTask{TaskArn: "arn:aws:ecs:r:1:task/c/" + id, StoppedReason: "CannotPullContainerError: not found", StopCode: types.TaskStopCodeTaskFailedToStart,
			Containers: []ContainerExit{{Name: "app", Reason: "CannotPullContainerError: not found"}}}
	}
	exited := StoppedTask{TaskArn: "arn:aws:ecs:r:1:task/c/eee", StoppedReason: "Essential container in task exited", StopCode: types.TaskStopCodeEssentialContainerExited,
		Containers: []ContainerExit{{Name: "app", ExitCode: ptr(int32(2))}}}
	e.StoppedTasks = []StoppedTask{same("a1"), same("a2"), exited, same("a3")}
	want = "deployment ecs-svc/2 of service web failed: ECS deployment circuit breaker: tasks failed to start.; rolled back (circuit-breaker) to web:1 (deployment ecs-svc/1), rollback COMPLETED" +
		"; 3 tasks (a1, ...) stopped: CannotPullContainerError: not found [TaskFailedToStart], container app no exit code" +
		"; task eee stopped: Essential container in task exited [EssentialContainerExited], container app exit 2"
	if e.Error() != want {
		t.Errorf("grouped Error() =\n%s\nwant\n%s", e.Error(), want)
	}
	// Started and still in progress (Deploy without WithRollback), or
	// its wait ended without completion: never "rolled back".
	e.RolledBack, e.RollbackState = false, types.DeploymentRolloutStateInProgress
	if got := e.Error(); !strings.Contains(got, "; rollback (circuit-breaker) to web:1 (deployment ecs-svc/1) started, IN_PROGRESS when last read") || strings.Contains(got, "rolled back") {
		t.Errorf("rollback in progress: Error() = %q", got)
	}
	e.RollbackErr = &WaitError{Op: "rollback deployment ecs-svc/1 to complete", Err: ErrTimeout}
	if got := e.Error(); !strings.Contains(got, "started, not completed: waiting for rollback deployment ecs-svc/1 to complete: timed out") {
		t.Errorf("rollback wait timed out: Error() = %q", got)
	}
	e.RollbackStarted, e.RollbackErr = false, errors.New("no target")
	if !strings.Contains(e.Error(), "rollback failed: no target") {
		t.Errorf("Error() = %q", e.Error())
	}
}
