package fake

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// listener is one listener of a load balancer; rules[0] is its default rule.
type listener struct {
	arn, id  string
	lb       *loadBalancer
	port     int32
	protocol elbtypes.ProtocolEnum
	certs    []elbtypes.Certificate
	ssl      *string
	rules    []*rule
}

// rule is one listener rule (the default rule has priority "default").
type rule struct {
	arn        string
	l          *listener
	priority   string
	conditions []elbtypes.RuleCondition
	actions    []elbtypes.Action
}

func (r *rule) isDefault() bool { return r.priority == "default" }

// forwardTargets lists the target group ARNs the actions forward to.
func forwardTargets(actions []elbtypes.Action) []string {
	var arns []string
	for _, a := range actions {
		if a.Type != elbtypes.ActionTypeEnumForward {
			continue
		}
		if a.TargetGroupArn != nil {
			arns = append(arns, *a.TargetGroupArn)
		}
		if a.ForwardConfig != nil {
			for _, t := range a.ForwardConfig.TargetGroups {
				arns = append(arns, aws.ToString(t.TargetGroupArn))
			}
		}
	}
	return arns
}

// checkActionsLocked validates forward actions (the only kind simulated)
// against the load balancer: the groups exist, match the listener's
// protocol family, and are not used by another load balancer.
func (e *ECS) checkActionsLocked(lb *loadBalancer, proto elbtypes.ProtocolEnum, actions []elbtypes.Action, field string) ([]elbtypes.Action, error) {
	if len(actions) == 0 {
		return nil, errELBValidation(field + ": at least one action must be specified")
	}
	out := make([]elbtypes.Action, 0, len(actions))
	for i, a := range actions {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch a.Type {
		case elbtypes.ActionTypeEnumForward:
		case elbtypes.ActionTypeEnumFixedResponse, elbtypes.ActionTypeEnumRedirect:
			if lb.typ != elbtypes.LoadBalancerTypeEnumApplication {
				return nil, &elbtypes.InvalidLoadBalancerActionException{Message: aws.String(fmt.Sprintf("%s: action type '%s' is only supported by Application Load Balancers", f, a.Type))}
			}
			out = append(out, a)
			continue
		default:
			return nil, &elbtypes.InvalidLoadBalancerActionException{Message: aws.String(fmt.Sprintf("%s: action type '%s' is not simulated by the fake (forward, fixed-response and redirect are)", f, a.Type))}
		}
		if a.TargetGroupArn != nil && a.ForwardConfig != nil && len(a.ForwardConfig.TargetGroups) > 0 {
			if len(a.ForwardConfig.TargetGroups) != 1 || aws.ToString(a.ForwardConfig.TargetGroups[0].TargetGroupArn) != *a.TargetGroupArn {
				return nil, errELBValidation(f + ": you cannot specify both a target group ARN and a forward config with different target groups")
			}
		}
		if a.TargetGroupArn == nil && (a.ForwardConfig == nil || len(a.ForwardConfig.TargetGroups) == 0) {
			return nil, errELBValidation(f + ": a forward action needs a target group ARN or a forward config")
		}
		if a.ForwardConfig != nil {
			if n := len(a.ForwardConfig.TargetGroups); n > 5 {
				return nil, &elbtypes.TooManyTargetGroupsException{Message: aws.String(fmt.Sprintf("%s: a forward action can have at most 5 target groups, got %d", f, n))}
			}
			for j, t := range a.ForwardConfig.TargetGroups {
				if w := aws.ToInt32(t.Weight); w < 0 || w > 999 {
					return nil, errELBValidation(fmt.Sprintf("%s.ForwardConfig.TargetGroups[%d].Weight: '%d' must be between 0 and 999", f, j, w))
				}
			}
		}
		for _, arn := range forwardTargets([]elbtypes.Action{a}) {
			tg := e.elb.tgByArn[arn]
			if tg == nil {
				return nil, errTGNotFound()
			}
			if tg.lb != nil && tg.lb != lb {
				return nil, &elbtypes.TargetGroupAssociationLimitException{Message: aws.String(
					"The following target groups cannot be associated with more than one load balancer: " + tg.arn)}
			}
			if isHTTPProtocol(proto) != isHTTPProtocol(tg.protocol) {
				return nil, &elbtypes.IncompatibleProtocolsException{Message: aws.String(fmt.Sprintf(
					"Listener protocol '%s' is not supported with a target group with the protocol '%s'", proto, tg.protocol))}
			}
		}
		// A forward with a single target group reads back with both forms,
		// as ELB shows it.
		if a.ForwardConfig == nil {
			a.ForwardConfig = &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{{TargetGroupArn: a.TargetGroupArn, Weight: aws.Int32(1)}},
				TargetGroupStickinessConfig: &elbtypes.TargetGroupStickinessConfig{Enabled: aws.Bool(false)}}
		} else if a.TargetGroupArn == nil && len(a.ForwardConfig.TargetGroups) == 1 {
			a.TargetGroupArn = a.ForwardConfig.TargetGroups[0].TargetGroupArn
		}
		out = append(out, a)
	}
	return out, nil
}

