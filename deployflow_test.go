package ecsdeploy

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

// rollout scripts a service on web:1 that an update moves to web:2 with
// deployment ecs-svc/2; after(n) gives the service at poll n (n >= 1).
func rollout(after func(n int) (*types.Service, error)) *scripted {
	steady := svcWith(2, 2, dep("ecs-svc/1", "PRIMARY", "web:1", completed, 2, 2))
	s := &scripted{}
	s.services = func(n int) (*ecs.DescribeServicesOutput, error) {
		if n == 0 || len(s.updates) == 0 {
			return out(steady), nil
		}
		svc, err := after(n)
		if err != nil {
			return nil, err
		}
		return out(svc), nil
	}
	s.describe = func(in *ecs.DescribeTaskDefinitionInput) (*ecs.DescribeTaskDefinitionOutput, error) {
		return &ecs.DescribeTaskDefinitionOutput{TaskDefinition: taskDefinition("web", 1, "app:1")}, nil
	}
	s.register = func(in *ecs.RegisterTaskDefinitionInput) (*ecs.RegisterTaskDefinitionOutput, error) {
		return &ecs.RegisterTaskDefinitionOutput{TaskDefinition: taskDefinition("web", 2, *in.ContainerDefinitions[0].Image)}, nil
	}
	s.update = func(in *ecs.UpdateServiceInput) (*ecs.UpdateServiceOutput, error) {
		td := shortTD(*in.TaskDefinition)
		id := "ecs-svc/2"
		if len(s.updates) > 1 {
			id = "ecs-svc/3"
		}
		return &ecs.UpdateServiceOutput{Service: svcWith(2, 2, dep(id, "PRIMARY", td, inProgress, 2, 0),
			dep("ecs-svc/1", "ACTIVE", "web:1", completed, 2, 2))}, nil
	}
	return s
}

func TestDeployImageWaitsForOurDeploymentWithOneDescribePerPoll(t *testing.T) {
	clock := newStepClock()
	const completeAt = 36 // polls: 3 virtual minutes at 5 s
	api := rollout(func(n int) (*types.Service, error) {
		if n < completeAt {
			return svcWith(2, 3, dep("ecs-svc/2", "PRIMARY", "web:2", inProgress, 2, 1), dep("ecs-svc/1", "ACTIVE", "web:1", completed, 2, 2)), nil
		}
		return svcWith(2, 2, dep("ecs-svc/2", "PRIMARY", "web:2", completed, 2, 2)), nil
	})
	var events []Event
	start := clock.Now()
	res, err := New(api, WithClock(clock), WithEvents(func(e Event) { events = append(events, e) })).
		Deploy(t.Context(), DeployInput{Service: "web", Image: "app:2"}, WithFixedPolling())
	if err != nil {
		t.Fatal(err)
	}
	if !res.Registered || shortTD(res.TaskDefinitionArn) != "web:2" || res.DeploymentID != "ecs-svc/2" || res.Diff == "" {
		t.Errorf("result = %+v", res)
	}
	if got := shortTD(*api.updates[0].TaskDefinition); got != "web:2" {
		t.Errorf("UpdateService to %s", got)
	}
	if took, want := clock.Now().Sub(start), time.Duration(completeAt)*DefaultPollInterval; took != want {
		t.Errorf("Deploy took %s of virtual time, want %s (detect within one poll)", took, want)
	}
	want := map[string]int{"RegisterTaskDefinition": 1, "UpdateService": 1, "DescribeServices": completeAt + 1, "DescribeTaskDefinition": 1}
	for op, n := range want {
		if api.calls[op] != n {
			t.Errorf("%s calls = %d, want %d", op, api.calls[op], n)
		}
	}
	if api.calls["DescribeTasks"]+api.calls["ListTasks"] != 0 {
		t.Error("task reads on a successful deploy")
	}
	var completedSeen bool
	for _, e := range events {
		if d, ok := e.(*DeploymentEvent); ok && d.ID == "ecs-svc/2" && d.RolloutState == completed {
			completedSeen = true
		}
	}
	if !completedSeen {
		t.Errorf("no COMPLETED event in %q", messages(events))
	}
}

func TestDeployUnchangedImageMakesNoUpdate(t *testing.T) {
	api := rollout(nil)
	res, err := New(api, WithClock(newStepClock())).Deploy(t.Context(), DeployInput{Service: "web", Image: "app:1"})
	if err != nil || !res.NoChange || res.Registered {
		t.Fatalf("res = %+v, err = %v; want NoChange", res, err)
	}
	if api.calls["UpdateService"]+api.calls["RegisterTaskDefinition"] != 0 {
		t.Errorf("calls = %v", api.calls)
	}
}

