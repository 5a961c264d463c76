package fake

import (
	"iter"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/taskid"
)

// taskTable holds the remembered tasks by ID (e.tasks). A crash loop adds
// and drops a task every few virtual seconds, hundreds of thousands per
// day caught up (issue #17 item 3), so it is a flat open-addressing table
// rather than a map: task IDs are random hex drawn from the seeded source,
// so a few of their bytes are already a good hash (idHash), a slot keeps
// the hash next to the task so that a probe reads no task and no string,
// and a drop moves the entries after it back (linear probing), leaving no
// tombstones however many tasks come and go. Any string can be looked up;
// only the fake's own IDs are ever stored.
//
// Filing a task in the table waits for a look-up, as filing in the index
// lists waits for a lister (task_index_defer.go): nothing looks up a
// crash loop's tasks by ID, and filing each in a table of 27,000 tasks
// and taking it out an hour later were two cache misses, a tenth of
// BenchmarkCatchUp. A new task waits in queue, in creation order (the
// order the table's puts had), until get files every task queued
// (fileQueued); all and len count the queued tasks without filing them.
// The queue stays bounded as the filing queue does: each task at most
// once, dropped ones left from the front at once or all together once
// they are half of it, so it holds at most twice the remembered tasks;
// a task is reused only once the queue lets go of it (tabled).
type taskTable struct {
	slots []taskSlot // a power of two long, at most half full
	n     int        // tasks in slots
	// queue holds the tasks waiting to be filed, a window into queueArr
	// (appendWindow); queued counts those tableQueued, dropped the others.
	queue, queueArr []*task
	queued, dropped int
}

// tableState is where a task stands in e.tasks.
type tableState uint8

const (
	// notTabled: neither the queue nor the slots hold the task.
	notTabled tableState = iota
	// tableQueued: the queue holds the task, to be filed.
	tableQueued
	// tableDropped: the queue still holds the task, removed meanwhile:
	// it is not to be filed.
	tableDropped
	// tableFiled: the task was put in the slots (it is held there unless
	// a task with the same ID replaced it).
	tableFiled
)

// taskSlot is one entry: t is nil in an empty slot.
type taskSlot struct {
	h uint64
	t *task
}

// minTaskTable is the smallest table.
const minTaskTable = 64

// idHash hashes a task ID: its first and last eight bytes mixed (IDs are
// 32 random hex digits), or every byte of a shorter string.
func idHash(id string) uint64 {
	var h uint64
	if n := len(id); n >= 16 {
		h = taskid.Prefix(id) ^ taskid.Prefix(id[n-8:])*0x9e3779b97f4a7c15
	} else {
		for i := range n {
			h = h*31 + uint64(id[i])
		}
	}
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 32
	return h
}

// len returns the number of tasks held.
func (tt *taskTable) len() int { return tt.n + tt.queued }

// add holds t, just created (its ID unique), under its ID: queued until a
// look-up files it.
func (tt *taskTable) add(t *task) {
	tt.queue, tt.queueArr = appendWindow(tt.queue, tt.queueArr, t, 64)
	t.tabled = tableQueued
	tt.queued++
}

// fileQueued puts every queued task in the slots, in the order queued,
// and empties the queue.
func (tt *taskTable) fileQueued() {
	for i, t := range tt.queue {
		if t.tabled == tableQueued {
			tt.put(t)
		} else {
			t.tabled = notTabled
		}
		tt.queue[i] = nil
	}
	tt.queue = tt.queue[:0]
	tt.queued, tt.dropped = 0, 0
}

