package fake

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"
)

// CreateLoadBalancer: "The state of the load balancer is provisioning" until it is active
// (LoadBalancerState); the fake takes 90 s.
func TestLoadBalancerProvisioningThenActive(t *testing.T) {
	e := New()
	x := e.ELBv2()
	s := newALB(t, x, elbtypes.TargetTypeEnumIp)
	desc := func() elbtypes.LoadBalancer {
		out, err := x.DescribeLoadBalancers(bg, &elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{s.lb}})
		if err != nil {
			t.Fatal(err)
		}
		return out.LoadBalancers[0]
	}
	lb := desc()
	if lb.State.Code != elbtypes.LoadBalancerStateEnumProvisioning || lb.Type != elbtypes.LoadBalancerTypeEnumApplication ||
		lb.Scheme != elbtypes.LoadBalancerSchemeEnumInternetFacing || len(lb.AvailabilityZones) != 2 ||
		!strings.HasPrefix(aws.ToString(lb.DNSName), "web-lb-") || !strings.Contains(s.lb, ":loadbalancer/app/web-lb/") {
		t.Fatalf("%+v", lb)
	}
	e.Advance(secs(89))
	if desc().State.Code != elbtypes.LoadBalancerStateEnumProvisioning {
		t.Fatal("active before 90 s")
	}
	e.Advance(secs(1))
	if desc().State.Code != elbtypes.LoadBalancerStateEnumActive {
		t.Fatal("not active after 90 s")
	}
}

