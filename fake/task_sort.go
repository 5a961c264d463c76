package fake

import (
	"slices"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/taskid"
)

// sortTasksByID sorts ts by task ID. The scheduler sorts the tasks of
// each placement (a crash loop's: a whole cohort, a hundred tasks
// thousands of times a virtual day in BenchmarkCatchUp) to merge them
// into its service's tasks: a few
// tasks are sorted by insertion on the IDs' first eight bytes read as
// one number (the same order as the strings'; equal prefixes compare the
// whole IDs), with no comparison function called per step; more go to
// sortKeyedTasks. Task IDs are unique, so the result is the one order.
func sortTasksByID(ts []*task) {
	if len(ts) > smallTaskSort {
		sortKeyedTasks(ts)
		return
	}
	var keys [smallTaskSort]uint64
	for i, t := range ts {
		keys[i] = taskid.Prefix(t.id())
	}
	for i := 1; i < len(ts); i++ {
		k, t := keys[i], ts[i]
		j := i
		for j > 0 && taskid.Compare(keys[j-1], ts[j-1].id(), k, t.id()) > 0 {
			keys[j], ts[j] = keys[j-1], ts[j-1]
			j--
		}
		keys[j], ts[j] = k, t
	}
}

// smallTaskSort is the most tasks sortTasksByID sorts by insertion.
const smallTaskSort = 48

// keyedTask is a task with its ID's prefix (taskid.Prefix).
type keyedTask struct {
	key uint64
	t   *task
}

// sortKeyedTasks sorts ts by ID through the tasks' (prefix, task) pairs,
// so that comparisons read the pairs, not the task structs and their ID
// strings, and compare whole IDs only on equal prefixes. Up to
// maxStackKeyed tasks (a crash loop's cohort) are distributed by their
// IDs' first byte (random hex: sixteen buckets) and then sorted by
// insertion, which moves pairs only within a bucket; more are sorted by
// slices.SortFunc.
func sortKeyedTasks(ts []*task) {
	if len(ts) > maxStackKeyed {
		ks := make([]keyedTask, len(ts))
		for i, t := range ts {
			ks[i] = keyedTask{taskid.Prefix(t.id()), t}
		}
		slices.SortFunc(ks, func(a, b keyedTask) int { return taskid.Compare(a.key, a.t.id(), b.key, b.t.id()) })
		for i := range ks {
			ts[i] = ks[i].t
		}
		return
	}
	var keys [maxStackKeyed]keyedTask
	var out [maxStackKeyed]keyedTask
	var at [257]int32 // bucket b's pairs go to out[at[b]:at[b+1]]
	for i, t := range ts {
		k := taskid.Prefix(t.id())
		keys[i] = keyedTask{k, t}
		at[k>>56+1]++
	}
	for b := 1; b < len(at); b++ {
		at[b] += at[b-1]
	}
	for _, kt := range keys[:len(ts)] {
		b := kt.key >> 56
		out[at[b]] = kt
		at[b]++
	}
	sorted := out[:len(ts)]
	for i := 1; i < len(sorted); i++ {
		kt := sorted[i]
		j := i
		for j > 0 && taskid.Compare(sorted[j-1].key, sorted[j-1].t.id(), kt.key, kt.t.id()) > 0 {
			sorted[j] = sorted[j-1]
			j--
		}
		sorted[j] = kt
	}
	for i := range sorted {
		ts[i] = sorted[i].t
	}
}

// maxStackKeyed is the most tasks sortKeyedTasks sorts by buckets, with
// its pairs on the stack.
const maxStackKeyed = 256
