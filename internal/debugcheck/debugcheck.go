// Package debugcheck holds the fake's self-checks that tests outside
// package fake (the chaos runner's) can turn on. They cost nothing but a
// flag load when off; nothing in production sets them.
package debugcheck

import "sync/atomic"

// VerifySnapshots makes every incremental planner snapshot of package fake
// compare its rows with a full rebuild and panic on a difference
// (fake/scheduler_snapshot.go), and every planner pass it skips be computed
// and panic unless it plans nothing (fake/scheduler_skip.go).
var VerifySnapshots atomic.Bool

// FreedTaskStorage, when on, asks the chaos runner to check after every
// step that nothing in the fake refers to task storage on its free list
// (FreedTasksReachable).
var FreedTaskStorage atomic.Bool

// FreedTasksReachable is set by package fake: given a *fake.ECS it
// describes every place that still refers to a task whose storage is on the
// free list, or to a container in it, and every broken free-list invariant;
// nil when there is none (fake/task_alloc_check.go).
var FreedTasksReachable func(ecs any) []string

// SnapshotsVerified counts the incremental snapshots compared with a full
// rebuild (under VerifySnapshots, which the fake's own tests turn on).
var SnapshotsVerified atomic.Int64

// SkippedPassesVerified counts the planner passes the fake skipped (no
// change the planner sees) that were computed all the same and found to
// plan nothing (under VerifySnapshots).
var SkippedPassesVerified atomic.Int64

// AlikeRowsVerified counts the planner passes the fake skipped without a
// snapshot (only lifecycle steps alike to the planner since the last one)
// whose rows were compared with fresh ones and found alike (under
// VerifySnapshots).
var AlikeRowsVerified atomic.Int64

// TaskStorageReused is set by package fake: given a *fake.ECS it returns
// how many task storages it has reused, and how many it holds for reuse.
var TaskStorageReused func(ecs any) (reused uint64, free int)