// "If you attempt to create multiple load balancers with the same settings, each call succeeds"
// (CreateLoadBalancer); different settings are DuplicateLoadBalancerName.
func TestCreateLoadBalancerIdempotentAndDuplicate(t *testing.T) {
	x := New().ELBv2()
	in := &elbv2.CreateLoadBalancerInput{Name: aws.String("a"), Subnets: []string{"subnet-us-east-1a", "subnet-us-east-1b"}}
	a, err := x.CreateLoadBalancer(bg, in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := x.CreateLoadBalancer(bg, in)
	if err != nil || *a.LoadBalancers[0].LoadBalancerArn != *b.LoadBalancers[0].LoadBalancerArn {
		t.Fatalf("repeat: %v", err)
	}
	in.Scheme = elbtypes.LoadBalancerSchemeEnumInternal
	_, err = x.CreateLoadBalancer(bg, in)
	wantAPIError[*elbtypes.DuplicateLoadBalancerNameException](t, err, "DuplicateLoadBalancerName")
}

// Names (CreateLoadBalancer, CreateTargetGroup): at most 32 alphanumeric characters or hyphens,
// not beginning or ending with a hyphen; load balancer names must not begin with "internal-".
// An ALB needs subnets in at least two Availability Zones.
func TestELBNameAndSubnetRules(t *testing.T) {
	x := New().ELBv2()
	two := []string{"subnet-us-east-1a", "subnet-us-east-1b"}
	for _, name := range []string{"", "-a", "a-", "a_b", strings.Repeat("a", 33), "internal-x"} {
		_, err := x.CreateLoadBalancer(bg, &elbv2.CreateLoadBalancerInput{Name: aws.String(name), Subnets: two})
		wantAPIError[*smithy.GenericAPIError](t, err, "ValidationError")
		_, err = x.CreateTargetGroup(bg, &elbv2.CreateTargetGroupInput{Name: aws.String(name), Protocol: "HTTP", Port: aws.Int32(80), VpcId: aws.String("vpc-1")})
		if name != "internal-x" {
			wantAPIError[*smithy.GenericAPIError](t, err, "ValidationError")
		}
	}
	_, err := x.CreateLoadBalancer(bg, &elbv2.CreateLoadBalancerInput{Name: aws.String("one"), Subnets: two[:1]})
	wantAPIError[*smithy.GenericAPIError](t, err, "ValidationError")
	if _, err := x.CreateLoadBalancer(bg, &elbv2.CreateLoadBalancerInput{Name: aws.String("nlb"), Type: "network", Subnets: two[:1]}); err != nil {
		t.Fatalf("an NLB in one subnet: %v", err)
	}
	out, _ := x.DescribeLoadBalancers(bg, nil)
	if len(out.LoadBalancers) != 1 {
		t.Fatalf("a refused request left %d load balancers", len(out.LoadBalancers))
	}
}

// CreateTargetGroup defaults by protocol (API Reference): HTTP: health check HTTP on
// traffic-port, path /, interval 30, timeout 5, healthy 5, unhealthy 2, matcher 200; TCP:
// health check TCP, timeout 10. Attributes: deregistration_delay.timeout_seconds 300,
// slow_start.duration_seconds 0.
func TestTargetGroupHealthCheckDefaultsByProtocol(t *testing.T) {
	x := New().ELBv2()
	out, err := x.CreateTargetGroup(bg, &elbv2.CreateTargetGroupInput{Name: aws.String("h"), Protocol: "HTTP", Port: aws.Int32(8080), VpcId: aws.String("vpc-1")})
	if err != nil {
		t.Fatal(err)
	}
	g := out.TargetGroups[0]
	if g.HealthCheckProtocol != "HTTP" || *g.HealthCheckPort != "traffic-port" || *g.HealthCheckPath != "/" || *g.HealthCheckIntervalSeconds != 30 ||
		*g.HealthCheckTimeoutSeconds != 5 || *g.HealthyThresholdCount != 5 || *g.UnhealthyThresholdCount != 2 || *g.Matcher.HttpCode != "200" ||
		g.TargetType != "instance" || *g.ProtocolVersion != "HTTP1" {
		t.Errorf("HTTP defaults: %+v", g)
	}
	out, err = x.CreateTargetGroup(bg, &elbv2.CreateTargetGroupInput{Name: aws.String("t"), Protocol: "TCP", Port: aws.Int32(80), VpcId: aws.String("vpc-1"), TargetType: "ip"})
	if err != nil {
		t.Fatal(err)
	}
	g = out.TargetGroups[0]
	if g.HealthCheckProtocol != "TCP" || g.HealthCheckPath != nil || *g.HealthCheckTimeoutSeconds != 10 || g.Matcher != nil {
		t.Errorf("TCP defaults: %+v", g)
	}
	attrs, err := x.DescribeTargetGroupAttributes(bg, &elbv2.DescribeTargetGroupAttributesInput{TargetGroupArn: out.TargetGroups[0].TargetGroupArn})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range attrs.Attributes {
		got[*a.Key] = *a.Value
	}
	if got["deregistration_delay.timeout_seconds"] != "300" {
		t.Errorf("attributes %v", got)
	}
}

// Health check bounds (CreateTargetGroup): interval 5-300, timeout 2-120 and smaller than the
// interval, thresholds 2-10; port 1-65535; nothing is created on error.
func TestTargetGroupHealthCheckBounds(t *testing.T) {
	x := New().ELBv2()
	base := func() *elbv2.CreateTargetGroupInput {
		return &elbv2.CreateTargetGroupInput{Name: aws.String("g"), Protocol: "HTTP", Port: aws.Int32(80), VpcId: aws.String("vpc-1")}
	}
	cases := []struct {
		name string
		mod  func(*elbv2.CreateTargetGroupInput)
		code string
	}{
		{"interval 4", func(in *elbv2.CreateTargetGroupInput) { in.HealthCheckIntervalSeconds = aws.Int32(4) }, "ValidationError"},
		{"interval 301", func(in *elbv2.CreateTargetGroupInput) { in.HealthCheckIntervalSeconds = aws.Int32(301) }, "ValidationError"},
		{"timeout 1", func(in *elbv2.CreateTargetGroupInput) { in.HealthCheckTimeoutSeconds = aws.Int32(1) }, "ValidationError"},
		{"timeout not below interval", func(in *elbv2.CreateTargetGroupInput) {
			in.HealthCheckTimeoutSeconds, in.HealthCheckIntervalSeconds = aws.Int32(10), aws.Int32(10)
		}, "InvalidConfigurationRequest"},
		{"healthy 1", func(in *elbv2.CreateTargetGroupInput) { in.HealthyThresholdCount = aws.Int32(1) }, "ValidationError"},
		{"unhealthy 11", func(in *elbv2.CreateTargetGroupInput) { in.UnhealthyThresholdCount = aws.Int32(11) }, "ValidationError"},
		{"port 0", func(in *elbv2.CreateTargetGroupInput) { in.Port = aws.Int32(0) }, "ValidationError"},
		{"path", func(in *elbv2.CreateTargetGroupInput) { in.HealthCheckPath = aws.String("health") }, "ValidationError"},
		{"matcher", func(in *elbv2.CreateTargetGroupInput) { in.Matcher = &elbtypes.Matcher{HttpCode: aws.String("ok")} }, "ValidationError"},
		{"no vpc", func(in *elbv2.CreateTargetGroupInput) { in.VpcId = nil }, "ValidationError"},
		// "If the target type is instance, ip, or alb, health checks are always enabled" (CreateTargetGroup).
		{"health checks disabled", func(in *elbv2.CreateTargetGroupInput) { in.HealthCheckEnabled = aws.Bool(false) }, "ValidationError"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := base()
			tc.mod(in)
			_, err := x.CreateTargetGroup(bg, in)
			wantAPIError[error](t, err, tc.code)
		})
	}
	out, _ := x.DescribeTargetGroups(bg, nil)
	if len(out.TargetGroups) != 0 {
		t.Errorf("%d target groups left behind", len(out.TargetGroups))
	}
}

