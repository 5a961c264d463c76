package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// asgCluster returns a fake with cluster "default", one instance outside
// any group, and groups "a" and "b" of n instances each with providers
// "cp-a" and "cp-b" associated with the cluster.
func asgCluster(t *testing.T, n int) *ECS {
	t.Helper()
	e := newCluster(t, 1)
	for _, g := range []string{"a", "b"} {
		arn, err := e.DeclareAutoScalingGroup(AutoScalingGroupSpec{Name: "asg-" + g, DesiredCapacity: n, Instance: InstanceSpec{CPU: 2048, Memory: 4096}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.CreateCapacityProvider(bg, &ecs.CreateCapacityProviderInput{Name: aws.String("cp-" + g),
			AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(arn)}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.PutClusterCapacityProviders(bg, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("default"),
		CapacityProviders: []string{"cp-a", "cp-b", "FARGATE"}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}}); err != nil {
		t.Fatal(err)
	}
	return e
}

// groupOf maps container instance ARNs to their group name.
func groupOf(e *ECS) map[string]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := map[string]string{}
	for _, g := range e.asgs {
		for _, in := range g.instances {
			m[in.arn] = g.name
		}
	}
	return m
}

// TestAutoScalingGroupProviderPlacesOnItsGroup: tasks of a strategy over
// two Auto Scaling group providers (base 2 + weight 1:1) run on the
// instances of each provider's group, split base first, with launch type
// EC2 and capacityProviderName; the instance outside the groups gets none
// (Developer Guide, "Amazon ECS capacity providers for EC2 workloads").
func TestAutoScalingGroupProviderPlacesOnItsGroup(t *testing.T) {
	e := asgCluster(t, 2)
	td := register(t, e, simpleTD("web", "nginx"))
	cps := []types.CapacityProviderStrategyItem{cpItem("cp-a", 2, 1), cpItem("cp-b", 0, 1)}
	out, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td),
		DesiredCount: aws.Int32(6), CapacityProviderStrategy: cps})
	if err != nil {
		t.Fatal(err)
	}
	if out.Service.LaunchType != "" || len(out.Service.CapacityProviderStrategy) != 2 {
		t.Fatalf("service launchType %q strategy %+v", out.Service.LaunchType, out.Service.CapacityProviderStrategy)
	}
	stepUntil(t, e, 5*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
	groups := groupOf(e)
	per := map[string]int{}
	for _, tk := range e.Tasks("default") {
		p := aws.ToString(tk.CapacityProviderName)
		g := groups[aws.ToString(tk.ContainerInstanceArn)]
		if tk.LaunchType != types.LaunchTypeEc2 || map[string]string{"cp-a": "asg-a", "cp-b": "asg-b"}[p] != g {
			t.Fatalf("task on provider %q, instance of group %q, launchType %q", p, g, tk.LaunchType)
		}
		per[p]++
	}
	if per["cp-a"] != 4 || per["cp-b"] != 2 {
		t.Fatalf("split %v, want cp-a 4 (base 2 + 2) and cp-b 2", per)
	}
}

