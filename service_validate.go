package ecsdeploy

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Service quotas and bounds (ECS API Reference and service quotas).
const (
	// MaxLoadBalancersPerService is the number of target groups a service
	// may register with.
	MaxLoadBalancersPerService = 5
	// MaxPlacementConstraints is the limit on placement constraints.
	MaxPlacementConstraints = 10
	// MaxPlacementStrategies is the limit on placement strategies.
	MaxPlacementStrategies = 5
	// MaxCapacityProviders is the limit on capacity provider strategy items.
	MaxCapacityProviders = 20
)

var (
	// taskDefinitionARNRE matches
	// arn:<partition>:ecs:<region>:<account>:task-definition/<family>:<rev>.
	taskDefinitionARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/([A-Za-z0-9_-]{1,255}):([1-9][0-9]*)$`)
	familyRevisionRE    = regexp.MustCompile(`^([A-Za-z0-9_-]{1,255})(?::([1-9][0-9]*))?$`)
	platformVersionRE   = regexp.MustCompile(`^(LATEST|[0-9]+\.[0-9]+\.[0-9]+)$`)
	targetGroupARNRE    = regexp.MustCompile(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]+$`)
)

// ParseTaskDefinitionRef splits a task definition reference ("family",
// "family:revision" or a task definition ARN) into its family and revision
// (0 when the reference means the latest ACTIVE revision).
func ParseTaskDefinitionRef(ref string) (family string, revision int, err error) {
	if m := taskDefinitionARNRE.FindStringSubmatch(ref); m != nil {
		_, err := fmt.Sscan(m[2], &revision)
		return m[1], revision, err
	}
	if m := familyRevisionRE.FindStringSubmatch(ref); m != nil {
		if m[2] != "" {
			if _, err := fmt.Sscan(m[2], &revision); err != nil {
				return "", 0, err
			}
		}
		return m[1], revision, nil
	}
	return "", 0, fmt.Errorf("must be family, family:revision or arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>, got %q", ref)
}

// ValidateServiceInput checks a CreateService request against the rules ECS
// enforces. td, the task definition the service runs, may be nil; when it is
// given, the network configuration and load balancers are checked against
// it. It returns nil or the errors.Join of every *ValidationError found, and
// never panics or modifies its inputs.
func ValidateServiceInput(in *ecs.CreateServiceInput, td *ecs.RegisterTaskDefinitionInput) error {
	p := &problems{root: "service"}
	if in == nil {
		p.add("service", "must not be nil")
		return p.err()
	}
	switch n := deref(in.ServiceName); {
	case n == "":
		p.add("serviceName", "is required")
	case !validName(n):
		p.add("serviceName", nameRule)
	}
	if c := deref(in.Cluster); in.Cluster != nil && !validName(c) && !strings.HasPrefix(c, "arn:") {
		p.add("cluster", "must be a cluster name (1-255 letters, numbers, hyphens and underscores) or ARN")
	}
	external := in.DeploymentController != nil && in.DeploymentController.Type == types.DeploymentControllerTypeExternal
	ref := deref(in.TaskDefinition)
	switch {
	case ref == "" && !external:
		p.add("taskDefinition", "is required")
	case ref != "":
		fam, _, err := ParseTaskDefinitionRef(ref)
		if err != nil {
			p.add("taskDefinition", "%v", err)
		} else if td != nil && td.Family != nil && fam != *td.Family {
			p.add("taskDefinition", "refers to family %q but the task definition's family is %q", fam, *td.Family)
		}
	}
	validateScheduling(p, in)
	validateLaunch(p, in, td)
	validateNetwork(p, in, td)
	validateLoadBalancers(p, in, td)
	validateDeploymentConfiguration(p, in)
	validateDeploymentStrategy(p, in) // service_strategy_validate.go
	validatePlacement(p, in)
	if g := in.HealthCheckGracePeriodSeconds; g != nil && *g < 0 {
		p.add("healthCheckGracePeriodSeconds", "must not be negative, got %d", *g)
	}
	if in.PropagateTags != "" && !oneOf(in.PropagateTags, types.PropagateTags("").Values()) {
		p.add("propagateTags", "must be one of %s", enumList(types.PropagateTags("").Values()))
	}
	validateTags(p, "tags", in.Tags)
	validateUTF8(p, "", reflect.ValueOf(in).Elem())
	return p.err()
}

func validateScheduling(p *problems, in *ecs.CreateServiceInput) {
	if in.SchedulingStrategy != "" && !oneOf(in.SchedulingStrategy, types.SchedulingStrategy("").Values()) {
		p.add("schedulingStrategy", "must be one of %s", enumList(types.SchedulingStrategy("").Values()))
		return
	}
	if in.SchedulingStrategy == types.SchedulingStrategyDaemon {
		if in.LaunchType == types.LaunchTypeFargate {
			p.add("schedulingStrategy", "the DAEMON scheduling strategy does not support the FARGATE launch type")
		}
		if len(in.PlacementStrategy) > 0 {
			p.add("placementStrategy", "placement strategies are not supported with the DAEMON scheduling strategy")
		}
		return
	}
	switch {
	case in.DesiredCount == nil:
		// "This is required if schedulingStrategy is REPLICA or isn't
		// specified." (ECS API Reference, CreateService.desiredCount).
		p.add("desiredCount", "is required for the REPLICA scheduling strategy")
	case *in.DesiredCount < 0:
		p.add("desiredCount", "must not be negative, got %d", *in.DesiredCount)
	}
}

