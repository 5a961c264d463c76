package fake

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
)

// RegisterScalableTarget registers an ECS service's desired count as a
// scalable target, or updates one (only the members given change). A new
// target needs MinCapacity and MaxCapacity; the ECS service must exist.
// When the service's desired count is outside the new bounds it is brought
// inside at once (a scaling activity records it).
func (x *AutoScaling) RegisterScalableTarget(ctx context.Context, in *applicationautoscaling.RegisterScalableTargetInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.RegisterScalableTargetOutput, error) {
	if in == nil {
		in = &applicationautoscaling.RegisterScalableTargetInput{}
	}
	now, unlock, err := x.begin(ctx, "RegisterScalableTarget", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	if in.ScalableDimension == "" {
		return nil, errAASNull("scalableDimension")
	}
	cluster, svc, err := checkTargetRef(in.ServiceNamespace, in.ScalableDimension, in.ResourceId)
	if err != nil {
		return nil, err
	}
	for member, v := range map[string]*int32{"minCapacity": in.MinCapacity, "maxCapacity": in.MaxCapacity} {
		if v != nil && *v < 0 {
			return nil, errAASConstraint(fmt.Sprint(*v), member, "have value greater than or equal to 0")
		}
	}
	e := x.e
	s := e.serviceOfTargetLocked(cluster, svc)
	if s == nil {
		return nil, errAASValidation("ECS service doesn't exist: %s", *in.ResourceId)
	}
	t := e.aas.targets[*in.ResourceId]
	lo, hi := 0, 0
	if t != nil {
		lo, hi = t.min, t.max
	} else if in.MinCapacity == nil || in.MaxCapacity == nil {
		return nil, errAASValidation("MinCapacity and MaxCapacity are required for registering a new scalable target.")
	}
	if in.MinCapacity != nil {
		lo = int(*in.MinCapacity)
	}
	if in.MaxCapacity != nil {
		hi = int(*in.MaxCapacity)
	}
	if lo > hi {
		return nil, errAASValidation("Minimum capacity cannot be greater than maximum capacity")
	}
	if t == nil {
		t = &scalableTarget{resourceID: *in.ResourceId, cluster: cluster, service: svc, created: now,
			arn:       fmt.Sprintf("arn:aws:application-autoscaling:%s:%s:scalable-target/%s", e.cfg.region, e.cfg.account, e.hexID(32)),
			suspended: aastypes.SuspendedState{DynamicScalingInSuspended: aws.Bool(false), DynamicScalingOutSuspended: aws.Bool(false), ScheduledScalingSuspended: aws.Bool(false)}}
		e.aas.targets[t.resourceID] = t
		e.aas.order = append(e.aas.order, t.resourceID)
	}
	t.min, t.max = lo, hi
	if in.RoleARN != nil {
		t.roleARN = *in.RoleARN
	} else if t.roleARN == "" {
		t.roleARN = fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService", e.cfg.account)
	}
	if ss := in.SuspendedState; ss != nil {
		if ss.DynamicScalingInSuspended != nil {
			t.suspended.DynamicScalingInSuspended = aws.Bool(*ss.DynamicScalingInSuspended)
		}
		if ss.DynamicScalingOutSuspended != nil {
			t.suspended.DynamicScalingOutSuspended = aws.Bool(*ss.DynamicScalingOutSuspended)
		}
		if ss.ScheduledScalingSuspended != nil {
			t.suspended.ScheduledScalingSuspended = aws.Bool(*ss.ScheduledScalingSuspended)
		}
	}
	if n := min(max(s.desired, lo), hi); n != s.desired {
		cause := fmt.Sprintf("minimum capacity was set to %d", lo)
		if n < s.desired {
			cause = fmt.Sprintf("maximum capacity was set to %d", hi)
		}
		e.scaleServiceLocked(t, s, n, cause, now)
	}
	return &applicationautoscaling.RegisterScalableTargetOutput{ScalableTargetARN: aws.String(t.arn)}, nil
}

// scaleServiceLocked sets s's desired count as UpdateService does (the
// scheduler plans the change at now) and records an InProgress activity
// that turns Successful once the service runs n tasks
// (autoscaling_activity.go).
func (e *ECS) scaleServiceLocked(t *scalableTarget, s *service, n int, cause string, now time.Time) {
	s.desired = n
	if p := s.primary(); p != nil {
		p.desired = n
	}
	e.overrideScalingLocked(s, now)
	id := e.addActivityLocked(t, aastypes.ScalingActivity{
		Description: aws.String(fmt.Sprintf("Setting desired count to %d.", n)),
		Cause:       aws.String(cause),
		StatusCode:  aastypes.ScalingActivityStatusCodeInProgress,
	}, now)
	s.scaling = pendingScaling{target: t, activityID: id, count: n}
	e.wakeServiceLocked(s, now)
}

// addActivityLocked records an activity as the target's newest and
// returns its id.
func (e *ECS) addActivityLocked(t *scalableTarget, a aastypes.ScalingActivity, now time.Time) string {
	id := e.uuid()
	a.ActivityId = aws.String(id)
	a.ResourceId = aws.String(t.resourceID)
	a.ServiceNamespace, a.ScalableDimension = aasNamespace, aasDimension
	a.StartTime = aws.Time(now)
	if len(t.activities) >= maxActivities {
		t.activities = append(t.activities[:0], t.activities[len(t.activities)-maxActivities+1:]...)
	}
	t.activities = append(t.activities, a)
	return id
}

// DescribeScalableTargets lists the ecs targets (filtered by ResourceIds,
// at most 50 per page).
func (x *AutoScaling) DescribeScalableTargets(ctx context.Context, in *applicationautoscaling.DescribeScalableTargetsInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DescribeScalableTargetsOutput, error) {
	if in == nil {
		in = &applicationautoscaling.DescribeScalableTargetsInput{}
	}
	_, unlock, err := x.begin(ctx, "DescribeScalableTargets", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	ids, start, limit, err := x.listArgs(in.ServiceNamespace, in.ScalableDimension, in.ResourceIds, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	page, next := aasPage(ids, start, limit)
	out := &applicationautoscaling.DescribeScalableTargetsOutput{ScalableTargets: make([]aastypes.ScalableTarget, len(page)), NextToken: next}
	for i, id := range page {
		t := x.e.aas.targets[id]
		ss := t.suspended
		out.ScalableTargets[i] = aastypes.ScalableTarget{
			ResourceId: aws.String(t.resourceID), ScalableTargetARN: aws.String(t.arn),
			ServiceNamespace: aasNamespace, ScalableDimension: aasDimension,
			MinCapacity: aws.Int32(int32(t.min)), MaxCapacity: aws.Int32(int32(t.max)),
			RoleARN: aws.String(t.roleARN), CreationTime: aws.Time(t.created), SuspendedState: &ss,
		}
	}
	return out, nil
}

// listArgs validates the shared list arguments and returns the matching
// resource ids in registration order, the start index and the page size.
func (x *AutoScaling) listArgs(ns aastypes.ServiceNamespace, dim aastypes.ScalableDimension, resourceIDs []string, maxResults *int32, token *string) ([]string, int, int, error) {
	if ns == "" {
		return nil, 0, 0, errAASNull("serviceNamespace")
	}
	if !validNamespace(ns) {
		return nil, 0, 0, errAASConstraint(string(ns), "serviceNamespace", "satisfy enum value set: [...]")
	}
	if dim != "" && !validDimension(dim) {
		return nil, 0, 0, errAASConstraint(string(dim), "scalableDimension", "satisfy enum value set: [...]")
	}
	limit := 50
	if maxResults != nil {
		if *maxResults < 1 || *maxResults > 50 {
			return nil, 0, 0, errAASValidation("MaxResults must be between 1 and 50")
		}
		limit = int(*maxResults)
	}
	if ns != aasNamespace || (dim != "" && dim != aasDimension) {
		return nil, 0, 0, nil
	}
	want := map[string]bool{}
	for _, id := range resourceIDs {
		want[id] = true
	}
	var ids []string
	for _, id := range x.e.aas.order {
		if len(want) == 0 || want[id] {
			ids = append(ids, id)
		}
	}
	start, err := aasStart(token, len(ids))
	if err != nil {
		return nil, 0, 0, err
	}
	return ids, start, limit, nil
}

// DeregisterScalableTarget deregisters a target and deletes its policies
// and their target-tracking alarms; the service keeps its desired count.
func (x *AutoScaling) DeregisterScalableTarget(ctx context.Context, in *applicationautoscaling.DeregisterScalableTargetInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DeregisterScalableTargetOutput, error) {
	if in == nil {
		in = &applicationautoscaling.DeregisterScalableTargetInput{}
	}
	_, unlock, err := x.begin(ctx, "DeregisterScalableTarget", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	if in.ScalableDimension == "" {
		return nil, errAASNull("scalableDimension")
	}
	if _, _, err := checkTargetRef(in.ServiceNamespace, in.ScalableDimension, in.ResourceId); err != nil {
		return nil, err
	}
	e := x.e
	t := e.aas.targets[*in.ResourceId]
	if t == nil {
		return nil, errNoTarget(*in.ResourceId)
	}
	for _, p := range append([]*scalingPolicy(nil), t.policies...) { // dropPolicyLocked edits t.policies
		e.dropPolicyLocked(p)
	}
	for _, a := range t.scheduled {
		a.deleted = true
	}
	delete(e.aas.targets, t.resourceID)
	if i := slices.Index(e.aas.order, t.resourceID); i >= 0 {
		e.aas.order = slices.Delete(e.aas.order, i, i+1)
	}
	return &applicationautoscaling.DeregisterScalableTargetOutput{}, nil
}

// DescribeScalingActivities lists a target's (or every target's) scaling
// activities, newest first; activities that did not scale appear only with
// IncludeNotScaledActivities.
func (x *AutoScaling) DescribeScalingActivities(ctx context.Context, in *applicationautoscaling.DescribeScalingActivitiesInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DescribeScalingActivitiesOutput, error) {
	if in == nil {
		in = &applicationautoscaling.DescribeScalingActivitiesInput{}
	}
	_, unlock, err := x.begin(ctx, "DescribeScalingActivities", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	ids, limit, err := x.oneTargetArgs(in.ServiceNamespace, in.ScalableDimension, in.ResourceId, in.MaxResults)
	if err != nil {
		return nil, err
	}
	start, err := aasStart(in.NextToken, math.MaxInt) // a token past the end is an empty last page here
	if err != nil {
		return nil, err
	}
	var all []aastypes.ScalingActivity
	for _, id := range ids {
		acts := x.e.aas.targets[id].activities
		for i := len(acts) - 1; i >= 0; i-- { // newest first, also among equal StartTimes
			a := acts[i]
			if len(a.NotScaledReasons) == 0 || aws.ToBool(in.IncludeNotScaledActivities) {
				all = append(all, a)
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].StartTime.After(*all[j].StartTime) })
	page, next := aasPage(all, min(start, len(all)), limit)
	return &applicationautoscaling.DescribeScalingActivitiesOutput{ScalingActivities: page, NextToken: next}, nil
}
