package awsjson

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// describeServicesOutput is a realistic DescribeServices answer during a rollout: 10 services,
// each with a PRIMARY and an ACTIVE deployment, network and deployment configuration, a load
// balancer and 20 events.
func describeServicesOutput() *ecs.DescribeServicesOutput {
	at := time.UnixMilli(1466801808595).UTC()
	out := &ecs.DescribeServicesOutput{Failures: []types.Failure{}}
	for i := range 10 {
		name := fmt.Sprintf("web-%d", i)
		arn := "arn:aws:ecs:us-east-1:123456789012:service/default/" + name
		deployment := func(status string, rev int) types.Deployment {
			return types.Deployment{
				Id: aws.String(fmt.Sprintf("ecs-svc/%019d", rev)), Status: aws.String(status),
				TaskDefinition: aws.String(fmt.Sprintf("arn:aws:ecs:us-east-1:123456789012:task-definition/%s:%d", name, rev)),
				DesiredCount:   4, PendingCount: 1, RunningCount: 3, CreatedAt: &at, UpdatedAt: &at,
				LaunchType: types.LaunchTypeFargate, PlatformVersion: aws.String("1.4.0"),
				RolloutState: types.DeploymentRolloutStateInProgress, RolloutStateReason: aws.String("ECS deployment ecs-svc in progress."),
				NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
					Subnets: []string{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"}, SecurityGroups: []string{"sg-0123456789abcdef0"},
					AssignPublicIp: types.AssignPublicIpDisabled}},
			}
		}
		svc := types.Service{
			ServiceArn: aws.String(arn), ServiceName: aws.String(name),
			ClusterArn: aws.String("arn:aws:ecs:us-east-1:123456789012:cluster/default"),
			Status:     aws.String("ACTIVE"), DesiredCount: 4, RunningCount: 3, PendingCount: 1,
			LaunchType: types.LaunchTypeFargate, PlatformVersion: aws.String("LATEST"),
			TaskDefinition: aws.String(fmt.Sprintf("arn:aws:ecs:us-east-1:123456789012:task-definition/%s:2", name)),
			LoadBalancers: []types.LoadBalancer{{TargetGroupArn: aws.String("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef"),
				ContainerName: aws.String("web"), ContainerPort: aws.Int32(80)}},
			DeploymentConfiguration: &types.DeploymentConfiguration{MaximumPercent: aws.Int32(200), MinimumHealthyPercent: aws.Int32(100),
				DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}},
			Deployments:        []types.Deployment{deployment("PRIMARY", 2), deployment("ACTIVE", 1)},
			CreatedAt:          &at,
			SchedulingStrategy: types.SchedulingStrategyReplica,
			CreatedBy:          aws.String("arn:aws:iam::123456789012:role/deployer"),
		}
		for e := range 20 {
			svc.Events = append(svc.Events, types.ServiceEvent{Id: aws.String(fmt.Sprintf("%08x-0000-4000-8000-%012x", i, e)), CreatedAt: &at,
				Message: aws.String(fmt.Sprintf("(service %s) has started 1 tasks: (task 0123456789abcdef%04d).", name, e))})
		}
		out.Services = append(out.Services, svc)
	}
	return out
}

func BenchmarkMarshalDescribeServicesOutput(b *testing.B) {
	out := describeServicesOutput()
	data, err := Marshal(out)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Marshal(out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(len(data)), "bytes/doc")
}

func BenchmarkUnmarshalDescribeServicesOutput(b *testing.B) {
	data, err := Marshal(describeServicesOutput())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var out ecs.DescribeServicesOutput
		if err := Unmarshal(data, &out, UnmarshalOptions{DisallowUnknownFields: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkHandlerDescribeServices measures a full SDK round trip over loopback HTTP.
func BenchmarkHandlerDescribeServices(b *testing.B) {
	r := newRecorder()
	r.outs["DescribeServices"] = describeServicesOutput()
	c, _ := newClient(b, r)
	in := &ecs.DescribeServicesInput{Cluster: new(string), Services: []string{"a", "b"}}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.DescribeServices(b.Context(), in); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
}

// registerTaskDefinitionBody is what `aws ecs register-task-definition` sends for a typical
// Fargate web service.
const registerTaskDefinitionBody = `{"family":"web","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512",
"executionRoleArn":"arn:aws:iam::123456789012:role/ecsTaskExecutionRole","containerDefinitions":[{"name":"web",
"image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2","cpu":256,"memory":512,"essential":true,
"portMappings":[{"containerPort":80,"hostPort":80,"protocol":"tcp"}],"environment":[{"name":"MODE","value":"prod"},{"name":"LOG","value":"info"}],
"logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/web","awslogs-region":"us-east-1","awslogs-stream-prefix":"web"}},
"healthCheck":{"command":["CMD-SHELL","curl -f http://localhost/ || exit 1"],"interval":30,"timeout":5,"retries":3,"startPeriod":10}}]}`

func BenchmarkUnmarshalRegisterTaskDefinitionInput(b *testing.B) {
	b.SetBytes(int64(len(registerTaskDefinitionBody)))
	b.ReportAllocs()
	for b.Loop() {
		var in ecs.RegisterTaskDefinitionInput
		if err := Unmarshal([]byte(registerTaskDefinitionBody), &in, UnmarshalOptions{DisallowUnknownFields: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}
