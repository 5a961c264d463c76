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
		validateShift(p, shiftRule{field: f + ".canaryConfiguration", strategy: types.DeploymentStrategyCanary,
			percent: "canaryPercent", lo: MinCanaryPercent, hi: MaxCanaryPercent, bake: "canaryBakeTimeInMinutes"},
			dc.Strategy, ecsController, c.CanaryPercent, c.CanaryBakeTimeInMinutes)
	}
	if l := dc.LinearConfiguration; l != nil {
		validateShift(p, shiftRule{field: f + ".linearConfiguration", strategy: types.DeploymentStrategyLinear,
			percent: "stepPercent", lo: MinLinearStepPercent, hi: MaxLinearStepPercent, bake: "stepBakeTimeInMinutes"},
			dc.Strategy, ecsController, l.StepPercent, l.StepBakeTimeInMinutes)
	}
}

// shiftRule is what the API Reference says of a canaryConfiguration or a
// linearConfiguration: the strategy it belongs to, its percentage's name
// and range (multiples of 0.1), and its bake time's name.
type shiftRule struct {
	field, percent, bake string
	strategy             types.DeploymentStrategy
	lo, hi               float64
}

// validateShift checks a canary or linear configuration given with
// strategy under the ECS deployment controller (ecsController).
func validateShift(p *problems, r shiftRule, strategy types.DeploymentStrategy, ecsController bool, percent *float64, bake *int32) {
	if strategy != r.strategy {
		p.add(r.field, "is only valid with the %s deployment strategy, got strategy %q", r.strategy, strategyName(strategy))
	}
	if !ecsController {
		p.add(r.field, "is only valid with the ECS deployment controller")
	}
	if percent != nil && !tenthsWithin(*percent, r.lo, r.hi) {
		p.add(r.field+"."+r.percent, "must be a multiple of 0.1 from %.1f to %.1f, got %v", r.lo, r.hi, *percent)
	}
	bakeRange(p, r.field+"."+r.bake, bake)
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
