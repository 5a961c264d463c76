package fake

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// Bad blue/green input is InvalidParameterException naming the field and
// the rule, and creates nothing (CreateService) or changes nothing
// (UpdateService: the service's configuration and deployments stay).
func TestBlueGreenValidationNamesFieldAndRule(t *testing.T) {
	e := newCluster(t, 0)
	x := e.ELBv2()
	s := newBlueGreenALB(t, x)
	td := register(t, e, webFargateTD("web:1"))
	// Another load balancer's group, a group of no load balancer, a rule
	// with a fixed response, a rule of another listener forwarding to web-tg only.
	lb2, err := x.CreateLoadBalancer(bg, &elbv2.CreateLoadBalancerInput{Name: aws.String("other-lb"), Subnets: []string{"subnet-us-east-1a", "subnet-us-east-1b"}})
	if err != nil {
		t.Fatal(err)
	}
	otherTG := newTG(t, x, "other-tg", elbtypes.TargetTypeEnumIp)
	if _, err := x.CreateListener(bg, &elbv2.CreateListenerInput{LoadBalancerArn: lb2.LoadBalancers[0].LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(otherTG)}}}); err != nil {
		t.Fatal(err)
	}
	loneTG := newTG(t, x, "lone-tg", elbtypes.TargetTypeEnumIp)
	instTG := newTG(t, x, "inst-tg", elbtypes.TargetTypeEnumInstance)
	if _, err := x.ModifyListener(bg, &elbv2.ModifyListenerInput{ListenerArn: aws.String(s.listener), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward,
		ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{{TargetGroupArn: aws.String(s.tg)}, {TargetGroupArn: aws.String(instTG)}}}}}}); err != nil {
		t.Fatal(err)
	}
	fixed, err := x.CreateRule(bg, &elbv2.CreateRuleInput{ListenerArn: aws.String(s.listener), Priority: aws.Int32(3),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/health"}}},
		Actions:    []elbtypes.Action{{Type: elbtypes.ActionTypeEnumFixedResponse, FixedResponseConfig: &elbtypes.FixedResponseActionConfig{StatusCode: aws.String("200")}}}})
	if err != nil {
		t.Fatal(err)
	}
	blueOnly, err := x.CreateRule(bg, &elbv2.CreateRuleInput{ListenerArn: aws.String(s.listener), Priority: aws.Int32(4),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/blue"}}},
		Actions:    []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(s.tg)}}})
	if err != nil {
		t.Fatal(err)
	}
	blueToo, err := x.CreateRule(bg, &elbv2.CreateRuleInput{ListenerArn: aws.String(s.listener), Priority: aws.Int32(5),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/blue-too"}}},
		Actions:    []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(s.tg)}}})
	if err != nil {
		t.Fatal(err)
	}
	missingRule := strings.Replace(s.prod, "listener-rule/app/web-lb", "listener-rule/app/gone-lb", 1)
	type mod func(*ecs.CreateServiceInput)
	ac := func(f func(*types.AdvancedConfiguration)) mod {
		return func(in *ecs.CreateServiceInput) { f(in.LoadBalancers[0].AdvancedConfiguration) }
	}
	cfg := func(f func(*types.DeploymentConfiguration)) mod {
		return func(in *ecs.CreateServiceInput) { f(in.DeploymentConfiguration) }
	}
	cases := []struct {
		name, field, rule string
		mod               mod
	}{
		{"unknown strategy", "deploymentConfiguration.strategy", "must be one of ROLLING, BLUE_GREEN, LINEAR, CANARY", cfg(func(c *types.DeploymentConfiguration) { c.Strategy = "RED_BLACK" })},
		{"bake over 1440", "deploymentConfiguration.bakeTimeInMinutes", "must be between 0 and 1440, got 1441", cfg(func(c *types.DeploymentConfiguration) { c.BakeTimeInMinutes = aws.Int32(1441) })},
		{"bake negative", "deploymentConfiguration.bakeTimeInMinutes", "must be between 0 and 1440, got -1", cfg(func(c *types.DeploymentConfiguration) { c.BakeTimeInMinutes = aws.Int32(-1) })},
		{"bake missing", "deploymentConfiguration.bakeTimeInMinutes", "must be specified when strategy is BLUE_GREEN", cfg(func(c *types.DeploymentConfiguration) { c.BakeTimeInMinutes = nil })},
		{"lifecycle hooks", "deploymentConfiguration.lifecycleHooks", "invoke AWS Lambda functions, which the fake does not simulate", cfg(func(c *types.DeploymentConfiguration) {
			c.LifecycleHooks = []types.DeploymentLifecycleHook{{HookTargetArn: aws.String("arn:aws:lambda:us-east-1:123456789012:function:check"),
				RoleArn: aws.String(testRoleARN), LifecycleStages: []types.DeploymentLifecycleHookStage{types.DeploymentLifecycleHookStagePostTestTrafficShift}}}
		})},
		{"linear configuration", "deploymentConfiguration.linearConfiguration", "only valid with strategy LINEAR", cfg(func(c *types.DeploymentConfiguration) {
			c.LinearConfiguration = &types.LinearConfiguration{StepPercent: aws.Float64(10)}
		})},
		{"canary configuration with linear", "deploymentConfiguration.canaryConfiguration", "only valid with strategy CANARY", cfg(func(c *types.DeploymentConfiguration) {
			c.Strategy, c.CanaryConfiguration = types.DeploymentStrategyLinear, &types.CanaryConfiguration{CanaryPercent: aws.Float64(10)}
		})},
		{"canary percent", "deploymentConfiguration.canaryConfiguration.canaryPercent", "must be a multiple of 0.1 from 0.1 to 100.0, got 0.05", cfg(func(c *types.DeploymentConfiguration) {
			c.Strategy, c.CanaryConfiguration = types.DeploymentStrategyCanary, &types.CanaryConfiguration{CanaryPercent: aws.Float64(0.05)}
		})},
		{"canary percent tenths", "deploymentConfiguration.canaryConfiguration.canaryPercent", "must be a multiple of 0.1 from 0.1 to 100.0, got 12.34", cfg(func(c *types.DeploymentConfiguration) {
			c.Strategy, c.CanaryConfiguration = types.DeploymentStrategyCanary, &types.CanaryConfiguration{CanaryPercent: aws.Float64(12.34)}
		})},
		{"canary bake", "deploymentConfiguration.canaryConfiguration.canaryBakeTimeInMinutes", "must be between 0 and 1440, got 1441", cfg(func(c *types.DeploymentConfiguration) {
			c.Strategy, c.CanaryConfiguration = types.DeploymentStrategyCanary, &types.CanaryConfiguration{CanaryBakeTimeInMinutes: aws.Int32(1441)}
		})},
		{"step percent", "deploymentConfiguration.linearConfiguration.stepPercent", "must be a multiple of 0.1 from 3.0 to 100.0, got 2.9", cfg(func(c *types.DeploymentConfiguration) {
			c.Strategy, c.LinearConfiguration = types.DeploymentStrategyLinear, &types.LinearConfiguration{StepPercent: aws.Float64(2.9)}
		})},
		{"step bake", "deploymentConfiguration.linearConfiguration.stepBakeTimeInMinutes", "must be between 0 and 1440, got -1", cfg(func(c *types.DeploymentConfiguration) {
			c.Strategy, c.LinearConfiguration = types.DeploymentStrategyLinear, &types.LinearConfiguration{StepBakeTimeInMinutes: aws.Int32(-1)}
		})},
		{"linear without advanced configuration", "loadBalancers[0].advancedConfiguration", "must be specified when deploymentConfiguration.strategy is LINEAR", func(in *ecs.CreateServiceInput) {
			in.DeploymentConfiguration.Strategy = types.DeploymentStrategyLinear
			in.LoadBalancers[0].AdvancedConfiguration = nil
		}},
		{"no advanced configuration", "loadBalancers[0].advancedConfiguration", "must be specified when deploymentConfiguration.strategy is BLUE_GREEN", func(in *ecs.CreateServiceInput) { in.LoadBalancers[0].AdvancedConfiguration = nil }},
		{"no alternate", "loadBalancers[0].advancedConfiguration.alternateTargetGroupArn", "must be specified", ac(func(a *types.AdvancedConfiguration) { a.AlternateTargetGroupArn = nil })},
		{"alternate missing", "loadBalancers[0].advancedConfiguration.alternateTargetGroupArn", "does not exist", ac(func(a *types.AdvancedConfiguration) { a.AlternateTargetGroupArn = aws.String(s.green + "0") })},
		{"alternate is primary", "loadBalancers[0].advancedConfiguration.alternateTargetGroupArn", "must differ from loadBalancers[0].targetGroupArn", ac(func(a *types.AdvancedConfiguration) { a.AlternateTargetGroupArn = aws.String(s.tg) })},
		{"alternate unused", "loadBalancers[0].advancedConfiguration.alternateTargetGroupArn", "must be associated with the load balancer of loadBalancers[0].targetGroupArn", ac(func(a *types.AdvancedConfiguration) { a.AlternateTargetGroupArn = aws.String(loneTG) })},
		{"alternate elsewhere", "loadBalancers[0].advancedConfiguration.alternateTargetGroupArn", "must be associated with the load balancer of loadBalancers[0].targetGroupArn", ac(func(a *types.AdvancedConfiguration) { a.AlternateTargetGroupArn = aws.String(otherTG) })},
		{"alternate target type", "loadBalancers[0].advancedConfiguration.alternateTargetGroupArn", "must have the target type and protocol of loadBalancers[0].targetGroupArn (ip, HTTP)", ac(func(a *types.AdvancedConfiguration) { a.AlternateTargetGroupArn = aws.String(instTG) })},
		{"no production rule", "loadBalancers[0].advancedConfiguration.productionListenerRule", "must be specified for an Application Load Balancer", ac(func(a *types.AdvancedConfiguration) { a.ProductionListenerRule = nil })},
		{"production rule missing", "loadBalancers[0].advancedConfiguration.productionListenerRule", "does not exist", ac(func(a *types.AdvancedConfiguration) { a.ProductionListenerRule = aws.String(missingRule) })},
		{"production rule fixed response", "loadBalancers[0].advancedConfiguration.productionListenerRule", "has a fixed-response action; blue/green deployments need rules with forward actions only", ac(func(a *types.AdvancedConfiguration) { a.ProductionListenerRule = fixed.Rules[0].RuleArn })},
		{"production rule one group, no test rule", "loadBalancers[0].advancedConfiguration.productionListenerRule", "must be associated with the productionListenerRule or testListenerRule", ac(func(a *types.AdvancedConfiguration) {
			a.ProductionListenerRule, a.TestListenerRule = blueOnly.Rules[0].RuleArn, nil
		})},
		{"test rule is production rule", "loadBalancers[0].advancedConfiguration.testListenerRule", "must differ from productionListenerRule", ac(func(a *types.AdvancedConfiguration) { a.TestListenerRule = aws.String(s.prod) })},
		{"both rules one group", "loadBalancers[0].advancedConfiguration.productionListenerRule", "must be associated with the productionListenerRule or testListenerRule", ac(func(a *types.AdvancedConfiguration) {
			a.ProductionListenerRule, a.TestListenerRule = blueOnly.Rules[0].RuleArn, blueToo.Rules[0].RuleArn
		})},
		{"no role", "loadBalancers[0].advancedConfiguration.roleArn", "must be specified", ac(func(a *types.AdvancedConfiguration) { a.RoleArn = nil })},
		{"bad role", "loadBalancers[0].advancedConfiguration.roleArn", "is not an IAM role ARN", ac(func(a *types.AdvancedConfiguration) { a.RoleArn = aws.String("ecsRole") })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := blueGreenInput(s, td, 2, 5)
			c.mod(in)
			_, err := e.CreateService(bg, in)
			ipe := wantAPIError[*types.InvalidParameterException](t, err, "InvalidParameterException")
			if msg := aws.ToString(ipe.Message); !strings.HasPrefix(msg, c.field+": ") || !strings.Contains(msg, c.rule) {
				t.Fatalf("message %q, want field %s and %q", msg, c.field, c.rule)
			}
			if l, _ := e.ListServices(bg, &ecs.ListServicesInput{}); len(l.ServiceArns) != 0 {
				t.Fatalf("a service was created: %v", l.ServiceArns)
			}
		})
	}
	// UpdateService: a rolling service asked for BLUE_GREEN without an
	// advanced configuration is refused and keeps its configuration and
	// its single deployment.
	if _, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1),
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: netCfg,
		LoadBalancers: []types.LoadBalancer{{TargetGroupArn: aws.String(s.tg), ContainerName: aws.String("web"), ContainerPort: aws.Int32(80)}}}); err != nil {
		t.Fatal(err)
	}
	before := svc(t, e, "web")
	_, err = e.UpdateService(bg, &ecs.UpdateServiceInput{Service: aws.String("web"), ForceNewDeployment: true,
		DeploymentConfiguration: &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(1)}})
	ipe := wantAPIError[*types.InvalidParameterException](t, err, "InvalidParameterException")
	if !strings.HasPrefix(aws.ToString(ipe.Message), "loadBalancers[0].advancedConfiguration: must be specified") {
		t.Fatalf("UpdateService: %q", aws.ToString(ipe.Message))
	}
	after := svc(t, e, "web")
	if after.DeploymentConfiguration.Strategy != before.DeploymentConfiguration.Strategy || after.DeploymentConfiguration.BakeTimeInMinutes != nil ||
		len(after.Deployments) != 1 || aws.ToString(after.Deployments[0].Id) != aws.ToString(before.Deployments[0].Id) {
		t.Fatalf("the refused update changed the service: %+v %+v", after.DeploymentConfiguration, after.Deployments)
	}
}

