package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"pgregory.net/rapid"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
	"github.com/ecsdeploy/ecsdeploy/internal/debugcheck"
)

// rowTaskFields draws each field of a task that its planner row reads,
// from small sets: the first value of each is the one drawRowTask starts
// from.
var rowTaskFields = []func(t *rapid.T, tk *task, insts []*instance){
	func(t *rapid.T, tk *task, _ []*instance) {
		tk.idText = rapid.SampledFrom([]string{"0a", "0b"}).Draw(t, "id")
	},
	func(t *rapid.T, tk *task, _ []*instance) {
		tk.startedBy = rapid.SampledFrom([]string{"ecs-svc/1", "ecs-svc/2"}).Draw(t, "startedBy")
	},
	func(t *rapid.T, tk *task, _ []*instance) {
		tk.lastStatus = rapid.SampledFrom([]string{statusPending, statusProvisioning, statusActivating, statusRunning,
			statusDeactivating, statusStopping, statusDeprovisioning, statusStopped}).Draw(t, "lastStatus")
	},
	func(t *rapid.T, tk *task, _ []*instance) {
		tk.desiredStatus = rapid.SampledFrom([]string{statusRunning, statusStopped}).Draw(t, "desiredStatus")
	},
	func(t *rapid.T, tk *task, _ []*instance) {
		tk.health = rapid.SampledFrom([]types.HealthStatus{types.HealthStatusUnknown, types.HealthStatusHealthy}).Draw(t, "health")
	},
	func(t *rapid.T, tk *task, _ []*instance) {
		tk.startedAt = rapid.SampledFrom([]time.Time{{}, time.Unix(100, 0)}).Draw(t, "startedAt")
	},
	func(t *rapid.T, tk *task, _ []*instance) {
		tk.stoppedAt = rapid.SampledFrom([]time.Time{{}, time.Unix(200, 0)}).Draw(t, "stoppedAt")
	},
	func(t *rapid.T, tk *task, _ []*instance) {
		tk.stopCode = rapid.SampledFrom([]types.TaskStopCode{"", types.TaskStopCodeEssentialContainerExited}).Draw(t, "stopCode")
	},
	func(t *rapid.T, tk *task, _ []*instance) {
		tk.stoppedReason = rapid.SampledFrom([]string{"", "Essential container in task exited"}).Draw(t, "stoppedReason")
	},
	func(t *rapid.T, tk *task, _ []*instance) {
		tk.az = rapid.SampledFrom([]string{"us-east-1a", "us-east-1b"}).Draw(t, "az")
	},
	func(t *rapid.T, tk *task, _ []*instance) { tk.failureCounted = rapid.Bool().Draw(t, "failureCounted") },
	func(t *rapid.T, tk *task, _ []*instance) { tk.healthyCounted = rapid.Bool().Draw(t, "healthyCounted") },
	func(t *rapid.T, tk *task, insts []*instance) { // none, ACTIVE or DRAINING
		if i := rapid.IntRange(-1, len(insts)-1).Draw(t, "inst"); i >= 0 {
			tk.inst = insts[i]
		} else {
			tk.inst = nil
		}
	},
}

// drawRowTask draws a task whose row fields are all drawn.
func drawRowTask(t *rapid.T, insts []*instance) *task {
	tk := &task{}
	for _, draw := range rowTaskFields {
		draw(t, tk, insts)
	}
	return tk
}

// drawChange returns a copy of tk with a few of its row fields drawn
// again (often none, often only lastStatus).
func drawChange(t *rapid.T, tk *task, insts []*instance) *task {
	next := *tk
	for range rapid.IntRange(0, 3).Draw(t, "changes") {
		rowTaskFields[rapid.IntRange(0, len(rowTaskFields)-1).Draw(t, "field")](t, &next, insts)
	}
	return &next
}

// snapshotRowLocked's answer (whether the planner sees a change) is
// plan.Alike's, for any change of a task between two snapshots: the rule
// the skipped passes rest on (scheduler_skip.go).
func TestSnapshotRowSeesWhatPlanTells(t *testing.T) {
	e := New()
	insts := []*instance{{id: "i-1", status: "ACTIVE"}, {id: "i-2", status: "DRAINING"}}
	rapid.Check(t, func(t *rapid.T) {
		tk := drawRowTask(t, insts)
		var row plan.Task
		e.snapshotRowLocked(&row, tk)
		before := row
		seen := e.snapshotRowLocked(&row, drawChange(t, tk, insts))
		if alike := plan.Alike(&before, &row); seen == alike {
			t.Fatalf("from %+v to %+v: seen %v, plan.Alike %v", before, row, seen, alike)
		}
	})
}

