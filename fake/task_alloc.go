package fake

import "slices"

// A crash-looping service creates a task every few virtual seconds, and
// catching up a day of them creates hundreds of thousands (issue #17 item
// 3): a task, its containers and the backing array of its history are one
// allocation, reused once the task is forgotten and unreachable (below);
// its identifiers are in task_ids.go.

// taskHistoryCap is the history a task has room for without growing: a
// task's life from PENDING to STOPPED, with a health change and the awsvpc
// steps, takes up to nine entries.
const taskHistoryCap = 9

// taskStorage holds a task and the storage it starts with.
type taskStorage struct {
	t      task
	h      [taskHistoryCap]historyEntry
	one    container     // the container of a one-container task
	onePtr [1]*container // t.containers' backing array for one container
	more   []container   // the containers of a task with several
	// rare is the taskRare the storage's tasks use, kept for the next
	// task that needs one (task_rare.go).
	rare *taskRare
}

// The storage of a one-container task is 1,024 bytes, a size class of
// the allocator (TestTaskStorageSize): t.containers' backing array for
// several containers is kept in t itself, as the last task left it.

// n returns the number of containers st has room for.
func (st *taskStorage) n() int {
	if st.more == nil {
		return 1
	}
	return len(st.more)
}

// A crash loop forgets tasks as fast as it creates them: the storage of a
// forgotten task that nothing refers to any more is reused for the next
// task with as many containers, so a day of them allocates little and the
// garbage collector seldom runs.

// maxFreeContainers is the most containers a reused storage has (a task
// definition holds at most ten); maxFreeTasks bounds each free list (4 MiB
// of one-container storage kept after a burst of tasks is forgotten; a
// steady crash loop reuses storage as it retires it, retireBatch at a time).
const (
	maxFreeContainers = 10
	maxFreeTasks      = 4096
)

// taskFreeList holds reusable task storage by number of containers.
type taskFreeList struct {
	byN   [maxFreeContainers + 1][]*taskStorage
	epoch uint32 // batches of retired tasks examined (task.listed)
	// retired are forgotten tasks off their cluster's task list, not yet
	// examined (retireLocked).
	retired []*task
	reused  uint64 // storages handed out again (for tests)
	// lastFate is the fate given last (sharedFate).
	lastFate *fate
}

// noFate is the fate of a task no fault touches.
var noFate fate

// sharedFate returns ft where a task keeps it: a crash loop's tasks all
// get the same fate, so they share one (the fate given last, when equal)
// rather than each carrying 96 bytes. Fates are never written through.
func (f *taskFreeList) sharedFate(ft fate) *fate {
	switch {
	case ft == noFate:
		return &noFate
	case f.lastFate != nil && *f.lastFate == ft:
		return f.lastFate
	}
	p := new(fate) // not &ft: ft would move to the heap on every call
	*p = ft
	f.lastFate = p
	return p
}

// get returns reusable storage for n containers, or a new one.
func (f *taskFreeList) get(n int) *taskStorage {
	if n <= maxFreeContainers {
		if l := f.byN[n]; len(l) > 0 {
			st := l[len(l)-1]
			l[len(l)-1] = nil
			f.byN[n] = l[:len(l)-1]
			f.reused++
			return st
		}
	}
	return newTaskStorage(n)
}

// put keeps st, with room for n containers, for reuse; the task in it
// must be unreachable. The storage is not cleared (createTaskLocked
// overwrites all of it): clearing would touch every cache line of a task
// nothing reads, and what the old task refers to stays reachable only
// until reuse, for at most maxFreeTasks storages.
func (f *taskFreeList) put(st *taskStorage, n int) {
	if n > maxFreeContainers || len(f.byN[n]) >= maxFreeTasks {
		return
	}
	f.byN[n] = append(f.byN[n], st)
}

// A forgotten task leaves its cluster's task list (c.tasks, in creation
// order) at once when it is the oldest there, as it mostly is; otherwise
// with the next compaction, which drops every forgotten task (forgetLocked).
// Either way it is retired: in batches of retireBatch, the services of the
// retired tasks mark the tasks they still list, and the storage of the
// others is reused when nothing else can reach it (reusable).

// retireBatch is how many retired tasks are examined together: a batch
// marks every task its services list, so the more it examines at once the
// fewer marks per task.
const retireBatch = 512

