package fake

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// shiftService is blueGreenService with strategy cfg (bake 2 minutes),
// updated to web:2 once web:1 is deployed; it returns the update's time.
func shiftService(t *testing.T, cfg *types.DeploymentConfiguration) (*ECS, time.Time) {
	t.Helper()
	e, s := blueGreenWorld(t)
	td1 := register(t, e, webFargateTD("web:1"))
	td2 := register(t, e, webFargateTD("web:2"))
	in := blueGreenInput(s, td1, 2, 2)
	in.DeploymentConfiguration = cfg
	if _, err := e.CreateService(bg, in); err != nil {
		t.Fatal(err)
	}
	firstDeployed(t, e, s, td1, int(aws.ToInt32(cfg.BakeTimeInMinutes)))
	u := e.Now()
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	return e, u
}

// prodShare checks the production rule's weights: green (web-tg-2) and
// blue (web-tg).
func prodShare(green, blue int32) func(bgState) error {
	return func(st bgState) error {
		if w := named(st.prod); w["web-tg"] != green || w["web-tg-2"] != blue {
			return fmt.Errorf("production weights %v, want web-tg-2 %d, web-tg %d", w, green, blue)
		}
		return nil
	}
}

// both runs two checks.
func both(a, b func(bgState) error) func(bgState) error {
	return func(st bgState) error {
		if err := a(st); err != nil {
			return err
		}
		return b(st)
	}
}

// CANARY (API Reference, CanaryConfiguration): once green is healthy
// (+150 s) the test rule moves to green and production sends canaryPercent
// (10%: weights 100 and 900 out of 1000) to it for canaryBakeTimeInMinutes
// (3), then everything; BAKE_TIME (2 minutes) follows, then CLEAN_UP.
func TestCanaryShiftsTheCanaryPercentFirst(t *testing.T) {
	e, u := shiftService(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary, BakeTimeInMinutes: aws.Int32(2),
		CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(10), CanaryBakeTimeInMinutes: aws.Int32(3)}})
	both2 := map[string]int{"1": 2, "2": 2}
	prod := types.ServiceDeploymentLifecycleStageProductionTrafficShift
	at(t, e, u, 149*time.Second, both(want(both2, types.ServiceDeploymentLifecycleStageScaleUp, 0, 0, "web-tg"), prodShare(0, 100)))
	st := at(t, e, u, 150*time.Second, prodShare(100, 900))
	if st.stage != prod || named(st.test)["web-tg"] != 100 {
		t.Fatalf("canary: %s", st)
	}
	at(t, e, u, 150*time.Second+3*time.Minute-time.Second, prodShare(100, 900))
	at(t, e, u, 150*time.Second+3*time.Minute, both(want(both2, types.ServiceDeploymentLifecycleStageBakeTime, 100, 100, "web-tg"), prodShare(100, 0)))
	at(t, e, u, 150*time.Second+5*time.Minute, want(map[string]int{"2": 2}, types.ServiceDeploymentLifecycleStageCleanUp, 100, 100, "web-tg"))
}

// LINEAR (API Reference, LinearConfiguration): production moves
// stepPercent (40%) at a time, stepBakeTimeInMinutes (1) apart, the last
// step to 100% with no step bake after it: 40% at +150 s, 80% at +210 s,
// 100% at +270 s, then BAKE_TIME (2 minutes) and CLEAN_UP at +390 s.
func TestLinearShiftsInSteps(t *testing.T) {
	e, u := shiftService(t, &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyLinear, BakeTimeInMinutes: aws.Int32(2),
		LinearConfiguration: &types.LinearConfiguration{StepPercent: aws.Float64(40), StepBakeTimeInMinutes: aws.Int32(1)}})
	both2 := map[string]int{"1": 2, "2": 2}
	prod := types.ServiceDeploymentLifecycleStageProductionTrafficShift
	at(t, e, u, 149*time.Second, prodShare(0, 100))
	for _, c := range []struct {
		at          time.Duration
		green, blue int32
	}{{150, 400, 600}, {209, 400, 600}, {210, 800, 200}, {269, 800, 200}} {
		st := at(t, e, u, c.at*time.Second, prodShare(c.green, c.blue))
		if st.stage != prod {
			t.Fatalf("+%ds: %s", c.at, st)
		}
	}
	at(t, e, u, 270*time.Second, both(want(both2, types.ServiceDeploymentLifecycleStageBakeTime, 100, 100, "web-tg"), prodShare(100, 0)))
	at(t, e, u, 390*time.Second, want(map[string]int{"2": 2}, types.ServiceDeploymentLifecycleStageCleanUp, 100, 100, "web-tg"))
}

