package unittest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/examples/unittest"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// Testing a release pipeline with the fake: a good image rolls out, a
// broken one is failed by the circuit breaker, rolled back, and reported.
// Both run in virtual time, in milliseconds.
func ExamplePipeline_Release() {
	ctx := context.Background()
	e := fake.New()
	d := ecsdeploy.New(e, ecsdeploy.WithClock(e))

	// Arrange: a cluster and a steady service of 2 tasks on api:1.
	e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("prod")})
	td, _ := ecsdeploy.NewTaskDefinition("api").Fargate().CPU(256).Memory(512).
		Container(ecsdeploy.NewContainer("api", "registry.example/api:1").Port(8080)).Build()
	reg, _ := d.Register(ctx, td)
	svc, _ := ecsdeploy.NewService("api").Cluster("prod").TaskDefinition(reg.Arn).DesiredCount(2).Fargate().
		Network([]string{"subnet-1"}, nil, false).CircuitBreaker(true).Build()
	d.CreateService(ctx, svc)
	e.InjectFault(fake.Fault{Image: "*:broken", Action: fake.FaultFailStart})

	p := &unittest.Pipeline{Deployer: d, Cluster: "prod", Service: "api",
		Notify: func(msg string) {
			fmt.Println("notified; mentions the pull error:", strings.Contains(msg, "CannotPullContainerError"),
				"and the rollback:", strings.Contains(msg, "rolled back to api:2"))
		}}

	// Act and assert.
	res, err := p.Release(ctx, "registry.example/api:2")
	fmt.Println("released", res.TaskDefinitionArn[strings.LastIndex(res.TaskDefinitionArn, "/")+1:], err)
	_, err = p.Release(ctx, "registry.example/api:broken")
	var df *ecsdeploy.DeploymentFailedError
	fmt.Println("failed:", errors.As(err, &df), "rolled back:", df.RolledBack)
	fmt.Println("UpdateService calls:", e.CallCount("UpdateService"))
	// Output:
	// released api:2 <nil>
	// notified; mentions the pull error: true and the rollback: true
	// failed: true rolled back: true
	// UpdateService calls: 2
}
