package fake

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
	"github.com/ecsdeploy/ecsdeploy/fake/internal/targethealth"
)

// ECS and Elastic Load Balancing together, as the ECS developer guide
// describes them ("Use load balancing to distribute Amazon ECS service
// traffic", "Amazon ECS task lifecycle", "Service event messages"); every
// text is cited in docs/ecs-semantics.md, section "Load balancers":
//
//   - a service task with loadBalancers that reaches RUNNING is registered
//     with each target group: awsvpc tasks by private IP and container
//     port, bridge/host tasks by EC2 instance id and host port; event
//     "(service S) registered N targets in (target-group ARN)";
//   - the task counts toward its deployment only when every target is
//     healthy (plan.LoadBalancerHealth); failures are ignored during
//     healthCheckGracePeriodSeconds; after that an unhealthy target's task
//     is stopped with "Task failed ELB health checks in (target-group ARN)"
//     and the event "(service S) (port N) is unhealthy in (target-group
//     ARN) due to (reason ...)." and replaced; the circuit breaker counts it;
//   - a task being stopped is first deregistered ("(service S) deregistered
//     N targets in (target-group ARN)") and stays DEACTIVATING while its
//     targets drain for the deregistration delay, then stops.

// lbTask is an ECS task's load-balancer state.
type lbTask struct {
	targets []lbTaskTarget
}

// lbTaskTarget is one target an ECS task registered.
type lbTaskTarget struct {
	tg            *targetGroup
	t             *target
	containerPort int32
}

// allocTaskIPLocked gives an awsvpc task a private IPv4 address from its
// subnet's range: the fake's subnet for zone number i (subnet-<az>) is
// 10.0.(32*i).0/19, hosts from .4 (AWS reserves the first four).
func (e *ECS) allocTaskIPLocked(az string) string {
	zi := max(slices.Index(e.cfg.azs, az), 0)
	n := e.elb.ipNext[az]
	e.elb.ipNext[az] = (n + 1) % (8192 - 5)
	host := n + 4
	return fmt.Sprintf("10.%d.%d.%d", zi/8, (zi%8)*32+host/256, host%256)
}

// taskNetworkDetails adds the private IP to an awsvpc task's attachment
// and containers, as DescribeTasks shows them.
func (t *task) taskNetworkDetails(out *types.Task) {
	if t.privateIP() == "" || len(out.Attachments) == 0 {
		return
	}
	ip, eni := t.privateIP(), t.eni()
	a := &out.Attachments[0]
	dns := "ip-" + strings.ReplaceAll(ip, ".", "-") + ".ec2.internal" // us-east-1's form
	if region := t.c.region; region != "us-east-1" {
		dns = "ip-" + strings.ReplaceAll(ip, ".", "-") + "." + region + ".compute.internal"
	}
	a.Details = append(a.Details,
		types.KeyValuePair{Name: aws.String("networkInterfaceId"), Value: aws.String("eni-" + strings.ReplaceAll(eni, "-", "")[:17])},
		types.KeyValuePair{Name: aws.String("privateDnsName"), Value: aws.String(dns)},
		types.KeyValuePair{Name: aws.String("privateIPv4Address"), Value: aws.String(ip)})
	for i := range out.Containers {
		out.Containers[i].NetworkInterfaces = []types.NetworkInterface{{AttachmentId: aws.String(eni), PrivateIpv4Address: aws.String(ip)}}
	}
}

// targetsEventLocked adds "(service S) <verb> 1 targets in (target-group
// ARN)" or, when the newest event is the same, written at the same instant
// (its createdAt may be later: serviceEvent.at), counts
// one more target in it (ECS reports targets registered together in one
// event).
func (e *ECS) targetsEventLocked(s *service, verb, tgArn string, now time.Time) {
	prefix := "(service " + s.name + ") " + verb + " "
	suffix := " targets in (target-group " + tgArn + ")"
	if len(s.events) > 0 {
		ev := &s.events[0]
		msg := aws.ToString(ev.Message)
		if ev.at.Equal(now) && strings.HasPrefix(msg, prefix) && strings.HasSuffix(msg, suffix) {
			if n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(msg, prefix), suffix)); err == nil {
				ev.Message = aws.String(prefix + strconv.Itoa(n+1) + suffix)
				return
			}
		}
	}
	e.addEventLocked(s, prefix+"1"+suffix, now)
}

