package ecsdeploy

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Capacity provider strategies in the library: the checks the service and
// RunTask inputs pass before any call, the rule for switching a service
// between a launch type and a strategy, and the per-provider task counts
// Status reports (docs/ecs-semantics.md, "Capacity providers").

// The built-in Fargate capacity providers.
const (
	// ProviderFargate is the FARGATE capacity provider.
	ProviderFargate = "FARGATE"
	// ProviderFargateSpot is the FARGATE_SPOT capacity provider.
	ProviderFargateSpot = "FARGATE_SPOT"
)

// validateStrategy adds the problems of a capacity provider strategy:
// at most MaxCapacityProviders items, each with a provider name, weight
// 0-1000 and base 0-100000, no provider twice, at most one base, a positive
// weight somewhere, and Fargate providers not mixed with Auto Scaling
// group providers (ECS Developer Guide, "Capacity provider strategies";
// API Reference, CapacityProviderStrategyItem).
func validateStrategy(p *problems, field string, cps []types.CapacityProviderStrategyItem) {
	if len(cps) > MaxCapacityProviders {
		p.add(field, "at most %d capacity providers are allowed", MaxCapacityProviders)
	}
	bases, weighted, fargate, other := 0, false, false, false
	for i, cp := range cps {
		f := fmt.Sprintf("%s[%d]", field, i)
		name := deref(cp.CapacityProvider)
		switch {
		case name == "":
			p.add(f+".capacityProvider", "is required")
		case slices.ContainsFunc(cps[:i], func(o types.CapacityProviderStrategyItem) bool { return deref(o.CapacityProvider) == name }):
			p.add(f+".capacityProvider", "%s appears more than once", name)
		case name == ProviderFargate || name == ProviderFargateSpot:
			fargate = true
		default:
			other = true
		}
		if cp.Weight < 0 || cp.Weight > 1000 {
			p.add(f+".weight", "must be between 0 and 1000, got %d", cp.Weight)
		}
		if cp.Base < 0 || cp.Base > 100000 {
			p.add(f+".base", "must be between 0 and 100000, got %d", cp.Base)
		}
		if cp.Base > 0 {
			bases++
			if bases == 2 {
				p.add(f+".base", "only one capacity provider in a strategy can have a base")
			}
		}
		weighted = weighted || cp.Weight > 0
	}
	if len(cps) > 0 && !weighted {
		p.add(field, "at least one capacity provider must have a weight greater than 0")
	}
	if fargate && other {
		p.add(field, "a strategy contains either Fargate capacity providers (FARGATE, FARGATE_SPOT) or Auto Scaling group capacity providers, not both")
	}
}

// validateRunTaskLaunch checks RunTask's launch type and strategy.
func validateRunTaskLaunch(in RunTaskInput) error {
	p := &problems{}
	if in.LaunchType != "" && len(in.CapacityProviderStrategy) > 0 {
		p.add("CapacityProviderStrategy", "specify either a LaunchType or a CapacityProviderStrategy, not both")
	}
	validateStrategy(p, "CapacityProviderStrategy", in.CapacityProviderStrategy)
	return p.err()
}

// checkCapacitySwitch decides whether an update may set strategy cps on a
// service now described by svc. nil cps changes nothing. An empty list
// returns a service on a strategy to its launch type; a strategy replaces
// the launch type or the strategy. Any such change needs a new
// deployment (ECS Developer Guide, "Capacity provider strategies": a
// service can be updated to use a capacity provider strategy instead of a
// launch type, but a new deployment must be forced), and services of the
// CODE_DEPLOY or EXTERNAL deployment controller cannot change it with
// UpdateService (API Reference, UpdateService). It reports whether the
// update changes the service's capacity.
func checkCapacitySwitch(svc *types.Service, cps []types.CapacityProviderStrategyItem, force bool) (bool, error) {
	if cps == nil || svc == nil {
		return false, nil
	}
	p := &problems{}
	validateStrategy(p, "capacityProviderStrategy", cps)
	if err := p.err(); err != nil {
		return false, err
	}
	if len(cps) == 0 && len(svc.CapacityProviderStrategy) == 0 {
		return false, nil
	}
	if sameStrategy(cps, svc.CapacityProviderStrategy) {
		return false, nil
	}
	if dc := svc.DeploymentController; dc != nil && (dc.Type == types.DeploymentControllerTypeCodeDeploy || dc.Type == types.DeploymentControllerTypeExternal) {
		return false, &ValidationError{Field: "capacityProviderStrategy",
			Rule: fmt.Sprintf("cannot be changed with UpdateService for a service of the %s deployment controller", dc.Type)}
	}
	if !force {
		from, to := "launch type "+string(svc.LaunchType), "a capacity provider strategy"
		if len(svc.CapacityProviderStrategy) > 0 {
			from = "its capacity provider strategy"
		}
		if len(cps) == 0 {
			to = "its launch type"
		}
		return false, &ValidationError{Field: "forceNewDeployment",
			Rule: fmt.Sprintf("must be set to move service %s from %s to %s (ECS requires a new deployment)", deref(svc.ServiceName), from, to)}
	}
	return true, nil
}

// sameStrategy reports whether two strategies are the same items in the same order.
func sameStrategy(a, b []types.CapacityProviderStrategyItem) bool {
	return slices.EqualFunc(a, b, func(x, y types.CapacityProviderStrategyItem) bool {
		return deref(x.CapacityProvider) == deref(y.CapacityProvider) && x.Base == y.Base && x.Weight == y.Weight
	})
}

// tasksByProvider counts the service's RUNNING tasks (desired RUNNING)
// per capacity provider. It returns nil, with no call, when the service
// does not use a strategy.
func (d *deployer) tasksByProvider(ctx context.Context, cluster string, svc *types.Service) (map[string]int, error) {
	if len(svc.CapacityProviderStrategy) == 0 {
		return nil, nil
	}
	var arns []string
	in := &ecs.ListTasksInput{Cluster: optional(cluster), ServiceName: svc.ServiceName, DesiredStatus: types.DesiredStatusRunning}
	for {
		out, err := d.api.ListTasks(ctx, in)
		if err != nil {
			return nil, wrapAPI("ListTasks", err)
		}
		arns = append(arns, out.TaskArns...)
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	counts := map[string]int{}
	for _, cp := range svc.CapacityProviderStrategy {
		counts[deref(cp.CapacityProvider)] = 0
	}
	for start := 0; start < len(arns); start += describeTasksBatch {
		out, err := d.api.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: optional(cluster), Tasks: arns[start:min(start+describeTasksBatch, len(arns))]})
		if err != nil {
			return nil, wrapAPI("DescribeTasks", err)
		}
		for _, t := range out.Tasks {
			if deref(t.LastStatus) == "RUNNING" && deref(t.CapacityProviderName) != "" {
				counts[deref(t.CapacityProviderName)]++
			}
		}
	}
	return counts, nil
}

// onFargateProviders reports whether a strategy names the Fargate
// providers (FARGATE, FARGATE_SPOT): ECS then runs the service on Fargate
// and describes it with platformVersion LATEST unless one was given.
func onFargateProviders(cps []types.CapacityProviderStrategyItem) bool {
	return slices.ContainsFunc(cps, func(cp types.CapacityProviderStrategyItem) bool {
		name := deref(cp.CapacityProvider)
		return name == ProviderFargate || name == ProviderFargateSpot
	})
}
