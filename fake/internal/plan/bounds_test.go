package plan

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Worked examples of the ECS Developer Guide ("Deploy Amazon ECS services by
// replacing tasks") and of issue 4.
func TestRollingDeploymentWorkedExamples(t *testing.T) {
	tests := []struct {
		name               string
		snap               Snapshot
		wantStart          int
		wantStopOld        int
		wantStopMid        int
		wantStopNew        int
		wantBlocked        bool
		wantOldStatus      DeploymentStatus
		wantPrimaryDesired int
	}{
		{name: "desired 4 min 50 max 200 stops 2 old and starts 4 new",
			snap: rollout(svc(4, 50, 200), healthy(oldID, 4), nil), wantStart: 4, wantStopOld: 2, wantOldStatus: StatusActive, wantPrimaryDesired: 4},
		{name: "desired 2 min 75 stops nothing old first",
			snap: rollout(svc(2, 75, 200), healthy(oldID, 2), nil), wantStart: 2, wantStopOld: 0, wantOldStatus: StatusActive, wantPrimaryDesired: 2},
		{name: "desired 3 max 125 starts nothing new first",
			snap: rollout(svc(3, 50, 125), healthy(oldID, 3), nil), wantStart: 0, wantStopOld: 1, wantOldStatus: StatusActive, wantPrimaryDesired: 3},
		{name: "min 0 max 100 stops all old first",
			snap: rollout(svc(4, 0, 100), healthy(oldID, 4), nil), wantStart: 0, wantStopOld: 4, wantOldStatus: StatusActive, wantPrimaryDesired: 4},
		{name: "min 100 max 100 is blocked",
			snap: rollout(svc(4, 100, 100), healthy(oldID, 4), nil), wantBlocked: true, wantOldStatus: StatusActive, wantPrimaryDesired: 4},
		{name: "desired 0 stops all",
			snap: rollout(svc(0, 100, 200), healthy(oldID, 2), healthy(newID, 2)), wantStopOld: 2, wantStopNew: 2, wantOldStatus: StatusActive},
		{name: "scaling during a rollout from 4 to 6",
			snap: rollout(svc(6, 50, 200), healthy(oldID, 4), healthy(newID, 2)), wantStart: 4, wantStopOld: 3, wantOldStatus: StatusActive, wantPrimaryDesired: 6},
		{name: "old deployment without tasks becomes INACTIVE",
			snap: rollout(svc(2, 100, 200), nil, pending(newID, 2)), wantOldStatus: StatusInactive, wantPrimaryDesired: 2},
		{name: "second deployment during a rollout drains the middle one too",
			snap: func() Snapshot {
				s := rollout(svc(4, 0, 200), healthy(oldID, 2), nil)
				s.Deployments = append(s.Deployments, dep(midID, "td:2", 30*time.Minute, StatusActive, types.DeploymentRolloutStateInProgress))
				s.Deployments[1].TaskDefinition = "td:3"
				s.Tasks = append(s.Tasks, healthy(midID, 2)...)
				return s
			}(), wantStart: 4, wantStopOld: 2, wantStopMid: 2, wantOldStatus: StatusActive, wantPrimaryDesired: 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Compute(tc.snap)
			if got := started(p, newID); got != tc.wantStart {
				t.Errorf("started %d new tasks, want %d", got, tc.wantStart)
			}
			if got := stoppedOf(p, oldID); got != tc.wantStopOld {
				t.Errorf("stopped %d old tasks, want %d", got, tc.wantStopOld)
			}
			if got := stoppedOf(p, midID); got != tc.wantStopMid {
				t.Errorf("stopped %d middle tasks, want %d", got, tc.wantStopMid)
			}
			if got := stoppedOf(p, newID); got != tc.wantStopNew {
				t.Errorf("stopped %d new tasks, want %d", got, tc.wantStopNew)
			}
			if got := hasEvent(p, DeploymentBlockedEvent("web")); got != tc.wantBlocked {
				t.Errorf("blocked event = %v, want %v; events %q", got, tc.wantBlocked, p.Events)
			}
			if got := p.Service.Blocked; got != tc.wantBlocked {
				t.Errorf("Service.Blocked = %v, want %v", got, tc.wantBlocked)
			}
			u, ok := update(p, oldID)
			status := tc.snap.Deployments[0].Status
			if ok {
				status = u.Status
			}
			if status != tc.wantOldStatus {
				t.Errorf("old deployment status %s, want %s", status, tc.wantOldStatus)
			}
			pu, ok := update(p, newID)
			desired := tc.snap.Deployments[1].DesiredCount
			if ok {
				desired = pu.DesiredCount
			}
			if desired != tc.wantPrimaryDesired {
				t.Errorf("primary desiredCount %d, want %d", desired, tc.wantPrimaryDesired)
			}
			for _, st := range p.Stops {
				if st.StopCode != types.TaskStopCodeServiceSchedulerInitiated || st.Reason != "Scaling activity initiated by (deployment "+newID+")" {
					t.Errorf("stop %+v: want ServiceSchedulerInitiated with the scaling reason", st)
				}
			}
		})
	}
}

