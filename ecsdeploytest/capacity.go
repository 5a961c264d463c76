package ecsdeploytest

import (
	"errors"
	"maps"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
)

// spotStrategy is FARGATE base 1 weight 1 plus FARGATE_SPOT weight 3. The
// counts the scenario uses (5, 9, 1) split exactly: the base, then the
// rest 1:3 (ECS Developer Guide, "Capacity provider strategies").
var spotStrategy = []types.CapacityProviderStrategyItem{
	{CapacityProvider: ptr(ecsdeploy.ProviderFargate), Base: 1, Weight: 1},
	{CapacityProvider: ptr(ecsdeploy.ProviderFargateSpot), Weight: 3},
}

// wantProviders checks Deployer.Status's RUNNING tasks per provider.
func (s *suite) wantProviders(t *testing.T, svc string, want map[string]int) {
	t.Helper()
	st, err := s.deployer().Status(s.ctx(t), s.b.Cluster, svc)
	if err != nil {
		t.Fatalf("Status(%s): %v", svc, err)
	}
	if !maps.Equal(st.Providers, want) {
		t.Errorf("Status(%s).Providers = %v, want %v", svc, st.Providers, want)
	}
}

// capacityProviderSplit: a service on FARGATE base 1 + FARGATE_SPOT 1:3
// starts, deploys a new image and scales with its tasks split as the
// strategy says; changing the strategy without a new deployment is
// refused before any call; Deploy moves it back to the FARGATE launch
// type with a new deployment.
func (s *suite) capacityProviderSplit(t *testing.T) {
	if !s.b.FargateSpot || !s.fargate() {
		t.Skip("Backend.FargateSpot is not set: the cluster has no FARGATE and FARGATE_SPOT providers")
	}
	svc := s.name(t, "spot")
	td := s.register(t, s.taskDef(svc, s.b.Image, nil))
	t.Cleanup(func() { s.cleanupService(t, svc) })
	d := s.deployer()
	st, err := d.CreateService(s.ctx(t), &ecs.CreateServiceInput{
		Cluster: ptr(s.b.Cluster), ServiceName: ptr(svc), TaskDefinition: ptr(td), DesiredCount: ptr(int32(5)),
		CapacityProviderStrategy: spotStrategy, NetworkConfiguration: s.b.NetworkConfiguration,
		DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: ptr(int32(100)), MaximumPercent: ptr(int32(200))},
	})
	if err != nil {
		t.Fatalf("CreateService(%s): %v", svc, err)
	}
	s.checkSteady(t, st, td, 5)
	if st.Service.LaunchType != "" || len(st.Service.CapacityProviderStrategy) != 2 {
		t.Errorf("service launchType %q strategy %v, want no launch type and the strategy", st.Service.LaunchType, st.Service.CapacityProviderStrategy)
	}
	s.wantProviders(t, svc, map[string]int{ecsdeploy.ProviderFargate: 2, ecsdeploy.ProviderFargateSpot: 3})

	res, err := d.Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, Container: "app", Image: s.b.OtherImage})
	if err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	s.checkSteady(t, res.Status, res.TaskDefinitionArn, 5)
	if dep := res.Status.Deployment; dep == nil || len(dep.CapacityProviderStrategy) != 2 {
		t.Errorf("deployment strategy = %v, want the service's", dep)
	}
	s.wantProviders(t, svc, map[string]int{ecsdeploy.ProviderFargate: 2, ecsdeploy.ProviderFargateSpot: 3})

	for n, want := range map[int32]map[string]int{9: {ecsdeploy.ProviderFargate: 3, ecsdeploy.ProviderFargateSpot: 6}} {
		st, err := d.Scale(s.ctx(t), s.b.Cluster, svc, n)
		if err != nil {
			t.Fatalf("Scale(%d): %v", n, err)
		}
		s.checkSteady(t, st, res.TaskDefinitionArn, n)
		s.wantProviders(t, svc, want)
	}

	// Another strategy without forceNewDeployment: refused, nothing sent.
	_, err = d.UpdateService(s.ctx(t), &ecs.UpdateServiceInput{Cluster: ptr(s.b.Cluster), Service: ptr(svc),
		CapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: ptr(ecsdeploy.ProviderFargateSpot), Weight: 1}}})
	var ve *ecsdeploy.ValidationError
	if !errors.As(err, &ve) || ve.Field != "forceNewDeployment" {
		t.Errorf("UpdateService with another strategy and no force: %v, want a ValidationError on forceNewDeployment", err)
	}

	// Back to the launch type: Deploy forces the new deployment.
	res, err = d.Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, CapacityProviderStrategy: []types.CapacityProviderStrategyItem{}})
	if err != nil {
		t.Fatalf("Deploy back to the launch type: %v", err)
	}
	s.checkSteady(t, res.Status, res.TaskDefinitionArn, 9)
	if res.NoChange || res.Status.Service.LaunchType != types.LaunchTypeFargate || len(res.Status.Service.CapacityProviderStrategy) != 0 {
		t.Errorf("after moving back: NoChange %v launchType %q strategy %v", res.NoChange, res.Status.Service.LaunchType, res.Status.Service.CapacityProviderStrategy)
	}
	s.wantProviders(t, svc, nil)
}
