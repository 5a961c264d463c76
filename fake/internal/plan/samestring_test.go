package plan

import (
	"fmt"
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

// TestSameString checks sameString against ==.
func TestSameString(t *testing.T) {
	a := "RUNNING"
	for _, b := range []string{a, strings.Clone(a), "STOPPED", "RUN", "", a[:3]} {
		if got, want := sameString(a, b), a == b; got != want {
			t.Errorf("sameString(%q, %q) = %v, want %v", a, b, got, want)
		}
		if got, want := sameString(a[:3], b), a[:3] == b; got != want {
			t.Errorf("sameString(%q, %q) = %v, want %v", a[:3], b, got, want)
		}
	}
}
