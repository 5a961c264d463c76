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
	// key is the list's key in its cluster's index; twin, when not nil,
	// is the list of the same kind and value under the other desired
	// status (task_index.go reindexTaskLocked).
	key  taskIndexKey
	twin *taskList
	// spare is the empty storage of the list's last block, kept when the
	// list empties (its next first block).
	spare []taskRef
}

// taskBlock is a non-empty run of a taskList, sorted by seq.
type taskBlock struct {
	last uint64 // seq of the block's last task
	refs []taskRef
}

// taskRef is one task of a block with its seq.
type taskRef struct {
	seq uint64
	t   *task
}

// taskBlockMax is the most tasks a block holds; a list's only block, when
// no longer than taskShiftMax, moves its tasks down as its oldest leaves.
const (
	taskBlockMax = 64
	taskShiftMax = 16
)

// len returns the number of tasks in l.
func (l *taskList) len() int { return l.n }

// set stores refs (not empty) as block b.
func (l *taskList) set(b int, refs []taskRef) {
	l.blocks[b] = taskBlock{last: refs[len(refs)-1].seq, refs: refs}
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
			refs := append(l.spare, r)
			l.spare = nil
			l.blocks = append(l.blocks, taskBlock{last: t.seq, refs: refs})
			return
		case len(l.blocks[last].refs) == taskBlockMax:
			refs := make([]taskRef, 1, taskBlockMax)
			refs[0] = r
			l.blocks = append(l.blocks, taskBlock{last: t.seq, refs: refs})
			return
		}
		l.set(last, append(l.blocks[last].refs, r))
		return
	}
	b, i := l.search(t.seq - 1)
	if len(l.blocks[b].refs) == taskBlockMax {
		l.split(b)
		if left := len(l.blocks[b].refs); i > left {
			b, i = b+1, i-left
		}
	}
	l.set(b, slices.Insert(l.blocks[b].refs, i, r))
}

// split moves the upper half of block b to a new block after it.
func (l *taskList) split(b int) {
	refs := l.blocks[b].refs
	half := len(refs) / 2
	right := make([]taskRef, len(refs)-half, taskBlockMax)
	copy(right, refs[half:])
	clear(refs[half:])
	l.set(b, refs[:half])
	l.blocks = slices.Insert(l.blocks, b+1, taskBlock{})
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
		// The common case: the oldest task stops or is forgotten first.
		if len(l.blocks) == 1 && len(refs) <= taskShiftMax {
			// A short block new tasks are appended to: keep its start
			// (a resliced block runs out of room and is copied again
			// and again as tasks come and go).
			l.blocks[0].refs = slices.Delete(refs, 0, 1)
			return
		}
		refs[0] = taskRef{}
		l.blocks[0].refs = refs[1:]
		return
	}
	refs = slices.Delete(refs, i, i+1) // clears the vacated entry
	switch {
	case len(refs) == 0 && len(l.blocks) == 1:
		// The list emptied: its storage is kept for reuse (spare).
		l.spare = refs
		l.blocks[0] = taskBlock{}
		l.blocks = l.blocks[:0]
		return
	case len(refs) == 0 && b == 0:
		// The oldest block emptied (tasks are forgotten oldest first):
		// reslice rather than move every other block's header.
		l.blocks[0] = taskBlock{}
		l.blocks = l.blocks[1:]
		return
	case len(refs) == 0:
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
	l.set(b, append(l.blocks[b].refs, l.blocks[b+1].refs...))
	l.blocks = slices.Delete(l.blocks, b+1, b+2)
}