// TestAutoScalingGroupProviderRules: Fargate and Auto Scaling group
// providers do not mix in a strategy; CreateCapacityProvider refuses a
// reserved prefix, an unknown group, a group already used, a taken name
// and targetCapacity out of 1-100; managed termination protection needs
// managed scaling; a provider associated with a cluster cannot be deleted,
// FARGATE never (API Reference, CreateCapacityProvider, ManagedScaling,
// DeleteCapacityProvider; Developer Guide, "Capacity provider strategies").
func TestAutoScalingGroupProviderRules(t *testing.T) {
	e := asgCluster(t, 1)
	td := register(t, e, simpleTD("web", "nginx"))
	_, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1),
		CapacityProviderStrategy: []types.CapacityProviderStrategyItem{cpItem("cp-a", 0, 1), cpItem("FARGATE", 0, 1)}})
	apiErr(t, err, "InvalidParameterException", msgMixed)
	arn, err := e.DeclareAutoScalingGroup(AutoScalingGroupSpec{Name: "asg-c"})
	if err != nil {
		t.Fatal(err)
	}
	used := e.asgs["asg-a"].arn
	for _, tc := range []struct {
		name string
		in   *ecs.CreateCapacityProviderInput
		msg  string
	}{
		{"ReservedPrefix", &ecs.CreateCapacityProviderInput{Name: aws.String("ecs-x"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(arn)}},
			`name: The name can't be prefixed with "aws", "ecs", or "fargate".`},
		{"UnknownGroup", &ecs.CreateCapacityProviderInput{Name: aws.String("x"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String("arn:aws:autoscaling:nope")}},
			"autoScalingGroupProvider.autoScalingGroupArn: The specified Auto Scaling group arn:aws:autoscaling:nope does not exist."},
		{"GroupAlreadyUsed", &ecs.CreateCapacityProviderInput{Name: aws.String("x"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(used)}},
			"autoScalingGroupProvider.autoScalingGroupArn: The Auto Scaling group is already used by capacity provider cp-a."},
		{"NameTaken", &ecs.CreateCapacityProviderInput{Name: aws.String("cp-a"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(arn)}},
			"A capacity provider with the name cp-a already exists."},
		{"TargetCapacity0", &ecs.CreateCapacityProviderInput{Name: aws.String("x"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(arn),
			ManagedScaling: &types.ManagedScaling{Status: types.ManagedScalingStatusEnabled, TargetCapacity: aws.Int32(0)}}},
			"autoScalingGroupProvider.managedScaling.targetCapacity: must be between 1 and 100, got 0."},
		{"TerminationProtectionNeedsScaling", &ecs.CreateCapacityProviderInput{Name: aws.String("x"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(arn),
			ManagedTerminationProtection: types.ManagedTerminationProtectionEnabled}},
			"autoScalingGroupProvider.managedTerminationProtection: managed termination protection requires managed scaling to be enabled."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.CreateCapacityProvider(bg, tc.in)
			apiErr(t, err, "InvalidParameterException", tc.msg)
			if e.providers["x"] != nil || e.asgs["asg-c"].provider != "" {
				t.Fatal("a refused CreateCapacityProvider changed something")
			}
		})
	}
	// Create, update, describe.
	if _, err := e.CreateCapacityProvider(bg, &ecs.CreateCapacityProviderInput{Name: aws.String("cp-c"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{
		AutoScalingGroupArn: aws.String(arn), ManagedScaling: &types.ManagedScaling{Status: types.ManagedScalingStatusEnabled, TargetCapacity: aws.Int32(90)}}}); err != nil {
		t.Fatal(err)
	}
	up, err := e.UpdateCapacityProvider(bg, &ecs.UpdateCapacityProviderInput{Name: aws.String("cp-c"), AutoScalingGroupProvider: &types.AutoScalingGroupProviderUpdate{
		ManagedScaling: &types.ManagedScaling{TargetCapacity: aws.Int32(75)}, ManagedTerminationProtection: types.ManagedTerminationProtectionEnabled}})
	if err != nil {
		t.Fatal(err)
	}
	ms := up.CapacityProvider.AutoScalingGroupProvider.ManagedScaling
	if aws.ToInt32(ms.TargetCapacity) != 75 || ms.Status != types.ManagedScalingStatusEnabled || aws.ToInt32(ms.InstanceWarmupPeriod) != 300 ||
		up.CapacityProvider.UpdateStatus != types.CapacityProviderUpdateStatusUpdateComplete {
		t.Fatalf("updated provider = %+v %+v", ms, up.CapacityProvider)
	}
	dp, _ := e.DescribeCapacityProviders(bg, &ecs.DescribeCapacityProvidersInput{})
	if len(dp.CapacityProviders) != 5 || aws.ToString(dp.CapacityProviders[4].Name) != "cp-c" {
		t.Fatalf("providers = %d", len(dp.CapacityProviders))
	}
	// Delete: refused while associated, and for FARGATE; fine after.
	_, err = e.DeleteCapacityProvider(bg, &ecs.DeleteCapacityProviderInput{CapacityProvider: aws.String("cp-a")})
	apiErr(t, err, "ResourceInUseException", msgProviderInUse)
	_, err = e.DeleteCapacityProvider(bg, &ecs.DeleteCapacityProviderInput{CapacityProvider: aws.String("FARGATE")})
	apiErr(t, err, "InvalidParameterException", "The FARGATE capacity provider is reserved and cannot be deleted.")
	del, err := e.DeleteCapacityProvider(bg, &ecs.DeleteCapacityProviderInput{CapacityProvider: aws.String("cp-c")})
	if err != nil || del.CapacityProvider.Status != types.CapacityProviderStatusInactive {
		t.Fatalf("delete cp-c: %v %+v", err, del)
	}
	if dp, _ := e.DescribeCapacityProviders(bg, &ecs.DescribeCapacityProvidersInput{CapacityProviders: []string{"cp-c"}}); len(dp.Failures) != 1 {
		t.Fatalf("deleted provider still described: %+v", dp.CapacityProviders)
	}
}
