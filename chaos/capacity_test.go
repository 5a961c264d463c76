package chaos

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// TestCheckCapacityBase: once settled, the PRIMARY deployment keeps
// min(base, desiredCount) tasks on the base provider (ECS Developer Guide,
// "Amazon ECS capacity provider strategies"); while unsettled the base may
// be short.
func TestCheckCapacityBase(t *testing.T) {
	// onSpot builds 4 RUNNING tasks of ecs-svc/1, the first fargate on
	// FARGATE and the rest on FARGATE_SPOT.
	onSpot := func(fargate int) []types.Task {
		ts := tasks("a", 4, "RUNNING", "RUNNING")
		for i := range ts {
			ts[i].StartedBy, ts[i].CapacityProviderName = aws.String("ecs-svc/1"), aws.String("FARGATE_SPOT")
			if i < fargate {
				ts[i].CapacityProviderName = aws.String("FARGATE")
			}
		}
		return ts
	}
	tests := map[string]struct {
		base, desired int32
		tasks         []types.Task
		disturbed     bool
		want          string
	}{
		"base 1 on FARGATE":        {base: 1, desired: 4, tasks: onSpot(1)},
		"base 1 missing":           {base: 1, desired: 4, tasks: onSpot(0), want: "capacity-base"},
		"base 2 with one FARGATE":  {base: 2, desired: 4, tasks: onSpot(1), want: "capacity-base"},
		"base above desired count": {base: 6, desired: 4, tasks: onSpot(4)},
		"another deployment's task does not count": {base: 1, desired: 4, tasks: func() []types.Task {
			ts := onSpot(1)
			ts[0].StartedBy = aws.String("ecs-svc/0")
			return ts
		}(), want: "capacity-base"},
		"a task being stopped: not settled": {base: 1, desired: 4, tasks: func() []types.Task {
			ts := append(onSpot(0), tasks("a", 1, "STOPPING", "STOPPED")...)
			ts[4].StopCode = types.TaskStopCodeSpotInterruption
			return ts
		}()},
		"disturbed since the last check: not settled": {base: 1, desired: 4, tasks: onSpot(0), disturbed: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			svc := service("a", tc.desired, 4, 0, 100, 200, types.DeploymentRolloutStateCompleted)
			svc.CapacityProviderStrategy = []types.CapacityProviderStrategyItem{
				{CapacityProvider: aws.String("FARGATE"), Base: tc.base, Weight: 1},
				{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 3},
			}
			if tc.desired != 4 {
				svc.DesiredCount = tc.desired
			}
			s := Snapshot{Now: t0, Services: []types.Service{svc}, Tasks: tc.tasks}
			got := invariants(NewChecker(t0).Check(s, Expect{Disturbed: map[string]bool{"a": tc.disturbed}}))
			if got != tc.want {
				t.Fatalf("violations %q, want %q", got, tc.want)
			}
		})
	}
}

// TestMinHealthyCatchesTooManyStops drives the real fake: a settled
// service of 5 tasks on FARGATE base 1 + FARGATE_SPOT weight 3 (split 2:3)
// with minimumHealthyPercent 75 (bound 4) loses two tasks at once to
// stops the checker is not told about, as a scheduler bug stopping too many
// would, and min-healthy reports it. Its replacements, RUNNING for less
// than 40 s, do not count healthy either.
func TestMinHealthyCatchesTooManyStops(t *testing.T) {
	ctx := context.Background()
	e := fake.New(fake.WithSeed(1))
	if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(Cluster), CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"}}); err != nil {
		t.Fatal(err)
	}
	td, err := e.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"), NetworkMode: types.NetworkModeAwsvpc,
		Cpu: aws.String("256"), Memory: aws.String("512"), RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx"), Essential: aws.Bool(true)}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String(Cluster), ServiceName: aws.String("web"),
		TaskDefinition: td.TaskDefinition.TaskDefinitionArn, DesiredCount: aws.Int32(5), CapacityProviderStrategy: spotStrategy,
		NetworkConfiguration:    spotNetwork,
		DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(75), MaximumPercent: aws.Int32(200)}}); err != nil {
		t.Fatal(err)
	}
	c := NewChecker(e.Now())
	x := Expect{Services: []string{"web"}}
	observe := func() Snapshot {
		t.Helper()
		s, err := Observe(ctx, e, Cluster, []string{"web"})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for range 20 { // settle: the guard arms once all 5 count healthy
		e.Advance(30 * time.Second)
		if vs := c.Check(observe(), x); len(vs) > 0 {
			t.Fatalf("while settling: %v", vs)
		}
	}
	s := observe()
	on := map[string]int{}
	for _, tk := range s.Tasks {
		if aws.ToString(tk.LastStatus) == "RUNNING" {
			on[aws.ToString(tk.CapacityProviderName)]++
		}
	}
	if on["FARGATE"] != 2 || on["FARGATE_SPOT"] != 3 {
		t.Fatalf("tasks by provider %v, want FARGATE 2 and FARGATE_SPOT 3 (base 1, then weights 1:3)", on)
	}
	for _, tk := range s.Tasks[:2] {
		if _, err := e.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String(Cluster), Task: tk.TaskArn}); err != nil {
			t.Fatal(err)
		}
	}
	e.Advance(30 * time.Second)
	got := invariants(c.Check(observe(), x))
	if got != "min-healthy" {
		t.Fatalf("violations %q after two of five tasks stopped at once, want min-healthy", got)
	}
}

// TestGroupMaxSizeFitsItsServices: the managed-scaling group has room for
// every service on it at its largest (1.5 x its initial count, doubled by
// a deployment at maximumPercent 200); at full scale the earlier fixed 20
// instances (80 tasks) could not hold even the initial counts of its six
// services, so they never converged (docs/reliability.md).
func TestGroupMaxSizeFitsItsServices(t *testing.T) {
	for _, cfg := range []Config{DefaultConfig(), smallConfig(1)} {
		cfg = cfg.withDefaults()
		services := 0
		for i := range cfg.Services {
			if cfg.managedScalingService(i) {
				services++
			}
		}
		per := cfg.Tasks/cfg.Services + 2
		if got, need := cfg.groupMaxSize()*tasksPerGroupInstance, services*2*(per+per/2); got < need {
			t.Errorf("%d services of %d tasks: group holds %d tasks, need %d", services, per, got, need)
		}
	}
	// At full scale: services 6, 13, 20, 27, 41 and 48 (34 is a Spot one).
	var managed []int
	for i := range DefaultConfig().Services {
		if DefaultConfig().withDefaults().managedScalingService(i) {
			managed = append(managed, i)
		}
	}
	if want := []int{6, 13, 20, 27, 41, 48}; !slices.Equal(managed, want) {
		t.Errorf("managed-scaling services %v, want %v", managed, want)
	}
	if got := DefaultConfig().withDefaults().groupMaxSize(); got != 199 {
		t.Errorf("full-scale group max size %d, want 199", got)
	}
}
