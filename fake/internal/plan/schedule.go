package plan

import (
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// schedule decides starts and stops within maximumPercent and
// minimumHealthyPercent (ECS Developer Guide, "Deploy Amazon ECS services by
// replacing tasks") and marks the task states it stops (taskState.stopped).
//
//   - Starts: the primary deployment gets desiredCount minus its tasks that
//     are pending, starting or healthy, limited so that the tasks the
//     scheduler keeps (desiredStatus RUNNING, not yet STOPPED) stay within
//     floor(desired*max/100): maximumPercent bounds tasks "in the RUNNING or
//     PENDING state", so tasks already being stopped do not count. A FAILED
//     deployment or one in start-failure backoff starts nothing.
//   - Stops, in order: unhealthy tasks (of the primary: when replaced, when
//     nothing can replace them, or one by one when maximumPercent forbids a
//     replacement); tasks of older deployments (not-yet-healthy ones freely,
//     healthy ones only while ceil(desired*min/100) healthy tasks remain);
//     primary tasks above desiredCount. Healthy tasks are never stopped below
//     the minimum. Older deployments are not drained while the primary is FAILED,
//     except for tasks above floor(desired*max/100) after desiredCount was lowered;
//     the one Service.Hold names (blue, during a blue/green deployment)
//     keeps its starting and healthy tasks up to desiredCount (its
//     unhealthy ones still go), and the service is not reported blocked
//     while it does.
func (c *computation) schedule() {
	svc := c.s.Service
	desired := max(svc.DesiredCount, 0)
	maxT := MaxTasks(desired, svc.MaximumPercent)
	budget := -MinHealthy(desired, svc.MinimumHealthyPercent)
	// liveTotal counts the tasks kept RUNNING or PENDING (maximumPercent);
	// gone the live tasks being stopped (they no longer count toward
	// it); unhealthyN's replacements say so in the "has started" event.
	// The counts are index's (depState.counts).
	liveTotal, starting, gone, unhealthyN, oldUnhealthy := 0, 0, 0, 0, 0
	for _, ds := range c.deps {
		liveTotal += ds.live - ds.liveGone
		gone += ds.liveGone
		budget += ds.counts[condHealthy]
		starting += ds.counts[condStarting]
		unhealthyN += ds.counts[condUnhealthy]
		if c.isOld(ds) {
			oldUnhealthy += ds.counts[condUnhealthy]
		}
	}
	budget = max(budget, 0)

	p := c.primary
	pGood := p.counts[condStarting] + p.counts[condHealthy]
	var pUnhealthy []*taskState
	if p.counts[condUnhealthy] > 0 {
		for _, ts := range p.tasks {
			if ts.cond == condUnhealthy {
				pUnhealthy = append(pUnhealthy, ts)
			}
		}
	}
	failed := p.next.RolloutState == types.DeploymentRolloutStateFailed
	backingOff := c.s.Now.Before(p.next.Backoff.NotBefore)
	canLaunch := !failed && !backingOff
	need := desired - pGood
	starts := 0
	roomLimited := false
	if need > 0 {
		if backingOff && !failed {
			c.wake(p.next.Backoff.NotBefore)
		}
		if canLaunch {
			starts = max(min(need, maxT-liveTotal), 0)
			roomLimited = starts < need
		}
	}
	if starts > 0 {
		c.plan.Starts = append(c.plan.Starts, Start{DeploymentID: p.next.ID, TaskDefinition: p.next.TaskDefinition, Count: starts,
			ReplacesUnhealthy: min(starts, unhealthyN)})
	}

	sel := newSelector(c.deps, c.buf)
	stops := c.buf.stops[:0] // copied into the plan once
	stop := func(picked []*taskState, code types.TaskStopCode, why string) {
		for _, ts := range picked {
			stops = append(stops, Stop{TaskID: ts.t.ID, StopCode: code, Reason: why})
			if c.unique {
				ts.stopped = true
			}
		}
	}
	// stopScaling stops picked with the scaling reason, built only when
	// there is a task to stop (most passes stop none).
	reason := ""
	stopScaling := func(picked []*taskState) {
		if len(picked) == 0 {
			return
		}
		if reason == "" {
			reason = ScalingReason(p.next.ID)
		}
		stop(picked, types.TaskStopCodeServiceSchedulerInitiated, reason)
	}
	// 1. Unhealthy tasks: those of older deployments always go.
	var unhealthy []*taskState
	oldAlive := 0
	for _, ds := range c.deps {
		if !c.isOld(ds) {
			continue
		}
		oldAlive += ds.counts[condStarting] + ds.counts[condHealthy]
		if oldUnhealthy == 0 {
			continue
		}
		for _, ts := range ds.tasks {
			if ts.cond == condUnhealthy {
				unhealthy = append(unhealthy, ts)
			}
		}
	}
	picked := sel.pick(unhealthy, len(unhealthy), nil)
	// Of the primary: all once replaced or irreplaceable; one by one while
	// maximumPercent forbids starting their replacements.
	switch {
	case len(pUnhealthy) == 0:
	case pGood+starts >= desired || !canLaunch:
		picked = append(picked, sel.pick(pUnhealthy, len(pUnhealthy), nil)...)
	case roomLimited:
		picked = append(picked, sel.pick(pUnhealthy, 1, nil)...)
	}
	for _, ts := range picked {
		event, why := unhealthyTexts(svc.Name, ts.t)
		c.event(event)
		stop([]*taskState{ts}, types.TaskStopCodeServiceSchedulerInitiated, why)
	}

	// 2. Older deployments' tasks, unless the primary failed.
	if !failed {
		old := c.oldAlive()
		stopScaling(sel.pick(old, len(old), &budget))
	} else if over := liveTotal - len(stops) - maxT; over > 0 {
		// 2b. The primary failed and desiredCount was lowered since: older
		// deployments keep running, but only within maximumPercent
		// (found by chaos seed 103).
		old := c.oldAlive()
		stopScaling(sel.pick(old, min(over, len(old)), &budget))
	}

	// 2c. The held deployment (blue, Service.Hold) keeps at most
	// desiredCount tasks: a desiredCount lowered during a blue/green
	// deployment scales blue in as well as green, the least progressed
	// first (the fake's choice: docs/ecs-semantics.md, "Blue/green
	// deployments").
	if svc.Hold != "" {
		for _, ds := range c.deps {
			if !c.held(ds) {
				continue
			}
			if surplus := ds.counts[condStarting] + ds.counts[condHealthy] - desired; surplus > 0 {
				var good []*taskState
				for _, ts := range ds.tasks {
					if ts.cond == condStarting || ts.cond == condHealthy {
						good = append(good, ts)
					}
				}
				stopScaling(sel.pickByProgress(good, surplus, &budget))
			}
		}
	}

	// 3. Primary tasks above desiredCount, those that have made the least
	// progress first (progress.go).
	if surplus := pGood - desired; surplus > 0 {
		var good []*taskState
		for _, ts := range p.tasks {
			if ts.cond == condStarting || ts.cond == condHealthy {
				good = append(good, ts)
			}
		}
		stopScaling(sel.pickByProgress(good, surplus, &budget))
	}

	// 4. Still above maximumPercent (desiredCount was lowered while tasks
	// were starting, or waiting in PROVISIONING for capacity, and the
	// healthy tasks left are all minimumHealthyPercent allows): stop tasks
	// that are not healthy yet, those that never got compute first. They
	// count toward maximumPercent but not toward minimumHealthyPercent
	// (progress.go; found by the managed-scaling chaos soak, seed 1).
	if over := liveTotal - len(stops) - maxT; over > 0 {
		stopScaling(sel.pickByProgress(c.notHealthyYet(stops), over, nil))
	}

	// A deployment that can neither start nor stop anything, with nothing in
	// flight that could change that, is blocked by its configuration.
	blocked := starts == 0 && len(stops) == 0 && oldAlive > 0 && canLaunch && starting == 0 && gone == 0 && svc.Hold == ""
	if blocked && !c.plan.Service.Blocked {
		c.event(DeploymentBlockedEvent(svc.Name))
	}
	c.plan.Service.Blocked = blocked

	c.buf.stops = stops
	c.markStops(stops)
	if len(stops) > 0 {
		ids := make([]string, 0, len(stops))
		for _, st := range stops {
			ids = append(ids, st.TaskID)
		}
		c.plan.Stops = append(c.plan.Stops, stops...) // the reused Plan's storage (ComputeInto)
		c.event(StoppedTasksEvent(svc.Name, ids))
	}
	c.rollout()
}

// markStops sets taskState.stopped on every task stops names. With unique
// ids the stop closure of schedule has marked each already; otherwise a
// stop applies to every task with its id.
func (c *computation) markStops(stops []Stop) {
	if c.unique || len(stops) == 0 {
		return
	}
	ids := stopIDs(stops)
	for _, ds := range c.deps {
		for _, ts := range ds.tasks {
			if ids[ts.t.ID] {
				ts.stopped = true
			}
		}
	}
}

// stopIDs returns the set of task ids stops names.
func stopIDs(stops []Stop) map[string]bool {
	ids := make(map[string]bool, len(stops))
	for _, st := range stops {
		ids[st.TaskID] = true
	}
	return ids
}

// held reports whether ds is the older deployment Service.Hold keeps.
func (c *computation) held(ds *depState) bool {
	return c.s.Service.Hold != "" && !ds.synthetic && ds.orig.ID == c.s.Service.Hold
}

// oldAlive lists the starting and healthy tasks of older deployments, in
// c.buf's storage (valid until the next call).
func (c *computation) oldAlive() []*taskState {
	old := c.buf.old[:0]
	for _, ds := range c.deps {
		if !c.isOld(ds) || c.held(ds) {
			continue
		}
		for _, ts := range ds.tasks {
			if ts.cond == condStarting || ts.cond == condHealthy {
				old = append(old, ts)
			}
		}
	}
	c.buf.old = old
	return old
}

// rollout moves the primary deployment from IN_PROGRESS to COMPLETED once it
// has desiredCount healthy RUNNING tasks, no other task of its own, no
// older deployment has tasks left, its bake, if deployment alarms
// watch it, is over (bake.go), and, a blue/green deployment, it reached
// CLEAN_UP (Service.Staging).
func (c *computation) rollout() {
	p := c.primary
	if !c.rolloutInProgress() || c.s.Service.Staging {
		return
	}
	desired := max(c.s.Service.DesiredCount, 0)
	for _, ds := range c.deps {
		if c.isOld(ds) && ds.live > 0 {
			return
		}
	}
	// Healthy tasks this plan does not stop: at most the healthy ones,
	// which are live (RUNNING).
	pLive := p.live
	if p.counts[condHealthy] < desired || pLive != p.counts[condHealthy] {
		return
	}
	healthy := 0
	for _, ts := range p.tasks {
		if ts.cond == condHealthy && !ts.stopped {
			healthy++
		}
	}
	if healthy < desired || pLive != healthy || !c.baked() {
		return
	}
	p.next.RolloutState = types.DeploymentRolloutStateCompleted
	p.next.RolloutStateReason = CompletedReason(p.next.ID)
	c.event(DeploymentCompletedEvent(c.s.Service.Name, p.next.ID))
}

// steadyState emits "has reached a steady state." when the service reaches it
// or a deployment completes (even one that changed no task, such as a new
// deployment at desiredCount 0), and again only after SteadyStateRepeat
// while it stays there.
func (c *computation) steadyState() {
	m := &c.plan.Service
	p := c.primary
	steady := len(c.plan.Starts) == 0 && len(c.plan.Stops) == 0 &&
		p.next.RolloutState == types.DeploymentRolloutStateCompleted
	if steady {
		// Every live task is a healthy one of the primary (a healthy task
		// is live: RUNNING), and there are desiredCount of them.
		n := 0
		for _, ds := range c.deps {
			if ds != p && ds.live > 0 {
				steady = false
			}
			n += ds.live
		}
		steady = steady && p.live == p.counts[condHealthy] && n == max(c.s.Service.DesiredCount, 0)
	}
	if !steady {
		m.Steady = false
		return
	}
	justCompleted := p.orig.RolloutState != types.DeploymentRolloutStateCompleted
	if !m.Steady || justCompleted || !c.s.Now.Before(m.SteadyEventAt.Add(SteadyStateRepeat)) {
		c.event(SteadyStateEvent(c.s.Service.Name))
		m.SteadyEventAt = c.s.Now
	}
	m.Steady = true
	c.wake(m.SteadyEventAt.Add(SteadyStateRepeat))
}
