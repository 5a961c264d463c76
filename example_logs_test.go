package ecsdeploy_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// A one-off migration task with WaitStopped: its exit code and the last
// lines its container printed (awslogs) come back in the result, or, when
// it fails, in the *TaskFailedError. On the fake an output fault says what
// the container prints; ecsdeploy.New(fake) reads the fake's CloudWatch
// Logs by itself (with AWS, NewFromConfig builds a Logs client).
func ExampleDeployer_runTaskMigrationOutput() {
	ctx := context.Background()
	e := fake.New()
	e.CreateCluster(ctx, &ecs.CreateClusterInput{})
	e.Logs().CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/ecs/migrate")})
	e.InjectFault(fake.Fault{Image: "migrate:7", Action: fake.FaultOutput, Every: time.Second,
		Lines: []string{"applying 0007_add_index", "ERROR: relation \"orders\" does not exist"}})
	e.InjectFault(fake.Fault{Image: "migrate:7", Action: fake.FaultExit, ExitCode: 2, After: 2 * time.Second})

	d := ecsdeploy.New(e, ecsdeploy.WithClock(e))
	td, _ := ecsdeploy.NewTaskDefinition("migrate").Fargate().CPU(256).Memory(512).
		ExecutionRole("arn:aws:iam::123456789012:role/ecsTaskExecutionRole").
		Container(ecsdeploy.NewContainer("migrate", "migrate:7").Logs(ecsdeploy.AWSLogs("/ecs/migrate", "us-east-1", "job"))).
		Build()
	d.Register(ctx, td)
	_, err := d.RunTask(ctx, ecsdeploy.RunTaskInput{TaskDefinition: "migrate", LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}},
		Wait:                 ecsdeploy.WaitStopped})
	var tf *ecsdeploy.TaskFailedError
	if errors.As(err, &tf) {
		c := tf.Tasks[0].Containers[0]
		fmt.Printf("container %s exited %d; its last lines:\n", c.Name, *c.ExitCode)
		for _, l := range c.Logs.Lines {
			fmt.Println(" ", l.Message)
		}
	}
	// Output:
	// container migrate exited 2; its last lines:
	//   applying 0007_add_index
	//   ERROR: relation "orders" does not exist
}
