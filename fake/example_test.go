package fake_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// Run a task on EC2 capacity and watch it start in virtual time.
func Example() {
	ctx := context.Background()
	e := fake.New()
	e.CreateCluster(ctx, &ecs.CreateClusterInput{})
	e.AddInstance("default", fake.InstanceSpec{CPU: 2048, Memory: 4096})
	e.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("web"),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("web"), Image: aws.String("nginx:1.27"), Memory: aws.Int32(256),
		}},
	})
	out, _ := e.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("web")})
	arn := out.Tasks[0].TaskArn
	fmt.Println(*out.Tasks[0].LastStatus)
	e.Advance(time.Minute)
	d, _ := e.DescribeTasks(ctx, &ecs.DescribeTasksInput{Tasks: []string{*arn}})
	fmt.Println(*d.Tasks[0].LastStatus)
	// Output:
	// PENDING
	// RUNNING
}

// Script a failure: an image that cannot be pulled.
func ExampleECS_InjectFault() {
	ctx := context.Background()
	e := fake.New()
	e.CreateCluster(ctx, &ecs.CreateClusterInput{})
	e.AddInstance("default", fake.InstanceSpec{})
	e.InjectFault(fake.Fault{Image: "web:bad", Action: fake.FaultFailStart})
	e.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family:               aws.String("web"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("web"), Image: aws.String("web:bad"), Memory: aws.Int32(256)}},
	})
	out, _ := e.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("web")})
	e.Advance(2 * time.Minute) // the agent retries the pull for 88 s (Timing.PullFailure)
	d, _ := e.DescribeTasks(ctx, &ecs.DescribeTasksInput{Tasks: []string{*out.Tasks[0].TaskArn}})
	fmt.Println(*d.Tasks[0].LastStatus, d.Tasks[0].StopCode)
	// Output:
	// STOPPED TaskFailedToStart
}
