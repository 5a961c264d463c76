package fake

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/targethealth"
)

// target is one registered target of a target group.
type target struct {
	id   string
	port int32
	az   string
	th   targethealth.Target
	// behaviour is what the target answers to health checks (from faults).
	behaviour targethealth.Behaviour
	code      int // HTTP code of a Target.ResponseCodeMismatch failure
	// wakeAt is the pending evaluation (superseded ones are ignored).
	wakeAt  time.Time
	removed bool
	// task is the ECS task registered as this target (nil for targets
	// registered through the API).
	task *task
	// containerPort is the container port of an ECS target.
	containerPort int32
	// everHealthy is set once the target has been healthy (inspection).
	everHealthy bool
}

// maxTargetsPerCall bounds RegisterTargets/DeregisterTargets/
// DescribeTargetHealth requests, validated before taking the lock.
const maxTargetsPerCall = 1000

// checkTargetDescriptions validates targets outside the lock.
func checkTargetDescriptions(ts []elbtypes.TargetDescription) error {
	if len(ts) > maxTargetsPerCall {
		return errELBValidation(fmt.Sprintf("Targets: at most %d targets per request, got %d", maxTargetsPerCall, len(ts)))
	}
	for i, t := range ts {
		if aws.ToString(t.Id) == "" {
			return errELBValidation(fmt.Sprintf("Targets[%d].Id must be specified", i))
		}
		if t.Port != nil && (*t.Port < 1 || *t.Port > 65535) {
			return errELBValidation(fmt.Sprintf("Targets[%d].Port '%d' must be between 1 and 65535", i, *t.Port))
		}
	}
	return nil
}

// runningInstancesLocked is the set of EC2 instance ids of the fake's
// container instances that are not INACTIVE (targets of instance groups).
func (e *ECS) runningInstancesLocked() map[string]bool {
	ids := make(map[string]bool, len(e.instances))
	for _, in := range e.instances {
		if in.status != "INACTIVE" {
			ids[in.ec2ID] = true
		}
	}
	return ids
}

// checkTargetID checks a target id against the group's target type
// (running holds the instance ids that can be registered).
func checkTargetID(tg *targetGroup, id string, running map[string]bool) error {
	switch tg.targetType {
	case elbtypes.TargetTypeEnumIp:
		a, err := netip.ParseAddr(id)
		if err != nil || !a.Is4() {
			return &elbtypes.InvalidTargetException{Message: aws.String(fmt.Sprintf("The IP address '%s' is not a valid IPv4 address", id))}
		}
		if !a.IsPrivate() {
			return &elbtypes.InvalidTargetException{Message: aws.String(fmt.Sprintf("The IP address '%s' is not within a private range of the VPC", id))}
		}
	case elbtypes.TargetTypeEnumInstance:
		if !strings.HasPrefix(id, "i-") {
			return errELBValidation(fmt.Sprintf("Instance ID '%s' is not valid", id))
		}
		if !running[id] {
			return &elbtypes.InvalidTargetException{Message: aws.String(fmt.Sprintf("The following targets are not in a running state and cannot be registered: '%s'", id))}
		}
	}
	return nil
}

// targetKey identifies a target in its group.
type targetKey struct {
	id   string
	port int32
}

func (tg *targetGroup) find(id string, port int32) *target { return tg.byKey[targetKey{id, port}] }

// add appends a new target.
func (tg *targetGroup) add(t *target) {
	tg.targets = append(tg.targets, t)
	tg.byKey[targetKey{t.id, t.port}] = t
}

// remove marks t removed; the slice is compacted once half of it is dead,
// so removal is O(1) amortised.
func (tg *targetGroup) remove(t *target) {
	if t.removed {
		return
	}
	t.removed = true
	if tg.byKey[targetKey{t.id, t.port}] == t {
		delete(tg.byKey, targetKey{t.id, t.port})
	}
	tg.dead++
	if tg.dead*2 > len(tg.targets) {
		tg.targets = slices.DeleteFunc(tg.targets, func(o *target) bool { return o.removed })
		tg.dead = 0
	}
}

