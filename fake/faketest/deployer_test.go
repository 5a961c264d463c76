package faketest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// recorder is a testing.TB that keeps what is logged.
type recorder struct {
	testing.TB
	lines []string
}

func (r *recorder) Log(args ...any) {
	for _, a := range args {
		r.lines = append(r.lines, a.(string))
	}
}

// NewEnv gives, in one call, a fake with a cluster and a Deployer on its
// virtual clock whose progress lines go to the test log.
func TestNewEnvWiresFakeDeployerAndTestLog(t *testing.T) {
	rec := &recorder{TB: t}
	env := faketest.NewEnv(rec, faketest.WithCluster("prod"), faketest.WithFakeOptions(fake.WithSeed(3)),
		faketest.WithDeployerOptions(ecsdeploy.WithPollInterval(10*time.Second)))
	ctx := t.Context()
	td, err := ecsdeploy.NewTaskDefinition("web").Fargate().CPU(256).Memory(512).
		Container(ecsdeploy.NewContainer("web", "registry.example/web:1")).Build()
	if err != nil {
		t.Fatal(err)
	}
	reg, err := env.Deployer.Register(ctx, td)
	if err != nil {
		t.Fatal(err)
	}
	start := env.ECS.Now()
	_, err = env.Deployer.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String(env.Cluster), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(reg.Arn), DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if env.ECS.Now().Sub(start) < 20*time.Second {
		t.Fatalf("CreateService waited %v of virtual time", env.ECS.Now().Sub(start))
	}
	if len(rec.lines) < 3 || !contains(rec.lines, "registered web:1") || !contains(rec.lines, "has reached a steady state.") {
		t.Fatalf("test log: %q", rec.lines)
	}
	if env.ECS.CallCount("DescribeServices") == 0 || env.Cluster != "prod" {
		t.Fatalf("calls %v", env.ECS.CallCounts())
	}
}

func contains(lines []string, sub string) bool {
	for _, l := range lines {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}
