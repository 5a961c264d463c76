package fake_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// A service behind an Application Load Balancer: its tasks are registered when they reach
// RUNNING and count toward the deployment once their targets pass 5 health checks.
func ExampleECS_ELBv2() {
	ctx := context.Background()
	e := fake.New()
	x := e.ELBv2()
	e.CreateCluster(ctx, &ecs.CreateClusterInput{})
	e.AddInstance("default", fake.InstanceSpec{CPU: 2048, Memory: 4096})
	lb, _ := x.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String("web"), Subnets: []string{"subnet-a", "subnet-b"}})
	tg, _ := x.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: aws.String("web"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), VpcId: aws.String("vpc-1")})
	arn := tg.TargetGroups[0].TargetGroupArn
	x.CreateListener(ctx, &elbv2.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: arn}}})
	e.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("web"), Image: aws.String("nginx:1.27"), Memory: aws.Int32(256),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}}}}})
	e.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(1),
		LoadBalancers: []types.LoadBalancer{{TargetGroupArn: arn, ContainerName: aws.String("web"), ContainerPort: aws.Int32(80)}}})
	state := func() string {
		h, _ := x.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: arn})
		th := h.TargetHealthDescriptions[0].TargetHealth
		return strings.TrimSpace(fmt.Sprintf("%s %s", th.State, th.Reason))
	}
	e.Advance(30 * time.Second)
	fmt.Println(state())
	e.Advance(3 * time.Minute)
	fmt.Println(state())
	// Output:
	// initial Elb.InitialHealthChecking
	// healthy
}
