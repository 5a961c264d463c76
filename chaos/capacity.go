package chaos

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// Fargate Spot in the chaos scenario (Config.SpotEvery): every fifth
// service by default runs on FARGATE base 1 + FARGATE_SPOT weight 3;
// faults interrupt Spot tasks and take Spot capacity away for a while; the
// checker holds that a settled service keeps its base on the base provider
// (checkBases).

// spotStrategy is the strategy of the Spot services.
var spotStrategy = []types.CapacityProviderStrategyItem{
	{CapacityProvider: aws.String("FARGATE"), Base: 1, Weight: 1},
	{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 3},
}

// spotNetwork is the awsvpc configuration of the Spot services.
var spotNetwork = &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-chaos"}}}

// spotFault interrupts half the Spot tasks of a Spot service (70%), or
// makes Fargate Spot capacity unavailable for 5-15 minutes (30%).
func (r *runner) spotFault() error {
	var spot []*svcState
	for _, s := range r.services {
		if s.spot {
			spot = append(spot, s)
		}
	}
	if len(spot) == 0 {
		return nil
	}
	if r.rng.Float64() < 0.7 {
		s := spot[r.rng.IntN(len(spot))]
		r.rep.Faults["spot-interruption"]++
		r.disturbed[s.name] = true
		return r.e.InterruptSpot(fake.SpotInterruption{Cluster: Cluster, Service: s.name, Fraction: 0.5})
	}
	r.rep.Faults["spot-shortage"]++
	r.e.SetFargateSpotCapacity(false)
	for _, s := range spot {
		r.disturbed[s.name] = true
	}
	r.later = append(r.later, scheduled{at: r.e.Now().Add(time.Duration(300+r.rng.IntN(600)) * time.Second),
		do: func(context.Context) error { r.e.SetFargateSpotCapacity(true); return nil }})
	return nil
}

// checkBases evaluates capacity-base: once a service with a capacity
// provider strategy has settled, the tasks of its PRIMARY deployment on the
// provider that carries the base number at least min(base, desiredCount)
// (ECS Developer Guide, "Amazon ECS capacity provider strategies": the base
// is the minimum number of tasks run on that provider, satisfied before the
// weights share the rest).
//
// Settled means: one deployment, PRIMARY and COMPLETED; runningCount equals
// desiredCount with pendingCount 0; no task of the service being stopped;
// and no injected failure touched the service since the last check. While
// any of that does not hold, ECS is still placing or replacing tasks (a
// Spot interruption, a Spot shortage, a crash, a scale or a rollout in
// progress) and the base may be momentarily short, as in ECS.
func (c *Checker) checkBases(s Snapshot, x Expect, byGroup map[string][]types.Task, bad reporter) {
	for _, svc := range s.Services {
		name := aws.ToString(svc.ServiceName)
		if len(svc.CapacityProviderStrategy) == 0 || !steady(svc) || x.Disturbed[name] {
			continue
		}
		primary := aws.ToString(svc.Deployments[0].Id)
		tasks := byGroup["service:"+name]
		onProvider := map[string]int32{}
		settled := true
		for _, t := range tasks {
			last, want := aws.ToString(t.LastStatus), aws.ToString(t.DesiredStatus)
			if want == "STOPPED" && last != "STOPPED" {
				settled = false
			}
			if want == "RUNNING" && last == "RUNNING" && aws.ToString(t.StartedBy) == primary {
				onProvider[aws.ToString(t.CapacityProviderName)]++
			}
		}
		if !settled {
			continue
		}
		for _, it := range svc.CapacityProviderStrategy {
			if it.Base == 0 {
				continue
			}
			c.Checks++
			p := aws.ToString(it.CapacityProvider)
			if want := min(it.Base, svc.DesiredCount); onProvider[p] < want {
				bad("capacity-base", name, "settled with %d RUNNING tasks of %s on %s, want at least min(base %d, desired %d) = %d; by provider %v",
					onProvider[p], primary, p, it.Base, svc.DesiredCount, want, onProvider)
			}
		}
	}
}

