package chaos

import (
	"sync/atomic"

	"github.com/ecsdeploy/ecsdeploy/internal/debugcheck"
)

// The fake's self-checks (internal/debugcheck) run under chaos when a test
// turns them on: the planner's incremental snapshots are compared with a
// full rebuild inside the fake (it panics on a difference), and after
// every step the runner checks that nothing in the fake refers to task
// storage it keeps for reuse.

// freedChecks counts the free-storage checks run, storagesReused the task
// storages the checked fakes reused (for the tests' logs).
var freedChecks, storagesReused atomic.Int64

// checkFreedStorage records a freed-storage violation for every place in
// the fake that still refers to reusable task storage, when the check is
// on.
func (r *runner) checkFreedStorage() {
	if !debugcheck.FreedTaskStorage.Load() || debugcheck.FreedTasksReachable == nil {
		return
	}
	freedChecks.Add(1)
	reused, _ := debugcheck.TaskStorageReused(r.e)
	storagesReused.Add(int64(reused) - r.reusedSeen)
	r.reusedSeen = int64(reused)
	for _, where := range debugcheck.FreedTasksReachable(r.e) {
		r.violate("freed-storage", "fake", "reused task storage still referred to: %s", where)
	}
}
