package fake

import (
	"slices"
	"strings"
)

// A crash-looping service creates a task every few virtual seconds, and
// catching up a day of them creates hundreds of thousands (issue #17 item
// 3): a task, its containers and the backing array of its history are one
// allocation, and its ID and ARNs are slices of one string.

// taskHistoryCap is the history a task has room for without growing: a
// task's life from PENDING to STOPPED, with a health change and the awsvpc
// steps, takes up to nine entries.
const taskHistoryCap = 9

// taskStorage holds a task and the storage it starts with.
type taskStorage struct {
	t          task
	h          [taskHistoryCap]historyEntry
	one        container     // the container of a one-container task
	containers []*container  // t.containers' backing array
	onePtr     [1]*container // containers' backing array for one container
	more       []container   // the containers of a task with several
	n          int           // the containers it has room for
}

// A crash loop forgets tasks as fast as it creates them: the storage of a
// forgotten task that nothing refers to any more is reused for the next
// task with as many containers, so a day of them allocates little and the
// garbage collector seldom runs.

// maxFreeContainers is the most containers a reused storage has (a task
// definition holds at most ten); maxFreeTasks bounds each free list.
const (
	maxFreeContainers = 10
	maxFreeTasks      = 1 << 16
)

// taskFreeList holds reusable task storage by number of containers.
type taskFreeList struct {
	byN    [maxFreeContainers + 1][]*taskStorage
	epoch  uint32 // compactions so far (task.listed)
	reused uint64 // storages handed out again (for tests)
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

// put keeps st for reuse; the task in it must be unreachable. The storage
// is not cleared (createTaskLocked overwrites all of it): clearing would
// touch every cache line of a task nothing reads, and what the old task
// refers to stays reachable only until reuse, for at most maxFreeTasks
// storages.
func (f *taskFreeList) put(st *taskStorage) {
	if st.n > maxFreeContainers || len(f.byN[st.n]) >= maxFreeTasks {
		return
	}
	f.byN[st.n] = append(f.byN[st.n], st)
}

// compactTasksLocked drops c's forgotten tasks from c.tasks and reuses
// the storage of those that nothing else can still reach (reusable). The
// services of the forgotten tasks mark the tasks they still list first.
func (e *ECS) compactTasksLocked(c *cluster) {
	f := &e.taskFree
	f.epoch++
	var marked map[*service]bool
	for _, t := range c.tasks {
		s := t.svc
		if !t.forgotten || s == nil || marked[s] {
			continue
		}
		if marked == nil {
			marked = map[*service]bool{}
		}
		marked[s] = true
		for _, x := range s.tasks {
			x.listed = f.epoch
		}
	}
	c.tasks = slices.DeleteFunc(c.tasks, func(t *task) bool {
		if !t.forgotten {
			return false
		}
		if t.listed != f.epoch && e.reusable(t) {
			f.put(t.st)
		}
		return true
	})
}

// reusable reports whether the storage of t, forgotten and about to leave
// its cluster's task list and not listed by its service, can be reused:
// no queued lifecycle event refers to t (t.pending), and no load-balancer
// target, instance, capacity wait or log stream, and it was not orphaned
// (a closure forgets those). Otherwise the collector frees it as before.
func (e *ECS) reusable(t *task) bool {
	st := t.st
	if st == nil || &st.t != t || t.pending != 0 || t.orphaned || !t.released ||
		t.lb != nil || t.waitReq != nil || t.nLists != 0 {
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
	st := &taskStorage{n: n}
	if n == 1 {
		st.containers = st.onePtr[:0:1]
	} else {
		st.containers = make([]*container, 0, n)
		st.more = make([]container, n)
	}
	return st
}

// container returns the storage of container i.
func (st *taskStorage) container(i int) *container {
	if st.more == nil {
		return &st.one
	}
	return &st.more[i]
}

// taskIDs are the identifiers of a new task, slices of one string.
type taskIDs struct {
	s              string
	id, arn        string
	eni, privateIP string
	contLen        int // the length of each container ARN; they follow arn in s
}

// containerARN returns container i's ARN.
func (ids *taskIDs) containerARN(i int) string {
	start := len(ids.arn) + i*ids.contLen
	return ids.s[start : start+ids.contLen]
}

// taskIDsLocked draws a new task's identifiers from the seeded source in
// the order the fake always has: the task ID, then (awsvpc) the network
// interface and private IP, then one UUID per container; the ARNs read
// arn:aws:ecs:<region>:<account>:task/<cluster>/<id> and
// ...:container/<cluster>/<id>/<uuid>.
func (e *ECS) taskIDsLocked(c *cluster, containers int, awsvpc bool, az string) taskIDs {
	prefix := len("arn:aws:ecs:") + len(c.region) + 1 + len(e.cfg.account) + 1
	contLen := prefix + len("container/") + len(c.name) + 1 + 32 + 1 + 36
	var sb strings.Builder
	sb.Grow(prefix + len("task/") + len(c.name) + 1 + 32 + containers*contLen)
	var scratch [64]byte
	sb.Write(e.appendARNPrefix(scratch[:0], c.region))
	sb.WriteString("task/")
	sb.WriteString(c.name)
	sb.WriteByte('/')
	idStart := sb.Len()
	var id [32]byte
	sb.Write(e.appendHex(id[:0], 32))
	arnEnd := sb.Len()
	ids := taskIDs{contLen: contLen}
	if awsvpc {
		ids.eni = e.uuid()
		ids.privateIP = e.allocTaskIPLocked(az)
	}
	for range containers {
		sb.Write(e.appendARNPrefix(scratch[:0], c.region))
		sb.WriteString("container/")
		sb.WriteString(c.name)
		sb.WriteByte('/')
		sb.Write(id[:])
		sb.WriteByte('/')
		sb.Write(e.appendUUID(scratch[:0]))
	}
	ids.s = sb.String()
	ids.arn = ids.s[:arnEnd]
	ids.id = ids.s[idStart:arnEnd]
	return ids
}

// appendARNPrefix appends arn:aws:ecs:<region>:<account>: (see arn).
func (e *ECS) appendARNPrefix(b []byte, region string) []byte {
	b = append(b, "arn:aws:ecs:"...)
	b = append(b, region...)
	b = append(b, ':')
	b = append(b, e.cfg.account...)
	return append(b, ':')
}
