package fake

import (
	"encoding/base64"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Task indexes: each cluster keeps, per desired status, the tasks of each
// family, service, startedBy value and container instance, and all of
// them, as lists ordered by creation (task seq). ListTasks walks the
// shortest list its filters allow from the position its nextToken names,
// so a page costs the tasks on it (plus the ones its other filters skip),
// not every task the cluster remembers.

// taskIndexKind is what a task list is indexed by.
type taskIndexKind uint8

const (
	byAll taskIndexKind = iota
	byFamily
	byGroup // "service:<name>" or the RunTask group
	byStartedBy
	byInstance // container instance ID
)

// taskIndexKey names one task list of a cluster.
type taskIndexKey struct {
	desired string
	kind    taskIndexKind
	value   string
}

// taskList is a set of tasks ordered by seq, kept as a sequence of sorted
// blocks of at most taskBlockMax tasks: an insert or a remove anywhere
// moves at most one block's tasks (plus, once per block split or merge,
// the block headers), so its cost stays flat as the list grows, where one
// sorted slice moved half the list on average (issue #17 follow-up: tasks
// stop out of creation order during a rolling deployment). Adjacent
// blocks always hold more than taskBlockMax/2 tasks between them, so the
// blocks stay dense and their number is O(n/taskBlockMax).
type taskList struct {
	blocks [][]*task // each non-empty and sorted; block i's tasks precede block i+1's
	n      int       // tasks in all blocks
}

// taskBlockMax is the most tasks a block holds.
const taskBlockMax = 128

// len returns the number of tasks in l.
func (l *taskList) len() int { return l.n }

// search returns the position (block, index in block) of the first task
// with seq > after; (len(l.blocks), 0) when there is none.
func (l *taskList) search(after uint64) (int, int) {
	b, _ := slices.BinarySearchFunc(l.blocks, after, func(blk []*task, after uint64) int {
		if blk[len(blk)-1].seq <= after {
			return -1 // every task of blk is at or before after
		}
		return 1
	})
	if b == len(l.blocks) {
		return b, 0
	}
	i, _ := slices.BinarySearchFunc(l.blocks[b], after, func(t *task, after uint64) int {
		if t.seq <= after {
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
			for _, t := range l.blocks[b][i:] {
				if !yield(t) {
					return
				}
			}
		}
	}
}

func (l *taskList) insert(t *task) {
	l.n++
	last := len(l.blocks) - 1
	if last < 0 || l.blocks[last][len(l.blocks[last])-1].seq < t.seq {
		// The common case: the newest task. A full last block is not
		// split (appends would leave half-empty blocks behind): a new
		// block starts.
		if last < 0 || len(l.blocks[last]) == taskBlockMax {
			blk := make([]*task, 1, taskBlockMax)
			blk[0] = t
			l.blocks = append(l.blocks, blk)
			return
		}
		l.blocks[last] = append(l.blocks[last], t)
		return
	}
	b, i := l.search(t.seq - 1)
	if len(l.blocks[b]) == taskBlockMax {
		l.split(b)
		if left := len(l.blocks[b]); i > left {
			b, i = b+1, i-left
		}
	}
	l.blocks[b] = slices.Insert(l.blocks[b], i, t)
}

// split moves the upper half of block b to a new block after it.
func (l *taskList) split(b int) {
	blk := l.blocks[b]
	half := len(blk) / 2
	right := make([]*task, len(blk)-half, taskBlockMax)
	copy(right, blk[half:])
	clear(blk[half:])
	l.blocks[b] = blk[:half]
	l.blocks = slices.Insert(l.blocks, b+1, right)
}

func (l *taskList) remove(t *task) {
	b, i := l.search(t.seq - 1)
	if b == len(l.blocks) || l.blocks[b][i] != t {
		return
	}
	l.n--
	blk := l.blocks[b]
	if i == 0 && b == 0 && len(blk) > 1 {
		// The common case: the oldest task is forgotten first.
		blk[0] = nil
		l.blocks[0] = blk[1:]
		return
	}
	blk = slices.Delete(blk, i, i+1) // clears the vacated slot
	l.blocks[b] = blk
	switch {
	case len(blk) == 0:
		l.blocks = slices.Delete(l.blocks, b, b+1)
	case b+1 < len(l.blocks) && len(blk)+len(l.blocks[b+1]) <= taskBlockMax/2:
		l.merge(b)
	case b > 0 && len(blk)+len(l.blocks[b-1]) <= taskBlockMax/2:
		l.merge(b - 1)
	}
}

// merge moves block b+1's tasks to the end of block b and drops block b+1.
func (l *taskList) merge(b int) {
	l.blocks[b] = append(l.blocks[b], l.blocks[b+1]...)
	l.blocks = slices.Delete(l.blocks, b+1, b+2)
}

// taskIndexKeys returns the lists t belongs to while its desired status is
// desired (in buf's storage: no allocation).
func taskIndexKeys(buf *[5]taskIndexKey, t *task, desired string) []taskIndexKey {
	keys := buf[:0]
	keys = append(keys, taskIndexKey{desired, byAll, ""})
	if t.td != nil {
		keys = append(keys, taskIndexKey{desired, byFamily, aws.ToString(t.td.def.Family)})
	}
	keys = append(keys, taskIndexKey{desired, byGroup, t.group})
	if t.startedBy != "" {
		keys = append(keys, taskIndexKey{desired, byStartedBy, t.startedBy})
	}
	if t.inst != nil {
		keys = append(keys, taskIndexKey{desired, byInstance, t.inst.id})
	}
	return keys
}

// indexTaskLocked files t under its current desired status (a task the
// cluster has just created, or one whose desired status changed, after
// unindexTaskLocked with the old status).
func (e *ECS) indexTaskLocked(t *task) {
	c := t.c
	if c.taskIndex == nil {
		c.taskIndex = map[taskIndexKey]*taskList{}
	}
	t.indexedAs = t.desiredStatus
	var buf [5]taskIndexKey
	for _, k := range taskIndexKeys(&buf, t, t.indexedAs) {
		l := c.taskIndex[k]
		if l == nil {
			l = &taskList{}
			c.taskIndex[k] = l
		}
		l.insert(t)
	}
}

// unindexTaskLocked removes t from the lists it was filed in.
func (e *ECS) unindexTaskLocked(t *task) {
	c := t.c
	var buf [5]taskIndexKey
	for _, k := range taskIndexKeys(&buf, t, t.indexedAs) {
		if l := c.taskIndex[k]; l != nil {
			l.remove(t)
			if l.len() == 0 {
				delete(c.taskIndex, k)
			}
		}
	}
	t.indexedAs = ""
}

// reindexTaskLocked refiles t after its desired status changed.
func (e *ECS) reindexTaskLocked(t *task) {
	if t.indexedAs == t.desiredStatus || t.forgotten || t.orphaned {
		return
	}
	e.unindexTaskLocked(t)
	e.indexTaskLocked(t)
}

// taskFilter is what ListTasks selects by.
type taskFilter struct {
	desired                            string
	family, startedBy, group, instance *string
	launchType                         string
	// lagging: reads may not see tasks yet (WithEventualConsistency);
	// tasks not visible at now are skipped.
	lagging bool
	now     time.Time
}

func (f taskFilter) match(t *task) bool {
	switch {
	case t.forgotten, t.desiredStatus != f.desired, f.lagging && hidden(t.visibleAt, f.now),
		f.family != nil && aws.ToString(t.td.def.Family) != *f.family,
		f.startedBy != nil && t.startedBy != *f.startedBy,
		f.group != nil && t.group != *f.group,
		f.instance != nil && (t.inst == nil || t.inst.id != *f.instance),
		f.launchType != "" && string(t.launchType) != f.launchType:
		return false
	}
	return true
}

// listTasksLocked returns at most n tasks of c matching f with seq > after,
// in creation order, and whether more follow.
func (e *ECS) listTasksLocked(c *cluster, f taskFilter, after uint64, n int) ([]*task, bool) {
	keys := []taskIndexKey{{f.desired, byAll, ""}}
	for _, k := range []struct {
		kind taskIndexKind
		v    *string
	}{{byFamily, f.family}, {byGroup, f.group}, {byStartedBy, f.startedBy}, {byInstance, f.instance}} {
		if k.v != nil {
			keys = append(keys, taskIndexKey{f.desired, k.kind, *k.v})
		}
	}
	var best *taskList
	for _, k := range keys {
		l := c.taskIndex[k]
		if l == nil {
			return nil, false // nothing matches this filter
		}
		if best == nil || l.len() < best.len() {
			best = l
		}
	}
	// When the list alone answers the filter (at most one key besides the
	// desired status, no launch type), its tasks need no further look: a
	// page then touches only the tasks it lists.
	exact := len(keys) <= 2 && f.launchType == "" && !f.lagging
	var out []*task
	for t := range best.all(after) {
		if !exact && !f.match(t) {
			continue
		}
		if len(out) == n {
			return out, true
		}
		out = append(out, t)
	}
	return out, false
}

// taskToken encodes a ListTasks position (the seq of the last task listed)
// as an opaque nextToken; parseTaskToken reads it back.
func taskToken(seq uint64) *string {
	s := base64.RawURLEncoding.EncodeToString([]byte("task:" + strconv.FormatUint(seq, 10)))
	return &s
}

func parseTaskToken(tok *string) (uint64, error) {
	if tok == nil || *tok == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*tok)
	if err == nil {
		if v, ok := strings.CutPrefix(string(raw), "task:"); ok {
			if seq, err := strconv.ParseUint(v, 10, 64); err == nil {
				return seq, nil
			}
		}
	}
	return 0, errInvalidParam("Invalid token %s", *tok)
}
