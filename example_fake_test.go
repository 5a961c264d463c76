package ecsdeploy_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// release is the code under test: a deploy step of a user's platform
// tool. It only knows the Deployer, so a unit test can hand it a Deployer
// over the fake.
func release(ctx context.Context, d ecsdeploy.Deployer, image string) (string, error) {
	// WithRollback: wait for the rollback to finish too, so that the
	// service is back on the old revision when release returns.
	res, err := d.Deploy(ctx, ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: image}, ecsdeploy.WithRollback())
	var df *ecsdeploy.DeploymentFailedError
	switch {
	case errors.As(err, &df) && df.RolledBack:
		return "", fmt.Errorf("release %s failed (%s), service rolled back to %s", image, df.Reason, df.RollbackTaskDefinition[strings.LastIndex(df.RollbackTaskDefinition, "/")+1:])
	case errors.As(err, &df) && df.RollbackStarted:
		return "", fmt.Errorf("release %s failed (%s), rollback to %s %s", image, df.Reason, df.RollbackTaskDefinition, df.RollbackState)
	case err != nil:
		return "", err
	}
	return res.TaskDefinitionArn[strings.LastIndex(res.TaskDefinitionArn, "/")+1:], nil
}

// A user's unit test with the fake: a cluster and a steady service in
// virtual time, then the code under test deploys a good image and a bad
// one (the fake fails its pulls; the circuit breaker rolls back). The
// whole run takes milliseconds of wall time.
func Example_unitTestWithFake() {
	ctx := context.Background()
	e := fake.New()
	d := ecsdeploy.New(e) // *fake.ECS is its own clock: every wait advances virtual time

	// Arrange: a cluster, a task definition and a steady service of 3 tasks.
	e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("prod")})
	td, _ := ecsdeploy.NewTaskDefinition("web").Fargate().CPU(256).Memory(512).
		Container(ecsdeploy.NewContainer("web", "registry.example/web:1").Port(80)).Build()
	reg, _ := d.Register(ctx, td)
	d.CreateService(ctx, &ecs.CreateServiceInput{
		Cluster: aws.String("prod"), ServiceName: aws.String("web"), TaskDefinition: aws.String(reg.Arn),
		DesiredCount: aws.Int32(3), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}},
		DeploymentConfiguration: &types.DeploymentConfiguration{
			DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}},
	})
	e.InjectFault(fake.Fault{Image: "registry.example/web:broken", Action: fake.FaultFailStart})
	start := e.Now()

	// Act and assert.
	rev, err := release(ctx, d, "registry.example/web:2")
	fmt.Println("good image:", rev, err)
	_, err = release(ctx, d, "registry.example/web:broken")
	fmt.Println("bad image:", err)
	st, _ := d.Status(ctx, "prod", "web") // the rollback deployment finished
	fmt.Println("after the rollback:", st.Deployment.RolloutState, strings.HasSuffix(*st.Service.TaskDefinition, "task-definition/web:2"), st.Service.RunningCount)
	fmt.Println("within 10 virtual minutes:", e.Now().Sub(start) < 10*time.Minute)
	// Output:
	// good image: web:2 <nil>
	// bad image: release registry.example/web:broken failed (ECS deployment circuit breaker: tasks failed to start.), service rolled back to web:2
	// after the rollback: COMPLETED true 3
	// within 10 virtual minutes: true
}
