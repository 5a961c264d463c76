package plan

import "sync"

// scratch holds the per-task arrays of one Compute call, reused by later
// calls: a planner pass over a 10,000-task service would otherwise leave
// ~0.5 MB of garbage, and the fake plans on every change. Nothing in a
// Plan points into it.
type scratch struct {
	st []taskState
	gr []int32 // each task's deployment (index in the snapshot), -1: orphan
	ds []*depState
	dv []depState  // the deployments' states
	dl []*depState // computation.deps
	ls []*taskState
	// old holds computation.oldAlive's list, cs selector.pick's
	// candidates, perAZ and perInstance the selector's counts.
	old         []*taskState
	cs, srt     []cand
	cnt         []int
	azs         []azGroup
	marks       []TaskMark // account's marks before they are copied into the plan
	perAZ       []azCount
	perInstance map[string]int
	stops       []Stop   // schedule's stops before they are copied into the plan
	snap        Snapshot // the call's copy of its snapshot (ComputeInto)
}

// scratchPool holds released scratch buffers (Compute may run concurrently).
var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// sized returns *buf resliced to n elements, reallocated when its capacity
// is short. The elements keep what they held: release cleared the ones a
// scratch array can hold pointers in, and callers overwrite the rest.
func sized[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	*buf = (*buf)[:n]
	return *buf
}

// states returns an array of n task states (zero: release cleared them).
func (b *scratch) states(n int) []taskState { return sized(&b.st, n) }

// groups returns an array of n deployment indexes (its contents are
// overwritten).
func (b *scratch) groups(n int) []int32 { return sized(&b.gr, n) }

// depStates returns an array of n deployment state pointers (its contents
// are overwritten).
func (b *scratch) depStates(n int) []*depState { return sized(&b.ds, n) }

// depValues returns an array of n deployment states (index overwrites
// each).
func (b *scratch) depValues(n int) []depState { return sized(&b.dv, n) }

// depList returns an array of n deployment state pointers (its contents
// are overwritten).
func (b *scratch) depList(n int) []*depState { return sized(&b.dl, n) }

// lists returns an array of n task-state pointers (zero: release cleared
// them).
func (b *scratch) lists(n int) []*taskState { return sized(&b.ls, n) }

// cands returns an array of n candidates (its contents are overwritten).
func (b *scratch) cands(n int) []cand { return sized(&b.cs, n) }

// sorted returns an array of n candidates (its contents are overwritten).
func (b *scratch) sorted(n int) []cand { return sized(&b.srt, n) }

// counts returns a zeroed array of n counters.
func (b *scratch) counts(n int) []int {
	c := sized(&b.cnt, n)
	clear(c)
	return c
}

// release clears b (it must not keep a snapshot alive) and returns it to
// the pool.
func (b *scratch) release() {
	clear(b.st)
	clear(b.ds)
	clear(b.dv)
	clear(b.dl)
	clear(b.ls)
	clear(b.old[:cap(b.old)])
	b.old = b.old[:0]
	clear(b.marks) // account, once per Compute, wrote only these: the rest is zero since the last release
	b.marks = b.marks[:0]
	clear(b.azs[:cap(b.azs)])
	b.azs = b.azs[:0]
	clear(b.perAZ[:cap(b.perAZ)])
	b.perAZ = b.perAZ[:0]
	clear(b.stops[:cap(b.stops)])
	b.stops = b.stops[:0]
	clear(b.perInstance)
	b.snap = Snapshot{}
	scratchPool.Put(b)
}
