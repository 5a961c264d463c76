package fake_test

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/ecsdeploy/ecsdeploy/ecsdeploytest"
	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// conformanceClient is an *ecs.Client for srv whose retries do not wait in
// real time (the Deployer's waits go through the fake's virtual clock).
func conformanceClient(srv *faketest.Server) *ecs.Client {
	return srv.NewClient(func(o *ecs.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) { so.Backoff = noBackoff{} })
	})
}

// TestConformanceOverHTTPFargate runs the Deployer conformance suite the
// way a remote user of cmd/ecsfake -speed 0 would: the real *ecs.Client
// over HTTP, virtual time through RemoteClock and the hooks through the
// /_fake/v1 controls (ControlClient); nothing touches the fake in process.
func TestConformanceOverHTTPFargate(t *testing.T) {
	srv := faketest.NewServer(t)
	if _, err := srv.Client.CreateCluster(t.Context(), &ecs.CreateClusterInput{ClusterName: aws.String("conformance"),
		CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"}}); err != nil {
		t.Fatal(err)
	}
	ctl := fake.NewControlClient(srv.URL, nil)
	clock, err := fake.NewRemoteClock(t.Context(), ctl)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ecsdeploytest.Run(t, ecsdeploytest.Backend{
		API:         conformanceClient(srv),
		Clock:       clock,
		Cluster:     "conformance",
		LaunchType:  types.LaunchTypeFargate,
		FargateSpot: true,
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
			Subnets: []string{"subnet-0123456789abcdef0"}}},
		FailingImage: func(t *testing.T) string {
			n++
			image := fmt.Sprintf("registry.example/missing-%d:bad", n)
			if err := ctl.InjectFault(t.Context(), fake.Fault{Image: image, Action: fake.FaultFailStart,
				Reason: "CannotPullContainerError: pull access denied"}); err != nil {
				t.Fatal(err)
			}
			return image
		},
		ExitingContainer: func(t *testing.T, code int32) (string, []string) {
			n++
			image := fmt.Sprintf("registry.example/exits-%d:1", n)
			if err := ctl.InjectFault(t.Context(), fake.Fault{Image: image, Action: fake.FaultExit, ExitCode: code, After: 5 * time.Second}); err != nil {
				t.Fatal(err)
			}
			return image, []string{"sh", "-c", fmt.Sprintf("exit %d", code)}
		},
		FailOperation: func(t *testing.T, op, code string, times int) {
			if err := ctl.FailOperation(t.Context(), op, code, times, 0); err != nil {
				t.Fatal(err)
			}
		},
		Calls: func() map[string]int {
			counts, err := ctl.CallCounts(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return counts
		},
		Logs:              srv.LogsClient,
		LogGroup:          conformanceLogGroup(t, srv),
		PrintingContainer: printingContainer(func(t *testing.T, f fake.Fault) error { return ctl.InjectFault(t.Context(), f) }),
		Scaling: srv.NewAutoScalingClient(func(o *applicationautoscaling.Options) {
			o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) { so.Backoff = noBackoff{} })
		}),
		SetCPULoad: func(t *testing.T, service string, percent float64) {
			if err := ctl.SetLoad(t.Context(), "conformance", service, fake.Load{CPU: fake.ConstantLoad(percent)}); err != nil {
				t.Fatal(err)
			}
		},
		CloudWatch: srv.NewCloudWatchClient(func(o *cloudwatch.Options) {
			o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) { so.Backoff = noBackoff{} })
		}),
		LoadBalancers: conformanceELBv2(srv),
		TargetGroup:   ecsdeploytest.TargetGroupsOn(conformanceELBv2(srv), "vpc-0123456789abcdef0", []string{"subnet-us-east-1a", "subnet-us-east-1b"}),
		FailingHealthCheckImage: func(t *testing.T) string {
			n++
			image := fmt.Sprintf("registry.example/unhealthy-%d:1", n)
			if err := ctl.InjectHealthFault(t.Context(), fake.TargetHealthFault{Image: image, Code: 500}); err != nil {
				t.Fatal(err)
			}
			return image
		},
	})
}

// conformanceELBv2 is an *elasticloadbalancingv2.Client for srv whose
// retries do not wait in real time.
func conformanceELBv2(srv *faketest.Server) *elasticloadbalancingv2.Client {
	return srv.NewELBv2Client(func(o *elasticloadbalancingv2.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) { so.Backoff = noBackoff{} })
	})
}

// conformanceLogGroup creates the log group of the log scenarios over the
// wire.
func conformanceLogGroup(t *testing.T, srv *faketest.Server) string {
	t.Helper()
	const g = "/ecsdeploytest/conformance"
	if _, err := srv.LogsClient.CreateLogGroup(t.Context(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(g)}); err != nil {
		t.Fatal(err)
	}
	return g
}

