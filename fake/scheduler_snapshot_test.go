package fake

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
	"github.com/ecsdeploy/ecsdeploy/internal/debugcheck"
)

// TestMain makes every test of the package check each incremental planner
// snapshot against a full rebuild (scheduler_snapshot.go); benchmarks
// measure the snapshot without the check.
func TestMain(m *testing.M) {
	flag.Parse()
	debugcheck.VerifySnapshots.Store(flag.Lookup("test.bench").Value.String() == "")
	os.Exit(m.Run())
}

// verifySnapshotsIn turns the snapshot check on for t (a benchmark run
// turns it off for the package).
func verifySnapshotsIn(t *testing.T) {
	if !debugcheck.VerifySnapshots.Swap(true) {
		t.Cleanup(func() { debugcheck.VerifySnapshots.Store(false) })
	}
}

// A rolling deployment, a scale-in and a DRAINING instance: most passes
// rewrite only the rows of changed tasks, every one of them equal to a
// full rebuild (debugcheck.VerifySnapshots), and the rows follow the service's
// tasks through the starts and prunes in between.
func TestIncrementalSnapshotFollowsTasks(t *testing.T) {
	verifySnapshotsIn(t) // also in a benchmark run
	e := clusterT(t, 8)
	td1 := registerT(t, e, benchTD("img:1"))
	td2 := registerT(t, e, benchTD("img:2"))
	createSvc(t, e, "web", td1, 20, svcOpts{min: 50, max: 200})
	for i := 0; !rolledOut(e, "web", td1); i++ {
		if i > 100 {
			t.Fatal("service never got steady")
		}
		e.Advance(10 * time.Second)
	}
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	for i := 0; !rolledOut(e, "web", td2); i++ {
		if i > 200 {
			t.Fatal("rollout never completed")
		}
		e.Advance(5 * time.Second)
	}
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(7)})
	e.Advance(2 * time.Minute)
	e.mu.Lock()
	s := e.services[serviceKey{e.clusters["default"], "web"}]
	partial, plans := s.snapPartial, s.plans
	var inst string
	for _, tk := range s.tasks {
		if tk.inst != nil {
			inst = tk.inst.arn
			break
		}
	}
	e.mu.Unlock()
	if partial == 0 || partial*2 < plans {
		t.Fatalf("%d of %d planner passes took the incremental snapshot, want most", partial, plans)
	}
	if _, err := e.UpdateContainerInstancesState(bg, &ecs.UpdateContainerInstancesStateInput{
		ContainerInstances: []string{inst}, Status: types.ContainerInstanceStatusDraining}); err != nil {
		t.Fatal(err)
	}
	e.Advance(5 * time.Minute)
	e.mu.Lock()
	defer e.mu.Unlock()
	running := 0
	for _, tk := range s.tasks {
		if tk.inst != nil && tk.inst.arn == inst && tk.lastStatus != statusStopped {
			t.Errorf("task %s still %s on the DRAINING instance", tk.id(), tk.lastStatus)
		}
		if tk.lastStatus == statusRunning {
			running++
		}
	}
	if running != 7 || len(s.snap) != len(s.tasks) {
		t.Fatalf("%d tasks RUNNING (want 7), %d rows for %d tasks", running, len(s.snap), len(s.tasks))
	}
	for i, tk := range s.tasks {
		if s.snap[i].ID != tk.id() {
			t.Fatalf("row %d is task %s, want %s", i, s.snap[i].ID, tk.id())
		}
	}
}

// The tasks' marks hold 32 bits of the snapshot count: across the wrap the
// rows still equal a full rebuild (debugcheck.VerifySnapshots) and the rollout
// completes.
func TestIncrementalSnapshotAcrossCounterWrap(t *testing.T) {
	verifySnapshotsIn(t)
	e := clusterT(t, 8)
	td1 := registerT(t, e, benchTD("img:1"))
	td2 := registerT(t, e, benchTD("img:2"))
	createSvc(t, e, "web", td1, 20, svcOpts{min: 50, max: 200})
	e.Advance(2 * time.Minute)
	e.mu.Lock()
	s := e.services[serviceKey{e.clusters["default"], "web"}]
	s.snaps = 1<<32 - 3
	e.mu.Unlock()
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	for i := 0; !rolledOut(e, "web", td2); i++ {
		if i > 200 {
			t.Fatal("rollout never completed")
		}
		e.Advance(5 * time.Second)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if s.snaps < 1<<32+3 {
		t.Fatalf("%d snapshots: the counter did not wrap", s.snaps)
	}
}

// rowIndexFrom finds every row at or after from (ids sharing 8-byte
// prefixes too), and no row before from or absent; rowIndex every row.
func TestRowIndexFrom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 70 {
		rows := make([]plan.Task, n)
		for i := range rows {
			rows[i].ID = fmt.Sprintf("%08x%024x", r.IntN(4), r.Uint64())
		}
		slices.SortFunc(rows, func(a, b plan.Task) int { return strings.Compare(a.ID, b.ID) })
		rows = slices.CompactFunc(rows, func(a, b plan.Task) bool { return a.ID == b.ID })
		for from := 0; from <= len(rows); from++ {
			for i := range rows {
				want := -1
				if i >= from {
					want = i
				}
				if got := rowIndexFrom(rows, from, rows[i].ID); got != want {
					t.Fatalf("%d rows, from %d: row %d found at %d", len(rows), from, i, got)
				}
				if got := rowIndex(rows, rows[i].ID); got != i {
					t.Fatalf("%d rows: row %d found at %d", len(rows), i, got)
				}
			}
			for _, absent := range []string{"", "00000001", "zz"} {
				if got := rowIndexFrom(rows, from, absent); got != -1 {
					t.Fatalf("%d rows, from %d: absent id %q found at %d", len(rows), from, absent, got)
				}
			}
		}
	}
}
