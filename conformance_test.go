package ecsdeploy_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/ecsdeploytest"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// fakeBackend returns a conformance Backend over a new in-process fake
// with one cluster: Fargate, or EC2 with two instances. Waits go through
// the fake's clock (virtual time); faults, capacity and call counts use
// the fake's inspection API.
func fakeBackend(t testing.TB, launch types.LaunchType, opts ...fake.Option) (ecsdeploytest.Backend, *fake.ECS) {
	t.Helper()
	e := fake.New(opts...)
	const cluster = "conformance"
	in := &ecs.CreateClusterInput{ClusterName: ptr(cluster)}
	if launch == types.LaunchTypeFargate {
		in.CapacityProviders = []string{"FARGATE", "FARGATE_SPOT"}
	}
	if _, err := e.CreateCluster(t.Context(), in); err != nil {
		t.Fatalf("CreateCluster: %v", err)
	}
	b := ecsdeploytest.Backend{
		API:         e,
		Clock:       e,
		Cluster:     cluster,
		LaunchType:  launch,
		FargateSpot: launch == types.LaunchTypeFargate,
		FailingImage: func(t *testing.T) string {
			image := "registry.example/" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-")) + ":missing"
			if err := e.InjectFault(fake.Fault{Image: image, Action: fake.FaultFailStart}); err != nil {
				t.Fatalf("InjectFault: %v", err)
			}
			return image
		},
		ExitingContainer: func(t *testing.T, code int32) (string, []string) {
			image := fmt.Sprintf("registry.example/%s:exit%d", strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-")), code)
			if err := e.InjectFault(fake.Fault{Image: image, Action: fake.FaultExit, ExitCode: code, After: 0}); err != nil {
				t.Fatalf("InjectFault: %v", err)
			}
			return image, []string{"sh", "-c", fmt.Sprintf("exit %d", code)}
		},
		FailOperation: func(_ *testing.T, op, code string, times int) { e.FailOperation(op, code, times, 0) },
		Calls:         e.CallCounts,
		LoadBalancers: e.ELBv2(),
		TargetGroup:   ecsdeploytest.TargetGroupsOn(e.ELBv2(), "vpc-0123456789abcdef0", []string{"subnet-us-east-1a", "subnet-us-east-1b"}),
		FailingHealthCheckImage: func(t *testing.T) string {
			image := "registry.example/" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-")) + ":unhealthy"
			if err := e.ELBv2().InjectHealthFault(fake.TargetHealthFault{Image: image}); err != nil {
				t.Fatalf("InjectHealthFault: %v", err)
			}
			return image
		},
		Logs:     e.Logs(),
		LogGroup: "/ecsdeploytest/conformance",
		Scaling:  e.AutoScaling(),
		SetCPULoad: func(t *testing.T, service string, percent float64) {
			if err := e.SetLoad(cluster, service, fake.Load{CPU: fake.ConstantLoad(percent)}); err != nil {
				t.Fatal(err)
			}
		},
		CloudWatch: e.CloudWatch(),
		PrintingContainer: func(t *testing.T, lines []string, code int32) (string, []string) {
			image := fmt.Sprintf("registry.example/%s:print%d", strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-")), code)
			printing(t, e.InjectFault, image, lines, code)
			return image, nil
		},
	}
	if _, err := e.Logs().CreateLogGroup(t.Context(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: ptr(b.LogGroup)}); err != nil {
		t.Fatalf("CreateLogGroup: %v", err)
	}
	if launch == types.LaunchTypeEc2 {
		for range 2 {
			if _, err := e.AddInstance(cluster, fake.InstanceSpec{CPU: 4096, Memory: 16384}); err != nil {
				t.Fatalf("AddInstance: %v", err)
			}
		}
		b.AddCapacity = func(t *testing.T, cpu, memory int32) {
			if _, err := e.AddInstance(cluster, fake.InstanceSpec{CPU: int(cpu), Memory: int(memory)}); err != nil {
				t.Fatalf("AddInstance: %v", err)
			}
		}
	} else {
		b.NetworkConfiguration = &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
			Subnets: []string{"subnet-0123456789abcdef0"}, SecurityGroups: []string{"sg-0123456789abcdef0"}}}
	}
	return b, e
}

// TestConformanceFargate runs the whole conformance suite against the
// in-process fake with Fargate tasks.
func TestConformanceFargate(t *testing.T) {
	b, _ := fakeBackend(t, types.LaunchTypeFargate)
	ecsdeploytest.Run(t, b)
}

// TestConformanceEC2 runs the whole conformance suite against the
// in-process fake with EC2 container instances.
func TestConformanceEC2(t *testing.T) {
	b, _ := fakeBackend(t, types.LaunchTypeEc2)
	ecsdeploytest.Run(t, b)
}

// TestConformanceEventualConsistency runs the whole suite with reads
// lagging writes by up to 20 s of virtual time (fake.WithEventualConsistency):
// the Deployer must not take a not-yet-visible task, service or deployment
// for a failure.
func TestConformanceEventualConsistency(t *testing.T) {
	for _, launch := range []types.LaunchType{types.LaunchTypeFargate, types.LaunchTypeEc2} {
		t.Run(string(launch), func(t *testing.T) {
			b, _ := fakeBackend(t, launch, fake.WithEventualConsistency(20*time.Second))
			ecsdeploytest.Run(t, b)
		})
	}
}

func ptr[T any](v T) *T { return &v }

// printing scripts image to print lines, one a second, then exit with
// code (a fake output fault plus an exit fault).
func printing(t *testing.T, inject func(fake.Fault) error, image string, lines []string, code int32) {
	t.Helper()
	if err := inject(fake.Fault{Image: image, Action: fake.FaultOutput, Lines: lines, Every: time.Second}); err != nil {
		t.Fatalf("InjectFault(output): %v", err)
	}
	if err := inject(fake.Fault{Image: image, Action: fake.FaultExit, ExitCode: code, After: time.Duration(len(lines)) * time.Second}); err != nil {
		t.Fatalf("InjectFault(exit): %v", err)
	}
}