func TestCircuitBreakerRollbackIsFailureWithStoppedTasks(t *testing.T) {
	api := rollout(func(n int) (*types.Service, error) {
		if n < 3 {
			return svcWith(2, 2, dep("ecs-svc/2", "PRIMARY", "web:2", inProgress, 2, 0), dep("ecs-svc/1", "ACTIVE", "web:1", completed, 2, 2)), nil
		}
		if n >= 5 { // the rollback completes
			return svcWith(2, 2, dep("ecs-svc/3", "PRIMARY", "web:1", completed, 2, 2)), nil
		}
		return svcWith(2, 2,
			withReason(dep("ecs-svc/3", "PRIMARY", "web:1", inProgress, 2, 0), "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1."),
			withReason(dep("ecs-svc/2", "ACTIVE", "web:2", failed, 2, 0), "ECS deployment circuit breaker: tasks failed to start."),
			dep("ecs-svc/1", "ACTIVE", "web:1", completed, 2, 2)), nil
	})
	api.list = func(in *ecs.ListTasksInput) (*ecs.ListTasksOutput, error) {
		if valueOf(in.StartedBy) != "ecs-svc/2" || in.DesiredStatus != types.DesiredStatusStopped {
			t.Errorf("ListTasks startedBy=%s desiredStatus=%s", valueOf(in.StartedBy), in.DesiredStatus)
		}
		return &ecs.ListTasksOutput{TaskArns: []string{"arn:aws:ecs:r:1:task/c/t1"}}, nil
	}
	api.tasks = func(in *ecs.DescribeTasksInput) (*ecs.DescribeTasksOutput, error) {
		return &ecs.DescribeTasksOutput{Tasks: []types.Task{{TaskArn: ptr(in.Tasks[0]), StopCode: types.TaskStopCodeTaskFailedToStart,
			StoppedReason: ptr("CannotPullContainerError: pull image manifest has been retried 5 time(s)"),
			Containers:    []types.Container{{Name: ptr("app"), Reason: ptr("CannotPullContainerError")}}}}}, nil
	}
	_, err := New(api, WithClock(newStepClock())).Deploy(t.Context(), DeployInput{Service: "web", Image: "bad:1"}, WithRollback())
	var df *DeploymentFailedError
	if !errors.As(err, &df) {
		t.Fatalf("err = %v", err)
	}
	if !df.RollbackStarted || !df.RolledBack || df.RollbackState != completed || df.RollbackDeploymentID != "ecs-svc/3" ||
		df.RollbackBy != "circuit-breaker" || shortTD(df.RollbackTaskDefinition) != "web:1" {
		t.Errorf("rollback = started %v completed %v (%s %s) %q %s", df.RollbackStarted, df.RolledBack, df.RollbackDeploymentID, df.RollbackState, df.RollbackBy, df.RollbackTaskDefinition)
	}
	if api.calls["DescribeServices"] != 6 {
		t.Errorf("%d DescribeServices, want 6 (1 before the update, 3 until the failure, 2 until the rollback completed)", api.calls["DescribeServices"])
	}
	if df.Reason != "ECS deployment circuit breaker: tasks failed to start." || len(df.StoppedTasks) != 1 || !strings.Contains(err.Error(), "CannotPullContainerError") {
		t.Errorf("error = %v", err)
	}
	if api.calls["UpdateService"] != 1 {
		t.Errorf("Deployer rolled back too (%d updates) although ECS did", api.calls["UpdateService"])
	}
	if errors.Is(err, ErrTimeout) {
		t.Error("breaker failure must not be a timeout")
	}
}

