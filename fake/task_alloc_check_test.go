package fake

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy/internal/debugcheck"
)

// TestFreedTasksReachableReportsStaleHolders puts the storage of a live
// service task on the free list, twice, and expects the check the chaos
// runner calls (through debugcheck) to name its holders and the duplicate.
func TestFreedTasksReachableReportsStaleHolders(t *testing.T) {
	e := clusterT(t, 2)
	td := registerT(t, e, smallTD("web"))
	createSvc(t, e, "web", td, 2, svcOpts{min: 100, max: 200})
	e.Advance(5 * time.Minute)
	if bad := debugcheck.FreedTasksReachable(e); len(bad) > 0 {
		t.Fatalf("nothing freed yet, got %v", bad)
	}
	e.mu.Lock()
	var s *service
	for _, x := range e.svcOrder {
		s = x
	}
	live := s.tasks[0]
	e.taskFree.put(live.st, 1)
	e.taskFree.put(live.st, 1)
	e.mu.Unlock()
	holders := []string{"free list 1 holds a storage twice", "e.tasks", "cluster default task list", "service web", "instance "}
	names := func(when string, wants ...string) {
		t.Helper()
		got := strings.Join(debugcheck.FreedTasksReachable(e), "; ")
		for _, want := range wants {
			if !strings.Contains(got, want) {
				t.Errorf("check of a live task's storage on the free list (%s): %q, want it to name %q", when, got, want)
			}
		}
	}
	// Nobody listed the tasks: the task waits to be filed
	// (task_index_defer.go); once listed, the index holds it.
	names("not listed", append(holders, "cluster default filing queue")...)
	if _, err := e.ListTasks(bg, &ecs.ListTasksInput{}); err != nil {
		t.Fatal(err)
	}
	names("listed", append(holders, "task index")...)
	e.mu.Lock()
	e.taskFree.byN[1] = nil
	e.mu.Unlock()
}

// TestDroppedServiceHoldsNoTasks: a service replaced by a new one of the
// same name is dropped; its tasks may be forgotten and their storage reused
// while a queued wake-up still holds the old service, so it must keep none
// of them, in its task list or in its planner's pending changes.
func TestDroppedServiceHoldsNoTasks(t *testing.T) {
	e := clusterT(t, 2)
	td := registerT(t, e, smallTD("web"))
	createSvc(t, e, "web", td, 4, svcOpts{min: 100, max: 200})
	e.Advance(5 * time.Minute)
	e.mu.Lock()
	old := e.svcOrder[len(e.svcOrder)-1]
	e.mu.Unlock()
	if _, err := e.DeleteService(bg, &ecs.DeleteServiceInput{Service: aws.String("web"), Force: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	e.Advance(10 * time.Minute)
	createSvc(t, e, "web", td, 1, svcOpts{min: 100, max: 200})
	e.mu.Lock()
	defer e.mu.Unlock()
	if old.status != serviceInactive || slices.Contains(e.svcOrder, old) {
		t.Fatalf("the old service is %s, still listed %v: want it INACTIVE and dropped", old.status, slices.Contains(e.svcOrder, old))
	}
	if len(old.tasks) != 0 || len(old.snapChanged) != 0 {
		t.Fatalf("the dropped service holds %d tasks and %d pending planner changes, want none", len(old.tasks), len(old.snapChanged))
	}
}
