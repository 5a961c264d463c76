package fake

import (
	"context"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/capacity"
)

// Capacity providers: the built-in FARGATE and FARGATE_SPOT providers, the
// providers a cluster is associated with and its default strategy, and the
// checks every strategy passes (ECS Developer Guide, "Amazon ECS capacity
// providers" and "AWS Fargate capacity providers"; API Reference,
// CapacityProviderStrategyItem, CreateCluster, PutClusterCapacityProviders,
// CreateService, UpdateService, RunTask). The split of tasks between
// providers is fake/internal/capacity; placement hooks are in
// capacity_place.go, Spot interruptions in capacity_spot.go.

// The built-in Fargate capacity providers.
const (
	providerFargate     = "FARGATE"
	providerFargateSpot = "FARGATE_SPOT"
)

// Strategy limits (API Reference, CapacityProviderStrategyItem).
const (
	maxStrategyItems = 20
	maxStrategyBase  = 100000
	maxStrategyWeigh = 1000
)

// ECS's texts for strategy errors. The first four are quoted from ECS
// answers (docs/ecs-semantics.md, "Capacity providers"); the others use the
// API Reference's own sentences.
const (
	msgLaunchTypeAndStrategy = "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again."
	msgProviderNotAssociated = "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again."
	msgProviderInUse         = "The specified capacity provider is in use and cannot be removed."
	msgForceToSwitch         = "When switching from launch type to capacity provider strategy on an existing service, or making a change to a capacity provider strategy on a service that is already using one, you must force a new deployment."
	msgOneBase               = "Only one capacity provider in a capacity provider strategy can have a base defined."
	msgSomeWeight            = "At least one capacity provider in a capacity provider strategy must have a weight greater than zero."
	msgTooManyItems          = "A capacity provider strategy can contain a maximum of 20 capacity providers."
	// msgMixed is the text the AWS CDK mirrors for ECS's rule (Developer
	// Guide: a strategy holds Fargate or Auto Scaling group providers).
	msgMixed = "A capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again."
	// capacityUnavailable is the failure reason of a FARGATE_SPOT launch
	// while Spot has no capacity (re:Post knowledge center,
	// "ecs-fargate-runtask-capacity").
	capacityUnavailable = "Capacity is unavailable at this time. Please try again later or in a different availability zone"
)

// builtinProvider reports whether name is FARGATE or FARGATE_SPOT.
func builtinProvider(name string) bool {
	return name == providerFargate || name == providerFargateSpot
}

// cloneStrategy copies a strategy (nil stays nil).
func cloneStrategy(s []types.CapacityProviderStrategyItem) []types.CapacityProviderStrategyItem {
	if s == nil {
		return nil
	}
	return append([]types.CapacityProviderStrategyItem{}, s...)
}

// viewLaunchType is the launchType DescribeServices shows: none when a
// capacity provider strategy is used.
func viewLaunchType(lt types.LaunchType, cps []types.CapacityProviderStrategyItem) types.LaunchType {
	if len(cps) > 0 {
		return ""
	}
	return lt
}

// strategyItems converts a strategy for the split core. A strategy of one
// provider with weight 0 still runs every task there (the API Reference
// asks for a positive weight only among several providers).
func strategyItems(cps []types.CapacityProviderStrategyItem) []capacity.Item {
	out := make([]capacity.Item, len(cps))
	for i, it := range cps {
		out[i] = capacity.Item{Provider: aws.ToString(it.CapacityProvider), Base: int(it.Base), Weight: int(it.Weight)}
	}
	if len(out) == 1 && out[0].Weight == 0 {
		out[0].Weight = 1
	}
	return out
}

// checkStrategyShape checks what a strategy must satisfy on its own: at
// most 20 items, each with a provider name, weight 0-1000 and base
// 0-100000, no provider twice, at most one base, and a positive weight
// among several providers. field names the request member in messages.
func checkStrategyShape(field string, cps []types.CapacityProviderStrategyItem) error {
	if len(cps) > maxStrategyItems {
		return errInvalidParam("%s", msgTooManyItems)
	}
	bases, weighted := 0, 0
	for i, it := range cps {
		name := aws.ToString(it.CapacityProvider)
		if name == "" {
			return errInvalidParam("%s[%d].capacityProvider: must be specified.", field, i)
		}
		if it.Weight < 0 || it.Weight > maxStrategyWeigh {
			return errInvalidParam("%s[%d].weight: must be between 0 and %d, got %d.", field, i, maxStrategyWeigh, it.Weight)
		}
		if it.Base < 0 || it.Base > maxStrategyBase {
			return errInvalidParam("%s[%d].base: must be between 0 and %d, got %d.", field, i, maxStrategyBase, it.Base)
		}
		if slices.ContainsFunc(cps[:i], func(o types.CapacityProviderStrategyItem) bool { return aws.ToString(o.CapacityProvider) == name }) {
			return errInvalidParam("%s[%d].capacityProvider: %s appears more than once in the strategy.", field, i, name)
		}
		if it.Base > 0 {
			bases++
		}
		if it.Weight > 0 {
			weighted++
		}
	}
	if bases > 1 {
		return errInvalidParam("%s", msgOneBase)
	}
	if len(cps) > 1 && weighted == 0 {
		return errInvalidParam("%s", msgSomeWeight)
	}
	return nil
}