// A valid BLUE_GREEN service shows its strategy, bake time and advanced
// configuration as given (DescribeServices, the service deployment's
// deploymentConfiguration).
func TestBlueGreenConfigurationIsShown(t *testing.T) {
	e := newCluster(t, 0)
	s := newBlueGreenALB(t, e.ELBv2())
	td := register(t, e, webFargateTD("web:1"))
	out, err := e.CreateService(bg, blueGreenInput(s, td, 1, 7))
	if err != nil {
		t.Fatal(err)
	}
	c := out.Service.DeploymentConfiguration
	ac := out.Service.LoadBalancers[0].AdvancedConfiguration
	if c.Strategy != types.DeploymentStrategyBlueGreen || aws.ToInt32(c.BakeTimeInMinutes) != 7 || ac == nil ||
		aws.ToString(ac.AlternateTargetGroupArn) != s.green || aws.ToString(ac.ProductionListenerRule) != s.prod ||
		aws.ToString(ac.TestListenerRule) != s.test || aws.ToString(ac.RoleArn) != testRoleARN {
		t.Fatalf("configuration %+v %+v", c, ac)
	}
	sd := newestServiceDeployment(t, e)
	if sd.DeploymentConfiguration.Strategy != types.DeploymentStrategyBlueGreen || aws.ToInt32(sd.DeploymentConfiguration.BakeTimeInMinutes) != 7 {
		t.Fatalf("service deployment configuration %+v", sd.DeploymentConfiguration)
	}
}

