package plan

import (
	"cmp"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/samestr"
	"github.com/ecsdeploy/ecsdeploy/fake/internal/taskid"
)

// SteadyStateRepeat is how long the steady-state event is not repeated while
// the service stays steady.
const SteadyStateRepeat = 6 * time.Hour

// taskState is a task with its condition at Snapshot.Now.
type taskState struct {
	t    *Task
	cond condition
	// stopped is set once this plan stops the task (schedule, markStops).
	stopped bool
	row     int32 // t's index in Snapshot.Tasks (TaskMark.Row)
}

// depState is a deployment being planned: its snapshot value, its new value
// and its tasks.
type depState struct {
	orig      *Deployment
	next      Deployment
	tasks     []*taskState
	n         int  // len(tasks) once index has filed them
	synthetic bool // groups tasks whose deployment is unknown
	// counts are the deployment's tasks per condition, and how many
	// of its tasks are live and gone (being stopped, not yet STOPPED),
	// taken by index: schedule reads them instead of passing over
	// every task again.
	counts   [condUnhealthy + 1]int
	live     int
	liveGone int
}

// computation holds the working state of one Compute call.
type computation struct {
	s       *Snapshot
	deps    []*depState // oldest first
	primary *depState
	plan    Plan
	buf     *scratch // per-task arrays and maps reused across calls
	// unique is true when the snapshot's task ids are strictly increasing
	// (the fake's snapshot always is): ids are then unique, and a stop
	// marks its task state instead of an id set (stop, markStops).
	unique bool
}

// Compute decides what the scheduler does for one service at s.Now. It is
// pure and deterministic: the same Snapshot always yields the same Plan, and
// s is not modified.
func Compute(s Snapshot) Plan {
	var p Plan
	ComputeInto(&s, &p)
	return p
}

// ComputeInto is Compute writing the Plan into *p, whose slices it reuses
// (emptied first): an applier that plans on every change passes the same
// Plan each time and allocates nothing once the slices have grown. *s is
// not modified nor kept (it is copied into the call's scratch); nothing
// of the previous plan in *p survives the call.
func ComputeInto(s *Snapshot, p *Plan) {
	clear(p.Starts)
	clear(p.Stops)
	clear(p.Deployments)
	clear(p.Marks)
	clear(p.Events)
	c := &computation{plan: Plan{Starts: p.Starts[:0], Stops: p.Stops[:0], Deployments: p.Deployments[:0],
		Marks: p.Marks[:0], Events: p.Events[:0], Service: s.Service.Marks}}
	if len(s.Deployments) == 0 {
		*p = c.plan
		return
	}
	buf := scratchPool.Get().(*scratch)
	defer buf.release()
	// The computation keeps pointers to its snapshot where the scratch
	// lives (on the heap): a copy there costs no allocation.
	buf.snap = *s
	c.s, c.buf = &buf.snap, buf
	c.index(buf)
	if c.account() {
		c.finishStatuses()
		c.collectUpdates()
		*p = c.plan
		return
	}
	c.schedule()
	c.finishStatuses()
	c.steadyState()
	c.collectUpdates()
	*p = c.plan
}

