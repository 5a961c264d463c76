package fake

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/targethealth"
)

// targetGroup is one target group with its targets.
type targetGroup struct {
	arn, name  string
	protocol   elbtypes.ProtocolEnum
	protoVer   string
	port       int32
	targetType elbtypes.TargetTypeEnum
	vpc        string
	ipType     elbtypes.TargetGroupIpAddressTypeEnum
	hc         healthCheck
	attrs      map[string]string
	createdAt  time.Time
	// targets in registration order, removed ones included until the
	// slice is compacted (dead counts them); byKey indexes the live ones.
	targets []*target
	dead    int
	byKey   map[targetKey]*target
	// inUse is true while a listener or rule forwards to the group;
	// inUseSince is when it last became so; lb is the load balancer.
	inUse      bool
	inUseSince time.Time
	lb         *loadBalancer
}

// healthCheck is a target group's health check configuration.
type healthCheck struct {
	enabled            bool
	protocol           elbtypes.ProtocolEnum
	port, path         string
	interval, timeout  int32
	healthy, unhealthy int32
	matcher            *elbtypes.Matcher
}

// settings are the group's health check settings for the target health core.
func (tg *targetGroup) settings() targethealth.Settings {
	delay, _ := strconv.Atoi(tg.attrs["deregistration_delay.timeout_seconds"])
	return targethealth.Settings{
		Interval:            time.Duration(tg.hc.interval) * time.Second,
		HealthyThreshold:    int(tg.hc.healthy),
		UnhealthyThreshold:  int(tg.hc.unhealthy),
		RegistrationDelay:   targetRegistrationDelay,
		DeregistrationDelay: time.Duration(delay) * time.Second,
	}
}

// deregistrationDelay is deregistration_delay.timeout_seconds.
func (tg *targetGroup) deregistrationDelay() time.Duration { return tg.settings().DeregistrationDelay }

func isHTTPProtocol(p elbtypes.ProtocolEnum) bool {
	return p == elbtypes.ProtocolEnumHttp || p == elbtypes.ProtocolEnumHttps
}

// hcDefaults fills a target group's health check with the defaults the
// CreateTargetGroup API Reference documents for its protocol.
func hcDefaults(in *elbv2.CreateTargetGroupInput) healthCheck {
	p := in.Protocol
	hc := healthCheck{enabled: true, port: "traffic-port", interval: 30, healthy: 5, unhealthy: 2}
	if isHTTPProtocol(p) {
		hc.protocol, hc.timeout = elbtypes.ProtocolEnumHttp, 5
	} else {
		hc.protocol, hc.timeout = elbtypes.ProtocolEnumTcp, 10
	}
	if p == elbtypes.ProtocolEnumGeneve {
		hc.timeout = 5
	}
	if in.HealthCheckProtocol != "" {
		hc.protocol = in.HealthCheckProtocol
	}
	if isHTTPProtocol(hc.protocol) {
		hc.path = "/"
		code := "200"
		if !isHTTPProtocol(p) { // NLB target group with an HTTP health check
			code = "200-399"
		}
		hc.matcher = &elbtypes.Matcher{HttpCode: aws.String(code)}
		if aws.ToString(in.ProtocolVersion) == "GRPC" {
			hc.matcher = &elbtypes.Matcher{GrpcCode: aws.String("12")}
		}
	}
	hc.override(in.HealthCheckEnabled, in.HealthCheckPort, in.HealthCheckPath, in.HealthCheckIntervalSeconds,
		in.HealthCheckTimeoutSeconds, in.HealthyThresholdCount, in.UnhealthyThresholdCount, in.Matcher)
	return hc
}

// override sets the health check settings a Create/ModifyTargetGroup
// request gives (nil leaves a setting as it is).
func (hc *healthCheck) override(enabled *bool, port, path *string, interval, timeout, healthy, unhealthy *int32, matcher *elbtypes.Matcher) {
	if enabled != nil {
		hc.enabled = *enabled
	}
	setStr(&hc.port, port)
	setStr(&hc.path, path)
	setI32(&hc.interval, interval)
	setI32(&hc.timeout, timeout)
	setI32(&hc.healthy, healthy)
	setI32(&hc.unhealthy, unhealthy)
	if matcher != nil {
		hc.matcher = matcher
	}
}