func TestDeployerRollbackOnTimeoutToLastCompletedAndDeregistersFailed(t *testing.T) {
	api := rollout(func(n int) (*types.Service, error) {
		if len(api2.updates) > 1 { // the rollback deployment completes at once
			return svcWith(2, 2, dep("ecs-svc/3", "PRIMARY", "web:1", completed, 2, 2)), nil
		}
		return svcWith(2, 2, dep("ecs-svc/2", "PRIMARY", "web:2", inProgress, 2, 0), dep("ecs-svc/1", "ACTIVE", "web:1", completed, 2, 2)), nil
	})
	api2 = api
	clock := newStepClock()
	start := clock.Now()
	_, err := New(api, WithClock(clock)).Deploy(t.Context(), DeployInput{Service: "web", Image: "bad:1"},
		WithTimeout(time.Minute), WithRollback(), WithDeregisterFailed())
	var df *DeploymentFailedError
	if !errors.As(err, &df) || !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want DeploymentFailedError wrapping ErrTimeout", err)
	}
	// The rollback's tasks (no health check) cannot count healthy before
	// the 40-second rule: its first read comes 40 s + one poll after its update.
	if took := clock.Now().Sub(start); took != time.Minute+40*time.Second+DefaultPollInterval {
		t.Errorf("took %s, want 1m (timeout) + the first read after the rollback's update (45 s)", took)
	}
	if !df.RollbackStarted || !df.RolledBack || df.RollbackState != completed || df.RollbackDeploymentID != "ecs-svc/3" || df.RollbackBy != "deployer" || shortTD(df.RollbackTaskDefinition) != "web:1" {
		t.Errorf("rollback = %v %q %s (%v)", df.RolledBack, df.RollbackBy, df.RollbackTaskDefinition, df.RollbackErr)
	}
	if len(api.updates) != 2 || shortTD(*api.updates[1].TaskDefinition) != "web:1" {
		t.Errorf("updates = %d", len(api.updates))
	}
	if len(api.dereg) != 1 || shortTD(api.dereg[0]) != "web:2" {
		t.Errorf("deregistered %v, want web:2", api.dereg)
	}
	var we *WaitError
	if !errors.As(err, &we) || we.Last == nil || valueOf(we.Last.Deployment.Id) != "ecs-svc/2" {
		t.Errorf("WaitError last status = %v", we)
	}
}

var api2 *scripted // lets the script above see its own updates

func TestWaitRidesOutThrottlingAndServerErrors(t *testing.T) {
	api := rollout(func(n int) (*types.Service, error) {
		switch n {
		case 1:
			return nil, &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
		case 2:
			return nil, &types.ServerException{Message: ptr("internal")}
		}
		return svcWith(2, 2, dep("ecs-svc/2", "PRIMARY", "web:2", completed, 2, 2)), nil
	})
	if _, err := New(api, WithClock(newStepClock())).Deploy(t.Context(), DeployInput{Service: "web", Image: "app:2"}); err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	if api.calls["DescribeServices"] != 4 {
		t.Errorf("DescribeServices calls = %d, want 4", api.calls["DescribeServices"])
	}
}

func TestWaitStopsOnNonTransientError(t *testing.T) {
	api := rollout(func(n int) (*types.Service, error) {
		return nil, &types.ClusterNotFoundException{Message: ptr("Cluster not found.")}
	})
	_, err := New(api, WithClock(newStepClock())).Deploy(t.Context(), DeployInput{Service: "web", Image: "app:2"})
	if !errors.Is(err, ErrClusterNotFound) {
		t.Fatalf("err = %v", err)
	}
}

func TestContextCancelReturnsAtOnceWithLastStatus(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	api := rollout(func(n int) (*types.Service, error) {
		if n == 2 {
			cancel()
		}
		return svcWith(2, 2, dep("ecs-svc/2", "PRIMARY", "web:2", inProgress, 2, int32(n)), dep("ecs-svc/1", "ACTIVE", "web:1", completed, 2, 2)), nil
	})
	_, err := New(api, WithClock(newStepClock())).Deploy(ctx, DeployInput{Service: "web", Image: "app:2"})
	var we *WaitError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &we) {
		t.Fatalf("err = %v", err)
	}
	if we.Last == nil || we.Last.Deployment.RunningCount != 2 {
		t.Errorf("last status = %v, want the reading during which ctx was cancelled", we.Last)
	}
	if api.calls["DescribeServices"] != 3 || api.calls["ListTasks"] != 0 {
		t.Errorf("calls after cancel = %v", api.calls)
	}
}

func TestServiceMissingIsNotFoundError(t *testing.T) {
	api := &scripted{services: func(int) (*ecs.DescribeServicesOutput, error) {
		return &ecs.DescribeServicesOutput{Failures: []types.Failure{{Arn: ptr("arn:...:service/c/web"), Reason: ptr("MISSING")}}}, nil
	}}
	_, err := New(api).Deploy(t.Context(), DeployInput{Cluster: "c", Service: "web", ForceNewDeployment: true})
	var nf *NotFoundError
	if !errors.Is(err, ErrServiceNotFound) || !errors.As(err, &nf) || nf.Name != "web" || nf.Cluster != "c" {
		t.Errorf("err = %v", err)
	}
}