// In a crash loop, the passes at which tasks only went from PENDING to
// ACTIVATING, or from DEACTIVATING to STOPPING, are skipped: two of the
// five passes of each task life. Every skipped pass is checked to plan
// nothing (debugcheck.VerifySnapshots: verifySkippedLocked panics
// otherwise), and the passes left still replace every task.
func TestCrashLoopSkipsAlikePasses(t *testing.T) {
	verifySnapshotsIn(t)
	e := clusterT(t, 4)
	td := registerT(t, e, benchTD("app:crash"))
	if err := e.InjectFault(Fault{Family: "bench", Action: FaultExit, ExitCode: 1, After: 30 * time.Second}); err != nil {
		t.Fatal(err)
	}
	createSvc(t, e, "web", td, 10, svcOpts{min: 100, max: 200})
	e.Advance(10 * time.Minute)
	e.mu.Lock()
	s := e.services[serviceKey{e.clusters["default"], "web"}]
	plans0, skipped0, created0, snaps0 := s.plans, s.skipped, e.created, s.snaps
	alike0 := debugcheck.AlikeRowsVerified.Load()
	e.mu.Unlock()
	e.Advance(time.Hour)
	e.mu.Lock()
	defer e.mu.Unlock()
	plans, skipped, lives := s.plans-plans0, s.skipped-skipped0, e.created-created0
	if lives < 10*80 {
		t.Fatalf("%d tasks started in an hour of 40-second lives, want every task replaced each time", lives)
	}
	// Five passes per life of the ten tasks (they move together): three
	// plan, two are skipped.
	if skipped*3 < plans*2-3 || skipped*3 > plans*2+3 {
		t.Fatalf("%d passes planned, %d skipped: want 3 planned for 2 skipped", plans, skipped)
	}
	// The skipped passes take no snapshot: only alike lifecycle steps
	// happened since the last one (restsAlike), each checked row by row.
	if snaps := int(s.snaps - snaps0); snaps != plans {
		t.Fatalf("%d snapshots for %d passes planned and %d skipped: want one per pass planned", snaps, plans, skipped)
	}
	if n := int(debugcheck.AlikeRowsVerified.Load() - alike0); n < skipped {
		t.Fatalf("%d passes skipped, %d checked row by row", skipped, n)
	}
}

// A mark finds its task at the row it names (plan.TaskMark.Row), or by its
// id when the row holds another task: either way the task and its row are
// marked.
func TestApplyMarksByRowOrID(t *testing.T) {
	e := clusterT(t, 4)
	td := registerT(t, e, benchTD("app:1"))
	createSvc(t, e, "web", td, 6, svcOpts{min: 100, max: 200})
	e.Advance(2 * time.Minute)
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.services[serviceKey{e.clusters["default"], "web"}]
	e.snapshotTasksLocked(s)
	if !s.snapInStep() || len(s.tasks) < 4 {
		t.Fatalf("%d tasks, rows in step %v", len(s.tasks), s.snapInStep())
	}
	p := plan.Plan{Marks: []plan.TaskMark{
		{TaskID: s.tasks[1].id(), Row: 1, HealthyCounted: true},
		{TaskID: s.tasks[3].id(), Row: 0, FailureCounted: true}, // names another task's row
	}}
	e.applyMarksLocked(s, p)
	if !s.tasks[1].healthyCounted || !s.snap[1].HealthyCounted || s.tasks[1].failureCounted {
		t.Errorf("task 1: healthy %v (row %v), failure %v", s.tasks[1].healthyCounted, s.snap[1].HealthyCounted, s.tasks[1].failureCounted)
	}
	if !s.tasks[3].failureCounted || !s.snap[3].FailureCounted {
		t.Errorf("task 3: failure %v (row %v)", s.tasks[3].failureCounted, s.snap[3].FailureCounted)
	}
	if s.tasks[0].failureCounted || s.snap[0].FailureCounted {
		t.Error("task 0 marked for task 3")
	}
}
