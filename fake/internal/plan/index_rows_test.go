package plan

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestIndexFilesTasksByDeploymentID checks that index files each task
// under the deployment its row names, whether consecutive rows share the
// id's memory, hold copies of it, or name another id of the same length
// (what comparing by address or length alone would confuse), and that a
// task of an unknown deployment is an orphan.
func TestIndexFilesTasksByDeploymentID(t *testing.T) {
	ids := []string{"ecs-svc/1", "ecs-svc/2", "ecs-svc/3"}
	s := Snapshot{Service: svc(10, 100, 200), Now: t0, Deployments: []Deployment{
		dep(ids[0], "td:1", 2*time.Hour, StatusActive, types.DeploymentRolloutStateCompleted),
		dep(ids[1], "td:2", time.Hour, StatusPrimary, types.DeploymentRolloutStateInProgress),
	}}
	// Rows in id order; their deployments: shared, copied, another of the
	// same length, the unknown ecs-svc/3.
	pattern := []string{ids[0], ids[0], strings.Clone(ids[0]), ids[1], strings.Clone(ids[1]), ids[0], ids[2], ids[2], ids[1], strings.Clone(ids[1])}
	for i, d := range pattern {
		s.Tasks = append(s.Tasks, Task{ID: fmt.Sprintf("t%02d", i), DeploymentID: d, LastStatus: TaskPending, DesiredStatus: TaskRunning, AZ: "a"})
	}
	buf := scratchPool.Get().(*scratch)
	defer buf.release()
	c := &computation{s: &s, buf: buf}
	c.index(buf)
	filed := map[string]string{} // task id -> the deployment it was filed under
	for _, ds := range c.deps {
		for _, ts := range ds.tasks {
			filed[ts.t.ID] = ds.orig.ID
			if ts.t.DeploymentID != ds.orig.ID {
				t.Errorf("task %s of %s filed under %s", ts.t.ID, ts.t.DeploymentID, ds.orig.ID)
			}
		}
		if ds.synthetic != (ds.orig.ID == ids[2]) {
			t.Errorf("deployment %s: synthetic %v", ds.orig.ID, ds.synthetic)
		}
	}
	if len(filed) != len(pattern) {
		t.Fatalf("%d tasks filed, want %d: %v", len(filed), len(pattern), filed)
	}
}

// TestIndexSortsGroupsOfUnsortedRows checks that index lists each
// deployment's tasks in id order when the rows are not strictly increasing
// (out of order at any place, or a duplicate id), and keeps the rows'
// order when they are.
func TestIndexSortsGroupsOfUnsortedRows(t *testing.T) {
	for _, ids := range [][]string{
		{"a1", "a2", "a3", "a4", "a5", "a6"},                   // sorted: the order is kept
		{"a2", "a1", "a3", "a4", "a5", "a6"},                   // the first two swapped
		{"a1", "a2", "a3", "a4", "a6", "a5"},                   // the last two
		{"a1", "a3", "a3", "a2", "a5", "a6"},                   // a duplicate, then one lower
		{"aaaaaaaa1", "aaaaaaaa3", "aaaaaaaa2", "b", "c", "d"}, // past the 8-byte prefix
	} {
		s := Snapshot{Service: svc(10, 100, 200), Now: t0, Deployments: []Deployment{
			dep("d1", "td:1", 2*time.Hour, StatusActive, types.DeploymentRolloutStateCompleted),
			dep("d2", "td:2", time.Hour, StatusPrimary, types.DeploymentRolloutStateInProgress),
		}}
		for i, id := range ids {
			s.Tasks = append(s.Tasks, Task{ID: id, DeploymentID: []string{"d1", "d2"}[i%2], LastStatus: TaskPending, DesiredStatus: TaskRunning, AZ: "a"})
		}
		buf := scratchPool.Get().(*scratch)
		c := &computation{s: &s, buf: buf}
		c.index(buf)
		for _, ds := range c.deps {
			var got []string
			for _, ts := range ds.tasks {
				got = append(got, ts.t.ID)
			}
			if !slices.IsSorted(got) || len(got) != 3 {
				t.Errorf("rows %v: deployment %s lists %v, want its 3 tasks in id order", ids, ds.orig.ID, got)
			}
		}
		buf.release()
	}
}
