package fake

import (
	"encoding/base64"
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
// not every task the cluster remembers. A task is filed (and refiled
// once asked to stop) when a reader first needs the lists
// (task_index_defer.go).

// taskIndexKind is what a task list is indexed by.
type taskIndexKind uint8

const (
	byAll taskIndexKind = iota
	byFamily
	byGroup // "service:<name>" or the RunTask group
	byStartedBy
	byInstance // container instance ID
)

// taskIndexKey names one task list of a cluster. The desired status is a
// code (desiredCode), so that a lookup hashes one string, not two.
type taskIndexKey struct {
	desired uint8
	kind    taskIndexKind
	value   string
}

// desiredCode is a desired status's code in taskIndexKey: tasks are only
// ever RUNNING or STOPPED; a filter on any other status (PENDING) finds no
// list.
func desiredCode(desired string) uint8 {
	switch desired {
	case statusRunning:
		return 1
	case statusStopped:
		return 2
	}
	return 3
}

// taskIndexKeys returns the lists t belongs to while its desired status is
// desired (in buf's storage: no allocation).
func taskIndexKeys(buf *[5]taskIndexKey, t *task, desiredStatus string) []taskIndexKey {
	desired := desiredCode(desiredStatus)
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

// fileNowLocked files t under its current desired status and remembers
// the lists on t (t.lists), so that removing it needs no index lookups.
func (e *ECS) fileNowLocked(t *task) {
	c := t.c
	var buf [5]taskIndexKey
	keys := taskIndexKeys(&buf, t, t.desiredStatus)
	for i, k := range keys {
		var l *taskList
		if k.kind == byInstance {
			l = c.instanceListLocked(t.inst, k.desired)
		} else {
			l = c.taskListLocked(k)
		}
		l.insert(t)
		t.lists[i] = l
	}
	t.nLists = uint8(len(keys))
}

// fileOnInstanceLocked adds t, filed while it waited for capacity (no
// instance yet), to the list of the instance it was just placed on.
func (e *ECS) fileOnInstanceLocked(t *task) {
	if t.inst == nil || t.nLists == 0 || t.forgotten || t.orphaned {
		return
	}
	l := t.c.instanceListLocked(t.inst, t.lists[0].key.desired)
	l.insert(t)
	t.lists[t.nLists] = l
	t.nLists++
}

// taskListLocked returns c's list for k, creating it when there is none.
func (c *cluster) taskListLocked(k taskIndexKey) *taskList {
	if l := c.lastList[k.kind]; l != nil && l.key == k {
		return l
	}
	if c.taskIndex == nil {
		c.taskIndex = map[taskIndexKey]*taskList{}
	}
	l := c.taskIndex[k]
	if l == nil {
		l = c.newTaskListLocked(k)
		c.taskIndex[k] = l
	}
	c.lastList[k.kind] = l
	return l
}

// instanceListLocked is taskListLocked for the list of in's tasks under
// the desired status code desired: the instance remembers its lists, so
// that filing a task (placed on one instance after another) needs no
// index look-up.
func (c *cluster) instanceListLocked(in *instance, desired uint8) *taskList {
	k := taskIndexKey{desired, byInstance, in.id}
	if l := in.lists[desired&3]; l != nil && l.key == k { // a dropped list's key is cleared
		return l
	}
	l := c.taskListLocked(k)
	in.lists[desired&3] = l
	return l
}

// maxSpareLists bounds the emptied lists a cluster keeps for reuse.
const maxSpareLists = 256

// newTaskListLocked returns an empty list for k, reusing an emptied one
// (a crash loop empties and refills an instance's list again and again).
func (c *cluster) newTaskListLocked(k taskIndexKey) *taskList {
	n := len(c.spareLists)
	if n == 0 {
		return &taskList{key: k, pool: &c.blockPool}
	}
	l := c.spareLists[n-1]
	c.spareLists[n-1] = nil
	c.spareLists = c.spareLists[:n-1]
	l.key = k
	return l
}

// dropTaskListLocked removes l (now empty) from c's index and keeps it
// for reuse.
func (c *cluster) dropTaskListLocked(l *taskList) {
	delete(c.taskIndex, l.key)
	if c.lastList[l.key.kind] == l {
		c.lastList[l.key.kind] = nil
	}
	l.key = taskIndexKey{} // what remembers l (instance.lists) sees it is gone
	if len(c.spareLists) < maxSpareLists && l.n == 0 {
		c.spareLists = append(c.spareLists, l)
	}
}

// removeFromListLocked takes t out of l, dropping l when it empties.
func (c *cluster) removeFromListLocked(l *taskList, t *task) {
	l.remove(t)
	if l.len() == 0 {
		c.dropTaskListLocked(l)
	}
}

// unindexTaskLocked removes t from the lists it was filed in, or from
// the filing queue (task_index_defer.go).
func (e *ECS) unindexTaskLocked(t *task) {
	c := t.c
	if t.filing == toFile {
		c.fileOffLocked(t)
	}
	c.leaveListsLocked(t)
}

// leaveListsLocked takes t out of every list it was filed in.
func (c *cluster) leaveListsLocked(t *task) {
	for i, l := range t.lists[:t.nLists] {
		c.removeFromListLocked(l, t)
		t.lists[i] = nil
	}
	t.nLists = 0
}

// reindexTaskLocked refiles t after its desired status changed: t leaves
// its lists and waits to be filed under the new status until a reader
// needs the lists (task_index_defer.go). A task in no list is left alone:
// one waiting to be filed will be filed under its desired status then,
// and a forgotten or orphaned one was unindexed for good.
func (e *ECS) reindexTaskLocked(t *task) {
	if t.nLists == 0 || t.lists[0].key.desired == desiredCode(t.desiredStatus) {
		return
	}
	t.c.leaveListsLocked(t)
	t.c.deferFilingLocked(t)
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
	case t.forgotten, t.desiredStatus != f.desired, f.lagging && hidden(t.visibleAt(), f.now),
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
	desired := desiredCode(f.desired)
	e.fileDeferredLocked(c) // task_index_defer.go
	keys := []taskIndexKey{{desired, byAll, ""}}
	for _, k := range []struct {
		kind taskIndexKind
		v    *string
	}{{byFamily, f.family}, {byGroup, f.group}, {byStartedBy, f.startedBy}, {byInstance, f.instance}} {
		if k.v != nil {
			keys = append(keys, taskIndexKey{desired, k.kind, *k.v})
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