func validateLaunch(p *problems, in *ecs.CreateServiceInput, td *ecs.RegisterTaskDefinitionInput) {
	if in.LaunchType != "" && !oneOf(in.LaunchType, types.LaunchType("").Values()) {
		p.add("launchType", "must be one of %s", enumList(types.LaunchType("").Values()))
	}
	if in.LaunchType != "" && len(in.CapacityProviderStrategy) > 0 {
		p.add("capacityProviderStrategy", "specify either a launchType or a capacityProviderStrategy, not both")
	}
	validateStrategy(p, "capacityProviderStrategy", in.CapacityProviderStrategy) // capacity.go
	if in.PlatformVersion != nil {
		fargate := in.LaunchType == types.LaunchTypeFargate || len(in.CapacityProviderStrategy) > 0
		switch {
		case !platformVersionRE.MatchString(*in.PlatformVersion):
			p.add("platformVersion", "must be LATEST or a version such as 1.4.0, got %q", *in.PlatformVersion)
		case !fargate:
			p.add("platformVersion", "is only valid with the FARGATE launch type or a capacity provider strategy")
		}
	}
	if td != nil && in.LaunchType == types.LaunchTypeFargate && !slices.Contains(td.RequiresCompatibilities, types.CompatibilityFargate) {
		p.add("launchType", "the task definition is not compatible with FARGATE (requiresCompatibilities lacks FARGATE)")
	}
}

func validateNetwork(p *problems, in *ecs.CreateServiceInput, td *ecs.RegisterTaskDefinitionInput) {
	awsvpc := in.LaunchType == types.LaunchTypeFargate
	known := awsvpc
	if td != nil {
		known = true
		awsvpc = td.NetworkMode == types.NetworkModeAwsvpc
	}
	nc := in.NetworkConfiguration
	if nc == nil || nc.AwsvpcConfiguration == nil {
		if known && awsvpc {
			// Observed ECS text.
			p.add("networkConfiguration", "Network Configuration must be provided when networkMode 'awsvpc' is specified.")
		}
		return
	}
	if known && !awsvpc {
		// Observed ECS text.
		p.add("networkConfiguration", "Network Configuration is not valid for the given networkMode of this task definition.")
	}
	a := nc.AwsvpcConfiguration
	const f = "networkConfiguration.awsvpcConfiguration"
	switch n := len(a.Subnets); {
	case n == 0:
		p.add(f+".subnets", "at least one subnet is required")
	case n > 16:
		p.add(f+".subnets", "at most 16 subnets are allowed, got %d", n)
	}
	for i, s := range a.Subnets {
		if !strings.HasPrefix(s, "subnet-") {
			p.add(fmt.Sprintf("%s.subnets[%d]", f, i), "must be a subnet ID (subnet-...), got %q", s)
		}
	}
	if n := len(a.SecurityGroups); n > 5 {
		p.add(f+".securityGroups", "at most 5 security groups are allowed, got %d", n)
	}
	for i, s := range a.SecurityGroups {
		if !strings.HasPrefix(s, "sg-") {
			p.add(fmt.Sprintf("%s.securityGroups[%d]", f, i), "must be a security group ID (sg-...), got %q", s)
		}
	}
	switch {
	case a.AssignPublicIp != "" && !oneOf(a.AssignPublicIp, types.AssignPublicIp("").Values()):
		p.add(f+".assignPublicIp", "must be one of %s", enumList(types.AssignPublicIp("").Values()))
	case a.AssignPublicIp == types.AssignPublicIpEnabled && in.LaunchType == types.LaunchTypeEc2:
		// Observed ECS text.
		p.add(f+".assignPublicIp", "Assign public IP is not supported for this launch type.")
	}
}

