package ecsdeploy

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Ranges of the ECS-native blue/green strategies (ECS API Reference,
// CanaryConfiguration and LinearConfiguration).
const (
	// MaxStrategyBakeMinutes bounds bakeTimeInMinutes,
	// canaryBakeTimeInMinutes and stepBakeTimeInMinutes (0 to 1440
	// minutes, 24 hours).
	MaxStrategyBakeMinutes = 1440
	// MinCanaryPercent and MaxCanaryPercent bound canaryPercent (multiples
	// of 0.1).
	MinCanaryPercent, MaxCanaryPercent = 0.1, 100.0
	// MinLinearStepPercent and MaxLinearStepPercent bound stepPercent
	// (multiples of 0.1).
	MinLinearStepPercent, MaxLinearStepPercent = 3.0, 100.0
)

// Rolling uses the ROLLING deployment strategy (ECS's default): tasks are
// replaced within minimumHealthyPercent and maximumPercent. It clears any
// blue/green bake time and canary or linear configuration.
func (b *ServiceBuilder) Rolling() *ServiceBuilder {
	d := b.deployment()
	d.Strategy, d.BakeTimeInMinutes, d.CanaryConfiguration, d.LinearConfiguration = types.DeploymentStrategyRolling, nil, nil, nil
	return b
}

// BlueGreen uses the ECS-native BLUE_GREEN strategy: a deployment starts
// the new revision (green) at full size beside the old one (blue), moves
// the test and then all production traffic to it at once, keeps blue for
// bakeMinutes (deploymentConfiguration.bakeTimeInMinutes, which ECS
// requires for BLUE_GREEN) and then stops blue. Each load balancer needs
// an alternate target group and listener rules: see BlueGreenLoadBalancer.
func (b *ServiceBuilder) BlueGreen(bakeMinutes int32) *ServiceBuilder {
	d := b.deployment()
	d.Strategy, d.BakeTimeInMinutes, d.CanaryConfiguration, d.LinearConfiguration = types.DeploymentStrategyBlueGreen, aws.Int32(bakeMinutes), nil, nil
	return b
}

// Linear uses the LINEAR strategy: as BlueGreen, but production traffic
// moves to the new revision stepPercent at a time (multiples of 0.1 from
// 3.0 to 100.0), stepBakeMinutes apart (0-1440), then bakeMinutes pass
// before the old revision stops.
func (b *ServiceBuilder) Linear(stepPercent float64, stepBakeMinutes, bakeMinutes int32) *ServiceBuilder {
	d := b.deployment()
	d.Strategy, d.BakeTimeInMinutes, d.CanaryConfiguration = types.DeploymentStrategyLinear, aws.Int32(bakeMinutes), nil
	d.LinearConfiguration = &types.LinearConfiguration{StepPercent: aws.Float64(stepPercent), StepBakeTimeInMinutes: aws.Int32(stepBakeMinutes)}
	return b
}

// Canary uses the CANARY strategy: as BlueGreen, but percent of production
// traffic (multiples of 0.1 from 0.1 to 100.0) moves to the new revision
// first, the rest canaryBakeMinutes later (0-1440), then bakeMinutes pass
// before the old revision stops.
func (b *ServiceBuilder) Canary(percent float64, canaryBakeMinutes, bakeMinutes int32) *ServiceBuilder {
	d := b.deployment()
	d.Strategy, d.BakeTimeInMinutes, d.LinearConfiguration = types.DeploymentStrategyCanary, aws.Int32(bakeMinutes), nil
	d.CanaryConfiguration = &types.CanaryConfiguration{CanaryPercent: aws.Float64(percent), CanaryBakeTimeInMinutes: aws.Int32(canaryBakeMinutes)}
	return b
}

// BlueGreenRouting is a load balancer's advancedConfiguration: what ECS
// needs to move traffic between a blue/green service's two target groups.
type BlueGreenRouting struct {
	// AlternateTargetGroupArn is the second target group (required); ECS
	// registers each new revision in whichever of the two does not serve
	// production.
	AlternateTargetGroupArn string
	// ProductionListenerRule is the ARN of the Application Load Balancer
	// listener rule (or Network Load Balancer listener) that routes
	// production traffic; it forwards to both target groups.
	ProductionListenerRule string
	// TestListenerRule, optional, is the rule (or listener) that routes
	// test traffic to the new revision before production moves.
	TestListenerRule string
	// RoleArn is the IAM role that lets ECS change the listener rules.
	RoleArn string
}

// advancedConfiguration is r in the API's form, empty members unset.
func (r BlueGreenRouting) advancedConfiguration() *types.AdvancedConfiguration {
	return &types.AdvancedConfiguration{AlternateTargetGroupArn: optional(r.AlternateTargetGroupArn),
		ProductionListenerRule: optional(r.ProductionListenerRule), TestListenerRule: optional(r.TestListenerRule), RoleArn: optional(r.RoleArn)}
}

// BlueGreenLoadBalancer registers container:port with targetGroupARN and,
// for the BLUE_GREEN, LINEAR and CANARY strategies, with r's alternate
// target group, routed by r's listener rules
// (loadBalancers[].advancedConfiguration).
func (b *ServiceBuilder) BlueGreenLoadBalancer(targetGroupARN, container string, port int32, r BlueGreenRouting) *ServiceBuilder {
	b.LoadBalancer(targetGroupARN, container, port)
	b.in.LoadBalancers[len(b.in.LoadBalancers)-1].AdvancedConfiguration = r.advancedConfiguration()
	return b
}