// Switching a service back to ROLLING after blue/green deployments moved
// production between the groups: the rolling deployment replaces web:2 in
// the group production is on (web-tg: web:1 went to web-tg-2, web:2 back
// to web-tg), where the rules still send the traffic.
func TestRollingAfterBlueGreenDeploysWhereProductionIs(t *testing.T) {
	e, s := blueGreenWorld(t)
	td1 := register(t, e, webFargateTD("web:1"))
	td2 := register(t, e, webFargateTD("web:2"))
	td3 := register(t, e, webFargateTD("web:3"))
	if _, err := e.CreateService(bg, blueGreenInput(s, td1, 2, 0)); err != nil {
		t.Fatal(err)
	}
	s = firstDeployed(t, e, s, td1, 0)
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	e.Advance(10 * time.Minute)
	if !completed(t, e, "web", td2) {
		t.Fatalf("web:2 not deployed: %s", observe(t, e, s))
	}
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td3),
		DeploymentConfiguration: &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyRolling}})
	e.Advance(30 * time.Second)
	st := observe(t, e, s)
	if err := prodShare(100, 0)(st); err != nil || st.greenTG["initial"] != 2 || len(st.blueTG) != 0 || st.stage != "" {
		t.Fatalf("%v: %s", err, st)
	}
	stepUntil(t, e, 10*time.Second, time.Hour, nil, func() bool { return completed(t, e, "web", td3) })
	if st := observe(t, e, s); st.greenTG["healthy"] != 2 || len(st.blueTG) != 0 {
		t.Fatalf("after the rolling deployment: %s", st)
	}
}

// A blue/green deployment is deterministic with the world's seed: two
// worlds given the same calls show the same events (task ids included),
// rule weights and stages at every second.
func TestBlueGreenIsDeterministic(t *testing.T) {
	run := func() []string {
		e := newCluster(t, 0, WithSeed(7))
		s := newBlueGreenALB(t, e.ELBv2())
		td1 := register(t, e, webFargateTD("web:1"))
		td2 := register(t, e, webFargateTD("web:2"))
		in := blueGreenInput(s, td1, 3, 1)
		in.DeploymentConfiguration.Strategy = types.DeploymentStrategyCanary
		if _, err := e.CreateService(bg, in); err != nil {
			t.Fatal(err)
		}
		s = firstDeployed(t, e, s, td1, 1)
		update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
		var trace []string
		for range 1200 {
			e.Advance(time.Second)
			trace = append(trace, observe(t, e, s).String())
		}
		return append(trace, eventTexts(svc(t, e, "web"))...)
	}
	a, b := run(), run()
	if !slices.Equal(a, b) {
		for i := range a {
			if i >= len(b) || a[i] != b[i] {
				t.Fatalf("runs differ at %d:\n%s\n%s", i, a[i], b[min(i, len(b)-1)])
			}
		}
	}
	if !strings.Contains(a[1199], "status=SUCCESSFUL") || !strings.Contains(a[200], "stage=PRODUCTION_TRAFFIC_SHIFT") {
		t.Fatalf("the canary did not run its course: %s / %s", a[200], a[1199])
	}
}

