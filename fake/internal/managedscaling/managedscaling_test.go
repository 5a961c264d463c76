package managedscaling

import (
	"testing"

	"pgregory.net/rapid"
)

// TestReservationFormula: CapacityProviderReservation = M / N x 100 with
// the N = 0 special cases, and target tracking's desired capacity
// (Developer Guide, "Amazon ECS cluster auto scaling"; AWS Containers
// blog, "Deep Dive on Amazon ECS Cluster Auto Scaling").
func TestReservationFormula(t *testing.T) {
	g := Group{CPU: 2048, Memory: 4096, MinSize: 0, MaxSize: 100}
	full := Settings{TargetCapacity: 100}
	for _, tc := range []struct {
		name        string
		in          Input
		m, n        int
		reservation float64
		desired     int
	}{
		{"EmptyGroupNoTasksIs100", Input{Settings: full, Group: g}, 0, 0, 100, 0},
		{"EmptyGroupWithWaitingTasksIs200", Input{Settings: full, Group: g, Waiting: []Task{{1024, 1024}}}, 1, 0, 200, 1},
		{"AllInstancesBusyIs100", Input{Settings: full, Group: g, TasksPerInstance: []int{3, 1, 2}}, 3, 3, 100, 3},
		{"IdleInstancesBelow100", Input{Settings: full, Group: g, TasksPerInstance: []int{3, 0, 0, 1}}, 2, 4, 50, 2},
		{"TargetCapacity50KeepsSpare", Input{Settings: Settings{TargetCapacity: 50}, Group: g, TasksPerInstance: []int{1, 1, 0}}, 2, 3, 200.0 / 3, 4},
		// 5 waiting tasks of 1024 CPU: 2 per 2048-CPU instance -> 3 more instances.
		{"WaitingTasksPackedPerInstance", Input{Settings: full, Group: g, TasksPerInstance: []int{2, 2},
			Waiting: []Task{{1024, 512}, {1024, 512}, {1024, 512}, {1024, 512}, {1024, 512}}}, 5, 2, 250, 5},
		// Two groups of waiting tasks: the largest count wins (lower bound).
		{"LargestGroupWins", Input{Settings: full, Group: g, TasksPerInstance: []int{1},
			Waiting: []Task{{2048, 512}, {2048, 512}, {256, 256}}}, 3, 1, 300, 3},
		{"MinimumStepSize", Input{Settings: Settings{TargetCapacity: 100, MinimumScalingStepSize: 4}, Group: g, TasksPerInstance: []int{1},
			Waiting: []Task{{256, 256}}}, 5, 1, 500, 5},
		{"MaximumStepSize", Input{Settings: Settings{TargetCapacity: 100, MaximumScalingStepSize: 2}, Group: g, TasksPerInstance: []int{1},
			Waiting: []Task{{2048, 4096}, {2048, 4096}, {2048, 4096}, {2048, 4096}}}, 3, 1, 300, 3},
		{"DesiredWithinMaxSize", Input{Settings: full, Group: Group{CPU: 2048, Memory: 4096, MaxSize: 2}, TasksPerInstance: []int{1, 1},
			Waiting: []Task{{2048, 4096}}}, 3, 2, 150, 2},
		{"DesiredWithinMinSize", Input{Settings: full, Group: Group{CPU: 2048, Memory: 4096, MinSize: 2, MaxSize: 10}}, 0, 0, 100, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Compute(tc.in)
			if r.M != tc.m || r.N != tc.n || r.Reservation != tc.reservation || r.Desired != tc.desired {
				t.Fatalf("Compute = M %d N %d reservation %v desired %d, want M %d N %d reservation %v desired %d",
					r.M, r.N, r.Reservation, r.Desired, tc.m, tc.n, tc.reservation, tc.desired)
			}
		})
	}
	if r := Compute(Input{Settings: full, Group: g, Waiting: []Task{{4096, 512}}}); r.Unplaceable != 1 || r.M != 0 {
		t.Fatalf("a task bigger than the instance type: %+v", r)
	}
}

// TestComputeProperties: the metric is 100 exactly when every instance is
// in use and nothing waits; waiting tasks always scale out (M > N, at
// least the minimum step, at most the maximum); desired stays within the
// group's size; deterministic.
func TestComputeProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		g := Group{CPU: rapid.IntRange(256, 8192).Draw(t, "cpu"), Memory: rapid.IntRange(512, 16384).Draw(t, "mem")}
		g.MinSize = rapid.IntRange(0, 5).Draw(t, "minSize")
		g.MaxSize = rapid.IntRange(g.MinSize, 200).Draw(t, "maxSize")
		s := Settings{TargetCapacity: rapid.IntRange(1, 100).Draw(t, "target"),
			MinimumScalingStepSize: rapid.IntRange(1, 5).Draw(t, "minStep")}
		s.MaximumScalingStepSize = rapid.IntRange(s.MinimumScalingStepSize, 50).Draw(t, "maxStep")
		in := Input{Settings: s, Group: g,
			TasksPerInstance: rapid.SliceOfN(rapid.IntRange(0, 10), 0, 50).Draw(t, "tasks")}
		for range rapid.IntRange(0, 30).Draw(t, "waiting") {
			in.Waiting = append(in.Waiting, Task{CPU: rapid.IntRange(0, g.CPU).Draw(t, "tcpu"), Memory: rapid.IntRange(1, g.Memory).Draw(t, "tmem")})
		}
		r := Compute(in)
		if r != Compute(in) {
			t.Fatal("not deterministic")
		}
		if r.Desired < g.MinSize || r.Desired > g.MaxSize {
			t.Fatalf("desired %d outside [%d, %d]", r.Desired, g.MinSize, g.MaxSize)
		}
		if len(in.Waiting) > 0 {
			if step := r.M - r.N; step < s.MinimumScalingStepSize || step > s.MaximumScalingStepSize {
				t.Fatalf("waiting tasks: step %d outside [%d, %d]", step, s.MinimumScalingStepSize, s.MaximumScalingStepSize)
			}
			if r.Reservation <= 100 {
				t.Fatalf("waiting tasks but reservation %v", r.Reservation)
			}
			return
		}
		busy := 0
		for _, n := range in.TasksPerInstance {
			if n > 0 {
				busy++
			}
		}
		if (r.Reservation == 100) != (busy == r.N) {
			t.Fatalf("reservation %v with %d of %d instances busy", r.Reservation, busy, r.N)
		}
		if r.Reservation > 100 {
			t.Fatalf("nothing waiting but reservation %v", r.Reservation)
		}
	})
}
