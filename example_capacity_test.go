package ecsdeploy_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// A service on FARGATE base 1 + FARGATE_SPOT weight 3 (the README's tour):
// the base first on FARGATE, the other four split 1:3, at creation and
// after a rolling deployment.
func ExampleServiceBuilder_CapacityProvider() {
	ctx := context.Background()
	e := fake.New()
	if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("prod"),
		CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}}); err != nil {
		fmt.Println(err)
		return
	}
	d := ecsdeploy.New(e, ecsdeploy.WithClock(e))
	td, _ := ecsdeploy.NewTaskDefinition("web").Fargate().CPU(256).Memory(512).
		Container(ecsdeploy.NewContainer("web", "nginx:1").Port(80)).Build()
	if _, err := d.Register(ctx, td); err != nil {
		fmt.Println(err)
		return
	}
	svc, err := ecsdeploy.NewService("web").Cluster("prod").TaskDefinition("web").DesiredCount(5).
		CapacityProvider("FARGATE", 1, 1).      // weight 1, base 1: the first task always on FARGATE
		CapacityProvider("FARGATE_SPOT", 3, 0). // the rest split 1:3 with FARGATE
		Network([]string{"subnet-0a1b2c3d4e5f60001"}, []string{"sg-0a1b2c3d4e5f60001"}, false).
		Deployment(50, 200).CircuitBreaker(true).
		Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := d.CreateService(ctx, svc); err != nil {
		fmt.Println(err)
		return
	}
	st, _ := d.Status(ctx, "prod", "web")
	fmt.Println("created:", st.Providers)
	if _, err := d.Deploy(ctx, ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Container: "web", Image: "nginx:2"}); err != nil {
		fmt.Println(err)
		return
	}
	st, _ = d.Status(ctx, "prod", "web")
	fmt.Println("deployed:", st.Providers)
	// Output:
	// created: map[FARGATE:2 FARGATE_SPOT:3]
	// deployed: map[FARGATE:2 FARGATE_SPOT:3]
}
