package fake

import (
	"fmt"
	"slices"
	"time"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
	"github.com/ecsdeploy/ecsdeploy/fake/internal/taskid"
	"github.com/ecsdeploy/ecsdeploy/internal/debugcheck"
)

// The planner's view of a service's tasks (service.snap) is kept from pass
// to pass instead of being rebuilt from every task struct on every pass:
// at 10,000 tasks that rebuild read ~20,000 task structs no longer in
// cache, eight times per rollout. The rows stay in step with s.tasks (same
// order, by task id): tasks added by the scheduler get their row when they
// are merged in (addServiceTasksLocked), rows of pruned tasks go with them
// (pruneStoppedLocked), and a task whose planner-visible fields change is
// marked (task.snapNoted) and, while few are, listed in s.snapChanged by
// touchTaskLocked, which the lifecycle calls wherever it bumps the task's
// version (lastStatus, health, desiredStatus with stopCode and
// stoppedReason, startedAt, stoppedAt all change there). The next
// snapshot rewrites only those rows: found one by one when listed, else in
// one walk over every row. Everything else rebuilds every row
// (snapshotTasksLocked): the first pass, any change of s.tasks made
// elsewhere (an orphaned task dropped: the lengths differ), services
// behind a load balancer (target health changes without the task), and a
// cluster with a DRAINING instance (the row of a task on it names the
// draining deployment).

// touchTaskLocked notes that t's planner-visible fields changed and puts
// its service on the list the reconcile at this instant plans (the pass
// is skipped if the change leaves the planner's rows alike:
// scheduler_skip.go).
func (e *ECS) touchTaskLocked(t *task) {
	if s := t.svc; s != nil {
		s.noteChanged(t)
		if !s.dirty && e.applying != s && s.status != serviceInactive { // as touchServiceLocked
			e.queueServiceLocked(s)
		}
	}
}

// noteChanged marks t, one of s's tasks, changed for the next snapshot
// (task.snapNoted), and lists it while few are.
func (s *service) noteChanged(t *task) {
	s.snapAlike = false // unless the caller knows better (touchStepLocked)
	if !s.snapAligned || t.snapNoted == uint32(s.snaps) {
		return // the next snapshot rebuilds every row, or t is marked already
	}
	t.snapNoted = uint32(s.snaps)
	if s.snapStale {
		return // the next snapshot walks every row, rewriting the marked ones
	}
	if len(s.snapChanged) >= len(s.tasks)/4 && len(s.snapChanged) >= 16 {
		// Finding each row (by a binary search on task ids) costs
		// about as much as rewriting every row by now. In a crash
		// loop (BenchmarkCatchUp) a service's 100 tasks move together
		// and it is planned at each of their lifecycle instants:
		// about 100 of its ~140 rows change between passes
		// (docs/reliability.md, round 5; round 4 found every pass
		// there a full rebuild). Rewriting only the changed rows,
		// found one by one, measured twice the cost of this full
		// rebuild there. The walk over every row still rewrites only
		// the marked ones.
		s.snapStale = true
		s.clearSnapChanged()
		return
	}
	s.snapChanged = append(s.snapChanged, t)
}

// clearSnapChanged empties s.snapChanged.
func (s *service) clearSnapChanged() {
	clear(s.snapChanged)
	s.snapChanged = s.snapChanged[:0]
}

// snapInStep reports whether s.snap holds one row per task of s.tasks, in
// the same order.
func (s *service) snapInStep() bool { return s.snapAligned && len(s.snap) == len(s.tasks) }