// Managed scaling in the chaos scenario (Config.ManagedScalingEvery, by
// default every seventh service that is not a Spot one) runs on an Auto
// Scaling group capacity provider with managed scaling (target capacity
// 100%). The group starts with one small instance (room for four tasks)
// and may grow to groupMaxSize: when a service scales out or a deployment
// needs room, its new tasks wait in PROVISIONING until the group has
// launched instances and they have joined the cluster; idle instances are
// scaled in later. Faults lose the group's instances too (loseInstance);
// the group replaces them. Every invariant applies to these services as
// to the others, and they must converge in the quiet period.

// asgProvider is the name of the chaos scenario's Auto Scaling group
// capacity provider (and of its group).
const asgProvider = "chaos-asg"

// asgStrategy is the strategy of the managed-scaling services.
var asgStrategy = []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String(asgProvider), Weight: 1}}

// Each group instance holds four chaos tasks (32 CPU, 64 MiB each).
const tasksPerGroupInstance = 4

// groupMaxSize is the group's maximum size: room for every managed-scaling
// service at its largest (the runner's scale actions and scalable targets
// reach 1.5 x its initial count, at most per+2 each, and a deployment at
// maximumPercent 200 doubles that), plus ten instances for the other
// services' EC2 tasks that ECS may place on the group's instances. A group
// at its maximum size leaves tasks waiting in PROVISIONING for good, as in
// ECS, so the services could never converge: with 20 instances (the
// earlier fixed size) the full-scale soak had six such services ask for
// about 240 tasks from room for 80 (docs/reliability.md).
func (c Config) groupMaxSize() int {
	n := 0
	for i := range c.Services {
		if c.managedScalingService(i) {
			n++
		}
	}
	per := c.Tasks/c.Services + 2
	peak := n * 2 * (per + per/2)
	return max(20, (peak+tasksPerGroupInstance-1)/tasksPerGroupInstance+10)
}

// buildManagedScaling declares the group, creates its capacity provider
// and attaches it to the cluster beside the Fargate providers.
func (r *runner) buildManagedScaling(ctx context.Context) error {
	arn, err := r.e.DeclareAutoScalingGroup(fake.AutoScalingGroupSpec{Name: asgProvider, Cluster: Cluster, DesiredCapacity: 1,
		MaxSize: r.cfg.groupMaxSize(), Instance: fake.InstanceSpec{CPU: 32 * tasksPerGroupInstance, Memory: 64 * tasksPerGroupInstance}})
	if err != nil {
		return err
	}
	if _, err := r.e.CreateCapacityProvider(ctx, &ecs.CreateCapacityProviderInput{Name: aws.String(asgProvider), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{
		AutoScalingGroupArn: aws.String(arn), ManagedScaling: &types.ManagedScaling{Status: types.ManagedScalingStatusEnabled, TargetCapacity: aws.Int32(100)},
		ManagedTerminationProtection: types.ManagedTerminationProtectionEnabled}}); err != nil {
		return err
	}
	_, err = r.e.PutClusterCapacityProviders(ctx, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String(Cluster),
		CapacityProviders: []string{"FARGATE", "FARGATE_SPOT", asgProvider}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}})
	return err
}

// countGroupScaling counts, as actions managed-scale-out and
// managed-scale-in, the instances the group gained or lost since the last
// check, apart from instances lost by faults (the replacements of those
// count as scale-outs).
func (r *runner) countGroupScaling() error {
	if r.cfg.ManagedScalingEvery <= 0 {
		return nil
	}
	active, _, err := r.e.GroupInstances(asgProvider)
	if err != nil {
		return err
	}
	switch n := len(active) + r.groupLost; {
	case n > r.groupSize && r.rep.Steps > 1:
		r.rep.Actions["managed-scale-out"] += n - r.groupSize
	case n < r.groupSize:
		r.rep.Actions["managed-scale-in"] += r.groupSize - n
	}
	r.groupSize, r.groupLost = len(active), 0
	return nil
}

// loseGroupInstance loses one of the group's ACTIVE instances (a fault);
// the group launches its replacement. It reports whether there was one.
func (r *runner) loseGroupInstance() (bool, error) {
	active, _, err := r.e.GroupInstances(asgProvider)
	if err != nil || len(active) == 0 {
		return false, err
	}
	a := active[r.rng.IntN(len(active))]
	if err := r.e.LoseInstance(a); err != nil {
		return false, fmt.Errorf("LoseInstance: %w", err)
	}
	r.lost[a] = true
	r.groupLost++
	return true, nil
}
