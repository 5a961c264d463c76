package fake

import (
	"math"
	"regexp"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// Validation of the blue/green parts of CreateService and UpdateService
// (bluegreen.go): deploymentConfiguration.strategy, bakeTimeInMinutes and
// lifecycleHooks, and loadBalancers[].advancedConfiguration. Every error is
// an InvalidParameterException naming the field and the rule; nothing is
// changed. Sources and choices: docs/ecs-semantics.md, "Blue/green
// deployments".

// maxBakeTimeInMinutes is the largest bakeTimeInMinutes (API Reference,
// DeploymentConfiguration: 0-1440).
const maxBakeTimeInMinutes = 1440

// iamRoleARN is the form of an IAM role ARN.
var iamRoleARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$`)

// mergeStrategy checks the strategy fields of in and copies them onto cfg
// (the configuration withDeploymentDefaults builds).
func mergeStrategy(in *types.DeploymentConfiguration, cfg *types.DeploymentConfiguration) error {
	switch in.Strategy {
	case "", types.DeploymentStrategyRolling, types.DeploymentStrategyBlueGreen, types.DeploymentStrategyLinear, types.DeploymentStrategyCanary:
	default:
		return errInvalidParam("deploymentConfiguration.strategy: must be one of ROLLING, BLUE_GREEN, LINEAR, CANARY, got %q.", string(in.Strategy))
	}
	if b := in.BakeTimeInMinutes; b != nil && (*b < 0 || *b > maxBakeTimeInMinutes) {
		return errInvalidParam("deploymentConfiguration.bakeTimeInMinutes: must be between 0 and %d, got %d.", maxBakeTimeInMinutes, *b)
	}
	if len(in.LifecycleHooks) > 0 {
		return errInvalidParam("deploymentConfiguration.lifecycleHooks: lifecycle hooks invoke AWS Lambda functions, which the fake does not simulate; remove them to deploy with the fake.")
	}
	if c := in.LinearConfiguration; c != nil {
		if err := checkShiftConfig("deploymentConfiguration.linearConfiguration", "stepPercent", c.StepPercent, 3, "stepBakeTimeInMinutes", c.StepBakeTimeInMinutes); err != nil {
			return err
		}
		l := *c
		cfg.LinearConfiguration = &l
	}
	if c := in.CanaryConfiguration; c != nil {
		if err := checkShiftConfig("deploymentConfiguration.canaryConfiguration", "canaryPercent", c.CanaryPercent, 0.1, "canaryBakeTimeInMinutes", c.CanaryBakeTimeInMinutes); err != nil {
			return err
		}
		k := *c
		cfg.CanaryConfiguration = &k
	}
	if in.Strategy != "" {
		cfg.Strategy = in.Strategy
	}
	if in.BakeTimeInMinutes != nil {
		cfg.BakeTimeInMinutes = aws.Int32(*in.BakeTimeInMinutes)
	}
	if cfg.Strategy == types.DeploymentStrategyBlueGreen && cfg.BakeTimeInMinutes == nil {
		return errInvalidParam("deploymentConfiguration.bakeTimeInMinutes: must be specified when strategy is BLUE_GREEN.")
	}
	if in.LinearConfiguration != nil && cfg.Strategy != types.DeploymentStrategyLinear {
		return errInvalidParam("deploymentConfiguration.linearConfiguration: is only valid with strategy LINEAR.")
	}
	if in.CanaryConfiguration != nil && cfg.Strategy != types.DeploymentStrategyCanary {
		return errInvalidParam("deploymentConfiguration.canaryConfiguration: is only valid with strategy CANARY.")
	}
	// A configuration kept from the service's earlier strategy no longer
	// applies: the API has no way to remove it, so switching strategies
	// drops it rather than refusing a field the caller did not send.
	if cfg.Strategy != types.DeploymentStrategyLinear {
		cfg.LinearConfiguration = nil
	}
	if cfg.Strategy != types.DeploymentStrategyCanary {
		cfg.CanaryConfiguration = nil
	}
	return nil
}

// checkShiftConfig checks a linear or canary configuration (API
// Reference, LinearConfiguration and CanaryConfiguration): the percentage
// a multiple of 0.1 from least to 100.0, the bake time 0 to 1440 minutes.
func checkShiftConfig(field, pctName string, pct *float64, least float64, bakeName string, bake *int32) error {
	if p := pct; p != nil {
		tenths := *p * 10
		if *p < least-1e-9 || *p > 100+1e-9 || math.Abs(tenths-math.Round(tenths)) > 1e-6 {
			return errInvalidParam("%s.%s: must be a multiple of 0.1 from %.1f to 100.0, got %v.", field, pctName, least, *p)
		}
	}
	if b := bake; b != nil && (*b < 0 || *b > maxBakeTimeInMinutes) {
		return errInvalidParam("%s.%s: must be between 0 and %d, got %d.", field, bakeName, maxBakeTimeInMinutes, *b)
	}
	return nil
}

// checkBlueGreenLocked checks a BLUE_GREEN (LINEAR, CANARY) service's load
// balancers (a service without one deploys blue/green without managed
// traffic shifting: docs/ecs-semantics.md): each has an advancedConfiguration whose alternate target group and listener
// rules exist and belong with its targetGroupArn (same Application Load
// Balancer, forward actions to both groups). Other strategies ignore
// advancedConfiguration.
func (e *ECS) checkBlueGreenLocked(cfg types.DeploymentConfiguration, lbs []types.LoadBalancer) error {
	if !isBlueGreen(cfg) {
		return nil
	}
	for i, lb := range lbs {
		if err := e.checkAdvancedConfigLocked(cfg.Strategy, i, lb); err != nil {
			return err
		}
	}
	return nil
}

// checkAdvancedConfigLocked checks loadBalancers[i] of a BLUE_GREEN
// service (checkServiceTargetGroupsLocked has checked its target group).
func (e *ECS) checkAdvancedConfigLocked(strategy types.DeploymentStrategy, i int, lb types.LoadBalancer) error {
	f := func(name string) string { return "loadBalancers[" + itoa(i) + "].advancedConfiguration" + name }
	ac := lb.AdvancedConfiguration
	if ac == nil {
		return errInvalidParam("%s: must be specified when deploymentConfiguration.strategy is %s.", f(""), strategy)
	}
	primary := e.elb.tgByArn[aws.ToString(lb.TargetGroupArn)]
	if primary == nil {
		return errInvalidParam("loadBalancers[%d].targetGroupArn: must be specified when deploymentConfiguration.strategy is %s.", i, strategy)
	}
	altArn := aws.ToString(ac.AlternateTargetGroupArn)
	alt := e.elb.tgByArn[altArn]
	switch {
	case altArn == "":
		return errInvalidParam("%s: must be specified.", f(".alternateTargetGroupArn"))
	case alt == nil:
		return errInvalidParam("%s: the target group %s does not exist.", f(".alternateTargetGroupArn"), altArn)
	case alt == primary:
		return errInvalidParam("%s: must differ from loadBalancers[%d].targetGroupArn.", f(".alternateTargetGroupArn"), i)
	case alt.lb == nil || alt.lb != primary.lb:
		return errInvalidParam("%s: the target group %s must be associated with the load balancer of loadBalancers[%d].targetGroupArn.", f(".alternateTargetGroupArn"), altArn, i)
	case alt.targetType != primary.targetType || alt.protocol != primary.protocol:
		return errInvalidParam("%s: the target group %s must have the target type and protocol of loadBalancers[%d].targetGroupArn (%s, %s).",
			f(".alternateTargetGroupArn"), altArn, i, primary.targetType, primary.protocol)
	}
	if primary.lb.typ != elbtypes.LoadBalancerTypeEnumApplication {
		return errInvalidParam("loadBalancers[%d].targetGroupArn: blue/green deployments with a Network Load Balancer are not simulated by the fake; use an Application Load Balancer.", i)
	}
	prod := aws.ToString(ac.ProductionListenerRule)
	if prod == "" {
		return errInvalidParam("%s: must be specified for an Application Load Balancer.", f(".productionListenerRule"))
	}
	tgs, err := e.checkBlueGreenRuleLocked(f(".productionListenerRule"), prod, primary)
	if err != nil {
		return err
	}
	if test := aws.ToString(ac.TestListenerRule); test != "" {
		if test == prod {
			return errInvalidParam("%s: must differ from productionListenerRule.", f(".testListenerRule"))
		}
		testTGs, err := e.checkBlueGreenRuleLocked(f(".testListenerRule"), test, primary)
		if err != nil {
			return err
		}
		tgs = append(tgs, testTGs...)
	}
	if !slices.Contains(tgs, primary.arn) || !slices.Contains(tgs, alt.arn) {
		return errInvalidParam("%s: both targetGroup %s and alternateTargetGroup %s must be associated with the productionListenerRule or testListenerRule (forwarded to by one of them).",
			f(".productionListenerRule"), primary.arn, alt.arn)
	}
	if role := aws.ToString(ac.RoleArn); role == "" {
		return errInvalidParam("%s: must be specified: Amazon ECS assumes it to change the listener rules.", f(".roleArn"))
	} else if !iamRoleARN.MatchString(role) {
		return errInvalidParam("%s: %q is not an IAM role ARN.", f(".roleArn"), role)
	}
	return nil
}

// checkBlueGreenRuleLocked checks a production or test listener rule: it
// exists, is a rule of the load balancer of the service's target groups
// and has only forward actions. It returns the target groups the rule
// forwards to (checkAdvancedConfigLocked checks that the two rules
// together forward to both groups of the pair: ECS rewrites them to
// forward to both, with weights, as it shifts traffic).
func (e *ECS) checkBlueGreenRuleLocked(field, arn string, primary *targetGroup) ([]string, error) {
	r := e.elb.rules[arn]
	if r == nil {
		return nil, errInvalidParam("%s: the listener rule %s does not exist.", field, arn)
	}
	if r.l.lb != primary.lb {
		return nil, errInvalidParam("%s: the listener rule %s is not a rule of the load balancer of the service's target groups.", field, arn)
	}
	for _, a := range r.actions {
		if a.Type != elbtypes.ActionTypeEnumForward {
			return nil, errInvalidParam("%s: the listener rule %s has a %s action; blue/green deployments need rules with forward actions only.", field, arn, a.Type)
		}
	}
	return forwardTargets(r.actions), nil
}
