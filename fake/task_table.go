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
type taskTable struct {
	slots []taskSlot // a power of two long, at most half full
	n     int
}

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
func (tt *taskTable) len() int { return tt.n }

// get returns the task with id, or nil.
func (tt *taskTable) get(id string) *task {
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
		if s.h == h && s.t.id == id {
			return s.t
		}
	}
}

// put stores t under t.id, replacing a task with the same ID, and notes
// the ID's hash in t.idHash.
func (tt *taskTable) put(t *task) {
	if 2*(tt.n+1) > len(tt.slots) {
		tt.resize(max(minTaskTable, 2*len(tt.slots)))
	}
	h := idHash(t.id)
	t.idHash = h
	mask := uint64(len(tt.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &tt.slots[i]
		if s.t == nil {
			*s = taskSlot{h, t}
			tt.n++
			return
		}
		if s.h == h && s.t.id == t.id {
			s.t = t
			return
		}
	}
}

// remove drops t, put before (nothing happens when the table holds
// another task, or none, under t.id).
func (tt *taskTable) remove(t *task) {
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

// all yields every task held, in no particular order.
func (tt *taskTable) all() iter.Seq[*task] {
	return func(yield func(*task) bool) {
		for _, s := range tt.slots {
			if s.t != nil && !yield(s.t) {
				return
			}
		}
	}
}
