package fake

import (
	"regexp"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// serviceNameRE: up to 255 letters, numbers, hyphens and underscores.
var serviceNameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)

// Defaults of deploymentConfiguration for REPLICA services (ECS API
// Reference, DeploymentConfiguration).
const (
	defaultMinimumHealthyPercent = 100
	defaultMaximumPercent        = 200
)

// serviceTaskDefLocked resolves the task definition of CreateService or
// UpdateService: it must exist and be ACTIVE (an INACTIVE revision cannot
// back a new service or deployment).
func (e *ECS) serviceTaskDefLocked(ref string) (*taskDef, error) {
	return e.launchableTaskDefLocked(ref)
}

// withDeploymentDefaults fills minimumHealthyPercent (100), maximumPercent
// (200) and a disabled circuit breaker, and checks the ranges.
func withDeploymentDefaults(in *types.DeploymentConfiguration, old *types.DeploymentConfiguration) (types.DeploymentConfiguration, error) {
	var cfg types.DeploymentConfiguration
	if old != nil {
		cfg = *old
	} else {
		cfg = types.DeploymentConfiguration{
			MinimumHealthyPercent:    aws.Int32(defaultMinimumHealthyPercent),
			MaximumPercent:           aws.Int32(defaultMaximumPercent),
			DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{},
		}
	}
	if in != nil {
		if in.MinimumHealthyPercent != nil {
			cfg.MinimumHealthyPercent = aws.Int32(*in.MinimumHealthyPercent)
		}
		if in.MaximumPercent != nil {
			cfg.MaximumPercent = aws.Int32(*in.MaximumPercent)
		}
		if in.DeploymentCircuitBreaker != nil {
			cb := *in.DeploymentCircuitBreaker
			if tc := cb.ThresholdConfiguration; tc != nil {
				// API Reference, ThresholdConfiguration: type COUNT,
				// BOUNDED_PERCENT or UNBOUNDED_PERCENT, and an integer value.
				switch tc.Type {
				case types.ThresholdTypeCount, types.ThresholdTypeBoundedPercent, types.ThresholdTypeUnboundedPercent:
				default:
					return cfg, errInvalidParam("deploymentConfiguration.deploymentCircuitBreaker.thresholdConfiguration.type: must be one of COUNT, BOUNDED_PERCENT, UNBOUNDED_PERCENT, got %q.", string(tc.Type))
				}
				if tc.Value < 1 {
					return cfg, errInvalidParam("deploymentConfiguration.deploymentCircuitBreaker.thresholdConfiguration.value: must be at least 1, got %d.", tc.Value)
				}
				c := *tc
				cb.ThresholdConfiguration = &c
			}
			cfg.DeploymentCircuitBreaker = &cb
		}
		if in.Alarms != nil {
			cfg.Alarms = in.Alarms
		}
		if err := mergeStrategy(in, &cfg); err != nil { // bluegreen_validate.go
			return cfg, err
		}
	}
	if v := *cfg.MinimumHealthyPercent; v < 0 || v > 100 {
		return cfg, errInvalidParam("deploymentConfiguration.minimumHealthyPercent: must be between 0 and 100, got %d.", v)
	}
	if v := *cfg.MaximumPercent; v < 100 {
		return cfg, errInvalidParam("deploymentConfiguration.maximumPercent: must be at least 100 for a REPLICA service, got %d.", v)
	}
	return cfg, nil
}

// checkServiceLaunch validates launch type, network configuration and
// placement of a service against its task definition.
func checkServiceLaunch(c *cluster, td *taskDef, lt types.LaunchType, nc *types.NetworkConfiguration,
	cons []types.PlacementConstraint, strat []types.PlacementStrategy) error {
	switch lt {
	case types.LaunchTypeEc2:
		if td.def.NetworkMode == types.NetworkModeAwsvpc && !awsvpcConfigured(nc) {
			return errInvalidParam("networkConfiguration: must be provided when networkMode 'awsvpc' is specified.")
		}
	case types.LaunchTypeFargate:
		if !slices.Contains(td.def.Compatibilities, types.CompatibilityFargate) {
			return errInvalidParam("taskDefinition: Task definition does not support launch_type FARGATE.")
		}
		if !awsvpcConfigured(nc) {
			return errInvalidParam("networkConfiguration: must be provided when networkMode 'awsvpc' is specified.")
		}
		if len(cons) > 0 || len(strat) > 0 {
			return errInvalidParam("placementConstraints/placementStrategy: Task placement constraints and strategies are not supported for the FARGATE launch type.")
		}
	default:
		return errInvalidParam("launchType: %s is not supported; use EC2 or FARGATE.", lt)
	}
	if len(cons) > 10 {
		return errInvalidParam("placementConstraints: at most 10 constraints are allowed.")
	}
	if err := validateStrategies(strat); err != nil {
		return err
	}
	// Parse the constraints once so that bad expressions fail now.
	if _, err := needsFor(td, &placementRequest{constraints: cons}); err != nil {
		return err
	}
	return nil
}

// checkLoadBalancers checks that each load balancer names a container and
// port of the task definition.
func checkLoadBalancers(td *taskDef, lbs []types.LoadBalancer) error {
	for i, lb := range lbs {
		if aws.ToString(lb.TargetGroupArn) == "" && aws.ToString(lb.LoadBalancerName) == "" {
			return errInvalidParam("loadBalancers[%d]: targetGroupArn or loadBalancerName must be specified.", i)
		}
		name := aws.ToString(lb.ContainerName)
		idx := slices.IndexFunc(td.def.ContainerDefinitions, func(cd types.ContainerDefinition) bool { return aws.ToString(cd.Name) == name })
		if idx < 0 {
			return errInvalidParam("loadBalancers[%d].containerName: container %s is not in the task definition.", i, name)
		}
		port := aws.ToInt32(lb.ContainerPort)
		if !slices.ContainsFunc(td.def.ContainerDefinitions[idx].PortMappings, func(pm types.PortMapping) bool { return aws.ToInt32(pm.ContainerPort) == port }) {
			return errInvalidParam("loadBalancers[%d].containerPort: container %s has no port mapping for port %d.", i, name, port)
		}
	}
	return nil
}

// checkGrace checks healthCheckGracePeriodSeconds.
func checkGrace(g *int32) error {
	if g != nil && *g < 0 {
		return errInvalidParam("healthCheckGracePeriodSeconds: must not be negative.")
	}
	return nil
}