func checkListenerProtocol(lb *loadBalancer, p elbtypes.ProtocolEnum, port *int32, certs []elbtypes.Certificate) error {
	alb := lb.typ == elbtypes.LoadBalancerTypeEnumApplication
	switch p {
	case elbtypes.ProtocolEnumHttp, elbtypes.ProtocolEnumHttps:
		if !alb {
			return &elbtypes.UnsupportedProtocolException{Message: aws.String(fmt.Sprintf("Protocol '%s' is not supported for load balancers of type 'network'", p))}
		}
	case elbtypes.ProtocolEnumTcp, elbtypes.ProtocolEnumTls, elbtypes.ProtocolEnumUdp, elbtypes.ProtocolEnumTcpUdp:
		if alb {
			return &elbtypes.UnsupportedProtocolException{Message: aws.String(fmt.Sprintf("Protocol '%s' is not supported for load balancers of type 'application'", p))}
		}
	default:
		return errELBValidation(fmt.Sprintf("Protocol '%s' must be one of [HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP]", p))
	}
	if (p == elbtypes.ProtocolEnumHttps || p == elbtypes.ProtocolEnumTls) && len(certs) == 0 {
		return errELBValidation("A certificate must be specified for " + string(p) + " listeners")
	}
	if port == nil || *port < 1 || *port > 65535 {
		return errELBValidation(fmt.Sprintf("Port '%d' must be between 1 and 65535", aws.ToInt32(port)))
	}
	return nil
}

