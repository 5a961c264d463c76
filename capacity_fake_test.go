package ecsdeploy_test

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

var spotSplit = []types.CapacityProviderStrategyItem{
	{CapacityProvider: ptr("FARGATE"), Base: 1, Weight: 1},
	{CapacityProvider: ptr("FARGATE_SPOT"), Weight: 3},
}

// fargateShare is how many of n tasks FARGATE base 1 weight 1 +
// FARGATE_SPOT weight 3 puts on FARGATE: the base, then each next task to
// the provider with the smallest (tasks beyond base + 1) / weight, ties to
// FARGATE (docs/ecs-semantics.md, "Capacity providers").
func fargateShare(n int) int {
	if n == 0 {
		return 0
	}
	f, s := 0, 0 // beyond the base
	for range n - 1 {
		if (f+1)*3 <= (s+1)*1 {
			f++
		} else {
			s++
		}
	}
	return 1 + f
}

// TestDeployCapacityStrategySplitAtEveryStep is issue #14's acceptance
// scenario, in process and over HTTP (the Go SDK client against
// fake.Server): a service on FARGATE base 1 + FARGATE_SPOT 1:3 (the
// cluster's default strategy) is created, deployed and scaled by the
// Deployer, and at every event the Deployer reports each deployment's live
// tasks are split as ECS splits them; Status counts the RUNNING tasks per
// provider.
func TestDeployCapacityStrategySplitAtEveryStep(t *testing.T) {
	t.Run("InProcess", func(t *testing.T) {
		e := fake.New()
		splitAtEveryStep(t, e, e)
	})
	t.Run("OverHTTP", func(t *testing.T) {
		srv := faketest.NewServer(t)
		splitAtEveryStep(t, srv.ECS, srv.NewClient(func(o *ecs.Options) {
			o.Retryer = aws.NopRetryer{}
		}))
	})
}

func splitAtEveryStep(t *testing.T, e *fake.ECS, api ecsdeploy.API) {
	if _, err := e.CreateCluster(t.Context(), &ecs.CreateClusterInput{ClusterName: ptr("prod"),
		CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"}, DefaultCapacityProviderStrategy: spotSplit}); err != nil {
		t.Fatal(err)
	}
	checks := 0
	check := func(ecsdeploy.Event) {
		perDep := map[string][2]int{} // deployment -> FARGATE, FARGATE_SPOT
		for _, tk := range e.Tasks("prod") {
			if cpStr(tk.LastStatus) == "STOPPED" || cpStr(tk.DesiredStatus) != "RUNNING" {
				continue
			}
			c := perDep[cpStr(tk.StartedBy)]
			switch cpStr(tk.CapacityProviderName) {
			case "FARGATE":
				c[0]++
			case "FARGATE_SPOT":
				c[1]++
			default:
				t.Fatalf("task on provider %q", cpStr(tk.CapacityProviderName))
			}
			perDep[cpStr(tk.StartedBy)] = c
		}
		for dep, c := range perDep {
			if want := fargateShare(c[0] + c[1]); c[0] != want {
				t.Fatalf("at %v deployment %s runs FARGATE %d FARGATE_SPOT %d, want FARGATE %d", e.Now(), dep, c[0], c[1], want)
			}
		}
		checks++
	}
	d := ecsdeploy.New(api, ecsdeploy.WithClock(e), ecsdeploy.WithPollInterval(5*time.Second), ecsdeploy.WithEvents(check))
	td, err := d.Register(t.Context(), taskDef("web", "nginx:1"))
	if err != nil {
		t.Fatal(err)
	}
	nc := &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}
	if _, err := d.CreateService(t.Context(), &ecs.CreateServiceInput{Cluster: ptr("prod"), ServiceName: ptr("web"),
		TaskDefinition: ptr(td.Arn), DesiredCount: ptr(int32(4)), NetworkConfiguration: nc}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: "nginx:2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Scale(t.Context(), "prod", "web", 9); err != nil {
		t.Fatal(err)
	}
	st, err := d.Status(t.Context(), "prod", "web")
	if err != nil {
		t.Fatal(err)
	}
	if st.Providers["FARGATE"] != 3 || st.Providers["FARGATE_SPOT"] != 6 {
		t.Fatalf("Status.Providers = %v, want FARGATE 3 FARGATE_SPOT 6", st.Providers)
	}
	if _, err := d.Scale(t.Context(), "prod", "web", 2); err != nil {
		t.Fatal(err)
	}
	if checks < 20 {
		t.Fatalf("only %d events checked", checks)
	}
	if st, _ := d.Status(t.Context(), "prod", "web"); st.Providers["FARGATE"] != 1 || st.Providers["FARGATE_SPOT"] != 1 {
		t.Fatalf("Status.Providers at 2 = %v, want 1 and 1", st.Providers)
	}
}