// checkStrategyFor checks a strategy against the providers associated
// with a cluster (every provider of the strategy must be one of them) and
// refuses a mix of Fargate and Auto Scaling group providers.
func checkStrategyFor(providers []string, field string, cps []types.CapacityProviderStrategyItem) error {
	if err := checkStrategyShape(field, cps); err != nil {
		return err
	}
	fargate := slices.ContainsFunc(cps, func(it types.CapacityProviderStrategyItem) bool {
		return builtinProvider(aws.ToString(it.CapacityProvider))
	})
	asg := slices.ContainsFunc(cps, func(it types.CapacityProviderStrategyItem) bool {
		return !builtinProvider(aws.ToString(it.CapacityProvider))
	})
	if fargate && asg {
		return errInvalidParam("%s", msgMixed)
	}
	for _, it := range cps {
		if !slices.Contains(providers, aws.ToString(it.CapacityProvider)) {
			return errInvalidParam("%s", msgProviderNotAssociated)
		}
	}
	return nil
}

// checkClusterProvidersLocked checks the capacityProviders and
// defaultCapacityProviderStrategy of CreateCluster and
// PutClusterCapacityProviders: known providers (FARGATE, FARGATE_SPOT and
// the Auto Scaling group providers created), each once, and a default
// strategy over them.
func (e *ECS) checkClusterProvidersLocked(providers []string, def []types.CapacityProviderStrategyItem) error {
	for i, p := range providers {
		if !builtinProvider(p) && e.providers[p] == nil {
			return errInvalidParam("capacityProviders[%d]: The specified capacity provider %s does not exist. Specify a valid capacity provider and try again.", i, p)
		}
		if slices.Contains(providers[:i], p) {
			return errInvalidParam("capacityProviders[%d]: %s appears more than once.", i, p)
		}
	}
	return checkStrategyFor(providers, "defaultCapacityProviderStrategy", def)
}

// launchChoiceLocked resolves how CreateService or RunTask gets capacity:
// a launch type or a strategy (not both), else the cluster's default
// strategy, else EC2. With a strategy the returned launch type is the
// providers' (FARGATE) and the strategy is a copy.
func (e *ECS) launchChoiceLocked(c *cluster, lt types.LaunchType, cps []types.CapacityProviderStrategyItem) (types.LaunchType, []types.CapacityProviderStrategyItem, error) {
	switch {
	case lt != "" && len(cps) > 0:
		return "", nil, errInvalidParam("%s", msgLaunchTypeAndStrategy)
	case lt != "":
		return lt, nil, nil
	case len(cps) == 0 && len(c.defaultStrategy) > 0:
		return strategyLaunchType(c.defaultStrategy), cloneStrategy(c.defaultStrategy), nil
	case len(cps) == 0:
		return types.LaunchTypeEc2, nil, nil
	}
	if err := checkStrategyFor(c.providers, "capacityProviderStrategy", cps); err != nil {
		return "", nil, err
	}
	return strategyLaunchType(cps), cloneStrategy(cps), nil
}

// strategyLaunchType is the launch type of a strategy's providers:
// FARGATE for FARGATE and FARGATE_SPOT, EC2 for Auto Scaling group providers.
func strategyLaunchType(cps []types.CapacityProviderStrategyItem) types.LaunchType {
	if len(cps) > 0 && !builtinProvider(aws.ToString(cps[0].CapacityProvider)) {
		return types.LaunchTypeEc2
	}
	return types.LaunchTypeFargate
}

// updateLaunchChoiceLocked resolves UpdateService's capacityProviderStrategy
// for s: nil keeps what s has; an empty list returns a service on providers
// to their launch type (FARGATE or EC2); a strategy replaces the launch type
// or strategy. Any change needs forceNewDeployment (ECS Developer Guide,
// "Capacity provider strategies": a service can be updated to use a
// strategy instead of a launch type, but a new deployment must be forced);
// switched reports a change.
func (e *ECS) updateLaunchChoiceLocked(c *cluster, s *service, cps []types.CapacityProviderStrategyItem, force bool) (lt types.LaunchType, out []types.CapacityProviderStrategyItem, switched bool, err error) {
	lt, out = s.launchType, s.cps
	switch {
	case cps == nil:
		return lt, out, false, nil
	case len(cps) == 0:
		if s.cps == nil {
			return lt, out, false, nil
		}
		lt, out = strategyLaunchType(s.cps), nil
	default:
		if err := checkStrategyFor(c.providers, "capacityProviderStrategy", cps); err != nil {
			return "", nil, false, err
		}
		if sameJSON(cps, s.cps) {
			return lt, out, false, nil
		}
		lt, out = strategyLaunchType(cps), cloneStrategy(cps)
	}
	if !force {
		return "", nil, false, errInvalidParam("%s", msgForceToSwitch)
	}
	return lt, out, true, nil
}