func TestMaximumPercentBoundsStarts(t *testing.T) {
	tests := []struct {
		name      string
		desired   int
		maxPct    int
		old       int
		newTasks  int
		wantStart int
	}{
		{"floor of 4 x 150 is 6", 4, 150, 4, 0, 2},
		{"floor of 3 x 170 is 5", 3, 170, 3, 0, 2},
		{"pending new tasks count", 4, 150, 4, 1, 1},
		{"nothing above the bound", 4, 100, 4, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Compute(rollout(svc(tc.desired, 100, tc.maxPct), healthy(oldID, tc.old), pending(newID, tc.newTasks)))
			if got := started(p, newID); got != tc.wantStart {
				t.Errorf("started %d, want %d", got, tc.wantStart)
			}
		})
	}
}

func TestMinimumHealthyPercentNeverStopsHealthyBelowMin(t *testing.T) {
	tests := []struct {
		name     string
		desired  int
		minPct   int
		old      []Task
		newTasks []Task
		wantStop int
	}{
		{"ceil of 5 x 50 is 3", 5, 50, healthy(oldID, 5), nil, 2},
		{"new tasks not yet healthy do not count", 4, 50, healthy(oldID, 4), pending(newID, 4), 2},
		{"healthy new tasks count", 4, 100, healthy(oldID, 4), healthy(newID, 2), 2},
		{"not-yet-healthy old tasks are stopped freely", 2, 100, join(healthy(oldID, 2), pending(oldID, 2)), nil, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Compute(rollout(svc(tc.desired, tc.minPct, 200), tc.old, tc.newTasks))
			if got := stoppedOf(p, oldID); got != tc.wantStop {
				t.Errorf("stopped %d old, want %d", got, tc.wantStop)
			}
		})
	}
}

func TestBoundsRounding(t *testing.T) {
	tests := []struct{ desired, pct, wantMax, wantMin int }{
		{4, 50, 2, 2}, {2, 75, 1, 2}, {3, 125, 3, 4}, {3, 50, 1, 2}, {0, 100, 0, 0}, {10, 0, 0, 0}, {7, 200, 14, 14},
	}
	for _, tc := range tests {
		if got := MaxTasks(tc.desired, tc.pct); got != tc.wantMax {
			t.Errorf("MaxTasks(%d, %d) = %d, want %d", tc.desired, tc.pct, got, tc.wantMax)
		}
		if got := MinHealthy(tc.desired, tc.pct); got != tc.wantMin {
			t.Errorf("MinHealthy(%d, %d) = %d, want %d", tc.desired, tc.pct, got, tc.wantMin)
		}
	}
}