// RegisterTargets registers targets (ip addresses or EC2 instance ids, by
// the group's target type); registering a registered target again changes
// nothing. New targets are initial (or unused when no listener forwards to
// the group) and are then health checked.
func (x *ELBv2) RegisterTargets(ctx context.Context, in *elbv2.RegisterTargetsInput, _ ...func(*elbv2.Options)) (*elbv2.RegisterTargetsOutput, error) {
	if in == nil {
		in = &elbv2.RegisterTargetsInput{}
	}
	if err := checkTargetsGiven(in.Targets); err != nil {
		return nil, err
	}
	now, tg, unlock, err := x.beginTargetGroup(ctx, "RegisterTargets", in, in.TargetGroupArn)
	defer unlock()
	if err != nil {
		return nil, err
	}
	e := x.e
	var running map[string]bool
	if tg.targetType == elbtypes.TargetTypeEnumInstance {
		running = e.runningInstancesLocked()
	}
	for _, d := range in.Targets {
		if err := checkTargetID(tg, *d.Id, running); err != nil {
			return nil, err
		}
	}
	for _, d := range in.Targets {
		e.registerTargetLocked(tg, *d.Id, portOr(d.Port, tg.port), aws.ToString(d.AvailabilityZone), nil, now)
	}
	return &elbv2.RegisterTargetsOutput{}, nil
}

// checkTargetsGiven checks that a Register/DeregisterTargets request names
// at least one target and that each is well formed.
func checkTargetsGiven(targets []elbtypes.TargetDescription) error {
	if len(targets) == 0 {
		return errELBValidation("At least one target must be specified")
	}
	return checkTargetDescriptions(targets)
}

func portOr(p *int32, def int32) int32 {
	if p != nil {
		return *p
	}
	return def
}

// registerTargetLocked adds a target (or returns the registered one).
func (e *ECS) registerTargetLocked(tg *targetGroup, id string, port int32, az string, t *task, now time.Time) *target {
	if old := tg.find(id, port); old != nil && old.th.DeregisteredAt.IsZero() {
		return old
	} else if old != nil {
		// Registering a draining target again: it starts over.
		tg.remove(old)
		e.targetGoneLocked(tg, old)
	}
	tgt := &target{id: id, port: port, az: az, task: t, th: targethealth.Target{RegisteredAt: now}}
	tgt.behaviour, tgt.code = e.healthBehaviourLocked(tg, tgt, now)
	tg.add(tgt)
	e.evalTargetLocked(tg, tgt, now)
	return tgt
}

// DeregisterTargets deregisters targets: each drains for the group's
// deregistration delay (at once when the group is unused), then is removed.
// "If the specified target does not exist, the action returns
// successfully" (API Reference, DeregisterTargets).
func (x *ELBv2) DeregisterTargets(ctx context.Context, in *elbv2.DeregisterTargetsInput, _ ...func(*elbv2.Options)) (*elbv2.DeregisterTargetsOutput, error) {
	if in == nil {
		in = &elbv2.DeregisterTargetsInput{}
	}
	if err := checkTargetsGiven(in.Targets); err != nil {
		return nil, err
	}
	now, tg, unlock, err := x.beginTargetGroup(ctx, "DeregisterTargets", in, in.TargetGroupArn)
	defer unlock()
	if err != nil {
		return nil, err
	}
	e := x.e
	var found []*target
	for _, d := range in.Targets {
		if t := tg.find(*d.Id, portOr(d.Port, tg.port)); t != nil {
			found = append(found, t)
		}
	}
	for _, t := range found {
		e.deregisterTargetLocked(tg, t, now)
	}
	return &elbv2.DeregisterTargetsOutput{}, nil
}

// deregisterTargetLocked starts draining t and returns how long it drains.
func (e *ECS) deregisterTargetLocked(tg *targetGroup, t *target, now time.Time) time.Duration {
	if t.removed || !t.th.DeregisteredAt.IsZero() {
		if t.removed {
			return 0
		}
		return max(t.th.DrainUntil.Sub(now), 0)
	}
	e.evalTargetLocked(tg, t, now)
	t.th.DeregisteredAt, t.th.DrainUntil = now, now.Add(tg.deregistrationDelay())
	e.evalTargetLocked(tg, t, now)
	if t.removed {
		return 0
	}
	return tg.deregistrationDelay()
}

