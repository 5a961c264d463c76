// Package managedscaling is the pure core of ECS cluster auto scaling for
// an Auto Scaling group capacity provider: from the group's instances, the
// tasks waiting for capacity and the managed scaling settings it computes
// the CapacityProviderReservation metric and the desired capacity ECS's
// target tracking policy asks for. Nothing here touches state or clocks.
//
// The rules (Developer Guide, "Amazon ECS cluster auto scaling"; API
// Reference, ManagedScaling; AWS Containers blog, "Deep Dive on Amazon ECS
// Cluster Auto Scaling"):
//
//   - N is the number of instances running in the group; M the number the
//     tasks need. Without tasks waiting for capacity (PROVISIONING), M is
//     the number of instances that run at least one task. With waiting
//     tasks, M is N plus a lower bound of the instances they need: the
//     waiting tasks are grouped by identical CPU and memory, each group is
//     packed onto empty instances of the group's instance type, and the
//     largest count wins; the step is at least minimumScalingStepSize and
//     at most maximumScalingStepSize.
//   - CapacityProviderReservation = M / N x 100; with N = 0 it is 100 when
//     M = 0 and 200 when M > 0 (so a group scaled to zero scales out).
//   - Target tracking asks for ceil(M x 100 / targetCapacity) instances,
//     within the group's minimum and maximum size.
//
// The fake applies it in fake/capacity_scaling.go.
package managedscaling

// Settings are a capacity provider's managed scaling settings.
type Settings struct {
	// TargetCapacity is the target utilization in percent (1-100).
	TargetCapacity int
	// MinimumScalingStepSize and MaximumScalingStepSize bound a scale-out
	// step (defaults 1 and 10000).
	MinimumScalingStepSize, MaximumScalingStepSize int
}

// Group is the Auto Scaling group: its instance type's resources and size bounds.
type Group struct {
	// CPU (units) and Memory (MiB) one instance offers to tasks.
	CPU, Memory int
	// MinSize and MaxSize bound the desired capacity.
	MinSize, MaxSize int
}

// Task is the CPU and memory one waiting task needs.
type Task struct {
	CPU, Memory int
}

// Input is one evaluation.
type Input struct {
	Settings Settings
	Group    Group
	// TasksPerInstance has one entry per running instance of the group:
	// how many tasks it runs (daemon tasks excluded).
	TasksPerInstance []int
	// Waiting are the tasks in PROVISIONING waiting for capacity of this provider.
	Waiting []Task
}

// Result is the metric and what target tracking asks for.
type Result struct {
	// M and N as defined in the package doc.
	M, N int
	// Reservation is CapacityProviderReservation in percent.
	Reservation float64
	// Desired is the desired capacity target tracking asks for.
	Desired int
	// Unplaceable counts waiting tasks no instance of the group could
	// ever hold (bigger than the instance type).
	Unplaceable int
}

// Compute evaluates in. It runs in O(instances + waiting tasks).
func Compute(in Input) Result {
	s := in.Settings
	if s.TargetCapacity <= 0 || s.TargetCapacity > 100 {
		s.TargetCapacity = 100
	}
	if s.MinimumScalingStepSize <= 0 {
		s.MinimumScalingStepSize = 1
	}
	if s.MaximumScalingStepSize <= 0 {
		s.MaximumScalingStepSize = 10000
	}
	r := Result{N: len(in.TasksPerInstance)}
	for _, n := range in.TasksPerInstance {
		if n > 0 {
			r.M++
		}
	}
	need, unplaceable := instancesFor(in.Group, in.Waiting)
	r.Unplaceable = unplaceable
	if need > 0 {
		step := min(max(need, s.MinimumScalingStepSize), s.MaximumScalingStepSize)
		r.M = r.N + step
	}
	switch {
	case r.N == 0 && r.M == 0:
		r.Reservation = 100
	case r.N == 0:
		r.Reservation = 200
	default:
		r.Reservation = float64(r.M) * 100 / float64(r.N)
	}
	r.Desired = (r.M*100 + s.TargetCapacity - 1) / s.TargetCapacity
	r.Desired = min(max(r.Desired, in.Group.MinSize), max(in.Group.MaxSize, in.Group.MinSize))
	return r
}

// instancesFor is the lower bound of new instances the waiting tasks need:
// per group of identical tasks, how many empty instances hold them; the
// largest count. Tasks bigger than an instance are counted apart.
func instancesFor(g Group, waiting []Task) (need, unplaceable int) {
	counts := map[Task]int{}
	for _, t := range waiting {
		if t.CPU > g.CPU || t.Memory > g.Memory {
			unplaceable++
			continue
		}
		counts[t]++
	}
	for t, n := range counts {
		per := perInstance(g, t)
		need = max(need, (n+per-1)/per)
	}
	return need, unplaceable
}

// perInstance is how many tasks like t fit on one empty instance of g (at
// least 1 when t fits at all).
func perInstance(g Group, t Task) int {
	per := 1 << 30
	if t.CPU > 0 {
		per = min(per, g.CPU/t.CPU)
	}
	if t.Memory > 0 {
		per = min(per, g.Memory/t.Memory)
	}
	if per == 1<<30 {
		return 1 << 30 // a task that needs nothing: any instance holds all
	}
	return max(per, 1)
}