// deregistration_delay.timeout_seconds is 0-3600; slow_start.duration_seconds 30-900 or 0; one
// bad attribute changes nothing.
func TestTargetGroupAttributeBounds(t *testing.T) {
	x := New().ELBv2()
	tg := newTG(t, x, "g", "ip")
	_, err := x.ModifyTargetGroupAttributes(bg, &elbv2.ModifyTargetGroupAttributesInput{TargetGroupArn: aws.String(tg),
		Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String("30")},
			{Key: aws.String("slow_start.duration_seconds"), Value: aws.String("10")}}})
	wantAPIError[*elbtypes.InvalidConfigurationRequestException](t, err, "InvalidConfigurationRequest")
	out, err := x.DescribeTargetGroupAttributes(bg, &elbv2.DescribeTargetGroupAttributesInput{TargetGroupArn: aws.String(tg)})
	if err != nil {
		t.Fatal(err)
	}
	delay := ""
	for _, a := range out.Attributes {
		if aws.ToString(a.Key) == "deregistration_delay.timeout_seconds" {
			delay = aws.ToString(a.Value)
		}
	}
	if delay != "300" {
		t.Fatalf("deregistration_delay.timeout_seconds %q after the refused call, want the default 300 (nothing half-applied)", delay)
	}
	if _, err := x.ModifyTargetGroupAttributes(bg, &elbv2.ModifyTargetGroupAttributesInput{TargetGroupArn: aws.String(tg),
		Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("slow_start.duration_seconds"), Value: aws.String("60")}}}); err != nil {
		t.Fatal(err)
	}
	_, err = x.ModifyTargetGroupAttributes(bg, &elbv2.ModifyTargetGroupAttributesInput{TargetGroupArn: aws.String(tg),
		Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String("3601")}}})
	wantAPIError[*elbtypes.InvalidConfigurationRequestException](t, err, "InvalidConfigurationRequest")
}

