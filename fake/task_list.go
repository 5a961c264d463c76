package fake

import (
	"iter"
	"slices"
)

// taskList is a set of tasks ordered by seq (one list of the task
// indexes, task_index.go), kept as a sequence of sorted blocks of at most
// taskBlockMax tasks. An insert or a remove anywhere moves at most one
// block's entries, plus the block headers once per block split or merge,
// so its cost stays flat as the list grows; one sorted slice moved half
// the list on average (issue #17 follow-up: a rolling deployment stops
// tasks out of creation order). Entries carry the task's seq and each
// block its last seq, so a search reads the headers and one block, not
// the tasks. Two adjacent blocks always hold more than taskBlockMax/2
// tasks between them (the first pair aside: the oldest tasks are removed
// from the front without merging), so the blocks stay dense and there are
// O(n/taskBlockMax) of them.
type taskList struct {
	blocks []taskBlock // block i's tasks precede block i+1's
	n      int         // tasks in all blocks
	// key is the list's key in its cluster's index.
	key taskIndexKey
	// arr is the whole array blocks lies in (appendBlock).
	arr []taskBlock
	// pool, when not nil, keeps the storage of blocks that emptied for
	// the next blocks the lists of a cluster start: lists whose tasks
	// come and go (a crash loop's) allocate no new blocks.
	pool *taskBlockPool
}

// taskBlockPool is storage of emptied blocks, cleared, for reuse.
type taskBlockPool struct {
	free [][]taskRef
}

// maxPooledBlocks bounds a pool (256 KiB of 64-task blocks): a crash loop
// forgets and stops tasks in bursts, a cohort at an instant, and a
// smaller pool overflowed and ran dry by turns, allocating a block for
// every one it had dropped.
const maxPooledBlocks = 256

// taskBlock is a non-empty run of a taskList, sorted by seq.
type taskBlock struct {
	last uint64 // seq of the block's last task
	refs []taskRef
	// base is refs' whole backing array (refs starts past its start once
	// the block's oldest tasks left): room to move refs down into, and
	// the storage kept when the block empties.
	base []taskRef
}

// taskRef is one task of a block with its seq.
type taskRef struct {
	seq uint64
	t   *task
}

// taskBlockMax is the most tasks a block holds.
const taskBlockMax = 64

// len returns the number of tasks in l.
func (l *taskList) len() int { return l.n }

// set stores refs (not empty) as block b.
func (l *taskList) set(b int, refs []taskRef) {
	base := l.blocks[b].base
	if !sameArray(base, refs) { // refs was (re)allocated: it starts its array
		base = refs[:0]
	}
	l.blocks[b] = taskBlock{last: refs[len(refs)-1].seq, refs: refs, base: base}
}

// sameArray reports whether a and b end at the same place in one backing
// array (a subslice from the front shares its array's end).
func sameArray(a, b []taskRef) bool {
	return cap(a) > 0 && cap(b) > 0 && &a[:cap(a)][cap(a)-1] == &b[:cap(b)][cap(b)-1]
}

// newBlock returns storage for a new block holding r: a pooled one, or a
// new one with room for n.
func (l *taskList) newBlock(r taskRef, n int) []taskRef {
	if p := l.pool; p != nil && len(p.free) > 0 {
		refs := p.free[len(p.free)-1]
		p.free[len(p.free)-1] = nil
		p.free = p.free[:len(p.free)-1]
		return append(refs, r)
	}
	refs := make([]taskRef, 1, n)
	refs[0] = r
	return refs
}

// dropped pools the storage of block blk, which emptied.
func (l *taskList) dropped(blk taskBlock) {
	if p, s := l.pool, blk.base; p != nil && cap(s) > 0 && len(p.free) < maxPooledBlocks {
		clear(s[:cap(s)])
		p.free = append(p.free, s[:0])
	}
}

// roomFor moves block b's tasks to the start of its array when n more
// do not fit after them but fit there (its oldest tasks left).
func (l *taskList) roomFor(b, n int) {
	blk := &l.blocks[b]
	if refs, base := blk.refs, blk.base; len(refs)+n > cap(refs) && len(refs)+n <= cap(base) {
		k := copy(base[:len(refs)], refs)
		clear(base[k:cap(base)])
		blk.refs = base[:k]
	}
}

// search returns the position (block, index in block) of the first task
// with seq > after; (len(l.blocks), 0) when there is none.
func (l *taskList) search(after uint64) (int, int) {
	var b int
	switch n := len(l.blocks); {
	case n == 0:
		return 0, 0
	case l.blocks[0].last > after:
		// The oldest block (the forgotten tasks are the oldest): b = 0.
	case l.blocks[n-1].refs[0].seq <= after:
		// At or after the newest block's first task (a task just
		// created or stopped): no earlier block ends after it.
		b = n - 1
		if l.blocks[b].last <= after {
			return n, 0
		}
	default:
		b, _ = slices.BinarySearchFunc(l.blocks, after, func(blk taskBlock, after uint64) int {
			if blk.last <= after {
				return -1 // every task of blk is at or before after
			}
			return 1
		})
	}
	i, _ := slices.BinarySearchFunc(l.blocks[b].refs, after, func(r taskRef, after uint64) int {
		if r.seq <= after {
			return -1
		}
		return 1
	})
	return b, i
}