// dropForgottenLocked takes c's leading forgotten tasks (t was just
// forgotten) off c.tasks, or compacts c.tasks when forgotten tasks are
// half of it.
func (e *ECS) dropForgottenLocked(c *cluster) {
	c.dead++
	// c.dead counts the forgotten tasks still listed: once none is left,
	// the next oldest task (cold memory, stopped an hour ago or still
	// running) needs no look.
	for c.dead > 0 && len(c.tasks) > 0 && c.tasks[0].forgotten {
		x := c.tasks[0]
		c.tasks[0] = nil
		c.tasks = c.tasks[1:]
		c.dead--
		e.retireLocked(x)
	}
	if c.dead*2 > len(c.tasks) {
		c.tasks = slices.DeleteFunc(c.tasks, func(t *task) bool {
			if t.forgotten {
				e.retireLocked(t)
				return true
			}
			return false
		})
		c.dead = 0
	}
}

// appendTaskLocked adds t, just created, to c.tasks (appendWindow: a
// list that stays as long, a crash loop's, allocates nothing).
func (c *cluster) appendTaskLocked(t *task) {
	c.tasks, c.tasksArr = appendWindow(c.tasks, c.tasksArr, t, 16)
}

// appendWindow appends x to s, a window into arr (the whole array s lies
// in) that loses room at its front as its oldest entries leave, and
// returns s and arr. Out of room, s moves down to the start of arr if
// that is at most half full, else to a new array twice its length (at
// least minCap), so growing costs a copy per entry at most. c.tasks and
// a task list's blocks (taskList.appendBlock) grow so.
func appendWindow[T any](s, arr []T, x T, minCap int) ([]T, []T) {
	if n := len(s); n == cap(s) {
		if cap(arr) > 0 && 2*n <= cap(arr) {
			k := copy(arr, s)
			clear(arr[k:])
			s = arr[:k]
		} else {
			ns := make([]T, n, max(2*n, minCap))
			copy(ns, s)
			s, arr = ns, ns[:cap(ns)]
		}
	}
	return append(s, x), arr
}

// retireLocked queues t, forgotten and out of every list of its cluster,
// for reuse.
func (e *ECS) retireLocked(t *task) {
	f := &e.taskFree
	f.retired = append(f.retired, t)
	if len(f.retired) >= retireBatch {
		e.recycleRetiredLocked()
	}
}

// recycleRetiredLocked reuses the storage of the retired tasks that no
// service lists and nothing else can reach.
func (e *ECS) recycleRetiredLocked() {
	f := &e.taskFree
	f.epoch++
	for _, t := range f.retired {
		s := t.svc
		if s == nil || s.listedEpoch == f.epoch {
			continue
		}
		s.listedEpoch = f.epoch
		for _, x := range s.tasks {
			x.listed = f.epoch
		}
		for _, x := range s.snapChanged { // the planner's pending rows (scheduler_snapshot.go)
			x.listed = f.epoch
		}
	}
	for i, t := range f.retired {
		if t.listed != f.epoch && e.reusable(t) {
			f.put(t.st, int(t.room)) // not st.n(): st.more is another cold line
		}
		f.retired[i] = nil
	}
	f.retired = f.retired[:0]
}

// reusable reports whether the storage of t, forgotten, off its cluster's
// task list and not listed by its service, can be reused:
// no queued lifecycle event refers to t (t.pending), and no load-balancer
// target (a forgotten task lets go of its targets once they are all
// removed: elbv2_ecs.go lbTaskForgottenLocked), instance, capacity wait,
// log stream, filing queue (task_index_defer.go) or e.tasks's queue
// (task_table.go), it was not orphaned (a closure forgets those), and its
// ID was made (task_ids.go: its cluster's idBatch holds it till then).
// Otherwise the collector frees it as before.
func (e *ECS) reusable(t *task) bool {
	st := t.st
	if st == nil || &st.t != t || t.pending != 0 || t.orphaned || !t.released ||
		t.lb != nil || t.waitReq != nil || t.nLists != 0 || t.filing != notFiling ||
		t.tabled != notTabled || t.idPending {
		return false
	}
	if len(e.logs.streamOf) > 0 {
		for _, c := range t.containers {
			if _, ok := e.logs.streamOf[c]; ok {
				return false
			}
		}
	}
	return true
}

// newTaskStorage allocates a task's storage for n containers.
func newTaskStorage(n int) *taskStorage {
	st := &taskStorage{}
	if n == 1 {
		st.t.containers = st.onePtr[:0:1]
	} else {
		st.t.containers = make([]*container, 0, n)
		st.more = make([]container, n)
	}
	return st
}

// containers returns the backing array for t.containers, empty.
func (st *taskStorage) containers(n int) []*container {
	if cs := st.t.containers; cap(cs) >= n {
		return cs[:0]
	}
	return make([]*container, 0, n)
}

// container returns the storage of container i.
func (st *taskStorage) container(i int) *container {
	if st.more == nil {
		return &st.one
	}
	return &st.more[i]
}