// hcEqual compares health checks by value (matchers included).
func hcEqual(a, b healthCheck) bool {
	am, bm := a.matcher, b.matcher
	a.matcher, b.matcher = nil, nil
	if a != b || (am == nil) != (bm == nil) {
		return false
	}
	return am == nil || (aws.ToString(am.HttpCode) == aws.ToString(bm.HttpCode) && aws.ToString(am.GrpcCode) == aws.ToString(bm.GrpcCode))
}

func setStr(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

func setI32(dst *int32, v *int32) {
	if v != nil {
		*dst = *v
	}
}

var httpCodeRE = regexp.MustCompile(`^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$`)

// checkHealthCheck applies the bounds of the CreateTargetGroup and
// ModifyTargetGroup API Reference: interval 5-300, timeout 2-120 and less
// than the interval, thresholds 2-10, port traffic-port or 1-65535, path
// starting with / (1-1024), matcher codes 200-499 for ALB.
func checkHealthCheck(hc healthCheck) error {
	switch {
	case hc.interval < 5 || hc.interval > 300:
		return errELBValidation(fmt.Sprintf("Health check interval '%d' must be between 5 and 300 seconds", hc.interval))
	case hc.timeout < 2 || hc.timeout > 120:
		return errELBValidation(fmt.Sprintf("Health check timeout '%d' must be between 2 and 120 seconds", hc.timeout))
	case hc.timeout >= hc.interval:
		return errInvalidConfig(fmt.Sprintf("Health check timeout '%d' must be smaller than the interval '%d'", hc.timeout, hc.interval))
	case hc.healthy < 2 || hc.healthy > 10:
		return errELBValidation(fmt.Sprintf("Healthy threshold count '%d' must be between 2 and 10", hc.healthy))
	case hc.unhealthy < 2 || hc.unhealthy > 10:
		return errELBValidation(fmt.Sprintf("Unhealthy threshold count '%d' must be between 2 and 10", hc.unhealthy))
	}
	if hc.port != "traffic-port" {
		if p, err := strconv.Atoi(hc.port); err != nil || p < 1 || p > 65535 {
			return errELBValidation(fmt.Sprintf("Health check port '%s' must be 'traffic-port' or between 1 and 65535", hc.port))
		}
	}
	switch hc.protocol {
	case elbtypes.ProtocolEnumHttp, elbtypes.ProtocolEnumHttps:
		if !strings.HasPrefix(hc.path, "/") || len(hc.path) > 1024 {
			return errELBValidation(fmt.Sprintf("Health check path '%s' must begin with '/' and be at most 1024 characters", hc.path))
		}
		if m := hc.matcher; m != nil && m.HttpCode != nil && !httpCodeRE.MatchString(*m.HttpCode) {
			return errELBValidation(fmt.Sprintf("Health check matcher HTTP code '%s' must be a code, a list of codes or a range such as '200-299'", *m.HttpCode))
		}
	case elbtypes.ProtocolEnumTcp:
		if hc.path != "" {
			return errInvalidConfig("Health check path cannot be set when the health check protocol is 'TCP'")
		}
	default:
		return errELBValidation(fmt.Sprintf("Health check protocol '%s' must be one of [HTTP, HTTPS, TCP]", hc.protocol))
	}
	return nil
}

// checkTargetGroupHealthCheck is checkHealthCheck plus the rule that the
// simulated target types (instance, ip) cannot disable health checks.
func checkTargetGroupHealthCheck(hc healthCheck, tt elbtypes.TargetTypeEnum) error {
	if err := checkHealthCheck(hc); err != nil {
		return err
	}
	if !hc.enabled {
		return errELBValidation(fmt.Sprintf("Health checks cannot be disabled for target groups with target type '%s'", tt))
	}
	return nil
}

// defaultTGAttributes are a new target group's attributes
// (DescribeTargetGroupAttributes, "Target group attributes" in the ALB and
// NLB user guides).
func defaultTGAttributes(p elbtypes.ProtocolEnum) map[string]string {
	a := map[string]string{
		"deregistration_delay.timeout_seconds": "300",
		"stickiness.enabled":                   "false",
	}
	if isHTTPProtocol(p) {
		a["slow_start.duration_seconds"] = "0"
		a["stickiness.type"] = "lb_cookie"
		a["stickiness.lb_cookie.duration_seconds"] = "86400"
		a["load_balancing.algorithm.type"] = "round_robin"
		a["load_balancing.cross_zone.enabled"] = "use_load_balancer_configuration"
	} else {
		a["stickiness.type"] = "source_ip"
		a["proxy_protocol_v2.enabled"] = "false"
		a["preserve_client_ip.enabled"] = "true"
		a["deregistration_delay.connection_termination.enabled"] = "false"
	}
	return a
}

// checkTGAttribute validates one ModifyTargetGroupAttributes attribute.
func checkTGAttribute(tg *targetGroup, key, val string) error {
	if _, ok := tg.attrs[key]; !ok {
		return errInvalidConfig(fmt.Sprintf("Target group attribute key '%s' is not recognized", key))
	}
	intIn := func(lo, hi int) error {
		n, err := strconv.Atoi(val)
		if err != nil || n < lo || n > hi {
			return errInvalidConfig(fmt.Sprintf("'%s' must be a number between %d and %d, got '%s'", key, lo, hi, val))
		}
		return nil
	}
	switch key {
	case "deregistration_delay.timeout_seconds":
		return intIn(0, 3600)
	case "slow_start.duration_seconds":
		if val == "0" {
			return nil
		}
		return intIn(30, 900)
	case "stickiness.lb_cookie.duration_seconds":
		return intIn(1, 604800)
	case "stickiness.enabled", "proxy_protocol_v2.enabled", "preserve_client_ip.enabled", "deregistration_delay.connection_termination.enabled":
		if val != "true" && val != "false" {
			return errInvalidConfig(fmt.Sprintf("'%s' must be 'true' or 'false', got '%s'", key, val))
		}
	}
	return nil
}

// CreateTargetGroup creates a target group (target type instance by
// default, or ip) with the documented health check defaults and bounds.
// Repeating the same request returns the existing group.
func (x *ELBv2) CreateTargetGroup(ctx context.Context, in *elbv2.CreateTargetGroupInput, _ ...func(*elbv2.Options)) (*elbv2.CreateTargetGroupOutput, error) {
	if in == nil {
		in = &elbv2.CreateTargetGroupInput{}
	}
	name := aws.ToString(in.Name)
	tt := in.TargetType
	if tt == "" {
		tt = elbtypes.TargetTypeEnumInstance
	}
	if err := checkELBName("Target group", name); err != nil {
		return nil, err
	}
	switch tt {
	case elbtypes.TargetTypeEnumInstance, elbtypes.TargetTypeEnumIp:
	case elbtypes.TargetTypeEnumLambda, elbtypes.TargetTypeEnumAlb:
		return nil, errELBValidation(fmt.Sprintf("TargetType '%s': only instance and ip target groups are simulated by the fake", tt))
	default:
		return nil, errELBValidation(fmt.Sprintf("TargetType '%s' must be one of [instance, ip, lambda, alb]", tt))
	}
	switch in.Protocol {
	case elbtypes.ProtocolEnumHttp, elbtypes.ProtocolEnumHttps, elbtypes.ProtocolEnumTcp, elbtypes.ProtocolEnumTls,
		elbtypes.ProtocolEnumUdp, elbtypes.ProtocolEnumTcpUdp:
	case "":
		return nil, errELBValidation("A protocol must be specified")
	default:
		return nil, errELBValidation(fmt.Sprintf("Protocol '%s' must be one of [HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP]", in.Protocol))
	}
	if in.Port == nil {
		return nil, errELBValidation("A port must be specified")
	}
	if p := *in.Port; p < 1 || p > 65535 {
		return nil, errELBValidation(fmt.Sprintf("Port '%d' must be between 1 and 65535", p))
	}
	if aws.ToString(in.VpcId) == "" {
		return nil, errELBValidation("A VPC ID must be specified")
	}
	if v := aws.ToString(in.ProtocolVersion); v != "" && (!isHTTPProtocol(in.Protocol) || (v != "HTTP1" && v != "HTTP2" && v != "GRPC")) {
		return nil, errELBValidation(fmt.Sprintf("Protocol version '%s' must be one of [HTTP1, HTTP2, GRPC] with protocol HTTP or HTTPS", v))
	}
	hc := hcDefaults(in)
	if err := checkTargetGroupHealthCheck(hc, tt); err != nil {
		return nil, err
	}
	if err := checkELBTags(in.Tags); err != nil {
		return nil, err
	}
	now, unlock, err := x.begin(ctx, "CreateTargetGroup", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	e := x.e
	w := e.elb
	protoVer := ""
	if isHTTPProtocol(in.Protocol) {
		protoVer = "HTTP1"
		setStr(&protoVer, in.ProtocolVersion)
	}
	for _, tg := range w.tgs {
		if tg.name != name {
			continue
		}
		if tg.protocol == in.Protocol && tg.port == *in.Port && tg.targetType == tt && tg.vpc == *in.VpcId && hcEqual(tg.hc, hc) {
			return &elbv2.CreateTargetGroupOutput{TargetGroups: []elbtypes.TargetGroup{tg.view()}}, nil
		}
		return nil, &elbtypes.DuplicateTargetGroupNameException{Message: aws.String(
			fmt.Sprintf("A target group with the same name '%s' exists, but with different settings", name))}
	}
	ipType := in.IpAddressType
	if ipType == "" {
		ipType = elbtypes.TargetGroupIpAddressTypeEnumIpv4
	}
	tg := &targetGroup{
		arn:  fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s/%s", e.regionFor(ctx), e.cfg.account, name, e.hexID(16)),
		name: name, protocol: in.Protocol, protoVer: protoVer, port: *in.Port, targetType: tt, vpc: *in.VpcId,
		ipType: ipType, hc: hc, attrs: defaultTGAttributes(in.Protocol), createdAt: now, byKey: map[targetKey]*target{},
	}
	w.tgs = append(w.tgs, tg)
	w.tgByArn[tg.arn] = tg
	e.tagNewLocked(tg.arn, in.Tags)
	return &elbv2.CreateTargetGroupOutput{TargetGroups: []elbtypes.TargetGroup{tg.view()}}, nil
}

// view is the group as DescribeTargetGroups shows it.
func (tg *targetGroup) view() elbtypes.TargetGroup {
	v := elbtypes.TargetGroup{
		TargetGroupArn: aws.String(tg.arn), TargetGroupName: aws.String(tg.name), Protocol: tg.protocol,
		Port: aws.Int32(tg.port), VpcId: aws.String(tg.vpc), TargetType: tg.targetType, IpAddressType: tg.ipType,
		HealthCheckEnabled: aws.Bool(tg.hc.enabled), HealthCheckProtocol: tg.hc.protocol,
		HealthCheckPort: aws.String(tg.hc.port), HealthCheckIntervalSeconds: aws.Int32(tg.hc.interval),
		HealthCheckTimeoutSeconds: aws.Int32(tg.hc.timeout), HealthyThresholdCount: aws.Int32(tg.hc.healthy),
		UnhealthyThresholdCount: aws.Int32(tg.hc.unhealthy), LoadBalancerArns: []string{},
	}
	if tg.protoVer != "" {
		v.ProtocolVersion = aws.String(tg.protoVer)
	}
	if tg.hc.path != "" {
		v.HealthCheckPath = aws.String(tg.hc.path)
	}
	if tg.hc.matcher != nil {
		m := *tg.hc.matcher
		v.Matcher = &m
	}
	if tg.lb != nil {
		v.LoadBalancerArns = []string{tg.lb.arn}
	}
	return v
}

// tgLocked resolves a target group ARN.
func (e *ECS) tgLocked(arn *string) (*targetGroup, error) {
	if aws.ToString(arn) == "" {
		return nil, errELBValidation("A target group ARN must be specified")
	}
	tg := e.elb.tgByArn[*arn]
	if tg == nil {
		return nil, errTGNotFound()
	}
	return tg, nil
}

// DescribeTargetGroups lists target groups in creation order, or those
// named by TargetGroupArns or Names, or those of LoadBalancerArn.
func (x *ELBv2) DescribeTargetGroups(ctx context.Context, in *elbv2.DescribeTargetGroupsInput, _ ...func(*elbv2.Options)) (*elbv2.DescribeTargetGroupsOutput, error) {
	if in == nil {
		in = &elbv2.DescribeTargetGroupsInput{}
	}
	n := 0
	for _, set := range []bool{len(in.TargetGroupArns) > 0, len(in.Names) > 0, in.LoadBalancerArn != nil} {
		if set {
			n++
		}
	}
	if n > 1 {
		return nil, errELBValidation("Only one of target group ARNs, names and a load balancer ARN can be specified")
	}
	_, unlock, err := x.begin(ctx, "DescribeTargetGroups", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	w := x.e.elb
	var sel []*targetGroup
	switch {
	case len(in.TargetGroupArns) > 0:
		sel, err = lookupAll(w.tgByArn, in.TargetGroupArns, errTGNotFound)
	case len(in.Names) > 0:
		sel, err = lookupNamed(w.tgs, in.Names, func(tg *targetGroup) string { return tg.name }, errTGNotFound)
	case in.LoadBalancerArn != nil:
		lb, err := x.e.lbLocked(*in.LoadBalancerArn)
		if err != nil {
			return nil, err
		}
		for _, tg := range w.tgs {
			if tg.lb == lb {
				sel = append(sel, tg)
			}
		}
	default:
		sel = w.tgs
	}
	if err != nil {
		return nil, err
	}
	views, next, err := elbPageViews(sel, in.Marker, in.PageSize, (*targetGroup).view)
	if err != nil {
		return nil, err
	}
	return &elbv2.DescribeTargetGroupsOutput{TargetGroups: views, NextMarker: next}, nil
}

// ModifyTargetGroup changes a target group's health check settings; the
// new settings apply to the next checks of every target.
func (x *ELBv2) ModifyTargetGroup(ctx context.Context, in *elbv2.ModifyTargetGroupInput, _ ...func(*elbv2.Options)) (*elbv2.ModifyTargetGroupOutput, error) {
	if in == nil {
		in = &elbv2.ModifyTargetGroupInput{}
	}
	now, tg, unlock, err := x.beginTargetGroup(ctx, "ModifyTargetGroup", in, in.TargetGroupArn)
	defer unlock()
	if err != nil {
		return nil, err
	}
	hc := tg.hc
	if in.HealthCheckProtocol != "" {
		hc.protocol = in.HealthCheckProtocol
		if !isHTTPProtocol(hc.protocol) {
			hc.path, hc.matcher = "", nil
		} else if hc.path == "" {
			hc.path, hc.matcher = "/", &elbtypes.Matcher{HttpCode: aws.String("200")}
		}
	}
	hc.override(in.HealthCheckEnabled, in.HealthCheckPort, in.HealthCheckPath, in.HealthCheckIntervalSeconds,
		in.HealthCheckTimeoutSeconds, in.HealthyThresholdCount, in.UnhealthyThresholdCount, in.Matcher)
	if err := checkTargetGroupHealthCheck(hc, tg.targetType); err != nil {
		return nil, err
	}
	// Bring every target up to now under the old settings first.
	x.e.evalGroupLocked(tg, now)
	tg.hc = hc
	for _, t := range tg.targets { // the next check runs now, at the new interval
		if !t.removed && !t.th.FirstCheck.IsZero() && !now.Before(t.th.FirstCheck) {
			t.th.FirstCheck, t.th.Checks = now, 0
		}
	}
	x.e.evalGroupLocked(tg, now)
	return &elbv2.ModifyTargetGroupOutput{TargetGroups: []elbtypes.TargetGroup{tg.view()}}, nil
}

// DeleteTargetGroup deletes a target group that no listener or rule uses
// (ResourceInUse otherwise). Deleting an unknown ARN succeeds, as in ELB.
func (x *ELBv2) DeleteTargetGroup(ctx context.Context, in *elbv2.DeleteTargetGroupInput, _ ...func(*elbv2.Options)) (*elbv2.DeleteTargetGroupOutput, error) {
	if in == nil || aws.ToString(in.TargetGroupArn) == "" {
		return nil, errELBValidation("A target group ARN must be specified")
	}
	_, unlock, err := x.begin(ctx, "DeleteTargetGroup", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	w := x.e.elb
	tg := w.tgByArn[*in.TargetGroupArn]
	if tg == nil {
		return &elbv2.DeleteTargetGroupOutput{}, nil
	}
	if tg.inUse {
		return nil, &elbtypes.ResourceInUseException{Message: aws.String(
			fmt.Sprintf("Target group '%s' is currently in use by a listener or a rule", tg.arn))}
	}
	for _, t := range slices.Clone(tg.targets) {
		if !t.removed {
			tg.remove(t)
			x.e.targetGoneLocked(tg, t)
		}
	}
	delete(w.tgByArn, tg.arn)
	delete(w.tags, tg.arn)
	w.tgs = slices.DeleteFunc(w.tgs, func(o *targetGroup) bool { return o == tg })
	return &elbv2.DeleteTargetGroupOutput{}, nil
}

// DescribeTargetGroupAttributes returns a target group's attributes,
// sorted by key.
func (x *ELBv2) DescribeTargetGroupAttributes(ctx context.Context, in *elbv2.DescribeTargetGroupAttributesInput, _ ...func(*elbv2.Options)) (*elbv2.DescribeTargetGroupAttributesOutput, error) {
	if in == nil {
		in = &elbv2.DescribeTargetGroupAttributesInput{}
	}
	_, tg, unlock, err := x.beginTargetGroup(ctx, "DescribeTargetGroupAttributes", in, in.TargetGroupArn)
	defer unlock()
	if err != nil {
		return nil, err
	}
	return &elbv2.DescribeTargetGroupAttributesOutput{Attributes: tg.attributes()}, nil
}

func (tg *targetGroup) attributes() []elbtypes.TargetGroupAttribute {
	keys := make([]string, 0, len(tg.attrs))
	for k := range tg.attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]elbtypes.TargetGroupAttribute, 0, len(keys))
	for _, k := range keys {
		out = append(out, elbtypes.TargetGroupAttribute{Key: aws.String(k), Value: aws.String(tg.attrs[k])})
	}
	return out
}

// ModifyTargetGroupAttributes sets attributes (all or none: one invalid
// attribute changes nothing). A new deregistration delay applies to
// targets deregistered afterwards; those already draining keep theirs.
func (x *ELBv2) ModifyTargetGroupAttributes(ctx context.Context, in *elbv2.ModifyTargetGroupAttributesInput, _ ...func(*elbv2.Options)) (*elbv2.ModifyTargetGroupAttributesOutput, error) {
	if in == nil {
		in = &elbv2.ModifyTargetGroupAttributesInput{}
	}
	if len(in.Attributes) == 0 {
		return nil, errELBValidation("At least one attribute must be specified")
	}
	_, tg, unlock, err := x.beginTargetGroup(ctx, "ModifyTargetGroupAttributes", in, in.TargetGroupArn)
	defer unlock()
	if err != nil {
		return nil, err
	}
	for _, a := range in.Attributes {
		if err := checkTGAttribute(tg, aws.ToString(a.Key), aws.ToString(a.Value)); err != nil {
			return nil, err
		}
	}
	for _, a := range in.Attributes {
		tg.attrs[*a.Key] = aws.ToString(a.Value)
	}
	return &elbv2.ModifyTargetGroupAttributesOutput{Attributes: tg.attributes()}, nil
}