// providerInUseLocked reports whether a service of c (not INACTIVE) uses
// provider in a deployment's strategy, or a task of c that has not stopped
// runs on it.
func (e *ECS) providerInUseLocked(c *cluster, provider string) bool {
	uses := func(cps []types.CapacityProviderStrategyItem) bool {
		return slices.ContainsFunc(cps, func(it types.CapacityProviderStrategyItem) bool { return aws.ToString(it.CapacityProvider) == provider })
	}
	for _, s := range e.svcOrder {
		if s.c != c || s.status == serviceInactive {
			continue
		}
		if uses(s.cps) {
			return true
		}
		for _, d := range s.deployments {
			if d.status != "INACTIVE" && uses(d.cps) {
				return true
			}
		}
	}
	for _, t := range c.tasks {
		if !t.forgotten && t.lastStatus != statusStopped && t.capacityProvider == provider {
			return true
		}
	}
	return false
}

// PutClusterCapacityProviders replaces the capacity providers associated
// with a cluster and its default strategy (both are required). A provider
// still used by a service or a task cannot be removed
// (ResourceInUseException).
func (e *ECS) PutClusterCapacityProviders(ctx context.Context, in *ecs.PutClusterCapacityProvidersInput, _ ...func(*ecs.Options)) (*ecs.PutClusterCapacityProvidersOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.PutClusterCapacityProvidersInput{}
	}
	if _, err := e.beginLocked(ctx, "PutClusterCapacityProviders", in); err != nil {
		return nil, err
	}
	if aws.ToString(in.Cluster) == "" {
		return nil, errInvalidParam("cluster: must be specified.")
	}
	if in.CapacityProviders == nil {
		return nil, errInvalidParam("capacityProviders: must be specified.")
	}
	if in.DefaultCapacityProviderStrategy == nil {
		return nil, errInvalidParam("defaultCapacityProviderStrategy: must be specified.")
	}
	c, err := e.clusterLocked(in.Cluster)
	if err != nil {
		return nil, err
	}
	if err := e.checkClusterProvidersLocked(in.CapacityProviders, in.DefaultCapacityProviderStrategy); err != nil {
		return nil, err
	}
	for _, p := range c.providers {
		if !slices.Contains(in.CapacityProviders, p) && e.providerInUseLocked(c, p) {
			return nil, &types.ResourceInUseException{Message: aws.String(msgProviderInUse)}
		}
	}
	c.providers = slices.Clone(in.CapacityProviders)
	c.defaultStrategy = cloneStrategy(in.DefaultCapacityProviderStrategy)
	return &ecs.PutClusterCapacityProvidersOutput{Cluster: e.clusterViewLocked(c)}, nil
}

// DescribeCapacityProviders describes capacity providers by name or ARN
// (default: all of them). The fake knows the built-in FARGATE and
// FARGATE_SPOT; other names come back as failures with reason MISSING.
func (e *ECS) DescribeCapacityProviders(ctx context.Context, in *ecs.DescribeCapacityProvidersInput, _ ...func(*ecs.Options)) (*ecs.DescribeCapacityProvidersOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.DescribeCapacityProvidersInput{}
	}
	if _, err := e.beginLocked(ctx, "DescribeCapacityProviders", in); err != nil {
		return nil, err
	}
	region := e.regionFor(ctx)
	refs := in.CapacityProviders
	if len(refs) == 0 {
		refs = []string{providerFargate, providerFargateSpot}
		refs = append(refs, slices.Sorted(maps.Keys(e.providers))...)
	}
	if len(refs) > 100 {
		return nil, errInvalidParam("capacityProviders can have at most 100 items.")
	}
	names := make([]string, 0, len(refs))
	for _, ref := range refs {
		name := ref
		if kind, rest, ok := arnResource(ref); ok && kind == "capacity-provider" {
			name = rest
		}
		names = append(names, name)
	}
	all := make([]types.CapacityProvider, 0, len(names))
	var failures []types.Failure
	for i, name := range names {
		arn := e.arn(region, "capacity-provider/"+name)
		if cp := e.providers[name]; cp != nil && homeMatches(refs[i], cp.arn) {
			all = append(all, *e.providerViewLocked(cp))
			continue
		}
		// An ARN of another account or region names no provider of ours
		// (homeMatches), FARGATE and FARGATE_SPOT included.
		if !builtinProvider(name) || !homeMatches(refs[i], arn) {
			if kind, _, ok := arnResource(refs[i]); ok && kind == "capacity-provider" {
				arn = refs[i]
			}
			failures = append(failures, types.Failure{Arn: aws.String(arn), Reason: aws.String("MISSING")})
			continue
		}
		all = append(all, types.CapacityProvider{CapacityProviderArn: aws.String(arn), Name: aws.String(name),
			Status: types.CapacityProviderStatusActive, Tags: []types.Tag{}})
	}
	pg, next, err := page(all, in.NextToken, in.MaxResults, 10)
	if err != nil {
		return nil, err
	}
	if failures == nil {
		failures = []types.Failure{}
	}
	return &ecs.DescribeCapacityProvidersOutput{CapacityProviders: append([]types.CapacityProvider{}, pg...), Failures: failures, NextToken: next}, nil
}
