package ecsdeploy

import (
	"fmt"
	"math"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

var (
	// listenerOrRuleARNRE matches an ELB listener rule or listener ARN
	// (productionListenerRule and testListenerRule name a rule of an
	// Application Load Balancer or a listener of a Network Load Balancer).
	listenerOrRuleARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:listener(-rule)?/(app|net)/[A-Za-z0-9-]+/[0-9a-f]+/[0-9a-f]+(/[0-9a-f]+)?$`)
	// iamRoleARNRE matches an IAM role ARN.
	iamRoleARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]+$`)
)

// validateDeploymentStrategy checks deploymentConfiguration.strategy and its
// settings against the ECS API Reference (DeploymentConfiguration,
// CanaryConfiguration, LinearConfiguration): the strategy's values;
// bakeTimeInMinutes (0-1440), which BLUE_GREEN requires; canaryConfiguration only
// with CANARY and linearConfiguration only with LINEAR, each with the ECS
// deployment controller, within their ranges (percentages multiples of
// 0.1).
func validateDeploymentStrategy(p *problems, in *ecs.CreateServiceInput) {
	dc := in.DeploymentConfiguration
	if dc == nil {
		return
	}
	const f = "deploymentConfiguration"
	if dc.Strategy != "" && !oneOf(dc.Strategy, types.DeploymentStrategy("").Values()) {
		p.add(f+".strategy", "must be one of %s", enumList(types.DeploymentStrategy("").Values()))
	}
	switch b := dc.BakeTimeInMinutes; {
	case b == nil && dc.Strategy == types.DeploymentStrategyBlueGreen:
		p.add(f+".bakeTimeInMinutes", "is required with the BLUE_GREEN deployment strategy")
	case b != nil && (*b < 0 || *b > MaxStrategyBakeMinutes):
		p.add(f+".bakeTimeInMinutes", "must be between 0 and %d minutes, got %d", MaxStrategyBakeMinutes, *b)
	}
	ecsController := in.DeploymentController == nil || in.DeploymentController.Type == "" || in.DeploymentController.Type == types.DeploymentControllerTypeEcs
	if c := dc.CanaryConfiguration; c != nil {
		g := f + ".canaryConfiguration"
		if dc.Strategy != types.DeploymentStrategyCanary {
			p.add(g, "is only valid with the CANARY deployment strategy, got strategy %q", strategyName(dc.Strategy))
		}
		if !ecsController {
			p.add(g, "is only valid with the ECS deployment controller")
		}
		if v := c.CanaryPercent; v != nil && !tenthsWithin(*v, MinCanaryPercent, MaxCanaryPercent) {
			p.add(g+".canaryPercent", "must be a multiple of 0.1 from 0.1 to 100.0, got %v", *v)
		}
		bakeRange(p, g+".canaryBakeTimeInMinutes", c.CanaryBakeTimeInMinutes)
	}
	if l := dc.LinearConfiguration; l != nil {
		g := f + ".linearConfiguration"
		if dc.Strategy != types.DeploymentStrategyLinear {
			p.add(g, "is only valid with the LINEAR deployment strategy, got strategy %q", strategyName(dc.Strategy))
		}
		if !ecsController {
			p.add(g, "is only valid with the ECS deployment controller")
		}
		if v := l.StepPercent; v != nil && !tenthsWithin(*v, MinLinearStepPercent, MaxLinearStepPercent) {
			p.add(g+".stepPercent", "must be a multiple of 0.1 from 3.0 to 100.0, got %v", *v)
		}
		bakeRange(p, g+".stepBakeTimeInMinutes", l.StepBakeTimeInMinutes)
	}
}

// strategyName is the strategy, ROLLING when unset.
func strategyName(s types.DeploymentStrategy) types.DeploymentStrategy {
	if s == "" {
		return types.DeploymentStrategyRolling
	}
	return s
}

// bakeRange checks a canary or linear bake time: 0 to 1440 minutes.
func bakeRange(p *problems, field string, v *int32) {
	if v != nil && (*v < 0 || *v > MaxStrategyBakeMinutes) {
		p.add(field, "must be between 0 and %d minutes, got %d", MaxStrategyBakeMinutes, *v)
	}
}

// tenthsWithin reports whether v is a multiple of 0.1 within [lo, hi].
func tenthsWithin(v, lo, hi float64) bool {
	t := v * 10
	return !math.IsNaN(v) && v >= lo-1e-9 && v <= hi+1e-9 && math.Abs(t-math.Round(t)) < 1e-6
}

// validateAdvancedConfiguration checks loadBalancers[i].advancedConfiguration:
// alternateTargetGroupArn is required (CloudFormation,
// AWS::ECS::Service AdvancedConfiguration) and, like targetGroupArn, a
// target group ARN other than the load balancer's own; the listener rules
// are ELB listener rule (or listener) ARNs; the
// role is an IAM role ARN.
func validateAdvancedConfiguration(p *problems, f string, lb types.LoadBalancer) {
	ac := lb.AdvancedConfiguration
	if ac == nil {
		return
	}
	f += ".advancedConfiguration"
	switch alt := deref(ac.AlternateTargetGroupArn); {
	case alt == "":
		p.add(f+".alternateTargetGroupArn", "is required")
	case !targetGroupARNRE.MatchString(alt):
		p.add(f+".alternateTargetGroupArn", "must be an ELB target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>)")
	case alt == deref(lb.TargetGroupArn):
		p.add(f+".alternateTargetGroupArn", "must differ from targetGroupArn")
	}
	for _, r := range []struct {
		name string
		v    *string
	}{{"productionListenerRule", ac.ProductionListenerRule}, {"testListenerRule", ac.TestListenerRule}} {
		if r.v != nil && !listenerOrRuleARNRE.MatchString(*r.v) {
			p.add(fmt.Sprintf("%s.%s", f, r.name), "must be an ELB listener rule ARN (arn:aws:elasticloadbalancing:<region>:<account>:listener-rule/app/...) or a Network Load Balancer listener ARN, got %q", *r.v)
		}
	}
	if r := ac.RoleArn; r != nil && !iamRoleARNRE.MatchString(*r) {
		p.add(f+".roleArn", "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got %q", *r)
	}
}