// snapshotTasksLocked brings s.snap up to date with s.tasks: the changed
// rows only when it can, else every row. seen reports whether the planner
// sees a change: a row it rewrote is not alike to what it held
// (plan.Alike), or the rows were not in step with the tasks.
func (e *ECS) snapshotTasksLocked(s *service) (rows []plan.Task, seen bool) {
	s.snaps++
	forced := len(s.loadBalancers) > 0 || clusterHasDraining(s.c)
	wrapped := uint32(s.snaps) == 0
	if wrapped {
		// task.snapNoted holds 32 bits of s.snaps: once every 2^32
		// snapshots every mark is reset, this snapshot and the next
		// rebuild every row, and nothing is listed meanwhile (a mark
		// of zero would read as listed).
		for _, t := range s.tasks {
			t.snapNoted = 0
		}
	}
	if s.snapInStep() && !s.snapStale && !forced && !s.snapForced && !wrapped {
		for _, t := range s.snapChanged {
			if t.svc != s {
				continue // orphaned, or not this service's
			}
			i := rowIndex(s.snap, t.id())
			if i < 0 {
				continue // pruned
			}
			seen = e.refreshRowLocked(s, &s.snap[i], t) || seen
		}
		s.clearSnapChanged()
		s.snapPartial++
		s.snapAlike = true
		if debugcheck.VerifySnapshots.Load() {
			e.verifySnapLocked(s)
		}
		return s.snap, seen
	}
	// Rows in step with the tasks, which change only with their task:
	// only the rows of the tasks marked since the last snapshot
	// (noteChanged) are rewritten, in one walk.
	walk := s.snapInStep() && !forced && !s.snapForced && !wrapped
	marked := uint32(s.snaps - 1) // the mark noteChanged gave since the last snapshot
	seen = !s.snapInStep()        // a row may hold another task than before
	rows = growRows(s, s.snap, len(s.tasks))[:len(s.tasks)]
	s.snapStopped = 0
	for i, t := range s.tasks {
		r := &rows[i]
		if !walk || t.snapNoted == marked {
			seen = e.snapshotRowLocked(r, t) || seen
		}
		s.countRow(r, t)
	}
	s.snap = rows
	s.snapAligned, s.snapStale, s.snapForced = true, wrapped, forced
	s.snapAlike = true
	s.clearSnapChanged()
	if walk && debugcheck.VerifySnapshots.Load() {
		e.verifySnapLocked(s)
	}
	return rows, seen
}

// growRows returns rows (s's), with its contents, or a copy with room for
// at least n rows. A new array has room for the most tasks the service
// keeps (maximumPercent, at most twice the tasks it has) and a quarter
// more (tasks stopped since the last plan): growing as appending does
// would copy a 10,000-task snapshot several times over while a rollout
// adds tasks, and the collector's cost grows with the garbage.
func growRows(s *service, rows []plan.Task, n int) []plan.Task {
	if cap(rows) >= n {
		return rows
	}
	maxT := plan.MaxTasks(s.desired, int(aws.ToInt32(s.deployCfg.MaximumPercent)))
	size := max(n, min(maxT, 2*n))
	grown := make([]plan.Task, len(rows), size+size/4)
	copy(grown, rows)
	return grown
}

// rowIndex returns the index of the row of task id in rows (sorted by id),
// or -1.
func rowIndex(rows []plan.Task, id string) int { return rowSearch(rows, 0, len(rows), id) }

// rowIndexFrom returns the index of the row of task id in rows[from:]
// (sorted by id), or -1. It gallops from rows[from] (the row is usually
// close after the previous one looked up: applyMarksLocked) and then
// searches the range found by halves.
func rowIndexFrom(rows []plan.Task, from int, id string) int {
	key := taskid.Prefix(id)
	lo, hi := from, from
	for step := 1; hi < len(rows) && rowBefore(&rows[hi], key, id); step *= 2 {
		lo, hi = hi+1, hi+step
	}
	return rowSearch(rows, lo, min(hi+1, len(rows)), id)
}

// rowSearch returns the index of the row of task id in rows (sorted by
// id), or -1, knowing that the rows before lo sort before id and the rows
// from hi on do not. It searches by halves, comparing the ids' first
// eight bytes as one number (taskid.Prefix: the same order as the
// strings'), whole ids only on equal prefixes: task ids are random, so a
// step reads one word of the row it visits instead of comparing strings.
func rowSearch(rows []plan.Task, lo, hi int, id string) int {
	key := taskid.Prefix(id)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if rowBefore(&rows[m], key, id) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(rows) && rows[lo].ID == id {
		return lo
	}
	return -1
}

// rowBefore reports whether row r sorts before task id, whose prefix is
// key.
func rowBefore(r *plan.Task, key uint64, id string) bool {
	return taskid.Compare(taskid.Prefix(r.ID), r.ID, key, id) < 0
}

// rowAfter reports whether row r sorts after task id, whose prefix is key.
func rowAfter(r *plan.Task, key uint64, id string) bool {
	return taskid.Compare(taskid.Prefix(r.ID), r.ID, key, id) > 0
}

// refreshRowLocked rewrites r, the row of t, keeping s.snapStopped (the
// number of STOPPED rows) in step, and reports whether the planner sees
// the change (rewriteRowLocked).
func (e *ECS) refreshRowLocked(s *service, r *plan.Task, t *task) bool {
	if r.LastStatus == statusStopped {
		s.snapStopped--
	}
	seen := e.snapshotRowLocked(r, t)
	s.countRow(r, t)
	return seen
}

