package plan

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestHealthyRule(t *testing.T) {
	running := func(since time.Duration, h types.HealthStatus) Task {
		return Task{ID: "t", LastStatus: TaskRunning, DesiredStatus: TaskRunning, Health: h, StartedAt: t0.Add(-since)}
	}
	withHC := &Deployment{HasHealthCheck: true}
	noHC := &Deployment{}
	tests := []struct {
		name     string
		task     Task
		dep      *Deployment
		grace    time.Duration
		want     condition
		wantWake time.Time
	}{
		{"without health check RUNNING 39s is not yet healthy", running(39*time.Second, types.HealthStatusUnknown), noHC, 0, condStarting, t0.Add(time.Second)},
		{"without health check RUNNING 40s is healthy", running(40*time.Second, types.HealthStatusUnknown), noHC, 0, condHealthy, time.Time{}},
		{"with health check HEALTHY is healthy at once", running(0, types.HealthStatusHealthy), withHC, 0, condHealthy, time.Time{}},
		{"with health check UNKNOWN is not yet healthy", running(time.Hour, types.HealthStatusUnknown), withHC, 0, condStarting, time.Time{}},
		{"with health check UNHEALTHY is unhealthy", running(time.Minute, types.HealthStatusUnhealthy), withHC, 0, condUnhealthy, time.Time{}},
		{"grace period ignores UNHEALTHY", running(time.Minute, types.HealthStatusUnhealthy), withHC, 2 * time.Minute, condStarting, t0.Add(time.Minute)},
		{"UNHEALTHY after the grace period counts", running(3*time.Minute, types.HealthStatusUnhealthy), withHC, 2 * time.Minute, condUnhealthy, time.Time{}},
		{"PENDING is starting", Task{LastStatus: TaskPending, DesiredStatus: TaskRunning}, noHC, 0, condStarting, time.Time{}},
		{"being stopped is gone", Task{LastStatus: TaskRunning, DesiredStatus: TaskStopped, StartedAt: t0.Add(-time.Hour)}, noHC, 0, condGone, time.Time{}},
		{"STOPPED is gone", Task{LastStatus: TaskStopped, DesiredStatus: TaskStopped}, noHC, 0, condGone, time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, wake := classify(&tc.task, tc.dep, tc.grace, t0)
			if got != tc.want || !wake.Equal(tc.wantWake) {
				t.Errorf("classify = %v wake %v, want %v wake %v", got, wake, tc.want, tc.wantWake)
			}
		})
	}
}

// unhealthyTasks marks the first n of ts UNHEALTHY.
func unhealthyTasks(ts []Task, n int) []Task {
	for i := range n {
		ts[i].Health = types.HealthStatusUnhealthy
	}
	for i := n; i < len(ts); i++ {
		ts[i].Health = types.HealthStatusHealthy
	}
	return ts
}

func steadyWithHC(s Service, tasks []Task) Snapshot {
	d := dep(newID, "td:2", time.Hour, StatusPrimary, types.DeploymentRolloutStateCompleted)
	d.HasHealthCheck = true
	d.DesiredCount = s.DesiredCount
	return Snapshot{Service: s, Deployments: []Deployment{d}, Tasks: tasks, Now: t0}
}

func TestUnhealthyTasksReplacementFirstWithinMax(t *testing.T) {
	p := Compute(steadyWithHC(svc(2, 100, 200), unhealthyTasks(healthy(newID, 2), 1)))
	if got := started(p, newID); got != 1 {
		t.Fatalf("started %d replacements, want 1", got)
	}
	if len(p.Stops) != 1 || p.Stops[0].TaskID != newID+"-h00" || p.Stops[0].Reason != "Task failed container health checks" {
		t.Fatalf("stops %+v, want the unhealthy task with the health check reason", p.Stops)
	}
	if !hasEvent(p, "(service web) (task "+newID+"-h00) failed container health checks.") {
		t.Errorf("events %q lack the failed health checks event", p.Events)
	}
}

func TestUnhealthyTasksStoppedOneByOneWhenMaxForbids(t *testing.T) {
	p := Compute(steadyWithHC(svc(3, 0, 100), unhealthyTasks(healthy(newID, 3), 2)))
	if got := started(p, newID); got != 0 {
		t.Fatalf("started %d, want 0 (max 100 is full)", got)
	}
	if len(p.Stops) != 1 {
		t.Fatalf("stopped %d unhealthy tasks, want 1: %+v", len(p.Stops), p.Stops)
	}
}

func TestReplicaReplacesStoppedTask(t *testing.T) {
	ts := healthy(newID, 3)
	ts[1].LastStatus, ts[1].DesiredStatus, ts[1].StopCode = TaskStopped, TaskStopped, types.TaskStopCodeEssentialContainerExited
	p := Compute(steadyWithHC(svc(3, 100, 200), unhealthyTasks(ts, 0)))
	if got := started(p, newID); got != 1 {
		t.Fatalf("started %d, want 1 replacement", got)
	}
	if len(p.Stops) != 0 {
		t.Errorf("unexpected stops %+v", p.Stops)
	}
}

func TestStopOrderUnhealthyFirstThenMostPerAZThenInstance(t *testing.T) {
	old := healthy(oldID, 5)
	// AZ a: h00 (i-1), h01 (i-1), h02 (i-2); AZ b: h03 (i-3), h04 (i-4, unhealthy).
	zones := []struct{ az, inst string }{{"a", "i-1"}, {"a", "i-1"}, {"a", "i-2"}, {"b", "i-3"}, {"b", "i-4"}}
	for i := range old {
		old[i].AZ, old[i].ContainerInstance = zones[i].az, zones[i].inst
	}
	s := rollout(svc(5, 60, 200), old, nil)
	s.Deployments[0].HasHealthCheck = true
	for i := range s.Tasks {
		s.Tasks[i].Health = types.HealthStatusHealthy
	}
	s.Tasks[4].Health = types.HealthStatusUnhealthy // AZ b: stopped first
	p := Compute(s)
	// 4 healthy, min ceil(3) = 3: one healthy stop allowed, from AZ a on instance i-1.
	want := []string{oldID + "-h04", oldID + "-h00"}
	if len(p.Stops) != len(want) {
		t.Fatalf("stops %+v, want %v", p.Stops, want)
	}
	for i, id := range want {
		if p.Stops[i].TaskID != id {
			t.Errorf("stop %d = %s, want %s", i, p.Stops[i].TaskID, id)
		}
	}
}

func TestStopSpreadsAcrossAZs(t *testing.T) {
	// 6 old tasks over AZs a, b, c (2 each); stopping 3 takes one from each AZ.
	p := Compute(rollout(svc(6, 50, 200), healthy(oldID, 6), nil))
	perAZ := map[string]int{}
	for _, st := range p.Stops {
		for _, tk := range healthy(oldID, 6) {
			if tk.ID == st.TaskID {
				perAZ[tk.AZ]++
			}
		}
	}
	if len(p.Stops) != 3 || perAZ["a"] != 1 || perAZ["b"] != 1 || perAZ["c"] != 1 {
		t.Errorf("stops per AZ %v (total %d), want one from each of a, b, c", perAZ, len(p.Stops))
	}
}