// index sorts deployments (the newest is primary), attaches and classifies
// tasks, and records time-based wake-ups. Its per-task arrays come from buf.
func (c *computation) index(buf *scratch) {
	// A handful of deployments: a task's is found by a scan from the
	// newest in snapshot order (the last of equal ids wins, as a map
	// would), without a map per pass.
	inSnap := buf.depStates(len(c.s.Deployments))
	vals := buf.depValues(len(c.s.Deployments))
	c.deps = buf.depList(len(c.s.Deployments) + 1)[:len(c.s.Deployments)] // room for the orphans' group
	for i := range c.s.Deployments {
		d := &c.s.Deployments[i]
		vals[i] = depState{orig: d, next: *d}
		c.deps[i], inSnap[i] = &vals[i], &vals[i]
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
	// Each task's group (an index into inSnap, -1 for orphans), counted
	// first so that every group's list is allocated once, in one backing
	// array for all groups. The groups array holds no pointers: filling
	// it costs no write barriers while the collector runs.
	// The loops read the rows through a local: c.s's fields would be
	// read again after every store (the compiler cannot tell that the
	// stores leave them alone).
	tasks := c.s.Tasks
	n := len(tasks)
	groups := buf.groups(n)[:n] // [:n]: the loops index it with no bounds check
	unique := true
	last, lastG := "", int32(-1)
	var prevKey uint64 // the previous id's taskid.Prefix
	for i := range tasks {
		t := &tasks[i]
		// Strictly increasing ids (each prefix read once).
		key := taskid.Prefix(t.ID)
		if i > 0 && taskid.Compare(prevKey, tasks[i-1].ID, key, t.ID) >= 0 {
			unique = false
		}
		prevKey = key
		g := lastG
		if i == 0 || !samestr.Same(t.DeploymentID, last) {
			g = findDeployment(c.s.Deployments, t.DeploymentID)
			last, lastG = t.DeploymentID, g
		}
		groups[i] = g
		if g < 0 { // a task of an unknown deployment is drained like an old one
			if orphans == nil {
				orphans = &depState{orig: &Deployment{ID: t.DeploymentID}, synthetic: true}
			}
			orphans.n++
			continue
		}
		inSnap[g].n++
	}
	lists := buf.lists(n)
	for _, ds := range append(c.deps, orphans) {
		if ds != nil {
			ds.tasks, lists = lists[:0:ds.n], lists[ds.n:]
		}
	}
	c.unique = unique
	states := buf.states(n)[:n] // one buffer for all tasks
	for i, g := range groups {
		ds := orphans
		if g >= 0 {
			ds = inSnap[g]
		}
		t := &tasks[i]
		cond, settled := notRunning(t) // classify, inlined for tasks not RUNNING
		if !settled {
			var at time.Time
			cond, at = classifyRunning(t, ds.orig, c.s.Service.HealthCheckGracePeriod, c.s.Now)
			if !at.IsZero() {
				c.wake(at)
			}
		}
		ds.counts[cond]++
		if live(t) {
			ds.live++
			if cond == condGone {
				ds.liveGone++
			}
		}
		states[i] = taskState{t: t, row: int32(i), cond: cond}
		ds.tasks = append(ds.tasks, &states[i])
	}
	if orphans != nil {
		c.deps = append([]*depState{orphans}, c.deps...)
	}
	if c.unique {
		return // every group is a subsequence of tasks sorted by id
	}
	for _, ds := range c.deps {
		byID := func(a, b *taskState) int { return cmp.Compare(a.t.ID, b.t.ID) }
		if !slices.IsSortedFunc(ds.tasks, byID) {
			slices.SortFunc(ds.tasks, byID)
		}
	}
}

// findDeployment returns the index in deps of the last deployment with id
// (the one a map filled in order would hold), or -1.
func findDeployment(deps []Deployment, id string) int32 {
	for i := len(deps) - 1; i >= 0; i-- {
		if deps[i].ID == id {
			return int32(i)
		}
	}
	return -1
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
			n.PlacementFailures == o.PlacementFailures && n.BakeUntil.Equal(o.BakeUntil) {
			continue
		}
		c.plan.Deployments = append(c.plan.Deployments, DeploymentUpdate{
			ID: n.ID, Status: n.Status, DesiredCount: n.DesiredCount, RolloutState: n.RolloutState,
			RolloutStateReason: n.RolloutStateReason, FailedTasks: n.FailedTasks,
			ReachedRunning: n.ReachedRunning, Backoff: n.Backoff, RevivedAt: n.RevivedAt,
			PlacementFailures: n.PlacementFailures, BakeUntil: n.BakeUntil,
		})
	}
}

// finishStatuses sets PRIMARY on the newest deployment, ACTIVE on older ones
// that still have tasks and INACTIVE on the others, and old deployments'
// desiredCount to the tasks they keep after this plan's stops.
func (c *computation) finishStatuses() {
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
		// The tasks it keeps: those not gone, less those this plan stops
		// (a pass over them only when it stops some).
		keep := len(ds.tasks) - ds.counts[condGone]
		if len(c.plan.Stops) > 0 {
			keep = 0
			for _, ts := range ds.tasks {
				if ts.cond != condGone && !ts.stopped {
					keep++
				}
			}
		}
		if ds.live > 0 || c.failedWhileRollingBack(ds) { // index's count of its live tasks
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