// countRow counts r, the new row of t, in s.snapStopped if it is STOPPED
// (and marks t seen STOPPED by this snapshot).
func (s *service) countRow(r *plan.Task, t *task) {
	if r.LastStatus == statusStopped {
		t.seenStopped = s.snaps
		s.snapStopped++
	}
}

// runningTasks returns how many of s's tasks are RUNNING: counted on the
// snapshot's rows (contiguous, and just read by the planner) while they
// are those of every task as it is now (in step with s.tasks, no task
// changed since they were written), else by reading every task.
func (s *service) runningTasks() int {
	if s.snapInStep() && !s.snapStale && len(s.snapChanged) == 0 {
		n := 0
		for i := range s.snap {
			if s.snap[i].LastStatus == statusRunning {
				n++
			}
		}
		if debugcheck.VerifySnapshots.Load() {
			if m := countRunning(s.tasks); m != n {
				panic(fmt.Sprintf("service %s: the snapshot has %d RUNNING rows, %d tasks are RUNNING", s.name, n, m))
			}
		}
		return n
	}
	return countRunning(s.tasks)
}

// countRunning returns how many of tasks are RUNNING.
func countRunning(tasks []*task) int {
	n := 0
	for _, t := range tasks {
		if t.lastStatus == statusRunning {
			n++
		}
	}
	return n
}

// clusterHasDraining reports whether an instance of c is DRAINING.
func clusterHasDraining(c *cluster) bool {
	for _, in := range c.instances {
		if in.status == "DRAINING" {
			return true
		}
	}
	return false
}

// verifySnapLocked panics unless s.snap equals a full rebuild of s's rows
// (tests only: debugcheck.VerifySnapshots).
func (e *ECS) verifySnapLocked(s *service) {
	debugcheck.SnapshotsVerified.Add(1)
	stopped := 0
	for i, t := range s.tasks {
		var want plan.Task
		e.snapshotRowLocked(&want, t)
		if s.snap[i] != want {
			panic(fmt.Sprintf("incremental snapshot of service %s: row %d is %+v, want %+v", s.name, i, s.snap[i], want))
		}
		if want.LastStatus == statusStopped {
			stopped++
		}
	}
	if stopped != s.snapStopped {
		panic(fmt.Sprintf("incremental snapshot of service %s: %d STOPPED rows counted, %d found", s.name, s.snapStopped, stopped))
	}
}

// addServiceTasksLocked adds started tasks (any order) to s.tasks (sorted
// by id; the planner sorts its snapshot by task id, and sorted input keeps
// that sort linear), and their rows to s.snap at the same places. The
// merge runs from the back in the lists' own arrays (grown when needed),
// so a batch of starts moves only the tasks after the first one it inserts.
func (e *ECS) addServiceTasksLocked(s *service, started []*task) {
	if len(started) == 0 {
		return
	}
	if !s.snapInStep() {
		s.tasks = mergeByID(s.tasks, started)
		s.snapAligned = false
		return
	}
	sortTasksByID(started)
	tasks, rows := s.tasks, s.snap
	i, j := len(tasks)-1, len(started)-1
	tasks = slices.Grow(tasks, len(started))[:len(tasks)+len(started)]
	rows = growRows(s, rows, len(rows)+len(started))[:len(rows)+len(started)]
	key := taskid.Prefix(started[j].id())
	for k := len(tasks) - 1; j >= 0; k-- {
		if i >= 0 && rowAfter(&rows[i], key, started[j].id()) { // the rows hold the ids: no task struct is read
			tasks[k], rows[k] = tasks[i], rows[i]
			i--
		} else {
			tasks[k] = started[j]
			r := &rows[k] // its old content has moved up
			e.snapshotRowLocked(r, started[j])
			s.countRow(r, started[j])
			if j--; j >= 0 {
				key = taskid.Prefix(started[j].id())
			}
		}
	}
	s.tasks, s.snap = tasks, rows
}

// pruneStoppedLocked drops the tasks the last snapshot saw STOPPED (and
// their rows).
func (s *service) pruneStoppedLocked() {
	if s.snapStopped == 0 {
		return
	}
	if !s.snapInStep() {
		// The tasks the snapshot saw STOPPED carry its number.
		s.tasks = slices.DeleteFunc(s.tasks, func(t *task) bool { return t.seenStopped == s.snaps && t.lastStatus == statusStopped })
		s.snapAligned = false
		return
	}
	tasks, rows := s.tasks, s.snap
	n := 0
	for i := range tasks {
		if rows[i].LastStatus == statusStopped { // STOPPED is final
			continue
		}
		if n != i {
			tasks[n], rows[n] = tasks[i], rows[i]
		}
		n++
	}
	clear(tasks[n:])
	s.tasks, s.snap = tasks[:n], rows[:n]
	s.snapStopped = 0
}