// TestConformanceOverHTTPEC2 runs the suite on EC2 capacity, with hooks
// calling the in-process fake behind the server.
func TestConformanceOverHTTPEC2(t *testing.T) { conformanceOverHTTPEC2(t) }

// TestConformanceOverHTTPEventualConsistency runs the EC2 suite over HTTP
// with reads lagging writes by up to 20 s (fake.WithEventualConsistency).
func TestConformanceOverHTTPEventualConsistency(t *testing.T) {
	conformanceOverHTTPEC2(t, fake.WithEventualConsistency(20*time.Second))
}

func conformanceOverHTTPEC2(t *testing.T, opts ...fake.Option) {
	srv := faketest.NewServer(t, opts...)
	if _, err := srv.Client.CreateCluster(t.Context(), &ecs.CreateClusterInput{ClusterName: aws.String("conformance")}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := srv.ECS.AddInstance("conformance", fake.InstanceSpec{CPU: 4096, Memory: 8192}); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	ecsdeploytest.Run(t, ecsdeploytest.Backend{
		API:        conformanceClient(srv),
		Clock:      srv.ECS,
		Cluster:    "conformance",
		LaunchType: types.LaunchTypeEc2,
		FailingImage: func(t *testing.T) string {
			n++
			image := fmt.Sprintf("registry.example/missing-%d:bad", n)
			if err := srv.ECS.InjectFault(fake.Fault{Image: image, Action: fake.FaultFailStart}); err != nil {
				t.Fatal(err)
			}
			return image
		},
		ExitingContainer: func(t *testing.T, code int32) (string, []string) {
			n++
			image := fmt.Sprintf("registry.example/exits-%d:1", n)
			if err := srv.ECS.InjectFault(fake.Fault{Image: image, Action: fake.FaultExit, ExitCode: code}); err != nil {
				t.Fatal(err)
			}
			return image, nil
		},
		AddCapacity: func(t *testing.T, cpu, memory int32) {
			postControl(t, srv, "/_fake/v1/instances", map[string]any{"cluster": "conformance", "cpu": cpu, "memory": memory})
		},
		FailOperation:     func(_ *testing.T, op, code string, times int) { srv.ECS.FailOperation(op, code, times, 0) },
		Calls:             srv.ECS.CallCounts,
		Logs:              srv.LogsClient,
		LogGroup:          conformanceLogGroup(t, srv),
		PrintingContainer: printingContainer(func(_ *testing.T, f fake.Fault) error { return srv.ECS.InjectFault(f) }),
		Scaling:           srv.NewAutoScalingClient(),
		CloudWatch:        srv.NewCloudWatchClient(),
		SetCPULoad: func(t *testing.T, service string, percent float64) {
			if err := srv.ECS.SetLoad("conformance", service, fake.Load{CPU: fake.ConstantLoad(percent)}); err != nil {
				t.Fatal(err)
			}
		},
		LoadBalancers: conformanceELBv2(srv),
		TargetGroup:   ecsdeploytest.TargetGroupsOn(conformanceELBv2(srv), "vpc-0123456789abcdef0", []string{"subnet-us-east-1a", "subnet-us-east-1b"}),
		FailingHealthCheckImage: func(t *testing.T) string {
			n++
			image := fmt.Sprintf("registry.example/unhealthy-%d:1", n)
			if err := srv.ECS.ELBv2().InjectHealthFault(fake.TargetHealthFault{Image: image}); err != nil {
				t.Fatal(err)
			}
			return image
		},
	})
}

// postControl POSTs body as JSON to a control and fails t unless it
// answers 200.
func postControl(t *testing.T, srv *faketest.Server, path string, body any) {
	t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	if status, doc := control(t, srv, "POST", path, string(data)); status != 200 {
		t.Fatalf("POST %s %s: %d %v", path, data, status, doc)
	}
}

// printingContainer is the conformance suite's PrintingContainer over
// inject: each call scripts a new image that prints lines one a second,
// then exits with code.
func printingContainer(inject func(*testing.T, fake.Fault) error) func(*testing.T, []string, int32) (string, []string) {
	n := 0
	return func(t *testing.T, lines []string, code int32) (string, []string) {
		n++
		image := fmt.Sprintf("registry.example/prints-%d:1", n)
		for _, f := range []fake.Fault{
			{Image: image, Action: fake.FaultOutput, Lines: lines, Every: time.Second},
			{Image: image, Action: fake.FaultExit, ExitCode: code, After: time.Duration(len(lines)) * time.Second},
		} {
			if err := inject(t, f); err != nil {
				t.Fatal(err)
			}
		}
		return image, nil
	}
}