// CreateListener adds a listener with forward (or fixed-response and
// redirect) default actions; the target groups it forwards to come into use
// and their targets start health checks. Repeating the same request returns
// the existing listener.
func (x *ELBv2) CreateListener(ctx context.Context, in *elbv2.CreateListenerInput, _ ...func(*elbv2.Options)) (*elbv2.CreateListenerOutput, error) {
	if in == nil {
		in = &elbv2.CreateListenerInput{}
	}
	now, unlock, err := x.begin(ctx, "CreateListener", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	e := x.e
	lb, err := e.lbLocked(aws.ToString(in.LoadBalancerArn))
	if err != nil {
		return nil, err
	}
	proto := in.Protocol
	if proto == "" {
		proto = elbtypes.ProtocolEnumHttp
		if lb.typ == elbtypes.LoadBalancerTypeEnumNetwork {
			proto = elbtypes.ProtocolEnumTcp
		}
	}
	if err := checkListenerProtocol(lb, proto, in.Port, in.Certificates); err != nil {
		return nil, err
	}
	actions, err := e.checkActionsLocked(lb, proto, in.DefaultActions, "DefaultActions")
	if err != nil {
		return nil, err
	}
	if err := checkELBTags(in.Tags); err != nil {
		return nil, err
	}
	for _, l := range lb.listeners {
		if l.port != *in.Port {
			continue
		}
		if l.protocol == proto && sameJSON(l.rules[0].actions, actions) {
			return &elbv2.CreateListenerOutput{Listeners: []elbtypes.Listener{l.view()}}, nil
		}
		return nil, errDuplicateListener(lb)
	}
	if len(lb.listeners) >= 50 {
		return nil, &elbtypes.TooManyListenersException{Message: aws.String("You've reached the limit on the number of listeners per load balancer (50)")}
	}
	id := e.hexID(16)
	l := &listener{
		arn: fmt.Sprintf("arn:aws:elasticloadbalancing:%s:listener/%s/%s/%s/%s", arnRegionAccount(lb.arn), lb.arnKind(), lb.name, lb.id, id),
		id:  id, lb: lb, port: *in.Port, protocol: proto, certs: slices.Clone(in.Certificates), ssl: in.SslPolicy,
	}
	if proto == elbtypes.ProtocolEnumHttps && l.ssl == nil {
		l.ssl = aws.String("ELBSecurityPolicy-2016-08")
	}
	l.rules = []*rule{{arn: e.ruleArn(l), l: l, priority: "default", actions: actions, conditions: []elbtypes.RuleCondition{}}}
	lb.listeners = append(lb.listeners, l)
	e.elb.listeners[l.arn] = l
	e.elb.rules[l.rules[0].arn] = l.rules[0]
	e.tagNewLocked(l.arn, in.Tags)
	e.refreshTargetGroupUseLocked(now)
	return &elbv2.CreateListenerOutput{Listeners: []elbtypes.Listener{l.view()}}, nil
}

// arnRegionAccount returns "<region>:<account>" of an ELB ARN.
func arnRegionAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[3] + ":" + parts[4]
}

// arnKind is the load balancer's kind in listener and rule ARNs.
func (lb *loadBalancer) arnKind() string {
	if lb.typ == elbtypes.LoadBalancerTypeEnumNetwork {
		return "net"
	}
	return "app"
}

// errDuplicateListener is ELB's answer to a second listener on a port.
func errDuplicateListener(lb *loadBalancer) error {
	return &elbtypes.DuplicateListenerException{Message: aws.String(fmt.Sprintf("A listener already exists on this port for this load balancer '%s'", lb.arn))}
}

func (e *ECS) ruleArn(l *listener) string {
	return fmt.Sprintf("arn:aws:elasticloadbalancing:%s:listener-rule/%s/%s/%s/%s/%s", arnRegionAccount(l.lb.arn), l.lb.arnKind(), l.lb.name, l.lb.id, l.id, e.hexID(16))
}

func (l *listener) view() elbtypes.Listener {
	v := elbtypes.Listener{
		ListenerArn: aws.String(l.arn), LoadBalancerArn: aws.String(l.lb.arn), Port: aws.Int32(l.port),
		Protocol: l.protocol, DefaultActions: slices.Clone(l.rules[0].actions), SslPolicy: l.ssl,
	}
	if len(l.certs) > 0 {
		v.Certificates = slices.Clone(l.certs)
	}
	return v
}