// Target health (TargetHealth, "Target health status"): unused while no listener forwards to the
// group (Target.NotInUse); initial (Elb.RegistrationInProgress, Elb.InitialHealthChecking);
// healthy after 5 passing checks at 30 s; a target never registered is unused
// (Target.NotRegistered); deregistered: draining for the delay, then gone.
func TestTargetHealthLifecycleOverTheAPI(t *testing.T) {
	e := New()
	x := e.ELBv2()
	tg := newTG(t, x, "g", "ip")
	if _, err := x.RegisterTargets(bg, &elbv2.RegisterTargetsInput{TargetGroupArn: aws.String(tg),
		Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.0.5")}}}); err != nil {
		t.Fatal(err)
	}
	h := health(t, x, tg)
	if len(h) != 1 || h[0].TargetHealth.State != "unused" || h[0].TargetHealth.Reason != "Target.NotInUse" || *h[0].Target.Port != 80 {
		t.Fatalf("%+v", h[0].TargetHealth)
	}
	lb, _ := x.CreateLoadBalancer(bg, &elbv2.CreateLoadBalancerInput{Name: aws.String("lb"), Subnets: []string{"subnet-us-east-1a", "subnet-us-east-1b"}})
	if _, err := x.CreateListener(bg, &elbv2.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn, Port: aws.Int32(80), Protocol: "HTTP",
		DefaultActions: []elbtypes.Action{{Type: "forward", TargetGroupArn: aws.String(tg)}}}); err != nil {
		t.Fatal(err)
	}
	if r := health(t, x, tg)[0].TargetHealth; r.State != "initial" || r.Reason != "Elb.RegistrationInProgress" {
		t.Fatalf("%+v", r)
	}
	e.Advance(secs(10))
	if r := health(t, x, tg)[0].TargetHealth; r.State != "initial" || r.Reason != "Elb.InitialHealthChecking" || *r.Description != "Initial health checks in progress" {
		t.Fatalf("%+v", r)
	}
	e.Advance(secs(119)) // checks at 10, 40, 70, 100, 130 s
	if r := health(t, x, tg)[0].TargetHealth; r.State != "initial" {
		t.Fatalf("at 129 s: %+v", r)
	}
	e.Advance(secs(1))
	if r := health(t, x, tg)[0].TargetHealth; r.State != "healthy" || r.Reason != "" || r.Description != nil {
		t.Fatalf("at 130 s: %+v", r)
	}
	other, _ := x.DescribeTargetHealth(bg, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(tg), Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.0.9")}}})
	if r := other.TargetHealthDescriptions[0].TargetHealth; r.State != "unused" || r.Reason != "Target.NotRegistered" {
		t.Fatalf("not registered: %+v", r)
	}
	if _, err := x.DeregisterTargets(bg, &elbv2.DeregisterTargetsInput{TargetGroupArn: aws.String(tg), Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.0.5")}}}); err != nil {
		t.Fatal(err)
	}
	if r := health(t, x, tg)[0].TargetHealth; r.State != "draining" || r.Reason != "Target.DeregistrationInProgress" {
		t.Fatalf("%+v", r)
	}
	// A new delay applies to targets deregistered afterwards, not to this one.
	if _, err := x.ModifyTargetGroupAttributes(bg, &elbv2.ModifyTargetGroupAttributesInput{TargetGroupArn: aws.String(tg),
		Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String("10")}}}); err != nil {
		t.Fatal(err)
	}
	e.Advance(secs(299))
	if len(health(t, x, tg)) != 1 {
		t.Fatal("gone before the deregistration delay")
	}
	e.Advance(secs(1))
	if n := len(health(t, x, tg)); n != 0 {
		t.Fatalf("%d targets after the deregistration delay", n)
	}
}

