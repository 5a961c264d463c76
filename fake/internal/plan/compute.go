package plan

import (
	"cmp"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// SteadyStateRepeat is how long the steady-state event is not repeated while
// the service stays steady.
const SteadyStateRepeat = 6 * time.Hour

// taskState is a task with its condition at Snapshot.Now.
type taskState struct {
	t    *Task
	cond condition
}

// depState is a deployment being planned: its snapshot value, its new value
// and its tasks.
type depState struct {
	orig      *Deployment
	next      Deployment
	tasks     []*taskState
	n         int  // len(tasks) once index has filed them
	synthetic bool // groups tasks whose deployment is unknown
}

// computation holds the working state of one Compute call.
type computation struct {
	s       *Snapshot
	deps    []*depState // oldest first
	primary *depState
	plan    Plan
	buf     *scratch // per-task arrays and maps reused across calls
}

// Compute decides what the scheduler does for one service at s.Now. It is
// pure and deterministic: the same Snapshot always yields the same Plan, and
// s is not modified.
func Compute(s Snapshot) Plan {
	c := &computation{s: &s}
	c.plan.Service = s.Service.Marks
	if len(s.Deployments) == 0 {
		return c.plan
	}
	buf := scratchPool.Get().(*scratch)
	defer buf.release()
	c.buf = buf
	c.index(buf)
	if c.account() {
		c.finishStatuses(nil)
		c.collectUpdates()
		return c.plan
	}
	stopped := c.schedule()
	c.finishStatuses(stopped)
	c.steadyState()
	c.collectUpdates()
	return c.plan
}

// index sorts deployments (the newest is primary), attaches and classifies
// tasks, and records time-based wake-ups. Its per-task arrays come from buf.
func (c *computation) index(buf *scratch) {
	byID := make(map[string]*depState, len(c.s.Deployments))
	for i := range c.s.Deployments {
		d := &c.s.Deployments[i]
		ds := &depState{orig: d, next: *d}
		c.deps = append(c.deps, ds)
		byID[d.ID] = ds
	}
	// Deployments created at the same instant keep the Snapshot's order
	// (oldest first): ids are random, so ordering by id could make an
	// older deployment PRIMARY (found by the concurrency reliability test).
	// A deployment a rollback revived counts from RevivedAt.
	slices.SortStableFunc(c.deps, func(a, b *depState) int {
		return a.orig.primarySince().Compare(b.orig.primarySince())
	})
	c.primary = c.deps[len(c.deps)-1]
	var orphans *depState
	// Each task's group, counted first so that every group's list is
	// allocated once, in one backing array for all groups.
	n := len(c.s.Tasks)
	groups := buf.groups(n)
	for i := range c.s.Tasks {
		t := &c.s.Tasks[i]
		ds := byID[t.DeploymentID]
		if ds == nil { // a task of an unknown deployment is drained like an old one
			if orphans == nil {
				orphans = &depState{orig: &Deployment{ID: t.DeploymentID}, synthetic: true}
			}
			ds = orphans
		}
		groups[i] = ds
		ds.n++
	}
	lists := buf.lists(n)
	for _, ds := range append(c.deps, orphans) {
		if ds != nil {
			ds.tasks, lists = lists[:0:ds.n], lists[ds.n:]
		}
	}
	states := buf.states(n) // one buffer for all tasks
	for i, ds := range groups {
		t := &c.s.Tasks[i]
		cond, at := classify(t, ds.orig, c.s.Service.HealthCheckGracePeriod, c.s.Now)
		c.wake(at)
		states[i] = taskState{t: t, cond: cond}
		ds.tasks = append(ds.tasks, &states[i])
	}
	if orphans != nil {
		c.deps = append([]*depState{orphans}, c.deps...)
	}
	for _, ds := range c.deps {
		byID := func(a, b *taskState) int { return cmp.Compare(a.t.ID, b.t.ID) }
		if !slices.IsSortedFunc(ds.tasks, byID) { // the fake's snapshot is in id order already
			slices.SortFunc(ds.tasks, byID)
		}
	}
}

// wake lowers NextWakeup to at (zero at is ignored).
func (c *computation) wake(at time.Time) {
	if at.IsZero() {
		return
	}
	if c.plan.NextWakeup.IsZero() || at.Before(c.plan.NextWakeup) {
		c.plan.NextWakeup = at
	}
}

// event appends a service event.
func (c *computation) event(msg string) { c.plan.Events = append(c.plan.Events, msg) }

// collectUpdates lists every deployment whose mutable fields changed.
func (c *computation) collectUpdates() {
	for _, ds := range c.deps {
		if ds.synthetic {
			continue // the orphan group is not a real deployment
		}
		n, o := ds.next, ds.orig
		if n.Status == o.Status && n.DesiredCount == o.DesiredCount && n.RolloutState == o.RolloutState &&
			n.RolloutStateReason == o.RolloutStateReason && n.FailedTasks == o.FailedTasks &&
			n.ReachedRunning == o.ReachedRunning && n.Backoff == o.Backoff && n.RevivedAt.Equal(o.RevivedAt) &&
			n.PlacementFailures == o.PlacementFailures {
			continue
		}
		c.plan.Deployments = append(c.plan.Deployments, DeploymentUpdate{
			ID: n.ID, Status: n.Status, DesiredCount: n.DesiredCount, RolloutState: n.RolloutState,
			RolloutStateReason: n.RolloutStateReason, FailedTasks: n.FailedTasks,
			ReachedRunning: n.ReachedRunning, Backoff: n.Backoff, RevivedAt: n.RevivedAt,
			PlacementFailures: n.PlacementFailures,
		})
	}
}

// finishStatuses sets PRIMARY on the newest deployment, ACTIVE on older ones
// that still have tasks and INACTIVE on the others, and old deployments'
// desiredCount to the tasks they keep after this plan's stops.
func (c *computation) finishStatuses(stopped map[string]bool) {
	revived := c.plan.RolledBackTo
	for _, ds := range c.deps {
		if !ds.synthetic && ds.next.ID == revived {
			continue // made PRIMARY by revive
		}
		if ds == c.primary && revived == "" {
			ds.next.Status = StatusPrimary
			ds.next.DesiredCount = c.s.Service.DesiredCount
			continue
		}
		liveN, keep := 0, 0
		for _, ts := range ds.tasks {
			if live(ts.t) {
				liveN++
			}
			if ts.cond != condGone && !stopped[ts.t.ID] {
				keep++
			}
		}
		if liveN > 0 || c.failedWhileRollingBack(ds) {
			ds.next.Status = StatusActive
		} else {
			ds.next.Status = StatusInactive
		}
		ds.next.DesiredCount = keep
	}
}

// failedWhileRollingBack reports whether ds is a FAILED deployment that a
// circuit-breaker rollback is replacing right now: ECS keeps it listed
// (ACTIVE, rolloutState FAILED, its failedTasks) until the rollback
// deployment completes, so clients polling DescribeServices see the failure
// next to the "rolling back" PRIMARY even when no task of it is left.
func (c *computation) failedWhileRollingBack(ds *depState) bool {
	if ds.synthetic || ds.next.RolloutState != types.DeploymentRolloutStateFailed {
		return false
	}
	if c.plan.RolledBackTo != "" {
		return true // the rollback is started by this plan
	}
	p := c.primary
	return p != ds && !p.orig.RevivedAt.IsZero() && p.next.RolloutState == types.DeploymentRolloutStateInProgress
}

// primarySince is when d became the newest deployment: when it was
// created, or when a rollback revived it.
func (d *Deployment) primarySince() time.Time {
	if d.RevivedAt.After(d.CreatedAt) {
		return d.RevivedAt
	}
	return d.CreatedAt
}

// isOld reports whether ds is not the primary deployment.
func (c *computation) isOld(ds *depState) bool { return ds != c.primary }

// rolloutInProgress reports whether the primary deployment is rolling out.
func (c *computation) rolloutInProgress() bool {
	return c.primary.next.RolloutState == types.DeploymentRolloutStateInProgress
}
