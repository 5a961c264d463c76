package plan

// Alike reports whether Compute treats task rows a and b the same way: a
// snapshot holding one in place of the other yields the same Plan. They
// are alike when they are equal but for LastStatus, and neither status is
// one Compute tells apart from the others (DistinctStatus): PENDING,
// ACTIVATING, DEACTIVATING, STOPPING and DEPROVISIONING are all "not
// RUNNING yet, not STOPPED" to the planner, which reads the rest of the
// row (DesiredStatus first) to say whether the task is starting or being
// stopped.
//
// An applier that keeps the rows of its last plan needs no new plan for a
// change that leaves a task's row alike to the one it planned with, as
// long as nothing else changed since (the fake's scheduler,
// fake/scheduler_skip.go).
func Alike(a, b *Task) bool {
	if a.LastStatus != b.LastStatus && (DistinctStatus(a.LastStatus) || DistinctStatus(b.LastStatus)) {
		return false
	}
	// Every other field, by a comparison of whole rows: a field added to
	// Task later is compared without a change here.
	x := *b
	x.LastStatus = a.LastStatus
	return *a == x
}

// DistinctStatus reports whether Compute tells lastStatus s apart from
// every other (a row with it is alike only to a row with the same status): RUNNING (health, grace periods, the healthy rule), STOPPED
// (live, failure accounting) and PROVISIONING (progress: the first tasks
// stopped in a scale-in). Compute reads LastStatus only through these
// comparisons (health.go live and notRunning, breaker.go failedToStart and
// crashedBeforeHealthy, progress.go progress); its property test
// (alike_test.go) checks that any other status gives the same Plan.
func DistinctStatus(s string) bool {
	return s == TaskRunning || s == TaskStopped || s == TaskProvisioning
}
