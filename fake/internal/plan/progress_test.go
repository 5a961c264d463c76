package plan

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// provisioning returns n tasks of deployment d waiting in PROVISIONING
// for capacity (no container instance yet), over AZs a, b, c.
func provisioning(d string, n int) []Task {
	var ts []Task
	for i := range n {
		ts = append(ts, Task{ID: fmt.Sprintf("%s-v%02d", d, i), DeploymentID: d, LastStatus: TaskProvisioning,
			DesiredStatus: TaskRunning, AZ: string(rune('a' + i%3))})
	}
	return ts
}

// kept counts the tasks of s that the plan leaves RUNNING or PENDING
// (desiredStatus RUNNING, not STOPPED): what maximumPercent bounds.
func kept(s Snapshot, p Plan) int {
	stopped := map[string]bool{}
	for _, st := range p.Stops {
		stopped[st.TaskID] = true
	}
	n := 0
	for _, t := range s.Tasks {
		if t.LastStatus != TaskStopped && t.DesiredStatus == TaskRunning && !stopped[t.ID] {
			n++
		}
	}
	for _, st := range p.Starts {
		n += st.Count
	}
	return n
}

// stoppedWithStatus counts the plan's stops of tasks of s in lastStatus.
func stoppedWithStatus(s Snapshot, p Plan, status string) int {
	last := map[string]string{}
	for _, t := range s.Tasks {
		last[t.ID] = t.LastStatus
	}
	n := 0
	for _, st := range p.Stops {
		if last[st.TaskID] == status {
			n++
		}
	}
	return n
}

// TestMaximumPercentHoldsWithTasksWaitingForCapacity is the chaos soak's
// finding (managed scaling, seed 1, svc-06): a deployment at desiredCount
// 38 (min 75%, max 150%) has 29 old tasks healthy and 28 new ones waiting
// in PROVISIONING for an Auto Scaling group's instances; desiredCount is
// lowered to 24. The scheduler keeps ceil(24 x 75%) = 18 old healthy tasks
// (minimumHealthyPercent) and stops new tasks that never ran until the
// service is back within floor(24 x 150%) = 36: 11 old and 10 new stop,
// 18 + 18 remain, and nothing starts.
func TestMaximumPercentHoldsWithTasksWaitingForCapacity(t *testing.T) {
	s := rollout(svc(24, 75, 150), healthy(oldID, 29), provisioning(newID, 28))
	p := Compute(s)
	if got := kept(s, p); got > MaxTasks(24, 150) {
		t.Errorf("%d tasks kept RUNNING or PENDING, bound %d", got, MaxTasks(24, 150))
	}
	if got, want := stoppedOf(p, oldID), 29-MinHealthy(24, 75); got != want {
		t.Errorf("stopped %d old healthy tasks, want %d (down to minimumHealthyPercent)", got, want)
	}
	if got := stoppedOf(p, newID); got != 10 {
		t.Errorf("stopped %d new tasks, want 10 (4 above desiredCount, 6 above maximumPercent)", got)
	}
	if got := stoppedWithStatus(s, p, TaskProvisioning); got != 10 {
		t.Errorf("stopped %d PROVISIONING tasks, want 10", got)
	}
	if got := started(p, newID); got != 0 {
		t.Errorf("started %d, want 0", got)
	}
	for _, st := range p.Stops {
		if st.StopCode != types.TaskStopCodeServiceSchedulerInitiated || st.Reason != ScalingReason(newID) {
			t.Errorf("stop %+v: want the scheduler's scaling stop", st)
		}
	}
	// Once those stops are done the next pass holds: nothing more to stop
	// or start until the waiting tasks run.
	next := s
	next.Tasks = nil
	for _, tk := range s.Tasks {
		gone := false
		for _, st := range p.Stops {
			gone = gone || st.TaskID == tk.ID
		}
		if !gone {
			next.Tasks = append(next.Tasks, tk)
		}
	}
	next.Now = s.Now.Add(time.Minute)
	p2 := Compute(next)
	if len(p2.Stops) != 0 || len(p2.Starts) != 0 {
		t.Errorf("second pass: %d stops, %v starts; want none", len(p2.Stops), p2.Starts)
	}
}

// TestScaleInStopsTasksThatNeverRanFirst: with more tasks than desiredCount,
// the scheduler stops tasks waiting in PROVISIONING before PENDING ones,
// and those before RUNNING ones, whatever their Availability Zones.
func TestScaleInStopsTasksThatNeverRanFirst(t *testing.T) {
	steady := func(tasks []Task) Snapshot {
		return Snapshot{Service: svc(4, 50, 200), Now: t0, Tasks: tasks,
			Deployments: []Deployment{dep(newID, "td:2", time.Hour, StatusPrimary, types.DeploymentRolloutStateCompleted)}}
	}
	tests := []struct {
		name                 string
		tasks                []Task
		wantProv, wantPend   int
		wantRunning, wantAll int
	}{
		{"provisioning before healthy", join(healthy(newID, 4), provisioning(newID, 2)), 2, 0, 0, 2},
		{"provisioning before pending before healthy", join(healthy(newID, 3), pending(newID, 2), provisioning(newID, 2)), 2, 1, 0, 3},
		{"pending before healthy", join(healthy(newID, 4), pending(newID, 1)), 0, 1, 0, 1},
		{"healthy only within minimumHealthyPercent", healthy(newID, 6), 0, 0, 2, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := steady(tc.tasks)
			p := Compute(s)
			if got := stoppedWithStatus(s, p, TaskProvisioning); got != tc.wantProv {
				t.Errorf("stopped %d PROVISIONING, want %d", got, tc.wantProv)
			}
			if got := stoppedWithStatus(s, p, TaskPending); got != tc.wantPend {
				t.Errorf("stopped %d PENDING, want %d", got, tc.wantPend)
			}
			if got := stoppedWithStatus(s, p, TaskRunning); got != tc.wantRunning {
				t.Errorf("stopped %d RUNNING, want %d", got, tc.wantRunning)
			}
			if len(p.Stops) != tc.wantAll {
				t.Errorf("stopped %d, want %d", len(p.Stops), tc.wantAll)
			}
		})
	}
}

// TestDesiredLoweredDuringRolloutStaysWithinMaximumPercent: whatever the
// counts, once desiredCount drops mid-rollout the plan leaves at most
// floor(desired x max%) tasks, and never fewer healthy ones than
// minimumHealthyPercent allows (or than were healthy).
func TestDesiredLoweredDuringRolloutStaysWithinMaximumPercent(t *testing.T) {
	for _, cfg := range [][2]int{{100, 200}, {50, 200}, {50, 150}, {75, 150}, {100, 150}, {0, 100}} {
		for desired := 1; desired <= 12; desired++ {
			for oldN := 0; oldN <= 12; oldN++ {
				for newN := 0; newN <= 12; newN++ {
					s := rollout(svc(desired, cfg[0], cfg[1]), healthy(oldID, oldN), provisioning(newID, newN))
					p := Compute(s)
					if got, bound := kept(s, p), MaxTasks(desired, cfg[1]); got > bound {
						t.Fatalf("desired %d %v, %d old + %d waiting: %d kept, bound %d", desired, cfg, oldN, newN, got, bound)
					}
					if left, floor := oldN-stoppedOf(p, oldID), MinHealthy(desired, cfg[0]); left < min(floor, oldN) {
						t.Fatalf("desired %d %v, %d old + %d waiting: %d healthy left, floor %d", desired, cfg, oldN, newN, left, floor)
					}
				}
			}
		}
	}
}