// TestCapacityStrategyValidatedBeforeAnyCall: RunTask with a launch type
// beside a strategy, or a strategy mixing Fargate and Auto Scaling group
// providers, and a service update that switches to a strategy without
// forceNewDeployment, are refused by the library before any call.
func TestCapacityStrategyValidatedBeforeAnyCall(t *testing.T) {
	f := newFakeEnv(t)
	for name, in := range map[string]ecsdeploy.RunTaskInput{
		"LaunchTypeBesideStrategy": {Cluster: "prod", TaskDefinition: "web", LaunchType: types.LaunchTypeFargate, CapacityProviderStrategy: spotSplit},
		"MixedFargateAndASG": {Cluster: "prod", TaskDefinition: "web", CapacityProviderStrategy: []types.CapacityProviderStrategyItem{
			{CapacityProvider: ptr("FARGATE"), Weight: 1}, {CapacityProvider: ptr("my-asg"), Weight: 1}}},
	} {
		_, err := f.d.RunTask(t.Context(), in)
		var ve *ecsdeploy.ValidationError
		if !errors.As(err, &ve) || ve.Field != "CapacityProviderStrategy" {
			t.Errorf("%s: %v, want a ValidationError on CapacityProviderStrategy", name, err)
		}
	}
	if n := f.e.CallCount("RunTask"); n != 0 {
		t.Fatalf("%d RunTask calls reached the fake", n)
	}
	err := ecsdeploy.ValidateServiceInput(&ecs.CreateServiceInput{ServiceName: ptr("web"), TaskDefinition: ptr("web"), DesiredCount: ptr(int32(1)),
		CapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: ptr("FARGATE"), Weight: 1}, {CapacityProvider: ptr("FARGATE"), Weight: 2}}}, nil)
	var ve *ecsdeploy.ValidationError
	if !errors.As(err, &ve) || ve.Field != "capacityProviderStrategy[1].capacityProvider" {
		t.Fatalf("duplicate provider: %v", err)
	}
}

func cpStr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// TestServiceDiffFargateStrategyDefaultsPlatformVersion: ECS describes a
// service on the FARGATE/FARGATE_SPOT providers with platformVersion
// LATEST when none was given, as for launch type FARGATE, so a spec without
// one shows no change against what ECS describes; an Auto Scaling group
// provider (EC2) gets none.
func TestServiceDiffFargateStrategyDefaultsPlatformVersion(t *testing.T) {
	spot := []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE"), Base: 1, Weight: 1}, {CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 3}}
	spec := &ecs.CreateServiceInput{ServiceName: aws.String("web"), CapacityProviderStrategy: spot}
	described := &ecs.CreateServiceInput{ServiceName: aws.String("web"), CapacityProviderStrategy: spot, PlatformVersion: aws.String("LATEST")}
	if d := ecsdeploy.ServiceDiff(spec, described); d != "" {
		t.Errorf("diff between a Fargate strategy spec and ECS's description:\n%s", d)
	}
	asg := &ecs.CreateServiceInput{ServiceName: aws.String("web"), CapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("asg-cp"), Weight: 1}}}
	if got := ecsdeploy.NormalizeService(asg).PlatformVersion; got != nil {
		t.Errorf("platformVersion %q for an Auto Scaling group provider, want none", *got)
	}
}
