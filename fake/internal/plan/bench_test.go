package plan

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// benchSnapshot is a rollout in the middle: half the tasks old and healthy,
// 30% new and healthy, 20% new and pending, over 3 AZs and tasks/5 instances.
func benchSnapshot(n int) Snapshot {
	s := rollout(svc(n, 50, 200), nil, nil)
	s.Tasks = make([]Task, 0, n)
	for i := range n {
		d, status, started := oldID, TaskRunning, t0.Add(-time.Hour)
		switch {
		case i >= n/2 && i < n*8/10:
			d = newID
		case i >= n*8/10:
			d, status, started = newID, TaskPending, time.Time{}
		}
		s.Tasks = append(s.Tasks, Task{
			ID: fmt.Sprintf("%032x", i), DeploymentID: d, LastStatus: status, DesiredStatus: TaskRunning,
			Health: types.HealthStatusUnknown, StartedAt: started, HealthyCounted: true,
			AZ: string(rune('a' + i%3)), ContainerInstance: fmt.Sprintf("i-%d", i%max(n/5, 1)),
		})
	}
	return s
}

// BenchmarkCompute measures one Compute over a service in mid-rollout.
func BenchmarkCompute(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			s := benchSnapshot(n)
			b.ReportAllocs()
			var p Plan
			for b.Loop() {
				p = Compute(s)
			}
			if len(p.Stops) == 0 {
				b.Fatal("the benchmark rollout stops nothing")
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/task")
		})
	}
}

// crashLoopSnapshot is a planner pass over a crash loop like the
// catch-up benchmark's (fake BenchmarkCatchUp/crash-after-30s): a
// COMPLETED deployment whose tasks exit 30 s after RUNNING, a fifth of
// desired in each lifecycle stage (PENDING twice), the STOPPED ones not
// yet counted; the plan marks those and starts replacements for the
// exited ones. It measures the per-row cost over every stage at once: in
// the catch-up benchmark itself a service's 100 tasks move together, so a
// pass sees ~140 rows in one or two of these stages (docs/reliability.md,
// round 5).
func crashLoopSnapshot(desired int) Snapshot {
	s := Snapshot{Service: svc(desired, 100, 200), Now: t0,
		Deployments: []Deployment{dep(newID, "td:2", time.Hour, StatusPrimary, types.DeploymentRolloutStateCompleted)}}
	s.Deployments[0].ReachedRunning = true
	s.Deployments[0].DesiredCount = desired
	cohort := max(desired/5, 1)
	stages := []struct {
		last, desired string
		started       time.Duration // before t0; 0: never
	}{
		{TaskPending, TaskRunning, 0}, {TaskPending, TaskRunning, 0}, {"ACTIVATING", TaskRunning, 0},
		{TaskRunning, TaskRunning, 10 * time.Second}, {"DEACTIVATING", TaskStopped, 32 * time.Second},
		{"STOPPING", TaskStopped, 40 * time.Second}, {TaskStopped, TaskStopped, 48 * time.Second},
	}
	for i := range cohort * len(stages) {
		st := stages[(i*7919)%len(stages)]    // cohorts interleaved in id order
		h := uint64(i+1) * 0x9e3779b97f4a7c15 // random-looking ids, as the fake draws them
		tk := Task{ID: fmt.Sprintf("%016x%016x", h, h^0xdeadbeef), DeploymentID: newID, LastStatus: st.last, DesiredStatus: st.desired,
			Health: types.HealthStatusUnknown, AZ: string(rune('a' + i%3)), ContainerInstance: fmt.Sprintf("i-%d", i%40)}
		if st.started > 0 {
			tk.StartedAt = t0.Add(-st.started)
		}
		if st.desired == TaskStopped {
			tk.StopCode, tk.StoppedReason = types.TaskStopCodeEssentialContainerExited, "Essential container in task exited"
		}
		if st.last == TaskStopped {
			tk.StoppedAt = t0
		}
		s.Tasks = append(s.Tasks, tk)
	}
	slices.SortFunc(s.Tasks, func(a, b Task) int { return strings.Compare(a.ID, b.ID) })
	return s
}

// BenchmarkComputeCrashLoop measures one Compute of a crash-looping
// service's steady pass (no stops, a fifth of the tasks replaced); the
// reused-plan runs pass one Plan to ComputeInto each time, as the fake's
// scheduler does.
func BenchmarkComputeCrashLoop(b *testing.B) {
	for _, desired := range []int{100, 1000} {
		for _, reuse := range []bool{false, true} {
			name := fmt.Sprintf("desired=%d", desired)
			if reuse {
				name += "/reused-plan"
			}
			b.Run(name, func(b *testing.B) { benchCrashLoopPass(b, desired, reuse) })
		}
	}
}

// benchCrashLoopPass is one size and mode of BenchmarkComputeCrashLoop.
func benchCrashLoopPass(b *testing.B, desired int, reuse bool) {
	s := crashLoopSnapshot(desired)
	b.ReportAllocs()
	var p Plan
	for b.Loop() {
		if reuse {
			ComputeInto(&s, &p)
		} else {
			p = Compute(s)
		}
	}
	if started(p, newID) != desired/5 || len(p.Marks) != desired/5 || len(p.Stops) != 0 {
		b.Fatalf("the crash-loop pass starts %d, marks %d, stops %d; want %d, %d, 0", started(p, newID), len(p.Marks), len(p.Stops), desired/5, desired/5)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(s.Tasks)), "ns/task")
}
