package plan

import (
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"pgregory.net/rapid"
)

// alikeStatuses are the lastStatus values Compute does not tell apart.
var alikeStatuses = []string{TaskPending, "ACTIVATING", "DEACTIVATING", "STOPPING", "DEPROVISIONING"}

// TestPropertyAlikeRowsPlanAlike checks Alike's promise on arbitrary
// snapshots: giving tasks other statuses alike to theirs leaves the Plan as
// it was, and Alike says so of each changed row.
func TestPropertyAlikeRowsPlanAlike(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := drawSnapshot(t)
		want := Compute(s)
		changed := s
		changed.Tasks = append([]Task(nil), s.Tasks...)
		for i := range changed.Tasks {
			tk := &changed.Tasks[i]
			if DistinctStatus(tk.LastStatus) {
				continue
			}
			tk.LastStatus = rapid.SampledFrom(alikeStatuses).Draw(t, "alike")
			if !Alike(&s.Tasks[i], tk) {
				t.Fatalf("rows %+v and %+v not alike", s.Tasks[i], *tk)
			}
		}
		if got := Compute(changed); !reflect.DeepEqual(got, want) {
			t.Fatalf("alike rows, different plans:\n%+v\n%+v", got, want)
		}
	})
}

// TestAlikeTellsOtherChanges checks that a change of any other field, or
// to or from RUNNING, STOPPED or PROVISIONING, makes rows not alike.
func TestAlikeTellsOtherChanges(t *testing.T) {
	base := Task{ID: "a", DeploymentID: "d", LastStatus: TaskPending, DesiredStatus: TaskRunning,
		Health: types.HealthStatusUnknown, AZ: "az", ContainerInstance: "i"}
	if !Alike(&base, &base) {
		t.Fatal("a row is not alike to itself")
	}
	for _, st := range alikeStatuses {
		other := base
		other.LastStatus = st
		if !Alike(&base, &other) || !Alike(&other, &base) {
			t.Errorf("%s and %s not alike", base.LastStatus, st)
		}
	}
	for _, st := range []string{TaskRunning, TaskStopped, TaskProvisioning} {
		other := base
		other.LastStatus = st
		if Alike(&base, &other) || Alike(&other, &base) {
			t.Errorf("%s and %s alike", base.LastStatus, st)
		}
	}
	// Every field but LastStatus, set to a value other than base's.
	v := reflect.ValueOf(&base).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		if name == "LastStatus" {
			continue
		}
		other := base
		f := reflect.ValueOf(&other).Elem().Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(f.String() + "x")
		case reflect.Bool:
			f.SetBool(!f.Bool())
		case reflect.Struct:
			if f.Type() == reflect.TypeOf(time.Time{}) {
				f.Set(reflect.ValueOf(t0))
			} else { // LoadBalancerHealth
				f.Field(0).Set(reflect.ValueOf(true))
			}
		default:
			t.Fatalf("field %s: kind %s not covered by the test", name, f.Kind())
		}
		if Alike(&base, &other) {
			t.Errorf("rows differing in %s are alike", name)
		}
	}
}

// TestDistinctStatusesChangePlans shows, for each status Alike tells apart,
// a snapshot whose Plan changes when one task has that status instead of
// PENDING (or DEACTIVATING, for STOPPED), and checks that Alike tells the
// two rows apart.
func TestDistinctStatusesChangePlans(t *testing.T) {
	desired2 := rollout(svc(2, 100, 200), nil, join(healthy(newID, 1), pending(newID, 2)))
	stopped := rollout(svc(1, 100, 200), nil, failedStart(newID, 1))
	for _, tc := range []struct {
		name   string
		snap   Snapshot
		i      int    // the task whose status changes
		from   string // its status in the snapshot
		status string
	}{
		// A healthy RUNNING task completes the rollout; a pending one does not.
		{"RUNNING", rollout(svc(1, 100, 200), nil, healthy(newID, 1)), 0, TaskRunning, TaskPending},
		// A STOPPED task is a failure to count; a task still stopping is not yet.
		{"STOPPED", stopped, 0, TaskStopped, "DEACTIVATING"},
		// Scaling in stops a task that never got compute first.
		{"PROVISIONING", desired2, 2, TaskProvisioning, TaskPending},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.snap
			a.Tasks = append([]Task(nil), tc.snap.Tasks...)
			a.Tasks[tc.i].LastStatus = tc.from
			b := a
			b.Tasks = append([]Task(nil), a.Tasks...)
			b.Tasks[tc.i].LastStatus = tc.status
			if reflect.DeepEqual(Compute(a), Compute(b)) {
				t.Fatalf("%s and %s give the same plan: the example shows nothing", tc.from, tc.status)
			}
			if Alike(&a.Tasks[tc.i], &b.Tasks[tc.i]) {
				t.Errorf("rows with %s and %s are alike, their plans differ", tc.from, tc.status)
			}
		})
	}
}