// A health fault makes a target's checks fail: unhealthy after UnhealthyThresholdCount
// failures with the fault's reason and ELB's description.
func TestHealthFaultMakesTargetUnhealthy(t *testing.T) {
	e := New()
	x := e.ELBv2()
	s := newALB(t, x, "ip")
	if err := x.InjectHealthFault(TargetHealthFault{Port: 80, Code: 503}); err != nil {
		t.Fatal(err)
	}
	x.RegisterTargets(bg, &elbv2.RegisterTargetsInput{TargetGroupArn: aws.String(s.tg), Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.0.5")}}})
	e.Advance(secs(39)) // failures at 10 and 40 s
	if r := health(t, x, s.tg)[0].TargetHealth; r.State != "initial" {
		t.Fatalf("%+v", r)
	}
	e.Advance(secs(1))
	r := health(t, x, s.tg)[0].TargetHealth
	if r.State != "unhealthy" || r.Reason != "Target.ResponseCodeMismatch" || *r.Description != "Health checks failed with these codes: [503]" {
		t.Fatalf("%+v", r)
	}
}

// Target type vs registration: an ip group takes private IPv4 addresses, an instance group
// instance ids of running instances (InvalidTarget otherwise).
func TestRegisterTargetsChecksTargetType(t *testing.T) {
	e := newCluster(t, 1)
	x := e.ELBv2()
	ip := newTG(t, x, "ip", "ip")
	inst := newTG(t, x, "inst", "instance")
	reg := func(tg, id string) error {
		_, err := x.RegisterTargets(bg, &elbv2.RegisterTargetsInput{TargetGroupArn: aws.String(tg), Targets: []elbtypes.TargetDescription{{Id: aws.String(id)}}})
		return err
	}
	wantAPIError[*elbtypes.InvalidTargetException](t, reg(ip, "i-0123"), "InvalidTarget")
	wantAPIError[*elbtypes.InvalidTargetException](t, reg(ip, "8.8.8.8"), "InvalidTarget")
	wantAPIError[*elbtypes.InvalidTargetException](t, reg(inst, "i-00000000000000000"), "InvalidTarget")
	wantAPIError[*smithy.GenericAPIError](t, reg(inst, "10.0.0.1"), "ValidationError")
	var ec2 string
	for _, in := range e.instances {
		ec2 = in.ec2ID
	}
	if err := reg(inst, ec2); err != nil {
		t.Fatal(err)
	}
	wantAPIError[*elbtypes.TargetGroupNotFoundException](t, reg(ip+"x", "10.0.0.1"), "TargetGroupNotFound")
}

// Listeners: forward to weighted target groups (ForwardConfig, weights 0-999); a target group
// belongs to one load balancer (TargetGroupAssociationLimit); a used group cannot be deleted
// (ResourceInUse); the default rule cannot be deleted.
func TestListenerWeightedForwardAndRules(t *testing.T) {
	e := New()
	x := e.ELBv2()
	s := newALB(t, x, "ip")
	green := newTG(t, x, "green", "ip")
	_, err := x.ModifyListener(bg, &elbv2.ModifyListenerInput{ListenerArn: aws.String(s.listener), DefaultActions: []elbtypes.Action{{Type: "forward",
		ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{
			{TargetGroupArn: aws.String(s.tg), Weight: aws.Int32(90)}, {TargetGroupArn: aws.String(green), Weight: aws.Int32(10)}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	ls, _ := x.DescribeListeners(bg, &elbv2.DescribeListenersInput{LoadBalancerArn: aws.String(s.lb)})
	fc := ls.Listeners[0].DefaultActions[0].ForwardConfig
	if len(fc.TargetGroups) != 2 || *fc.TargetGroups[1].Weight != 10 {
		t.Fatalf("%+v", fc)
	}
	tgs, _ := x.DescribeTargetGroups(bg, &elbv2.DescribeTargetGroupsInput{LoadBalancerArn: aws.String(s.lb)})
	if len(tgs.TargetGroups) != 2 || tgs.TargetGroups[1].LoadBalancerArns[0] != s.lb {
		t.Fatalf("%+v", tgs.TargetGroups)
	}
	_, err = x.DeleteTargetGroup(bg, &elbv2.DeleteTargetGroupInput{TargetGroupArn: aws.String(green)})
	wantAPIError[*elbtypes.ResourceInUseException](t, err, "ResourceInUse")
	other, _ := x.CreateLoadBalancer(bg, &elbv2.CreateLoadBalancerInput{Name: aws.String("other"), Subnets: []string{"subnet-us-east-1a", "subnet-us-east-1b"}})
	_, err = x.CreateListener(bg, &elbv2.CreateListenerInput{LoadBalancerArn: other.LoadBalancers[0].LoadBalancerArn, Port: aws.Int32(80), Protocol: "HTTP",
		DefaultActions: []elbtypes.Action{{Type: "forward", TargetGroupArn: aws.String(green)}}})
	wantAPIError[*elbtypes.TargetGroupAssociationLimitException](t, err, "TargetGroupAssociationLimit")
	_, err = x.ModifyListener(bg, &elbv2.ModifyListenerInput{ListenerArn: aws.String(s.listener), DefaultActions: []elbtypes.Action{{Type: "forward",
		ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{{TargetGroupArn: aws.String(green), Weight: aws.Int32(1000)}}}}}})
	wantAPIError[*smithy.GenericAPIError](t, err, "ValidationError")

	r, err := x.CreateRule(bg, &elbv2.CreateRuleInput{ListenerArn: aws.String(s.listener), Priority: aws.Int32(10),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/api/*"}}},
		Actions:    []elbtypes.Action{{Type: "forward", TargetGroupArn: aws.String(green)}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = x.CreateRule(bg, &elbv2.CreateRuleInput{ListenerArn: aws.String(s.listener), Priority: aws.Int32(10),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/x"}}},
		Actions:    []elbtypes.Action{{Type: "forward", TargetGroupArn: aws.String(green)}}})
	wantAPIError[*elbtypes.PriorityInUseException](t, err, "PriorityInUse")
	rules, _ := x.DescribeRules(bg, &elbv2.DescribeRulesInput{ListenerArn: aws.String(s.listener)})
	if len(rules.Rules) != 2 || *rules.Rules[0].Priority != "10" || !*rules.Rules[1].IsDefault {
		t.Fatalf("%+v", rules.Rules)
	}
	_, err = x.DeleteRule(bg, &elbv2.DeleteRuleInput{RuleArn: rules.Rules[1].RuleArn})
	wantAPIError[*elbtypes.OperationNotPermittedException](t, err, "OperationNotPermitted")
	// Blue/green by rule: shift the rule's weights.
	mod, err := x.ModifyRule(bg, &elbv2.ModifyRuleInput{RuleArn: r.Rules[0].RuleArn, Actions: []elbtypes.Action{{Type: "forward",
		ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{
			{TargetGroupArn: aws.String(s.tg), Weight: aws.Int32(20)}, {TargetGroupArn: aws.String(green), Weight: aws.Int32(80)}}}}}})
	if err != nil || *mod.Rules[0].Actions[0].ForwardConfig.TargetGroups[1].Weight != 80 || mod.Rules[0].Conditions[0].Values[0] != "/api/*" {
		t.Fatalf("ModifyRule: %v %+v", err, mod)
	}
	if _, err := x.DeleteRule(bg, &elbv2.DeleteRuleInput{RuleArn: r.Rules[0].RuleArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := x.DeleteListener(bg, &elbv2.DeleteListenerInput{ListenerArn: aws.String(s.listener)}); err != nil {
		t.Fatal(err)
	}
	if _, err := x.DeleteTargetGroup(bg, &elbv2.DeleteTargetGroupInput{TargetGroupArn: aws.String(green)}); err != nil {
		t.Fatalf("unused group: %v", err)
	}
}

// Tags: AddTags, DescribeTags, RemoveTags; at most 50 per resource; unknown resources are
// the resource's NotFound.
func TestELBTags(t *testing.T) {
	x := New().ELBv2()
	tg := newTG(t, x, "g", "ip")
	if _, err := x.AddTags(bg, &elbv2.AddTagsInput{ResourceArns: []string{tg}, Tags: []elbtypes.Tag{{Key: aws.String("team"), Value: aws.String("web")}}}); err != nil {
		t.Fatal(err)
	}
	d, _ := x.DescribeTags(bg, &elbv2.DescribeTagsInput{ResourceArns: []string{tg}})
	if len(d.TagDescriptions[0].Tags) != 1 || *d.TagDescriptions[0].Tags[0].Value != "web" {
		t.Fatalf("%+v", d)
	}
	x.RemoveTags(bg, &elbv2.RemoveTagsInput{ResourceArns: []string{tg}, TagKeys: []string{"team"}})
	d, _ = x.DescribeTags(bg, &elbv2.DescribeTagsInput{ResourceArns: []string{tg}})
	if len(d.TagDescriptions[0].Tags) != 0 {
		t.Fatal("not removed")
	}
	many := make([]elbtypes.Tag, 51)
	for i := range many {
		many[i] = elbtypes.Tag{Key: aws.String("k" + itoa(i))}
	}
	_, err := x.AddTags(bg, &elbv2.AddTagsInput{ResourceArns: []string{tg}, Tags: many})
	wantAPIError[*elbtypes.TooManyTagsException](t, err, "TooManyTags")
	_, err = x.DescribeTags(bg, &elbv2.DescribeTagsInput{ResourceArns: []string{tg + "0"}})
	wantAPIError[*elbtypes.TargetGroupNotFoundException](t, err, "TargetGroupNotFound")
}

// Every ELBv2 operation goes through one begin helper: it is in the shared call log, and an
// operation fault answers with ELB's code (Throttling, "Rate exceeded").
func TestELBv2CallsAndFaults(t *testing.T) {
	e := New()
	x := e.ELBv2()
	e.FailOperation("DescribeTargetGroups", "ThrottlingException", 1, 0)
	_, err := x.DescribeTargetGroups(bg, nil)
	if api := wantAPIError[*smithy.GenericAPIError](t, err, "Throttling"); api.ErrorMessage() != "Rate exceeded" {
		t.Error(api.ErrorMessage())
	}
	if _, err := x.DescribeTargetGroups(bg, nil); err != nil {
		t.Fatal(err)
	}
	if n := e.CallCount("DescribeTargetGroups"); n != 2 {
		t.Errorf("CallCount = %d", n)
	}
	e.FailOperation("DescribeLoadBalancers", "LoadBalancerNotFound", 1, 0)
	_, err = x.DescribeLoadBalancers(bg, nil)
	wantAPIError[*elbtypes.LoadBalancerNotFoundException](t, err, "LoadBalancerNotFound")
}
