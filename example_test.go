package ecsdeploy_test

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
)

// A CI log: pass the renderer to WithEvents and every change prints once.
func ExampleTextRenderer() {
	r := ecsdeploy.NewTextRenderer(os.Stdout)
	r.TimeFormat = "" // stable output for the example
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	dep := &ecsdeploy.DeploymentEvent{At: at, ID: "ecs-svc/2", Status: "PRIMARY",
		TaskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2", Desired: 2, RolloutState: "IN_PROGRESS"}
	r.Render(&ecsdeploy.ActionEvent{At: at, Message: "registered web:2"})
	r.Render(dep)
	r.Render(dep) // unchanged: not printed again
	r.Render(&ecsdeploy.ServiceEvent{At: at, ID: "e1", Message: "(service web) has started 2 tasks: (task a) (task b)."})
	// Output:
	// registered web:2
	// deployment ecs-svc/2 PRIMARY web:2 desired=2 pending=0 running=0 failed=0 IN_PROGRESS
	// event: (service web) has started 2 tasks: (task a) (task b).
}

// How a deploy script explains a failed deployment.
func ExampleDeploymentFailedError() {
	// err would come from d.Deploy(ctx, ecsdeploy.DeployInput{...}).
	var err error = &ecsdeploy.DeploymentFailedError{
		Service: "web", DeploymentID: "ecs-svc/2",
		Reason:          "ECS deployment circuit breaker: tasks failed to start.",
		RollbackStarted: true, RollbackBy: "circuit-breaker", RollbackDeploymentID: "ecs-svc/1",
		RollbackState:          types.DeploymentRolloutStateInProgress,
		RollbackTaskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
		StoppedTasks: []ecsdeploy.StoppedTask{{
			TaskArn: "arn:aws:ecs:us-east-1:123456789012:task/prod/0123abcd", StopCode: types.TaskStopCodeTaskFailedToStart,
			StoppedReason: "CannotPullContainerError: pull image manifest has been retried 5 time(s)",
		}},
	}
	var df *ecsdeploy.DeploymentFailedError
	switch {
	case errors.Is(err, ecsdeploy.ErrServiceNotFound):
		fmt.Println("no such service")
	case errors.As(err, &df) && df.RolledBack:
		fmt.Println("rolled back: the service is steady on the previous revision")
	case errors.As(err, &df) && df.RollbackStarted:
		// Without WithRollback, Deploy returns once the failure is known:
		// the breaker's rollback is usually still running.
		fmt.Println("rollback started, still", df.RollbackState, "(deployment", df.RollbackDeploymentID+")")
		for _, t := range df.StoppedTasks {
			fmt.Println(t)
		}
	}
	// Output:
	// rollback started, still IN_PROGRESS (deployment ecs-svc/1)
	// task 0123abcd stopped: CannotPullContainerError: pull image manifest has been retried 5 time(s) [TaskFailedToStart]
}