// DescribeTargetHealth describes every registered target of a group (in
// registration order) or the named ones; a named target that is not
// registered is unused with reason Target.NotRegistered.
func (x *ELBv2) DescribeTargetHealth(ctx context.Context, in *elbv2.DescribeTargetHealthInput, _ ...func(*elbv2.Options)) (*elbv2.DescribeTargetHealthOutput, error) {
	if in == nil {
		in = &elbv2.DescribeTargetHealthInput{}
	}
	if err := checkTargetDescriptions(in.Targets); err != nil {
		return nil, err
	}
	_, tg, unlock, err := x.beginTargetGroup(ctx, "DescribeTargetHealth", in, in.TargetGroupArn)
	defer unlock()
	if err != nil {
		return nil, err
	}
	out := &elbv2.DescribeTargetHealthOutput{TargetHealthDescriptions: []elbtypes.TargetHealthDescription{}}
	if len(in.Targets) == 0 {
		for _, t := range tg.targets {
			if !t.removed {
				out.TargetHealthDescriptions = append(out.TargetHealthDescriptions, tg.describe(t))
			}
		}
		return out, nil
	}
	for _, d := range in.Targets {
		port := portOr(d.Port, tg.port)
		if t := tg.find(*d.Id, port); t != nil {
			out.TargetHealthDescriptions = append(out.TargetHealthDescriptions, tg.describe(t))
			continue
		}
		out.TargetHealthDescriptions = append(out.TargetHealthDescriptions, elbtypes.TargetHealthDescription{
			Target:          &elbtypes.TargetDescription{Id: d.Id, Port: aws.Int32(port)},
			HealthCheckPort: aws.String(tg.healthCheckPort(port)),
			TargetHealth: &elbtypes.TargetHealth{State: elbtypes.TargetHealthStateEnumUnused,
				Reason: elbtypes.TargetHealthReasonEnumNotRegistered, Description: aws.String(targethealth.Description(targethealth.ReasonNotRegistered, 0))},
		})
	}
	return out, nil
}

func (tg *targetGroup) healthCheckPort(port int32) string {
	if tg.hc.port == "traffic-port" {
		return fmt.Sprint(port)
	}
	return tg.hc.port
}

func (tg *targetGroup) describe(t *target) elbtypes.TargetHealthDescription {
	d := elbtypes.TargetHealthDescription{
		Target:          &elbtypes.TargetDescription{Id: aws.String(t.id), Port: aws.Int32(t.port)},
		HealthCheckPort: aws.String(tg.healthCheckPort(t.port)),
		TargetHealth:    &elbtypes.TargetHealth{State: elbtypes.TargetHealthStateEnum(t.th.State)},
	}
	if t.az != "" {
		d.Target.AvailabilityZone = aws.String(t.az)
	}
	if t.th.Reason != "" {
		d.TargetHealth.Reason = elbtypes.TargetHealthReasonEnum(t.th.Reason)
		d.TargetHealth.Description = aws.String(targethealth.Description(t.th.Reason, t.code))
	}
	return d
}

// evalTargetLocked brings one target up to now with the target health core
// and applies the result: the new record, removal after draining, the ECS
// side of a change (the task's service is planned again) and the next
// wake-up.
func (e *ECS) evalTargetLocked(tg *targetGroup, t *target, now time.Time) {
	if t.removed {
		return
	}
	r := targethealth.Evaluate(t.th, tg.settings(), t.behaviour, tg.inUse, tg.inUseSince, now)
	t.th = r.Target
	for _, c := range r.Changes {
		if c.To == targethealth.Healthy {
			t.everHealthy = true
		}
	}
	if r.Removed {
		tg.remove(t)
		e.targetGoneLocked(tg, t)
		return
	}
	if len(r.Changes) > 0 && t.task != nil {
		e.targetChangedLocked(t)
	}
	if r.NextWakeup.IsZero() {
		t.wakeAt = time.Time{}
		return
	}
	if t.wakeAt.Equal(r.NextWakeup) {
		return
	}
	t.wakeAt = r.NextWakeup
	at := r.NextWakeup
	e.scheduleLocked(at, func(now time.Time) {
		if t.wakeAt.Equal(at) {
			t.wakeAt = time.Time{}
			e.evalTargetLocked(tg, t, now)
		}
	})
}

// evalGroupLocked brings every target of tg up to now.
func (e *ECS) evalGroupLocked(tg *targetGroup, now time.Time) {
	for _, t := range slices.Clone(tg.targets) {
		e.evalTargetLocked(tg, t, now) // skips removed targets
	}
}
