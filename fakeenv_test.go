package ecsdeploy_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// fakeEnv is an in-process fake with one Fargate cluster, and a Deployer
// over it polling every 5 s in virtual time.
type fakeEnv struct {
	t       testing.TB
	e       *fake.ECS
	cluster string
	d       ecsdeploy.Deployer
}

func newFakeEnv(t testing.TB, fakeOpts ...fake.Option) *fakeEnv {
	t.Helper()
	e := fake.New(fakeOpts...)
	if _, err := e.CreateCluster(t.Context(), &ecs.CreateClusterInput{ClusterName: ptr("prod")}); err != nil {
		t.Fatalf("CreateCluster: %v", err)
	}
	d := ecsdeploy.New(e, ecsdeploy.WithClock(e), ecsdeploy.WithPollInterval(5*time.Second))
	return &fakeEnv{t: t, e: e, cluster: "prod", d: d}
}

// taskDef is a Fargate definition of family with one container "app".
func taskDef(family, image string) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family: ptr(family), NetworkMode: types.NetworkModeAwsvpc, Cpu: ptr("256"), Memory: ptr("512"),
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		ContainerDefinitions:    []types.ContainerDefinition{{Name: ptr("app"), Image: ptr(image), Essential: ptr(true)}},
	}
}

var awsvpc = &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-0123456789abcdef0"}}}

// service registers image and creates a steady service of desired tasks
// with the given deployment configuration; it returns the revision ARN.
func (f *fakeEnv) service(name, image string, desired int32, cfg *types.DeploymentConfiguration) string {
	f.t.Helper()
	reg, err := f.d.Register(f.t.Context(), taskDef(name, image))
	if err != nil {
		f.t.Fatalf("Register: %v", err)
	}
	_, err = f.d.CreateService(f.t.Context(), &ecs.CreateServiceInput{
		Cluster: ptr(f.cluster), ServiceName: ptr(name), TaskDefinition: ptr(reg.Arn), DesiredCount: ptr(desired),
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: awsvpc, DeploymentConfiguration: cfg,
	})
	if err != nil {
		f.t.Fatalf("CreateService: %v", err)
	}
	return reg.Arn
}

// delta returns after - before per operation, without zero entries.
func delta(before, after map[string]int) map[string]int {
	out := map[string]int{}
	for op, n := range after {
		if d := n - before[op]; d != 0 {
			out[op] = d
		}
	}
	return out
}
