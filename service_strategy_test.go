package ecsdeploy

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-cmp/cmp"
)

const (
	bgBlueTG  = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/0123456789abcdef"
	bgGreenTG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg-2/0123456789abcdee"
	bgProd    = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web-lb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee"
	bgTest    = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web-lb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabef"
	bgRole    = "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers"
)

func bgBuilder() *ServiceBuilder {
	return NewService("web").TaskDefinition("web:1").Fargate().Network([]string{"subnet-1"}, nil, false).
		BlueGreenLoadBalancer(bgBlueTG, "app", 80, BlueGreenRouting{AlternateTargetGroupArn: bgGreenTG, ProductionListenerRule: bgProd, TestListenerRule: bgTest, RoleArn: bgRole})
}

// fieldsOf lists the fields of the *ValidationErrors in err.
func fieldsOf(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		var ve *ValidationError
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
		} else if errors.As(err, &ve) {
			out = append(out, ve.Field)
		}
	}
	walk(err)
	slices.Sort(out)
	return out
}

// TestStrategyBuilders: each strategy option sets the strategy and only
// its own configuration; a valid configuration builds, and UpdateInput
// carries it.
func TestStrategyBuilders(t *testing.T) {
	in, err := bgBuilder().Linear(10, 6, 5).Canary(5, 10, 3).Build()
	if err != nil {
		t.Fatal(err)
	}
	dc := in.DeploymentConfiguration
	if dc.Strategy != types.DeploymentStrategyCanary || dc.LinearConfiguration != nil || aws.ToFloat64(dc.CanaryConfiguration.CanaryPercent) != 5 ||
		aws.ToInt32(dc.BakeTimeInMinutes) != 3 || aws.ToString(in.LoadBalancers[0].AdvancedConfiguration.AlternateTargetGroupArn) != bgGreenTG {
		t.Fatalf("built %+v", dc)
	}
	up, err := bgBuilder().BlueGreen(0).UpdateInput()
	if err != nil || up.DeploymentConfiguration.Strategy != types.DeploymentStrategyBlueGreen || aws.ToInt32(up.DeploymentConfiguration.BakeTimeInMinutes) != 0 ||
		up.LoadBalancers[0].AdvancedConfiguration == nil {
		t.Fatalf("UpdateInput: %v %+v", err, up)
	}
	if in, err := bgBuilder().Linear(3, 0, 0).Rolling().Build(); err != nil || in.DeploymentConfiguration.Strategy != types.DeploymentStrategyRolling || in.DeploymentConfiguration.LinearConfiguration != nil {
		t.Fatalf("Rolling: %v", err)
	}
}

// TestStrategyValidationNamesFieldAndRule: the API Reference's ranges
// and rules, each reported with its field, before any call.
func TestStrategyValidationNamesFieldAndRule(t *testing.T) {
	for _, c := range []struct {
		name string
		b    *ServiceBuilder
		want []string
	}{
		{"canary percent 0", bgBuilder().Canary(0, 10, 1), []string{"deploymentConfiguration.canaryConfiguration.canaryPercent"}},
		{"canary percent not a tenth", bgBuilder().Canary(5.05, 10, 1), []string{"deploymentConfiguration.canaryConfiguration.canaryPercent"}},
		{"canary percent above 100", bgBuilder().Canary(100.1, 10, 1), []string{"deploymentConfiguration.canaryConfiguration.canaryPercent"}},
		{"canary bake 1441", bgBuilder().Canary(5, 1441, 1), []string{"deploymentConfiguration.canaryConfiguration.canaryBakeTimeInMinutes"}},
		{"linear step 2.9", bgBuilder().Linear(2.9, 6, 1), []string{"deploymentConfiguration.linearConfiguration.stepPercent"}},
		{"linear step bake -1", bgBuilder().Linear(10, -1, 1), []string{"deploymentConfiguration.linearConfiguration.stepBakeTimeInMinutes"}},
		{"bake negative", bgBuilder().BlueGreen(-1), []string{"deploymentConfiguration.bakeTimeInMinutes"}},
		{"bake 1441", bgBuilder().BlueGreen(1441), []string{"deploymentConfiguration.bakeTimeInMinutes"}},
		{"linear bake 1441", bgBuilder().Linear(10, 1, 1441), []string{"deploymentConfiguration.bakeTimeInMinutes"}},
		{"strategy unknown", func() *ServiceBuilder { b := bgBuilder(); b.deployment().Strategy = "RED_BLACK"; return b }(), []string{"deploymentConfiguration.strategy"}},
		{"blue/green without bake", func() *ServiceBuilder {
			b := bgBuilder().BlueGreen(1)
			b.deployment().BakeTimeInMinutes = nil
			return b
		}(), []string{"deploymentConfiguration.bakeTimeInMinutes"}},
		{"canary configuration with LINEAR", func() *ServiceBuilder {
			b := bgBuilder().Linear(10, 1, 1)
			b.deployment().CanaryConfiguration = &types.CanaryConfiguration{}
			return b
		}(), []string{"deploymentConfiguration.canaryConfiguration"}},
		{"linear configuration with CODE_DEPLOY", func() *ServiceBuilder {
			b := bgBuilder().Linear(10, 1, 1)
			b.in.DeploymentController = &types.DeploymentController{Type: types.DeploymentControllerTypeCodeDeploy}
			return b
		}(), []string{"deploymentConfiguration.linearConfiguration"}},
		{"advanced configuration", NewService("web").TaskDefinition("web:1").Fargate().Network([]string{"subnet-1"}, nil, false).BlueGreen(1).
			BlueGreenLoadBalancer(bgBlueTG, "app", 80, BlueGreenRouting{AlternateTargetGroupArn: bgBlueTG, ProductionListenerRule: "rule-1", TestListenerRule: bgGreenTG, RoleArn: "role"}),
			[]string{"loadBalancers[0].advancedConfiguration.alternateTargetGroupArn", "loadBalancers[0].advancedConfiguration.productionListenerRule",
				"loadBalancers[0].advancedConfiguration.roleArn", "loadBalancers[0].advancedConfiguration.testListenerRule"}},
		{"no alternate", NewService("web").TaskDefinition("web:1").Fargate().Network([]string{"subnet-1"}, nil, false).BlueGreen(1).
			BlueGreenLoadBalancer(bgBlueTG, "app", 80, BlueGreenRouting{ProductionListenerRule: bgProd}),
			[]string{"loadBalancers[0].advancedConfiguration.alternateTargetGroupArn"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.b.Build()
			if d := cmp.Diff(c.want, fieldsOf(err)); d != "" {
				t.Fatalf("fields (-want +got):\n%s\n%v", d, err)
			}
		})
	}
	for _, ok := range []*ServiceBuilder{bgBuilder().Canary(0.1, 0, 0), bgBuilder().Canary(100, 1440, 0), bgBuilder().Linear(3, 1440, 0), bgBuilder().Linear(33.3, 0, 0)} {
		if _, err := ok.Build(); err != nil {
			t.Errorf("valid configuration refused: %v", err)
		}
	}
}