// ECS needs each group of the pair associated with the production or the
// test listener rule ("Migrating from a CodeDeploy blue/green to an Amazon
// ECS blue/green service deployment": with a test listener, one group
// linked to the production rule and the other to the test rule): a
// production rule forwarding to blue only and a test rule forwarding to
// green only are accepted, and the traffic shifts rewrite both rules to a
// weighted forward to both groups (no single targetGroupArn left).
func TestBlueGreenRulesForwardingToOneGroupEachAreRewritten(t *testing.T) {
	e, s := blueGreenWorld(t)
	x := e.ELBv2()
	for _, rt := range [][2]string{{s.prod, s.tg}, {s.test, s.green}} {
		if _, err := x.ModifyRule(bg, &elbv2.ModifyRuleInput{RuleArn: aws.String(rt[0]),
			Actions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(rt[1])}}}); err != nil {
			t.Fatal(err)
		}
	}
	td1 := register(t, e, webFargateTD("web:1"))
	td2 := register(t, e, webFargateTD("web:2"))
	if _, err := e.CreateService(bg, blueGreenInput(s, td1, 2, 5)); err != nil {
		t.Fatalf("CreateService with a rule for each group: %v", err)
	}
	s = firstDeployed(t, e, s, td1, 5)
	if _, err := e.UpdateService(bg, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)}); err != nil {
		t.Fatal(err)
	}
	u := e.Now()
	at(t, e, u, 151*time.Second, want(map[string]int{"1": 2, "2": 2}, types.ServiceDeploymentLifecycleStageBakeTime, 100, 100, "web-tg"))
	out, err := x.DescribeRules(bg, &elbv2.DescribeRulesInput{RuleArns: []string{s.prod, s.test}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range out.Rules {
		a := r.Actions[0]
		if a.TargetGroupArn != nil || a.ForwardConfig == nil || len(a.ForwardConfig.TargetGroups) != 2 {
			t.Fatalf("rule %s not rewritten to a weighted forward to both groups: %+v", aws.ToString(r.RuleArn), a)
		}
	}
}

// shiftsOf applies the API Reference's defaults field by field:
// CanaryConfiguration canaryPercent 5.0, canaryBakeTimeInMinutes 10;
// LinearConfiguration stepPercent 10.0, stepBakeTimeInMinutes 6.
func TestShiftsOfDefaults(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  types.DeploymentConfiguration
		want plan.Shifts
	}{
		{"blue/green", types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen}, plan.Shifts{}},
		{"canary, no configuration", types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary}, plan.CanaryShifts(5, 10*time.Minute)},
		{"canary, percent only", types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary,
			CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(20)}}, plan.CanaryShifts(20, 10*time.Minute)},
		{"canary, bake only", types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary,
			CanaryConfiguration: &types.CanaryConfiguration{CanaryBakeTimeInMinutes: aws.Int32(0)}}, plan.CanaryShifts(5, 0)},
		{"linear, no configuration", types.DeploymentConfiguration{Strategy: types.DeploymentStrategyLinear}, plan.LinearShifts(10, 6*time.Minute)},
		{"linear, bake only", types.DeploymentConfiguration{Strategy: types.DeploymentStrategyLinear,
			LinearConfiguration: &types.LinearConfiguration{StepBakeTimeInMinutes: aws.Int32(1)}}, plan.LinearShifts(10, time.Minute)},
		{"linear, percent only", types.DeploymentConfiguration{Strategy: types.DeploymentStrategyLinear,
			LinearConfiguration: &types.LinearConfiguration{StepPercent: aws.Float64(25)}}, plan.LinearShifts(25, 6*time.Minute)},
	} {
		if got := shiftsOf(c.cfg); !slices.Equal(got.Shares, c.want.Shares) || got.Wait != c.want.Wait {
			t.Errorf("%s: shiftsOf = %+v, want %+v", c.name, got, c.want)
		}
	}
}