func validateLoadBalancers(p *problems, in *ecs.CreateServiceInput, td *ecs.RegisterTaskDefinitionInput) {
	if n := len(in.LoadBalancers); n > MaxLoadBalancersPerService {
		p.add("loadBalancers", "at most %d load balancers (target groups) are allowed per service, got %d", MaxLoadBalancersPerService, n)
	}
	for i, lb := range in.LoadBalancers {
		f := fmt.Sprintf("loadBalancers[%d]", i)
		tg, name := deref(lb.TargetGroupArn), deref(lb.LoadBalancerName)
		switch {
		case tg == "" && name == "":
			p.add(f+".targetGroupArn", "is required (or loadBalancerName for a Classic Load Balancer)")
		case tg != "" && name != "":
			p.add(f+".targetGroupArn", "specify either targetGroupArn or loadBalancerName, not both")
		case tg != "" && !targetGroupARNRE.MatchString(tg):
			p.add(f+".targetGroupArn", "must be an ELB target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>)")
		}
		validateAdvancedConfiguration(p, f, lb) // service_strategy_validate.go
		container := deref(lb.ContainerName)
		if container == "" {
			p.add(f+".containerName", "is required")
		}
		if lb.ContainerPort == nil {
			p.add(f+".containerPort", "is required")
			continue
		} else if *lb.ContainerPort < 1 || *lb.ContainerPort > 65535 {
			p.add(f+".containerPort", "must be between 1 and 65535, got %d", *lb.ContainerPort)
			continue
		}
		if td == nil || container == "" {
			continue
		}
		cd := findContainer(td, container)
		if cd == nil {
			p.add(f+".containerName", "The container %s does not exist in the task definition.", container)
			continue
		}
		if !slices.ContainsFunc(cd.PortMappings, func(pm types.PortMapping) bool { return deref(pm.ContainerPort) == *lb.ContainerPort }) {
			// Observed ECS text.
			p.add(f+".containerPort", "The container %s did not have a container port %d defined.", container, *lb.ContainerPort)
		}
	}
}

func findContainer(td *ecs.RegisterTaskDefinitionInput, name string) *types.ContainerDefinition {
	for i := range td.ContainerDefinitions {
		if deref(td.ContainerDefinitions[i].Name) == name {
			return &td.ContainerDefinitions[i]
		}
	}
	return nil
}

func validateDeploymentConfiguration(p *problems, in *ecs.CreateServiceInput) {
	dc := in.DeploymentConfiguration
	if dc == nil {
		return
	}
	const f = "deploymentConfiguration"
	daemon := in.SchedulingStrategy == types.SchedulingStrategyDaemon
	if v := dc.MinimumHealthyPercent; v != nil && (*v < 0 || *v > 100) {
		p.add(f+".minimumHealthyPercent", "must be between 0 and 100, got %d", *v)
	}
	if v := dc.MaximumPercent; v != nil {
		switch {
		case daemon && *v != 100:
			p.add(f+".maximumPercent", "must be 100 for the DAEMON scheduling strategy, got %d", *v)
		case *v < 100:
			p.add(f+".maximumPercent", "must be at least 100, got %d", *v)
		case dc.MinimumHealthyPercent != nil && *v < *dc.MinimumHealthyPercent:
			p.add(f+".maximumPercent", "must not be less than minimumHealthyPercent %d", *dc.MinimumHealthyPercent)
		}
	}
	if dc.DeploymentCircuitBreaker != nil && in.DeploymentController != nil &&
		in.DeploymentController.Type != "" && in.DeploymentController.Type != types.DeploymentControllerTypeEcs {
		p.add(f+".deploymentCircuitBreaker", "is only supported with the ECS (rolling update) deployment controller")
	}
}

func validatePlacement(p *problems, in *ecs.CreateServiceInput) {
	fargate := in.LaunchType == types.LaunchTypeFargate
	if n := len(in.PlacementConstraints); n > MaxPlacementConstraints {
		p.add("placementConstraints", "at most %d placement constraints are allowed, got %d", MaxPlacementConstraints, n)
	}
	if fargate && len(in.PlacementConstraints) > 0 {
		p.add("placementConstraints", "are not supported on Fargate")
	}
	for i, pc := range in.PlacementConstraints {
		f := fmt.Sprintf("placementConstraints[%d]", i)
		switch {
		case !oneOf(pc.Type, types.PlacementConstraintType("").Values()):
			p.add(f+".type", "must be one of %s", enumList(types.PlacementConstraintType("").Values()))
		case pc.Type == types.PlacementConstraintTypeMemberOf && deref(pc.Expression) == "":
			p.add(f+".expression", "is required for memberOf")
		case pc.Type == types.PlacementConstraintTypeDistinctInstance && pc.Expression != nil:
			p.add(f+".expression", "is not allowed for distinctInstance")
		}
	}
	if n := len(in.PlacementStrategy); n > MaxPlacementStrategies {
		p.add("placementStrategy", "at most %d placement strategies are allowed, got %d", MaxPlacementStrategies, n)
	}
	if fargate && len(in.PlacementStrategy) > 0 {
		p.add("placementStrategy", "is not supported on Fargate")
	}
	for i, ps := range in.PlacementStrategy {
		f := fmt.Sprintf("placementStrategy[%d]", i)
		field := deref(ps.Field)
		switch ps.Type {
		case types.PlacementStrategyTypeBinpack:
			if field != "cpu" && field != "memory" {
				p.add(f+".field", "binpack needs field cpu or memory, got %q", field)
			}
		case types.PlacementStrategyTypeSpread:
			if field == "" {
				p.add(f+".field", "spread needs a field such as instanceId or attribute:ecs.availability-zone")
			}
		case types.PlacementStrategyTypeRandom:
			if field != "" {
				p.add(f+".field", "random takes no field")
			}
		default:
			p.add(f+".type", "must be one of %s", enumList(types.PlacementStrategyType("").Values()))
		}
	}
}