// TestStrategyServiceJSONLossless: the strategy, its configurations and
// advancedConfiguration survive the create-service JSON and the
// describe-services output forms.
func TestStrategyServiceJSONLossless(t *testing.T) {
	for _, b := range []*ServiceBuilder{bgBuilder().Canary(12.5, 7, 3), bgBuilder().Linear(20, 2, 4), bgBuilder().BlueGreen(9)} {
		in, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		data, err := MarshalServiceJSON(in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := LoadServiceJSON(data)
		if err != nil {
			t.Fatalf("%v\n%s", err, data)
		}
		if d := cmp.Diff(in, got, sdkEqual...); d != "" {
			t.Errorf("create-service JSON lost (-want +got):\n%s", d)
		}
		described := []byte(`{"services":[{"serviceName":"web","clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/prod","taskDefinition":"web:1","desiredCount":1,` +
			`"deploymentConfiguration":` + jsonMember(t, data, "deploymentConfiguration") + `,"loadBalancers":` + jsonMember(t, data, "loadBalancers") + `}]}`)
		got, err = LoadServiceJSON(described)
		if err != nil {
			t.Fatalf("%v\n%s", err, described)
		}
		if d := cmp.Diff(in.DeploymentConfiguration, got.DeploymentConfiguration, sdkEqual...) + cmp.Diff(in.LoadBalancers, got.LoadBalancers, sdkEqual...); d != "" {
			t.Errorf("describe-services JSON lost (-want +got):\n%s", d)
		}
	}
}

// jsonMember is member name of the JSON object data, as JSON.
func jsonMember(t *testing.T, data []byte, name string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil || m[name] == nil {
		t.Fatalf("no %s in %s: %v", name, data, err)
	}
	return string(m[name])
}

// TestBlueGreenMinimum: the least time from green running to completion
// is the bake plus the canary's bake or the linear step bakes (none
// after the last step); rolling has none.
func TestBlueGreenMinimum(t *testing.T) {
	for _, c := range []struct {
		b    *ServiceBuilder
		want time.Duration
		ok   bool
	}{
		{bgBuilder().BlueGreen(5), 5 * time.Minute, true},
		{bgBuilder().Canary(10, 2, 3), 5 * time.Minute, true},
		{bgBuilder().Canary(100, 2, 3), 3 * time.Minute, true},
		{bgBuilder().Linear(10, 1, 3), 12 * time.Minute, true},  // 9 step bakes
		{bgBuilder().Linear(11, 1, 0), 9 * time.Minute, true},   // 10 steps, 9 bakes
		{bgBuilder().Linear(33.3, 2, 0), 6 * time.Minute, true}, // 4 steps (33.3, 66.6, 99.9, 100)
		{bgBuilder().Rolling(), 0, false},
	} {
		got, ok := blueGreenMinimum(c.b.in.DeploymentConfiguration)
		if got != c.want || ok != c.ok {
			t.Errorf("%+v: %v %v, want %v %v", c.b.in.DeploymentConfiguration, got, ok, c.want, c.ok)
		}
	}
}
