package fake

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// loadBalancer is one application or network load balancer.
type loadBalancer struct {
	arn, name, id string
	typ           elbtypes.LoadBalancerTypeEnum
	scheme        elbtypes.LoadBalancerSchemeEnum
	ipType        elbtypes.IpAddressType
	dns, zoneID   string
	vpc           string
	subnets       []string
	azs           []string
	sgs           []string
	createdAt     time.Time
	activeAt      time.Time
	listeners     []*listener
	deleted       bool
}

func (lb *loadBalancer) state(now time.Time) elbtypes.LoadBalancerStateEnum {
	if now.Before(lb.activeAt) {
		return elbtypes.LoadBalancerStateEnumProvisioning
	}
	return elbtypes.LoadBalancerStateEnumActive
}

// elbNameRE is ELB's rule for load balancer and target group names: 1-32
// alphanumeric characters or hyphens, not beginning or ending with a hyphen.
var elbNameRE = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$`)

// checkELBName applies ELB's name rules (CreateLoadBalancer and
// CreateTargetGroup, "Name" in the API Reference).
func checkELBName(kind, name string) error {
	switch {
	case name == "":
		return errELBValidation(kind + " name cannot be empty")
	case len(name) > 32:
		return errELBValidation(fmt.Sprintf("%s name '%s' cannot be longer than '32' characters", kind, name))
	case !elbNameRE.MatchString(name):
		return errELBValidation(fmt.Sprintf("%s name '%s' can have a maximum of 32 characters, must contain only alphanumeric characters or hyphens, and must not begin or end with a hyphen", kind, name))
	case kind == "Load balancer" && strings.HasPrefix(strings.ToLower(name), "internal-"):
		return errELBValidation(fmt.Sprintf("Load balancer name '%s' cannot begin with 'internal-'", name))
	}
	return nil
}

// subnetAZ is the availability zone the fake gives a subnet: "subnet-<az>"
// (the form the ECS fake reports for awsvpc tasks) is in <az>; any other id
// is spread over the fake's zones by a stable hash.
func (e *ECS) subnetAZ(region, subnet string) string {
	if az, ok := strings.CutPrefix(subnet, "subnet-"); ok && strings.HasPrefix(az, region) {
		return az
	}
	h := 0
	for _, c := range subnet {
		h = h*31 + int(c)
	}
	if h < 0 {
		h = -h
	}
	return e.cfg.azs[h%len(e.cfg.azs)]
}

// CreateLoadBalancer creates an application (default) or network load
// balancer; it is provisioning for 90 s of virtual time, then active.
// Repeating the same request returns the existing load balancer.
func (x *ELBv2) CreateLoadBalancer(ctx context.Context, in *elbv2.CreateLoadBalancerInput, _ ...func(*elbv2.Options)) (*elbv2.CreateLoadBalancerOutput, error) {
	if in == nil {
		in = &elbv2.CreateLoadBalancerInput{}
	}
	name := aws.ToString(in.Name)
	typ := in.Type
	if typ == "" {
		typ = elbtypes.LoadBalancerTypeEnumApplication
	}
	scheme := in.Scheme
	if scheme == "" {
		scheme = elbtypes.LoadBalancerSchemeEnumInternetFacing
	}
	subnets := slices.Clone(in.Subnets)
	for _, m := range in.SubnetMappings {
		subnets = append(subnets, aws.ToString(m.SubnetId))
	}
	if err := checkCreateLoadBalancer(name, typ, scheme, subnets, in.Tags); err != nil {
		return nil, err
	}
	now, unlock, err := x.begin(ctx, "CreateLoadBalancer", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	e := x.e
	w := e.elb
	region := e.regionFor(ctx)
	azs := make([]string, 0, len(subnets))
	for _, s := range subnets {
		az := e.subnetAZ(region, s)
		if slices.Contains(azs, az) {
			return nil, errELBValidation(fmt.Sprintf("You cannot specify multiple subnets in the same Availability Zone ('%s')", az))
		}
		azs = append(azs, az)
	}
	if typ == elbtypes.LoadBalancerTypeEnumApplication && len(azs) < 2 {
		return nil, errELBValidation("At least two subnets in two different Availability Zones must be specified")
	}
	for _, lb := range w.lbs {
		if lb.name != name {
			continue
		}
		if lb.typ == typ && lb.scheme == scheme && slices.Equal(lb.subnets, subnets) {
			return &elbv2.CreateLoadBalancerOutput{LoadBalancers: []elbtypes.LoadBalancer{x.lbView(lb, now)}}, nil
		}
		return nil, &elbtypes.DuplicateLoadBalancerNameException{Message: aws.String(
			fmt.Sprintf("A load balancer with the same name '%s' exists, but with different settings", name))}
	}
	id := e.hexID(16)
	kind, zone, dnsFmt := "app", "Z35SXDOTRQ7X7K", "%s-%d.%s.elb.amazonaws.com"
	if typ == elbtypes.LoadBalancerTypeEnumNetwork {
		kind, zone, dnsFmt = "net", "Z26RNL4JYFTOTI", "%s-%d.elb.%s.amazonaws.com"
	}
	dns := fmt.Sprintf(dnsFmt, name, e.idRand.Int64N(9e9)+1e9, region)
	if scheme == elbtypes.LoadBalancerSchemeEnumInternal {
		dns = "internal-" + dns
	}
	ipType := in.IpAddressType
	if ipType == "" {
		ipType = elbtypes.IpAddressTypeIpv4
	}
	lb := &loadBalancer{
		arn:  fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:loadbalancer/%s/%s/%s", region, e.cfg.account, kind, name, id),
		name: name, id: id, typ: typ, scheme: scheme, ipType: ipType, dns: dns, zoneID: zone,
		vpc: "vpc-" + e.cfg.region, subnets: subnets, azs: azs, sgs: slices.Clone(in.SecurityGroups),
		createdAt: now, activeAt: now.Add(lbProvisioning),
	}
	w.lbs = append(w.lbs, lb)
	w.lbByArn[lb.arn] = lb
	e.tagNewLocked(lb.arn, in.Tags)
	return &elbv2.CreateLoadBalancerOutput{LoadBalancers: []elbtypes.LoadBalancer{x.lbView(lb, now)}}, nil
}

func checkCreateLoadBalancer(name string, typ elbtypes.LoadBalancerTypeEnum, scheme elbtypes.LoadBalancerSchemeEnum, subnets []string, tags []elbtypes.Tag) error {
	if err := checkELBName("Load balancer", name); err != nil {
		return err
	}
	switch typ {
	case elbtypes.LoadBalancerTypeEnumApplication, elbtypes.LoadBalancerTypeEnumNetwork:
	case elbtypes.LoadBalancerTypeEnumGateway:
		return errELBValidation("Type: gateway load balancers are not simulated by the fake")
	default:
		return errELBValidation(fmt.Sprintf("Type '%s' must be one of [application, network, gateway]", typ))
	}
	switch scheme {
	case elbtypes.LoadBalancerSchemeEnumInternetFacing, elbtypes.LoadBalancerSchemeEnumInternal:
	default:
		return &elbtypes.InvalidSchemeException{Message: aws.String(fmt.Sprintf("Scheme '%s' must be one of [internet-facing, internal]", scheme))}
	}
	if len(subnets) == 0 {
		return errELBValidation("At least one subnet must be specified")
	}
	for i, s := range subnets {
		if !strings.HasPrefix(s, "subnet-") {
			return &elbtypes.SubnetNotFoundException{Message: aws.String(fmt.Sprintf("The subnet ID '%s' is not valid (Subnets[%d])", s, i))}
		}
	}
	return checkELBTags(tags)
}

func (x *ELBv2) lbView(lb *loadBalancer, now time.Time) elbtypes.LoadBalancer {
	v := elbtypes.LoadBalancer{
		LoadBalancerArn: aws.String(lb.arn), LoadBalancerName: aws.String(lb.name),
		DNSName: aws.String(lb.dns), CanonicalHostedZoneId: aws.String(lb.zoneID),
		CreatedTime: aws.Time(lb.createdAt), Scheme: lb.scheme, Type: lb.typ, IpAddressType: lb.ipType,
		VpcId: aws.String(lb.vpc), State: &elbtypes.LoadBalancerState{Code: lb.state(now)},
	}
	for i, az := range lb.azs {
		v.AvailabilityZones = append(v.AvailabilityZones, elbtypes.AvailabilityZone{
			ZoneName: aws.String(az), SubnetId: aws.String(lb.subnets[i]), LoadBalancerAddresses: []elbtypes.LoadBalancerAddress{}})
	}
	if lb.typ == elbtypes.LoadBalancerTypeEnumApplication {
		v.SecurityGroups = append([]string{}, lb.sgs...)
	}
	return v
}

// DescribeLoadBalancers lists load balancers in creation order, or those
// named by LoadBalancerArns or Names (any unknown one is
// LoadBalancerNotFound). It pages with PageSize (1-400) and Marker.
func (x *ELBv2) DescribeLoadBalancers(ctx context.Context, in *elbv2.DescribeLoadBalancersInput, _ ...func(*elbv2.Options)) (*elbv2.DescribeLoadBalancersOutput, error) {
	if in == nil {
		in = &elbv2.DescribeLoadBalancersInput{}
	}
	if len(in.LoadBalancerArns) > 0 && len(in.Names) > 0 {
		return nil, errELBValidation("Load balancer names and load balancer ARNs cannot be specified at the same time")
	}
	if len(in.LoadBalancerArns) > 20 || len(in.Names) > 20 {
		return nil, errELBValidation("At most 20 load balancers can be described at once")
	}
	now, unlock, err := x.begin(ctx, "DescribeLoadBalancers", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	w := x.e.elb
	var sel []*loadBalancer
	switch {
	case len(in.LoadBalancerArns) > 0:
		sel, err = lookupAll(w.lbByArn, in.LoadBalancerArns, errLBNotFound)
	case len(in.Names) > 0:
		sel, err = lookupNamed(w.lbs, in.Names, func(lb *loadBalancer) string { return lb.name }, errLBNotFound)
	default:
		sel = w.lbs
	}
	if err != nil {
		return nil, err
	}
	views, next, err := elbPageViews(sel, in.Marker, in.PageSize, func(lb *loadBalancer) elbtypes.LoadBalancer { return x.lbView(lb, now) })
	if err != nil {
		return nil, err
	}
	return &elbv2.DescribeLoadBalancersOutput{LoadBalancers: views, NextMarker: next}, nil
}

// elbPage returns one page of items: Marker is the decimal offset the
// previous page returned; PageSize is 1-400 (default all).
func elbPage[T any](items []T, marker *string, pageSize *int32) ([]T, *string, error) {
	start := 0
	if m := aws.ToString(marker); m != "" {
		if _, err := fmt.Sscanf(m, "%d", &start); err != nil || start < 0 || start > len(items) || fmt.Sprint(start) != m {
			return nil, nil, errELBValidation(fmt.Sprintf("Invalid marker '%s'", m))
		}
	}
	size := len(items) - start
	if pageSize != nil {
		if *pageSize < 1 || *pageSize > 400 {
			return nil, nil, errELBValidation("Page size must be between 1 and 400")
		}
		size = min(size, int(*pageSize))
	}
	end := start + size
	var next *string
	if end < len(items) {
		next = aws.String(fmt.Sprint(end))
	}
	return items[start:end], next, nil
}

// DeleteLoadBalancer deletes a load balancer and its listeners and rules;
// its target groups stay (unused). Deleting an unknown ARN succeeds, as in
// ELB.
func (x *ELBv2) DeleteLoadBalancer(ctx context.Context, in *elbv2.DeleteLoadBalancerInput, _ ...func(*elbv2.Options)) (*elbv2.DeleteLoadBalancerOutput, error) {
	if in == nil || aws.ToString(in.LoadBalancerArn) == "" {
		return nil, errELBValidation("LoadBalancerArn must be specified")
	}
	now, unlock, err := x.begin(ctx, "DeleteLoadBalancer", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	w := x.e.elb
	lb := w.lbByArn[*in.LoadBalancerArn]
	if lb == nil {
		if !strings.Contains(*in.LoadBalancerArn, ":loadbalancer/") {
			return nil, errELBValidation(fmt.Sprintf("'%s' is not a valid load balancer ARN", *in.LoadBalancerArn))
		}
		return &elbv2.DeleteLoadBalancerOutput{}, nil
	}
	for _, l := range lb.listeners {
		x.e.dropListenerLocked(l)
	}
	lb.listeners = nil
	lb.deleted = true
	delete(w.lbByArn, lb.arn)
	delete(w.tags, lb.arn)
	w.lbs = slices.DeleteFunc(w.lbs, func(o *loadBalancer) bool { return o == lb })
	x.e.refreshTargetGroupUseLocked(now)
	return &elbv2.DeleteLoadBalancerOutput{}, nil
}