// snapshotRowLocked makes r the planner's view of t and reports whether
// the planner sees the change: a field other than LastStatus changed, or
// LastStatus changed from or to one the planner tells apart
// (plan.DistinctStatus; the rule of plan.Alike). Rows are reused from pass
// to pass, and most of a row's fields (statuses, deployment, AZ, times)
// are those of the task the row held last time, or the same constant
// strings: each field is written only when it differs. Writing the whole
// row wrote a dozen pointers per task, each a write barrier while the
// collector runs.
func (e *ECS) snapshotRowLocked(r *plan.Task, t *task) (seen bool) {
	storeStr(&r.ID, t.id(), &seen)
	deployment := t.startedBy
	instance := ""
	if t.inst != nil {
		instance = t.inst.id // a short, unique key
		if t.inst.status == "DRAINING" && t.lastStatus != statusStopped {
			// ECS replaces service tasks on a DRAINING instance within
			// minimumHealthyPercent and maximumPercent (Developer Guide,
			// "Container instance draining"): the planner drains tasks
			// of no known deployment exactly that way.
			deployment = drainingDeployment
		}
	}
	storeStr(&r.DeploymentID, deployment, &seen)
	storeStr(&r.ContainerInstance, instance, &seen)
	was, status := r.LastStatus, false // status: LastStatus changed
	if storeStr(&r.LastStatus, t.lastStatus, &status); status && (plan.DistinctStatus(was) || plan.DistinctStatus(t.lastStatus)) {
		seen = true
	}
	storeStr(&r.DesiredStatus, t.desiredStatus, &seen)
	storeStr(&r.Health, t.health, &seen)
	storeTime(&r.StartedAt, t.startedAt, &seen)
	storeTime(&r.StoppedAt, t.stoppedAt, &seen)
	if before := t.lastStatus == statusStopped && t.startedAt.IsZero(); r.StoppedBeforeRunning != before {
		r.StoppedBeforeRunning = before
		seen = true
	}
	storeStr(&r.StopCode, t.stopCode, &seen)
	storeStr(&r.StoppedReason, t.stoppedReason, &seen)
	storeStr(&r.AZ, t.az, &seen)
	if r.FailureCounted != t.failureCounted || r.HealthyCounted != t.healthyCounted {
		r.FailureCounted, r.HealthyCounted = t.failureCounted, t.healthyCounted
		seen = true
	}
	if t.svc != nil && len(t.svc.loadBalancers) > 0 && t.lastStatus == statusRunning && t.desiredStatus != statusStopped {
		// The planner reads load-balancer health only for such tasks
		// (plan.classify; unhealthyTexts only for tasks it found
		// unhealthy): reading every target of the others, on every
		// pass, cost a tenth of a 10,000-task rollout behind an ALB.
		if lb := e.lbPlanHealthLocked(t); r.LoadBalancer != lb {
			r.LoadBalancer = lb
			seen = true
		}
	} else if r.LoadBalancer.Behind || r.LoadBalancer.Healthy || r.LoadBalancer.Unhealthy ||
		r.LoadBalancer.StopReason != "" || r.LoadBalancer.Event != "" {
		// Any other task's health is the zero value (what
		// lbPlanHealthLocked returns for a service without load
		// balancers): the row is cleared only if it holds some, read
		// field by field, with no call and no comparison of the
		// whole struct.
		r.LoadBalancer = plan.LoadBalancerHealth{}
		seen = true
	}
	return seen
}

// storeStr sets *dst to v unless it already holds v (no write barrier
// then), and sets *changed when it did. A row's strings are mostly the
// very strings of its task (same bytes, same length): those are seen equal
// without comparing their bytes.
func storeStr[S ~string](dst *S, v S, changed *bool) {
	if len(*dst) == len(v) && unsafe.StringData(string(*dst)) == unsafe.StringData(string(v)) {
		return
	}
	if *dst != v {
		*dst = v
		*changed = true
	}
}

// storeTime sets *dst to v unless it already holds exactly v (the same
// instant, monotonic reading and location), and sets *changed when it did.
func storeTime(dst *time.Time, v time.Time, changed *bool) {
	if *dst != v {
		*dst = v
		*changed = true
	}
}