// lbTaskRunningLocked registers a service task that just reached RUNNING
// with its service's target groups.
func (e *ECS) lbTaskRunningLocked(t *task, now time.Time) {
	s := t.svc
	if s == nil || len(s.loadBalancers) == 0 {
		return
	}
	if t.lb == nil {
		t.lb = &lbTask{}
	}
	for i, lb := range s.loadBalancers {
		if aws.ToString(lb.TargetGroupArn) == "" {
			continue // classic load balancers are not simulated
		}
		arn := taskTargetGroup(s, t, i) // its deployment's (bluegreen.go)
		tg := e.elb.tgByArn[arn]
		if tg == nil {
			e.addEventLocked(s, fmt.Sprintf("(service %s) failed to register targets in (target-group %s) with (error The target group with targetGroupArn %s does not exist.)", s.name, arn, arn), now)
			continue
		}
		cport := aws.ToInt32(lb.ContainerPort)
		id, port := t.privateIP(), cport
		if !t.awsvpc {
			if t.inst == nil {
				continue
			}
			id, port = t.inst.ec2ID, hostPortOf(t, aws.ToString(lb.ContainerName), cport)
		}
		if id == "" || port == 0 {
			continue
		}
		tgt := e.registerTargetLocked(tg, id, port, t.az, t, now)
		tgt.containerPort = cport
		t.lb.targets = append(t.lb.targets, lbTaskTarget{tg: tg, t: tgt, containerPort: cport})
		e.targetsEventLocked(s, "registered", tg.arn, now)
	}
	e.touchServiceLocked(s)
}

// hostPortOf is the host port bound to a container's port (dynamic ports
// included).
func hostPortOf(t *task, containerName string, containerPort int32) int32 {
	for _, c := range t.containers {
		if c.name != containerName {
			continue
		}
		for _, b := range c.bindings {
			if aws.ToInt32(b.ContainerPort) == containerPort {
				return aws.ToInt32(b.HostPort)
			}
		}
	}
	return 0
}

// lbTaskStoppingLocked deregisters a stopping task's targets and returns
// how long they drain (the task stays DEACTIVATING that long).
func (e *ECS) lbTaskStoppingLocked(t *task, now time.Time) time.Duration {
	if t.lb == nil {
		return 0
	}
	var drain time.Duration
	for _, r := range t.lb.targets {
		if r.t.removed || !r.t.th.DeregisteredAt.IsZero() {
			continue
		}
		drain = max(drain, e.deregisterTargetLocked(r.tg, r.t, now))
		if t.svc != nil {
			e.targetsEventLocked(t.svc, "deregistered", r.tg.arn, now)
		}
	}
	return drain
}

// lbTaskStoppedLocked deregisters what a task that stopped without
// deactivating (its instance was lost) still has registered.
func (e *ECS) lbTaskStoppedLocked(t *task, now time.Time) {
	e.lbTaskStoppingLocked(t, now)
}

// lbTaskForgottenLocked drops the links between a forgotten task and its
// targets once every one of them is removed (drained, or its group
// deleted): a removed target is never evaluated, described or matched
// again, so nothing reads its task, and the task's storage can be reused
// (task_alloc.go reusable). A target still registered or draining keeps
// its task, whose storage is then left to the collector.
func (e *ECS) lbTaskForgottenLocked(t *task) {
	if t.lb == nil {
		return
	}
	for _, r := range t.lb.targets {
		if !r.t.removed {
			return
		}
	}
	for _, r := range t.lb.targets {
		if r.t.task == t {
			r.t.task = nil
		}
	}
	t.lb = nil
}