func TestRunTaskWaitStoppedReportsExitCodes(t *testing.T) {
	code := int32(3)
	polls := 0
	api := &scripted{
		run: func(in *ecs.RunTaskInput) (*ecs.RunTaskOutput, error) {
			var o ecs.RunTaskOutput
			for i := int32(0); i < *in.Count; i++ {
				o.Tasks = append(o.Tasks, types.Task{TaskArn: ptr("arn:aws:ecs:r:1:task/c/t"), LastStatus: ptr("PROVISIONING")})
			}
			if *in.Count == 10 {
				o.Failures = []types.Failure{{Reason: ptr("RESOURCE:MEMORY"), Arn: ptr("arn:aws:ecs:r:1:container-instance/c/i1")}}
			}
			return &o, nil
		},
		tasks: func(in *ecs.DescribeTasksInput) (*ecs.DescribeTasksOutput, error) {
			polls++
			var o ecs.DescribeTasksOutput
			for range in.Tasks {
				t := types.Task{TaskArn: ptr("arn:aws:ecs:r:1:task/c/t"), LastStatus: ptr("RUNNING"), TaskDefinitionArn: ptr(tdArn + "job:1")}
				if polls > 2 {
					t.LastStatus, t.StoppedReason, t.StopCode = ptr("STOPPED"), ptr("Essential container in task exited"), types.TaskStopCodeEssentialContainerExited
					t.Containers = []types.Container{{Name: ptr("app"), ExitCode: &code}}
				}
				o.Tasks = append(o.Tasks, t)
			}
			return &o, nil
		},
		describe: func(*ecs.DescribeTaskDefinitionInput) (*ecs.DescribeTaskDefinitionOutput, error) {
			return &ecs.DescribeTaskDefinitionOutput{TaskDefinition: taskDefinition("job", 1, "job:1")}, nil
		},
	}
	res, err := New(api, WithClock(newStepClock())).RunTask(t.Context(), RunTaskInput{TaskDefinition: "job", Count: 12, Wait: WaitStopped})
	var tf *TaskFailedError
	if !errors.As(err, &tf) || len(tf.Tasks) != 12 || !strings.Contains(err.Error(), "container app exit 3") {
		t.Fatalf("err = %v", err)
	}
	if api.calls["RunTask"] != 2 || len(res.Stopped) != 12 || api.calls["DescribeTaskDefinition"] != 1 {
		t.Errorf("calls = %v, stopped = %d", api.calls, len(res.Stopped))
	}
}

func TestRunTaskPlacementFailuresNameTheReason(t *testing.T) {
	api := &scripted{run: func(in *ecs.RunTaskInput) (*ecs.RunTaskOutput, error) {
		return &ecs.RunTaskOutput{Failures: []types.Failure{{Reason: ptr("RESOURCE:MEMORY"), Arn: ptr("arn:ci/i1")}}}, nil
	}}
	_, err := New(api).RunTask(t.Context(), RunTaskInput{TaskDefinition: "big", Wait: WaitRunning})
	var pe *PlacementError
	if !errors.As(err, &pe) || pe.Placed != 0 || err.Error() != "placed 0 of 1 tasks: RESOURCE:MEMORY (arn:ci/i1)" {
		t.Errorf("err = %v", err)
	}
}

func TestDeployDesiredCountOnlyStartsNoDeploymentAndWaitsForSteady(t *testing.T) {
	api := rollout(func(n int) (*types.Service, error) {
		if n < 3 {
			return svcWith(4, 2, dep("ecs-svc/1", "PRIMARY", "web:1", completed, 4, 2)), nil
		}
		return svcWith(4, 4, dep("ecs-svc/1", "PRIMARY", "web:1", completed, 4, 4)), nil
	})
	api.update = func(in *ecs.UpdateServiceInput) (*ecs.UpdateServiceOutput, error) {
		return &ecs.UpdateServiceOutput{Service: svcWith(4, 2, dep("ecs-svc/1", "PRIMARY", "web:1", completed, 4, 2))}, nil
	}
	res, err := New(api, WithClock(newStepClock())).Deploy(t.Context(), DeployInput{Service: "web", DesiredCount: ptr(int32(4))})
	if err != nil {
		t.Fatal(err)
	}
	if api.updates[0].TaskDefinition != nil || res.Status.Service.RunningCount != 4 || api.calls["DescribeServices"] != 4 {
		t.Errorf("update td=%v running=%d describes=%d", api.updates[0].TaskDefinition, res.Status.Service.RunningCount, api.calls["DescribeServices"])
	}
}