// get returns the task with id, or nil. It files the queued tasks first.
func (tt *taskTable) get(id string) *task {
	if len(tt.queue) > 0 {
		tt.fileQueued()
	}
	if tt.n == 0 {
		return nil
	}
	h := idHash(id)
	mask := uint64(len(tt.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &tt.slots[i]
		if s.t == nil {
			return nil
		}
		if s.h == h && s.t.id() == id {
			return s.t
		}
	}
}

// put stores t in the slots under t.id, replacing a task with the same
// ID, and notes the ID's hash in t.idHash.
func (tt *taskTable) put(t *task) {
	if 2*(tt.n+1) > len(tt.slots) {
		tt.resize(max(minTaskTable, 2*len(tt.slots)))
	}
	id := t.id()
	h := idHash(id)
	t.idHash = h
	t.tabled = tableFiled
	mask := uint64(len(tt.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &tt.slots[i]
		if s.t == nil {
			*s = taskSlot{h, t}
			tt.n++
			return
		}
		if s.h == h && s.t.id() == id {
			s.t.tabled = notTabled
			s.t = t
			return
		}
	}
}

// remove drops t, added before (nothing happens when the table holds
// another task, or none, under t's ID).
func (tt *taskTable) remove(t *task) {
	switch t.tabled {
	case tableQueued:
		tt.dropQueued(t)
	case tableFiled:
		tt.removeFiled(t)
		t.tabled = notTabled
	}
}

// dropQueued marks t, which the queue holds, not to be filed, and lets
// the queue drop its oldest entries not to be filed, or all of them once
// they are half of it: a dropped task is notTabled again.
func (tt *taskTable) dropQueued(t *task) {
	t.tabled = tableDropped
	tt.queued--
	tt.dropped++
	// Once no dropped entry is left, the next oldest task (cold memory,
	// created over an hour ago in a crash loop) needs no look.
	for tt.dropped > 0 && tt.queue[0].tabled == tableDropped {
		tt.queue[0].tabled = notTabled
		tt.queue[0] = nil
		tt.queue = tt.queue[1:]
		tt.dropped--
	}
	if tt.dropped*2 > len(tt.queue) {
		kept := tt.queue[:0]
		for _, x := range tt.queue {
			if x.tabled == tableDropped {
				x.tabled = notTabled
				continue
			}
			kept = append(kept, x)
		}
		clear(tt.queue[len(kept):])
		tt.queue = kept
		tt.dropped = 0
	}
}

// removeFiled drops t from the slots, where it was put (nothing happens
// when they hold another task, or none, under t's ID).
func (tt *taskTable) removeFiled(t *task) {
	if tt.n == 0 {
		return
	}
	mask := uint64(len(tt.slots) - 1)
	i := t.idHash & mask
	for tt.slots[i].t != t {
		if tt.slots[i].t == nil {
			return
		}
		i = (i + 1) & mask
	}
	// Move back the entries after i that may not sit past the hole.
	for j := (i + 1) & mask; tt.slots[j].t != nil; j = (j + 1) & mask {
		home := tt.slots[j].h & mask
		// j's entry stays if its home lies cyclically in (i, j].
		if (j-home)&mask < (j-i)&mask {
			continue
		}
		tt.slots[i] = tt.slots[j]
		i = j
	}
	tt.slots[i] = taskSlot{}
	tt.n--
}

// resize rehashes the table into n slots (a power of two).
func (tt *taskTable) resize(n int) {
	old := tt.slots
	tt.slots = make([]taskSlot, n)
	mask := uint64(n - 1)
	for _, s := range old {
		if s.t == nil {
			continue
		}
		i := s.h & mask
		for tt.slots[i].t != nil {
			i = (i + 1) & mask
		}
		tt.slots[i] = s
	}
}

// all yields every task held, queued or filed, in no particular order
// (it files none); nothing may add, remove or look up a task meanwhile.
func (tt *taskTable) all() iter.Seq[*task] {
	return func(yield func(*task) bool) {
		for _, s := range tt.slots {
			if s.t != nil && !yield(s.t) {
				return
			}
		}
		for _, t := range tt.queue {
			if t.tabled == tableQueued && !yield(t) {
				return
			}
		}
	}
}
