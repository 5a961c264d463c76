package ecsdeploy_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// A platform tool: it loads the files a team keeps (here what AWS CLI v2
// printed for describe-task-definition and describe-services, with ISO
// 8601 timestamps), shows the plan, deploys task definition and service
// settings in one UpdateService, and rolls back. The fake stands in for
// ECS; with AWS it is ecsdeploy.NewFromConfig(cfg).
func Example_platformTool() {
	ctx := context.Background()
	e := fake.New()
	e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("default")})
	d := ecsdeploy.New(e) // *fake.ECS is its own clock: waits take virtual time

	tdJSON, _ := os.ReadFile("testdata/cli/v2-describe-task-definition.json")
	svcJSON, _ := os.ReadFile("testdata/cli/v2-describe-services.json")
	td, err := ecsdeploy.LoadTaskDefinitionJSON(tdJSON)
	if err != nil {
		fmt.Println(err) // every problem at once, each naming its field
		return
	}
	svc, _ := ecsdeploy.LoadServiceJSON(svcJSON)

	// First deploy: the service does not exist yet.
	reg, _ := d.Register(ctx, td)
	svc.TaskDefinition = aws.String(reg.Arn)
	d.CreateService(ctx, svc)

	// A new image and 3 tasks: plan, then deploy.
	ecsdeploy.SetImage(td, "web", "registry.example/web:2")
	svc.DesiredCount = aws.Int32(3)
	in := ecsdeploy.DeployInput{TaskDefinition: td, ServiceDefinition: svc}
	plan, _ := d.Plan(ctx, in)
	fmt.Print(plan)
	res, err := d.Deploy(ctx, in)
	fmt.Println("deployed", res.TaskDefinitionArn[strings.LastIndex(res.TaskDefinitionArn, "/")+1:], err)

	back, _ := d.Rollback(ctx, ecsdeploy.RollbackInput{Cluster: "default", Service: "web"})
	fmt.Println("rolled back to", back.TaskDefinitionArn[strings.LastIndex(back.TaskDefinitionArn, "/")+1:])
	// Output:
	// service web in cluster default runs web:1
	// task definition (register web:<new revision>):
	//   containerDefinitions[web].image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2" -> "registry.example/web:2"
	// service:
	//   desiredCount: 2 -> 3
	// UpdateService starts a new deployment of web:<new revision> (taskDefinition)
	// deployed web:2 <nil>
	// rolled back to web:1
}

// A deploy script: build the task definition in code, deploy a new image
// with the Deployer's own rollback, print progress. Against AWS the only
// change is d := ecsdeploy.NewFromConfig(cfg) (aws-sdk-go-v2's
// config.LoadDefaultConfig); here the fake stands in, with a broken image.
func Example_deployScript() {
	ctx := context.Background()
	e := fake.New()
	e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("prod")})
	e.InjectFault(fake.Fault{Image: "registry.example/api:broken", Action: fake.FaultFailStart})
	d := ecsdeploy.New(e)

	td, err := ecsdeploy.NewTaskDefinition("api").Fargate().CPU(256).Memory(512).
		Container(ecsdeploy.NewContainer("api", "registry.example/api:1").Port(8080)).Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	reg, _ := d.Register(ctx, td)
	svc, _ := ecsdeploy.NewService("api").Cluster("prod").TaskDefinition(reg.Arn).DesiredCount(2).Fargate().
		Network([]string{"subnet-1"}, nil, false).CircuitBreaker(false).Build()
	d.CreateService(ctx, svc)

	var log strings.Builder // os.Stdout in a real script
	_, err = d.Deploy(ctx, ecsdeploy.DeployInput{Cluster: "prod", Service: "api", Image: "registry.example/api:broken"},
		ecsdeploy.WithRollback(), ecsdeploy.WithEvents(ecsdeploy.NewTextRenderer(&log).Render))
	var df *ecsdeploy.DeploymentFailedError
	if errors.As(err, &df) {
		fmt.Println("failed:", df.Reason)
		fmt.Println("rolled back by the", df.RollbackBy, "to", df.RollbackTaskDefinition[strings.LastIndex(df.RollbackTaskDefinition, "/")+1:])
		fmt.Println("first stopped task:", df.StoppedTasks[0].Cause()[:len("CannotPullContainerError")])
	}
	fmt.Println("progress lines logged:", strings.Count(log.String(), "\n") > 5)
	// Output:
	// failed: ECS deployment circuit breaker: tasks failed to start.
	// rolled back by the deployer to api:1
	// first stopped task: CannotPullContainerError
	// progress lines logged: true
}
