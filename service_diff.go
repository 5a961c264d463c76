package ecsdeploy

import (
	"cmp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ServiceDiff returns what updating a service configured as current (for
// example CreateInput of its DescribeServices output) to want would change,
// one "path: old -> new" line per change, sorted, after NormalizeService
// made ECS's defaults explicit on both sides; "" means no change. It
// compares the desired count, deployment configuration (percentages,
// circuit breaker, alarms), network, load balancers, service registries,
// placement, capacity provider strategy, launch type, platform version,
// health check grace period, tags and the other settings of
// CreateService. Not compared: serviceName, cluster and clientToken (who,
// not what) and taskDefinition (Diff compares task definitions). Members
// that UpdateService keeps when they are left out are kept when want
// leaves them unset: desiredCount (autoscaling may own it), launchType
// (with no capacity provider strategy either), role (ECS fills in its
// service-linked role), tags and deploymentController. Neither input is modified.
func ServiceDiff(current, want *ecs.CreateServiceInput) string {
	a, b := NormalizeService(current), NormalizeService(withKept(current, want))
	for _, x := range []*ecs.CreateServiceInput{a, b} {
		x.ServiceName, x.Cluster, x.ClientToken, x.TaskDefinition = nil, nil, nil, nil
	}
	r := &diffReporter{}
	gocmp.Equal(a, b, cmpopts.EquateEmpty(), gocmp.FilterPath(unexportedField, gocmp.Ignore()), gocmp.Reporter(r))
	lines := slices.Clone(r.lines)
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// NormalizeService returns a copy of in with what ECS fills in made
// explicit, so equal configurations compare equal: schedulingStrategy
// REPLICA; deployment percentages 100/200 (DAEMON 0/100); the circuit
// breaker and alarms off when unset (and alarms that are off with no names
// dropped); deploymentController ECS; propagateTags NONE;
// healthCheckGracePeriodSeconds 0; platformVersion LATEST for FARGATE
// (launch type or FARGATE/FARGATE_SPOT capacity providers);
// assignPublicIp DISABLED; subnets, security groups, tags, load balancers,
// registries, capacity providers and placement constraints sorted. nil
// yields an empty input. in is not modified.
func NormalizeService(in *ecs.CreateServiceInput) *ecs.CreateServiceInput {
	if in == nil {
		in = &ecs.CreateServiceInput{}
	}
	out := withServiceDefaults(in)
	dc := *out.DeploymentConfiguration
	if dc.DeploymentCircuitBreaker == nil {
		dc.DeploymentCircuitBreaker = &types.DeploymentCircuitBreaker{}
	}
	if a := dc.Alarms; a != nil && !a.Enable && !a.Rollback && len(a.AlarmNames) == 0 {
		dc.Alarms = nil
	} else if a != nil {
		cp := *a
		cp.AlarmNames = sortedClone(a.AlarmNames, strings.Compare)
		dc.Alarms = &cp
	}
	if dc.Strategy == "" {
		dc.Strategy = types.DeploymentStrategyRolling
	}
	out.DeploymentConfiguration = &dc
	if out.DeploymentController == nil {
		out.DeploymentController = &types.DeploymentController{Type: types.DeploymentControllerTypeEcs}
	}
	if out.PropagateTags == "" {
		out.PropagateTags = types.PropagateTagsNone
	}
	if out.HealthCheckGracePeriodSeconds == nil {
		out.HealthCheckGracePeriodSeconds = aws.Int32(0)
	}
	if out.PlatformVersion == nil && (out.LaunchType == types.LaunchTypeFargate || onFargateProviders(out.CapacityProviderStrategy)) {
		out.PlatformVersion = aws.String("LATEST")
	}
	if nc := out.NetworkConfiguration; nc != nil && nc.AwsvpcConfiguration != nil {
		a := *nc.AwsvpcConfiguration
		a.Subnets = sortedClone(a.Subnets, strings.Compare)
		a.SecurityGroups = sortedClone(a.SecurityGroups, strings.Compare)
		if a.AssignPublicIp == "" {
			a.AssignPublicIp = types.AssignPublicIpDisabled
		}
		out.NetworkConfiguration = &types.NetworkConfiguration{AwsvpcConfiguration: &a}
	}
	out.Tags = sortedClone(in.Tags, func(a, b types.Tag) int { return cmp.Compare(deref(a.Key), deref(b.Key)) })
	out.LoadBalancers = sortedClone(in.LoadBalancers, func(a, b types.LoadBalancer) int {
		return cmp.Or(cmp.Compare(deref(a.TargetGroupArn), deref(b.TargetGroupArn)), cmp.Compare(deref(a.LoadBalancerName), deref(b.LoadBalancerName)),
			cmp.Compare(deref(a.ContainerName), deref(b.ContainerName)), cmp.Compare(deref(a.ContainerPort), deref(b.ContainerPort)))
	})
	out.ServiceRegistries = sortedClone(in.ServiceRegistries, func(a, b types.ServiceRegistry) int {
		return cmp.Or(cmp.Compare(deref(a.RegistryArn), deref(b.RegistryArn)), cmp.Compare(deref(a.ContainerName), deref(b.ContainerName)))
	})
	out.CapacityProviderStrategy = sortedClone(in.CapacityProviderStrategy, func(a, b types.CapacityProviderStrategyItem) int {
		return cmp.Compare(deref(a.CapacityProvider), deref(b.CapacityProvider))
	})
	out.PlacementConstraints = sortedClone(in.PlacementConstraints, func(a, b types.PlacementConstraint) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(deref(a.Expression), deref(b.Expression)))
	})
	return out
}

// withKept returns want with the members it leaves unset that an update
// keeps taken from cur (see ServiceDiff); want is not modified.
func withKept(cur, want *ecs.CreateServiceInput) *ecs.CreateServiceInput {
	if want == nil {
		want = &ecs.CreateServiceInput{}
	}
	if cur == nil {
		return want
	}
	out := *want
	if out.DesiredCount == nil {
		out.DesiredCount = cur.DesiredCount
	}
	if out.LaunchType == "" && len(out.CapacityProviderStrategy) == 0 {
		out.LaunchType, out.CapacityProviderStrategy = cur.LaunchType, cur.CapacityProviderStrategy
	}
	if out.Role == nil {
		out.Role = cur.Role
	}
	if out.Tags == nil {
		out.Tags = cur.Tags
	}
	if out.DeploymentController == nil {
		out.DeploymentController = cur.DeploymentController
	}
	return &out
}
