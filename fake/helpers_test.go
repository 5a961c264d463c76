package fake

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

var bg = context.Background()

// fastTiming is the lifecycle most tests want: seconds per transition and a
// short service throttle (the defaults follow ECS's minutes; tests that
// check the defaults build their fake with New() alone).
var fastTiming = Timing{Provisioning: 10 * time.Second, Pull: 8 * time.Second, Activating: 2 * time.Second,
	Deactivating: 2 * time.Second, Stopping: 5 * time.Second, Deprovisioning: 10 * time.Second,
	PullFailure: 8 * time.Second, ThrottleBase: 10 * time.Second, ThrottleCap: 15 * time.Minute}

// newCluster returns a fake with cluster "default" and n instances of
// 2048 CPU / 4096 MiB spread over three AZs, on fastTiming unless opts
// set a timing.
func newCluster(t testing.TB, n int, opts ...Option) *ECS {
	t.Helper()
	e := New(append([]Option{WithTiming(fastTiming)}, opts...)...)
	if _, err := e.CreateCluster(bg, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	for range n {
		if _, err := e.AddInstance("default", InstanceSpec{CPU: 2048, Memory: 4096}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// container builds a container definition.
func containerDef(name, image string, mem int32, ports ...types.PortMapping) types.ContainerDefinition {
	return types.ContainerDefinition{Name: aws.String(name), Image: aws.String(image), Memory: aws.Int32(mem), Cpu: 256, PortMappings: ports}
}

// register registers a task definition and returns its ARN.
func register(t testing.TB, e *ECS, in *ecs.RegisterTaskDefinitionInput) string {
	t.Helper()
	out, err := e.RegisterTaskDefinition(bg, in)
	if err != nil {
		t.Fatal(err)
	}
	return *out.TaskDefinition.TaskDefinitionArn
}

func simpleTD(family, image string) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{Family: aws.String(family),
		ContainerDefinitions: []types.ContainerDefinition{containerDef("app", image, 512)}}
}

func fargateTD(family, image string) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{Family: aws.String(family), NetworkMode: types.NetworkModeAwsvpc,
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate}, Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String(image)}}}
}

var netCfg = &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}

// runOne runs count tasks and fails the test on error.
func run(t testing.TB, e *ECS, in *ecs.RunTaskInput) *ecs.RunTaskOutput {
	t.Helper()
	out, err := e.RunTask(bg, in)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func describe(t testing.TB, e *ECS, arn string) types.Task {
	t.Helper()
	out, err := e.DescribeTasks(bg, &ecs.DescribeTasksInput{Tasks: []string{arn}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tasks) != 1 {
		t.Fatalf("DescribeTasks(%s): failures %v", arn, out.Failures)
	}
	return out.Tasks[0]
}

// apiErr asserts err is an API error with the given code and message
// (message "" skips the message check).
func apiErr(t testing.TB, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v, want API error %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code = %s (%s), want %s", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("error message = %q, want %q", ae.ErrorMessage(), msg)
	}
}

func reasons(fs []types.Failure) []string {
	var out []string
	for _, f := range fs {
		out = append(out, aws.ToString(f.Reason))
	}
	return out
}

// restoredCopy snapshots e and returns the world restored from the
// snapshot.
func restoredCopy(t *testing.T, e *ECS) *ECS {
	t.Helper()
	snap, err := e.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Restore(snap)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
