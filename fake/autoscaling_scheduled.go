package fake

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/scaling"
)

// scheduledAction is one scheduled action of a target: at each run it sets
// the target's min and/or max capacity (and so brings the desired count
// inside), unless ScheduledScalingSuspended.
type scheduledAction struct {
	t          *scalableTarget
	name, arn  string
	expr       string
	sched      scaling.Schedule
	loc        *time.Location
	tz         string
	start, end *time.Time
	action     aastypes.ScalableTargetAction
	created    time.Time
	gen        uint64 // generation of the pending run event
	deleted    bool
}

// PutScheduledAction creates or replaces a scheduled action of a
// registered target: at(...), rate(...) or cron(...) in Timezone (default
// UTC), between StartTime and EndTime, setting MinCapacity and/or
// MaxCapacity.
func (x *AutoScaling) PutScheduledAction(ctx context.Context, in *applicationautoscaling.PutScheduledActionInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.PutScheduledActionOutput, error) {
	if in == nil {
		in = &applicationautoscaling.PutScheduledActionInput{}
	}
	now, unlock, err := x.begin(ctx, "PutScheduledAction", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	switch {
	case in.ScheduledActionName == nil:
		return nil, errAASNull("scheduledActionName")
	case in.ScalableDimension == "":
		return nil, errAASNull("scalableDimension")
	}
	if n := len(*in.ScheduledActionName); n < 1 || n > 256 {
		return nil, errAASConstraint(*in.ScheduledActionName, "scheduledActionName", "have length between 1 and 256")
	}
	if _, _, err := checkTargetRef(in.ServiceNamespace, in.ScalableDimension, in.ResourceId); err != nil {
		return nil, err
	}
	e := x.e
	t := e.aas.targets[*in.ResourceId]
	if t == nil {
		return nil, errNoTarget(*in.ResourceId)
	}
	var old *scheduledAction
	for _, a := range t.scheduled {
		if a.name == *in.ScheduledActionName {
			old = a
		}
	}
	a := &scheduledAction{t: t, name: *in.ScheduledActionName, created: now, loc: time.UTC, tz: "UTC"}
	if old != nil {
		a.expr, a.action, a.start, a.end, a.created, a.arn, a.tz, a.loc = old.expr, old.action, old.start, old.end, old.created, old.arn, old.tz, old.loc
	}
	if in.Timezone != nil {
		loc, err := time.LoadLocation(*in.Timezone)
		if err != nil {
			return nil, errAASValidation("Invalid timezone: %s", *in.Timezone)
		}
		a.loc, a.tz = loc, *in.Timezone
	}
	if in.Schedule != nil {
		a.expr = *in.Schedule
	}
	if a.expr == "" {
		return nil, errAASValidation("Schedule is required for a new scheduled action")
	}
	if in.StartTime != nil {
		a.start = aws.Time(*in.StartTime)
	}
	if in.EndTime != nil {
		a.end = aws.Time(*in.EndTime)
	}
	if a.start != nil && a.end != nil && !a.start.Before(*a.end) {
		return nil, errAASValidation("Start time must be before end time")
	}
	anchor := now
	if a.start != nil {
		anchor = *a.start
	}
	if a.sched, err = scaling.ParseSchedule(a.expr, a.loc, anchor); err != nil {
		return nil, errAASValidation("Invalid schedule expression %s: %v", a.expr, err)
	}
	if act := in.ScalableTargetAction; act != nil {
		a.action = aastypes.ScalableTargetAction{MinCapacity: act.MinCapacity, MaxCapacity: act.MaxCapacity}
	}
	if a.action.MinCapacity == nil && a.action.MaxCapacity == nil {
		return nil, errAASValidation("ScalableTargetAction must set MinCapacity or MaxCapacity")
	}
	if lo, hi := a.action.MinCapacity, a.action.MaxCapacity; lo != nil && hi != nil && *lo > *hi {
		return nil, errAASValidation("Minimum capacity cannot be greater than maximum capacity")
	}
	if old != nil {
		e.dropScheduledLocked(old)
	} else {
		a.arn = fmt.Sprintf("arn:aws:autoscaling:%s:%s:scheduledAction:%s:resource/ecs/%s:scheduledActionName/%s", e.cfg.region, e.cfg.account, e.uuid(), t.resourceID, a.name)
	}
	t.scheduled = append(t.scheduled, a)
	e.queueScheduledLocked(a, now)
	return &applicationautoscaling.PutScheduledActionOutput{}, nil
}

// queueScheduledLocked schedules a's next run after now (within
// StartTime and EndTime).
func (e *ECS) queueScheduledLocked(a *scheduledAction, now time.Time) {
	from := now
	if a.start != nil && from.Before(*a.start) {
		from = a.start.Add(-time.Nanosecond)
	}
	at, ok := a.sched.Next(from, a.loc)
	if !ok || (a.end != nil && at.After(*a.end)) {
		return
	}
	a.gen++
	gen := a.gen
	e.scheduleLocked(at, func(now time.Time) {
		if a.deleted || a.gen != gen {
			return
		}
		e.runScheduledLocked(a, now)
		e.queueScheduledLocked(a, now)
	})
}

// runScheduledLocked applies a's min/max to its target and brings the
// service's desired count inside (Application Auto Scaling User Guide,
// "Scheduled scaling": the action sets the capacity bounds; the current
// capacity is scaled into the new range).
func (e *ECS) runScheduledLocked(a *scheduledAction, now time.Time) {
	t := a.t
	if aws.ToBool(t.suspended.ScheduledScalingSuspended) {
		return
	}
	if v := a.action.MinCapacity; v != nil {
		t.min = int(*v)
	}
	if v := a.action.MaxCapacity; v != nil {
		t.max = int(*v)
	}
	if t.min > t.max { // only one bound was given and it crossed the other
		if a.action.MinCapacity != nil {
			t.max = t.min
		} else {
			t.min = t.max
		}
	}
	s := e.serviceOfTargetLocked(t.cluster, t.service)
	if s == nil {
		return
	}
	if n := min(max(s.desired, t.min), t.max); n != s.desired {
		e.scaleServiceLocked(t, s, n, fmt.Sprintf("scheduled action name %s was triggered", a.name), now)
	}
}

// dropScheduledLocked removes a from its target.
func (e *ECS) dropScheduledLocked(a *scheduledAction) {
	a.deleted = true
	t := a.t
	if i := slices.Index(t.scheduled, a); i >= 0 {
		t.scheduled = slices.Delete(t.scheduled, i, i+1)
	}
}

// DescribeScheduledActions lists a target's (or every target's) scheduled
// actions, filtered by name.
func (x *AutoScaling) DescribeScheduledActions(ctx context.Context, in *applicationautoscaling.DescribeScheduledActionsInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DescribeScheduledActionsOutput, error) {
	if in == nil {
		in = &applicationautoscaling.DescribeScheduledActionsInput{}
	}
	_, unlock, err := x.begin(ctx, "DescribeScheduledActions", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	ids, limit, err := x.oneTargetArgs(in.ServiceNamespace, in.ScalableDimension, in.ResourceId, in.MaxResults)
	if err != nil {
		return nil, err
	}
	want := nameSet(in.ScheduledActionNames)
	var all []*scheduledAction
	for _, id := range ids {
		for _, a := range x.e.aas.targets[id].scheduled {
			if len(want) == 0 || want[a.name] {
				all = append(all, a)
			}
		}
	}
	start, err := aasStart(in.NextToken, len(all))
	if err != nil {
		return nil, err
	}
	page, next := aasPage(all, start, limit)
	out := &applicationautoscaling.DescribeScheduledActionsOutput{ScheduledActions: make([]aastypes.ScheduledAction, len(page)), NextToken: next}
	for i, a := range page {
		act := a.action
		out.ScheduledActions[i] = aastypes.ScheduledAction{ScheduledActionName: aws.String(a.name), ScheduledActionARN: aws.String(a.arn),
			ServiceNamespace: aasNamespace, ScalableDimension: aasDimension, ResourceId: aws.String(a.t.resourceID),
			Schedule: aws.String(a.expr), Timezone: aws.String(a.tz), StartTime: a.start, EndTime: a.end,
			ScalableTargetAction: &act, CreationTime: aws.Time(a.created)}
	}
	return out, nil
}

// DeleteScheduledAction deletes a scheduled action.
func (x *AutoScaling) DeleteScheduledAction(ctx context.Context, in *applicationautoscaling.DeleteScheduledActionInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DeleteScheduledActionOutput, error) {
	if in == nil {
		in = &applicationautoscaling.DeleteScheduledActionInput{}
	}
	_, unlock, err := x.begin(ctx, "DeleteScheduledAction", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	if in.ScheduledActionName == nil {
		return nil, errAASNull("scheduledActionName")
	}
	if in.ScalableDimension == "" {
		return nil, errAASNull("scalableDimension")
	}
	if _, _, err := checkTargetRef(in.ServiceNamespace, in.ScalableDimension, in.ResourceId); err != nil {
		return nil, err
	}
	if t := x.e.aas.targets[*in.ResourceId]; t != nil {
		for _, a := range t.scheduled {
			if a.name == *in.ScheduledActionName {
				x.e.dropScheduledLocked(a)
				return &applicationautoscaling.DeleteScheduledActionOutput{}, nil
			}
		}
	}
	return nil, &aastypes.ObjectNotFoundException{Message: aws.String(fmt.Sprintf(
		"No scheduled action found for service namespace: ecs, resource ID: %s, scalable dimension: ecs:service:DesiredCount, scheduled action name: %s", *in.ResourceId, *in.ScheduledActionName))}
}