// DescribeListeners lists the listeners of LoadBalancerArn, or those named
// by ListenerArns.
func (x *ELBv2) DescribeListeners(ctx context.Context, in *elbv2.DescribeListenersInput, _ ...func(*elbv2.Options)) (*elbv2.DescribeListenersOutput, error) {
	if in == nil {
		in = &elbv2.DescribeListenersInput{}
	}
	if (in.LoadBalancerArn == nil) == (len(in.ListenerArns) == 0) {
		return nil, errELBValidation("You must specify either listener ARNs or a load balancer ARN")
	}
	_, unlock, err := x.begin(ctx, "DescribeListeners", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	var sel []*listener
	if in.LoadBalancerArn != nil {
		lb, err := x.e.lbLocked(*in.LoadBalancerArn)
		if err != nil {
			return nil, err
		}
		sel = lb.listeners
	} else if sel, err = lookupAll(x.e.elb.listeners, in.ListenerArns, errListenerNotFound); err != nil {
		return nil, err
	}
	views, next, err := elbPageViews(sel, in.Marker, in.PageSize, (*listener).view)
	if err != nil {
		return nil, err
	}
	return &elbv2.DescribeListenersOutput{Listeners: views, NextMarker: next}, nil
}

// ModifyListener changes a listener's port, protocol, certificates or
// default actions (weights of a weighted forward included).
func (x *ELBv2) ModifyListener(ctx context.Context, in *elbv2.ModifyListenerInput, _ ...func(*elbv2.Options)) (*elbv2.ModifyListenerOutput, error) {
	if in == nil {
		in = &elbv2.ModifyListenerInput{}
	}
	now, l, unlock, err := x.beginListener(ctx, "ModifyListener", in, in.ListenerArn)
	defer unlock()
	if err != nil {
		return nil, err
	}
	e := x.e
	proto, port, certs := l.protocol, l.port, l.certs
	if in.Protocol != "" {
		proto = in.Protocol
	}
	if in.Port != nil {
		port = *in.Port
	}
	if in.Certificates != nil {
		certs = in.Certificates
	}
	if err := checkListenerProtocol(l.lb, proto, &port, certs); err != nil {
		return nil, err
	}
	for _, o := range l.lb.listeners {
		if o != l && o.port == port {
			return nil, errDuplicateListener(l.lb)
		}
	}
	actions := l.rules[0].actions
	if in.DefaultActions != nil {
		if actions, err = e.checkActionsLocked(l.lb, proto, in.DefaultActions, "DefaultActions"); err != nil {
			return nil, err
		}
	}
	l.protocol, l.port, l.certs, l.rules[0].actions = proto, port, slices.Clone(certs), actions
	if in.SslPolicy != nil {
		l.ssl = in.SslPolicy
	}
	e.refreshTargetGroupUseLocked(now)
	return &elbv2.ModifyListenerOutput{Listeners: []elbtypes.Listener{l.view()}}, nil
}

// DeleteListener deletes a listener and its rules.
func (x *ELBv2) DeleteListener(ctx context.Context, in *elbv2.DeleteListenerInput, _ ...func(*elbv2.Options)) (*elbv2.DeleteListenerOutput, error) {
	if in == nil {
		in = &elbv2.DeleteListenerInput{}
	}
	now, l, unlock, err := x.beginListener(ctx, "DeleteListener", in, in.ListenerArn)
	defer unlock()
	if err != nil {
		return nil, err
	}
	e := x.e
	e.dropListenerLocked(l)
	l.lb.listeners = slices.DeleteFunc(l.lb.listeners, func(o *listener) bool { return o == l })
	e.refreshTargetGroupUseLocked(now)
	return &elbv2.DeleteListenerOutput{}, nil
}

// dropListenerLocked forgets a listener and its rules (the caller removes
// it from its load balancer and refreshes target group use).
func (e *ECS) dropListenerLocked(l *listener) {
	for _, r := range l.rules {
		delete(e.elb.rules, r.arn)
		delete(e.elb.tags, r.arn)
	}
	delete(e.elb.listeners, l.arn)
	delete(e.elb.tags, l.arn)
}

// CreateRule adds a rule with conditions and forward actions to a
// listener; priorities are 1-50000 and unique per listener.
func (x *ELBv2) CreateRule(ctx context.Context, in *elbv2.CreateRuleInput, _ ...func(*elbv2.Options)) (*elbv2.CreateRuleOutput, error) {
	if in == nil {
		in = &elbv2.CreateRuleInput{}
	}
	if p := aws.ToInt32(in.Priority); p < 1 || p > 50000 {
		return nil, errELBValidation(fmt.Sprintf("Priority '%d' must be between 1 and 50000", p))
	}
	if len(in.Conditions) == 0 {
		return nil, errELBValidation("At least one condition must be specified")
	}
	now, l, unlock, err := x.beginListener(ctx, "CreateRule", in, in.ListenerArn)
	defer unlock()
	if err != nil {
		return nil, err
	}
	e := x.e
	if l.lb.typ != elbtypes.LoadBalancerTypeEnumApplication {
		return nil, errELBValidation("Rules can only be created for listeners of Application Load Balancers")
	}
	prio := strconv.Itoa(int(*in.Priority))
	for _, r := range l.rules {
		if r.priority == prio {
			return nil, &elbtypes.PriorityInUseException{Message: aws.String(fmt.Sprintf("Priority '%s' is currently in use", prio))}
		}
	}
	if len(l.rules) > 100 {
		return nil, &elbtypes.TooManyRulesException{Message: aws.String("You've reached the limit on the number of rules per listener (100)")}
	}
	actions, err := e.checkActionsLocked(l.lb, l.protocol, in.Actions, "Actions")
	if err != nil {
		return nil, err
	}
	if err := checkELBTags(in.Tags); err != nil {
		return nil, err
	}
	r := &rule{arn: e.ruleArn(l), l: l, priority: prio, conditions: slices.Clone(in.Conditions), actions: actions}
	l.rules = append(l.rules, r)
	e.elb.rules[r.arn] = r
	e.tagNewLocked(r.arn, in.Tags)
	e.refreshTargetGroupUseLocked(now)
	return &elbv2.CreateRuleOutput{Rules: []elbtypes.Rule{r.view()}}, nil
}

func (r *rule) view() elbtypes.Rule {
	return elbtypes.Rule{RuleArn: aws.String(r.arn), Priority: aws.String(r.priority), IsDefault: aws.Bool(r.isDefault()),
		Conditions: slices.Clone(r.conditions), Actions: slices.Clone(r.actions)}
}

// DescribeRules lists a listener's rules (default rule last, the others by
// priority) or those named by RuleArns.
func (x *ELBv2) DescribeRules(ctx context.Context, in *elbv2.DescribeRulesInput, _ ...func(*elbv2.Options)) (*elbv2.DescribeRulesOutput, error) {
	if in == nil {
		in = &elbv2.DescribeRulesInput{}
	}
	if (in.ListenerArn == nil) == (len(in.RuleArns) == 0) {
		return nil, errELBValidation("You must specify either listener ARN or rule ARNs")
	}
	_, unlock, err := x.begin(ctx, "DescribeRules", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	var sel []*rule
	if in.ListenerArn != nil {
		l, err := x.e.listenerLocked(in.ListenerArn)
		if err != nil {
			return nil, err
		}
		sel = slices.Clone(l.rules[1:])
		slices.SortFunc(sel, func(a, b *rule) int {
			pa, _ := strconv.Atoi(a.priority)
			pb, _ := strconv.Atoi(b.priority)
			return pa - pb
		})
		sel = append(sel, l.rules[0])
	} else if sel, err = lookupAll(x.e.elb.rules, in.RuleArns, errRuleNotFound); err != nil {
		return nil, err
	}
	views, next, err := elbPageViews(sel, in.Marker, in.PageSize, (*rule).view)
	if err != nil {
		return nil, err
	}
	return &elbv2.DescribeRulesOutput{Rules: views, NextMarker: next}, nil
}

// ModifyRule replaces a rule's conditions and/or actions (weights of a
// weighted forward included). The default rule takes no conditions.
func (x *ELBv2) ModifyRule(ctx context.Context, in *elbv2.ModifyRuleInput, _ ...func(*elbv2.Options)) (*elbv2.ModifyRuleOutput, error) {
	if in == nil {
		in = &elbv2.ModifyRuleInput{}
	}
	now, r, unlock, err := x.beginRule(ctx, "ModifyRule", in, in.RuleArn)
	defer unlock()
	if err != nil {
		return nil, err
	}
	e := x.e
	if r.isDefault() && len(in.Conditions) > 0 {
		return nil, &elbtypes.OperationNotPermittedException{Message: aws.String(fmt.Sprintf("Conditions cannot be set on the default rule '%s'", r.arn))}
	}
	if in.Conditions != nil && len(in.Conditions) == 0 && !r.isDefault() {
		return nil, errELBValidation("At least one condition must be specified")
	}
	actions := r.actions
	if in.Actions != nil {
		if actions, err = e.checkActionsLocked(r.l.lb, r.l.protocol, in.Actions, "Actions"); err != nil {
			return nil, err
		}
	}
	if in.Conditions != nil && !r.isDefault() {
		r.conditions = slices.Clone(in.Conditions)
	}
	e.setRuleActionsLocked(r, actions, now)
	return &elbv2.ModifyRuleOutput{Rules: []elbtypes.Rule{r.view()}}, nil
}

// setRuleActionsLocked replaces r's actions with checked ones
// (checkActionsLocked) and refreshes which target groups are in use: the
// one way ModifyRule and ECS (blue/green traffic shifts, bluegreen.go)
// change a rule.
func (e *ECS) setRuleActionsLocked(r *rule, actions []elbtypes.Action, now time.Time) {
	r.actions = actions
	e.refreshTargetGroupUseLocked(now)
}

// DeleteRule deletes a rule; the default rule cannot be deleted.
func (x *ELBv2) DeleteRule(ctx context.Context, in *elbv2.DeleteRuleInput, _ ...func(*elbv2.Options)) (*elbv2.DeleteRuleOutput, error) {
	if in == nil {
		in = &elbv2.DeleteRuleInput{}
	}
	now, r, unlock, err := x.beginRule(ctx, "DeleteRule", in, in.RuleArn)
	defer unlock()
	if err != nil {
		return nil, err
	}
	e := x.e
	if r.isDefault() {
		return nil, &elbtypes.OperationNotPermittedException{Message: aws.String(fmt.Sprintf("Default rule '%s' cannot be deleted", r.arn))}
	}
	r.l.rules = slices.DeleteFunc(r.l.rules, func(o *rule) bool { return o == r })
	delete(e.elb.rules, r.arn)
	delete(e.elb.tags, r.arn)
	e.refreshTargetGroupUseLocked(now)
	return &elbv2.DeleteRuleOutput{}, nil
}

// refreshTargetGroupUseLocked recomputes which target groups a listener or
// rule forwards to; a group that comes into or goes out of use has its
// targets re-evaluated at now (unused <-> initial).
func (e *ECS) refreshTargetGroupUseLocked(now time.Time) {
	used := map[*targetGroup]*loadBalancer{}
	for _, lb := range e.elb.lbs {
		for _, l := range lb.listeners {
			for _, r := range l.rules {
				for _, arn := range forwardTargets(r.actions) {
					if tg := e.elb.tgByArn[arn]; tg != nil {
						used[tg] = lb
					}
				}
			}
		}
	}
	for _, tg := range e.elb.tgs {
		lb, inUse := used[tg]
		tg.lb = lb
		if inUse == tg.inUse {
			continue
		}
		e.evalGroupLocked(tg, now) // up to now under the old use
		tg.inUse = inUse
		if inUse {
			tg.inUseSince = now
		}
		for _, t := range tg.targets {
			if !t.removed && t.th.DeregisteredAt.IsZero() {
				t.th.FirstCheck, t.th.Checks, t.th.Streak = time.Time{}, 0, 0
			}
		}
		e.evalGroupLocked(tg, now)
	}
}