// all yields the tasks of l with seq > after, in seq order. l must not
// change while it is walked.
func (l *taskList) all(after uint64) iter.Seq[*task] {
	return func(yield func(*task) bool) {
		b, i := l.search(after)
		for ; b < len(l.blocks); b, i = b+1, 0 {
			for _, r := range l.blocks[b].refs[i:] {
				if !yield(r.t) {
					return
				}
			}
		}
	}
}

// insert adds t (not in l).
func (l *taskList) insert(t *task) {
	l.n++
	r := taskRef{t.seq, t}
	last := len(l.blocks) - 1
	if last < 0 || l.blocks[last].last < t.seq {
		// The common case: the newest task. A full last block is not
		// split (appends would leave half-empty blocks behind): a new
		// block starts.
		switch {
		case last < 0: // a new list: most stay small (one instance's tasks), so its block grows as needed
			refs := l.newBlock(r, 1)
			l.appendBlock(taskBlock{last: t.seq, refs: refs, base: refs[:0]})
			return
		case len(l.blocks[last].refs) == taskBlockMax:
			refs := l.newBlock(r, taskBlockMax)
			l.appendBlock(taskBlock{last: t.seq, refs: refs, base: refs[:0]})
			return
		}
		if blk := &l.blocks[last]; len(blk.refs) < cap(blk.refs) {
			blk.refs = append(blk.refs, r) // in place: same array
			blk.last = t.seq
			return
		}
		l.roomFor(last, 1)
		l.set(last, append(l.blocks[last].refs, r))
		return
	}
	b, i := l.search(t.seq - 1)
	if refs := l.blocks[b].refs; len(refs) == taskBlockMax && b == last && i > taskBlockMax/2 {
		// Near the end of the full newest block (tasks stop almost in
		// creation order): t and the tasks after it start a new block,
		// and the full one stays dense (an even split would leave two
		// half-empty blocks behind, again and again).
		right := append(l.newBlock(r, taskBlockMax), refs[i:]...)
		clear(refs[i:])
		l.set(b, refs[:i])
		l.appendBlock(taskBlock{base: right[:0]})
		l.set(b+1, right)
		return
	}
	if len(l.blocks[b].refs) == taskBlockMax {
		l.split(b)
		if left := len(l.blocks[b].refs); i > left {
			b, i = b+1, i-left
		}
	}
	l.roomFor(b, 1)
	l.set(b, slices.Insert(l.blocks[b].refs, i, r))
}

// appendBlock adds blk after l's blocks. The oldest blocks leave from the
// front (remove): out of room at its end, the array takes the blocks back
// to its start when it is at most half full (appendWindow).
func (l *taskList) appendBlock(blk taskBlock) {
	l.blocks, l.arr = appendWindow(l.blocks, l.arr, blk, 1)
}

// split moves the upper half of block b to a new block after it.
func (l *taskList) split(b int) {
	refs := l.blocks[b].refs
	half := len(refs) / 2
	right := l.newBlock(refs[half], taskBlockMax)
	right = append(right, refs[half+1:]...)
	clear(refs[half:])
	l.set(b, refs[:half])
	l.blocks = slices.Insert(l.blocks, b+1, taskBlock{base: right[:0]})
	l.set(b+1, right)
}

// remove drops t from l (nothing happens if t is not in l).
func (l *taskList) remove(t *task) {
	var b, i int
	if len(l.blocks) == 0 || l.blocks[0].refs[0].t != t {
		// Not the oldest (tasks mostly stop and are forgotten oldest
		// first): search.
		b, i = l.search(t.seq - 1)
		if b == len(l.blocks) || l.blocks[b].refs[i].t != t {
			return
		}
	}
	l.n--
	refs := l.blocks[b].refs
	if i == 0 && b == 0 && len(refs) > 1 {
		// The common case: the oldest task stops or is forgotten first
		// (its block keeps its base: insert moves the rest down when
		// it needs the room).
		refs[0] = taskRef{}
		l.blocks[0].refs = refs[1:]
		return
	}
	refs = slices.Delete(refs, i, i+1) // clears the vacated entry
	switch {
	case len(refs) == 0 && len(l.blocks) == 1:
		// The list emptied.
		l.dropped(l.blocks[0])
		l.blocks[0] = taskBlock{}
		l.blocks = l.blocks[:0]
		return
	case len(refs) == 0 && b == 0:
		// The oldest block emptied (tasks are forgotten oldest first):
		// reslice rather than move every other block's header.
		l.dropped(l.blocks[0])
		l.blocks[0] = taskBlock{}
		l.blocks = l.blocks[1:]
		return
	case len(refs) == 0:
		l.dropped(l.blocks[b])
		l.blocks = slices.Delete(l.blocks, b, b+1)
		return
	case b+1 < len(l.blocks) && len(refs)+len(l.blocks[b+1].refs) <= taskBlockMax/2:
		l.set(b, refs)
		l.merge(b)
	case b > 0 && len(refs)+len(l.blocks[b-1].refs) <= taskBlockMax/2:
		l.set(b, refs)
		l.merge(b - 1)
	default:
		l.set(b, refs)
	}
}

// merge moves block b+1's tasks to the end of block b and drops block b+1.
func (l *taskList) merge(b int) {
	next := l.blocks[b+1]
	l.roomFor(b, len(next.refs))
	l.set(b, append(l.blocks[b].refs, next.refs...))
	clear(next.refs)
	l.dropped(next)
	l.blocks = slices.Delete(l.blocks, b+1, b+2)
}
