package fake

import (
	"cmp"
	"slices"
	"strings"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/taskid"
)

// sortTasksByID sorts ts by task ID. The scheduler sorts the tasks of
// each placement (a crash loop's: about twenty, tens of thousands of
// times a virtual day) to merge them into its service's tasks: a few
// tasks are sorted by insertion on the IDs' first eight bytes read as
// one number (the same order as the strings'; equal prefixes compare the
// whole IDs), with no comparison function called per step; more go to
// slices.SortFunc, comparing the same prefixes first. Task IDs are
// unique, so the result is the one order.
func sortTasksByID(ts []*task) {
	if len(ts) > smallTaskSort {
		slices.SortFunc(ts, func(a, b *task) int {
			if ka, kb := taskid.Prefix(a.id), taskid.Prefix(b.id); ka != kb {
				return cmp.Compare(ka, kb)
			}
			return strings.Compare(a.id, b.id)
		})
		return
	}
	var keys [smallTaskSort]uint64
	for i, t := range ts {
		keys[i] = taskid.Prefix(t.id)
	}
	for i := 1; i < len(ts); i++ {
		k, t := keys[i], ts[i]
		j := i
		for j > 0 && (keys[j-1] > k || (keys[j-1] == k && ts[j-1].id > t.id)) {
			keys[j], ts[j] = keys[j-1], ts[j-1]
			j--
		}
		keys[j], ts[j] = k, t
	}
}

// smallTaskSort is the most tasks sortTasksByID sorts by insertion.
const smallTaskSort = 48