// TestStrategySwitchDropsTheOtherShiftConfiguration: a CANARY service
// updated to strategy LINEAR with its linearConfiguration, or to ROLLING or
// BLUE_GREEN, is accepted (the canaryConfiguration it was created with is
// not part of the request and no longer applies), and the service shows
// only the new strategy's configuration; a canaryConfiguration given with
// strategy LINEAR in the same request is still refused.
func TestStrategySwitchDropsTheOtherShiftConfiguration(t *testing.T) {
	e := newCluster(t, 0)
	s := newBlueGreenALB(t, e.ELBv2())
	td := register(t, e, webFargateTD("web:1"))
	in := blueGreenInput(s, td, 1, 1)
	in.DeploymentConfiguration.Strategy = types.DeploymentStrategyCanary
	in.DeploymentConfiguration.CanaryConfiguration = &types.CanaryConfiguration{CanaryPercent: aws.Float64(20)}
	if _, err := e.CreateService(bg, in); err != nil {
		t.Fatal(err)
	}
	update := func(c *types.DeploymentConfiguration) (*types.DeploymentConfiguration, error) {
		out, err := e.UpdateService(bg, &ecs.UpdateServiceInput{Service: aws.String("web"), DeploymentConfiguration: c})
		if err != nil {
			return nil, err
		}
		return out.Service.DeploymentConfiguration, nil
	}
	_, err := update(&types.DeploymentConfiguration{Strategy: types.DeploymentStrategyLinear,
		LinearConfiguration: &types.LinearConfiguration{StepPercent: aws.Float64(30)},
		CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(10)}})
	if err == nil || !strings.Contains(err.Error(), "deploymentConfiguration.canaryConfiguration: is only valid with strategy CANARY") {
		t.Fatalf("canaryConfiguration with LINEAR in the request: %v", err)
	}
	c, err := update(&types.DeploymentConfiguration{Strategy: types.DeploymentStrategyLinear,
		LinearConfiguration: &types.LinearConfiguration{StepPercent: aws.Float64(30)}})
	if err != nil {
		t.Fatalf("CANARY to LINEAR: %v", err)
	}
	if c.Strategy != types.DeploymentStrategyLinear || c.CanaryConfiguration != nil || c.LinearConfiguration == nil ||
		aws.ToFloat64(c.LinearConfiguration.StepPercent) != 30 {
		t.Fatalf("after CANARY to LINEAR: %+v", c)
	}
	for _, st := range []types.DeploymentStrategy{types.DeploymentStrategyBlueGreen, types.DeploymentStrategyRolling} {
		c, err := update(&types.DeploymentConfiguration{Strategy: st})
		if err != nil {
			t.Fatalf("LINEAR to %s: %v", st, err)
		}
		if c.Strategy != st || c.LinearConfiguration != nil || c.CanaryConfiguration != nil {
			t.Fatalf("after LINEAR to %s: %+v", st, c)
		}
	}
}