// targetChangedLocked makes the scheduler plan the service of a task whose
// target changed state.
func (e *ECS) targetChangedLocked(t *target) {
	if t.task != nil && t.task.svc != nil {
		e.touchServiceLocked(t.task.svc)
	}
}

// targetGoneLocked tells the task's service that a target was removed (the
// task keeps it in its list, marked removed, for inspection).
func (e *ECS) targetGoneLocked(_ *targetGroup, t *target) {
	e.targetChangedLocked(t)
}

// lbPlanHealthLocked is the planner's load-balancer input for a task.
func (e *ECS) lbPlanHealthLocked(t *task) plan.LoadBalancerHealth {
	s := t.svc
	if s == nil || !slices.ContainsFunc(s.loadBalancers, func(lb types.LoadBalancer) bool { return lb.TargetGroupArn != nil }) {
		return plan.LoadBalancerHealth{}
	}
	h := plan.LoadBalancerHealth{Behind: true}
	if t.lb == nil || len(t.lb.targets) == 0 {
		return h
	}
	h.Healthy = true
	for _, r := range t.lb.targets {
		if r.t.removed { // its group was deleted, or it drained
			h.Healthy = false
			continue
		}
		switch r.t.th.State {
		case targethealth.Healthy:
		case targethealth.Unhealthy:
			h.Healthy = false
			if !h.Unhealthy {
				h.Unhealthy = true
				h.StopReason = "Task failed ELB health checks in (target-group " + r.tg.arn + ")"
				h.Event = unhealthyTargetEvent(s.name, t, r)
			}
		default:
			h.Healthy = false
		}
	}
	return h
}

// unhealthyTargetEvent is ECS's event for an unhealthy target: "(service
// S) (port N) is unhealthy in (target-group ARN) due to (reason Health
// checks failed with these codes: [502])." (bridge/host tasks name the
// instance first: "(instance i-...) (port N)").
func unhealthyTargetEvent(svc string, t *task, r lbTaskTarget) string {
	where := ""
	if !t.awsvpc && t.inst != nil {
		where = "(instance " + t.inst.ec2ID + ") "
	}
	return fmt.Sprintf("(service %s) %s(port %d) is unhealthy in (target-group %s) due to (reason %s).",
		svc, where, r.t.port, r.tg.arn, targethealth.Description(r.t.th.Reason, r.t.code))
}

// checkServiceTargetGroupsLocked checks a service's load balancers against
// ELB as ECS does on CreateService and UpdateService: the target group must
// exist, be used by a load balancer, and its target type must suit the
// task definition's network mode.
func (e *ECS) checkServiceTargetGroupsLocked(td *taskDef, lbs []types.LoadBalancer) error {
	mode := td.def.NetworkMode
	if mode == "" {
		mode = types.NetworkModeBridge
	}
	for i, lb := range lbs {
		arn := aws.ToString(lb.TargetGroupArn)
		if arn == "" {
			if aws.ToString(lb.LoadBalancerName) != "" {
				return errInvalidParam("loadBalancers[%d]: classic load balancers are not simulated by the fake; use targetGroupArn.", i)
			}
			continue
		}
		tg := e.elb.tgByArn[arn]
		if tg == nil {
			return errInvalidParam("Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions.")
		}
		if tg.lb == nil {
			return errInvalidParam("The target group with targetGroupArn %s does not have an associated load balancer.", arn)
		}
		awsvpc := mode == types.NetworkModeAwsvpc
		if awsvpc != (tg.targetType == elbtypes.TargetTypeEnumIp) {
			return errInvalidParam("The provided target group %s has target type %s, which is incompatible with the %s network mode specified in the task definition.", arn, tg.targetType, mode)
		}
	}
	return nil
}
