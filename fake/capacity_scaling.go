package fake

import (
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/managedscaling"
)

// Managed scaling of Auto Scaling group capacity providers (Developer
// Guide, "Amazon ECS cluster auto scaling"; API Reference, ManagedScaling;
// AWS Containers blog, "Deep Dive on Amazon ECS Cluster Auto Scaling"):
// tasks that do not fit the group wait in PROVISIONING; an evaluation (the
// pure fake/internal/managedscaling) one metric period after a change
// raises the group's desired capacity, within its maximum size, and not
// while an instance launched less than instanceWarmupPeriod ago ("The
// scale-out is blocked for instances that are within the
// instanceWarmupPeriod"); launched instances register after the group's
// JoinAfter and take the waiting tasks, oldest first (as does room that
// tasks free by stopping, at the next evaluation: one a minute while tasks
// wait); idle instances are
// terminated once the metric has stayed below the target for 15 minutes
// (the low alarm's 15 datapoints), never below the group's minimum and
// never an instance that runs tasks. A group at its maximum size leaves
// tasks waiting ("Cluster Auto Scaling doesn't modify the MinimumCapacity
// or MaximumCapacity for the group"; "If the Auto Scaling group can't
// scale out to accommodate the number of tasks run, the tasks fails to
// transition beyond the PROVISIONING state").

// Managed scaling timings.
const (
	metricPeriod  = time.Minute      // CapacityProviderReservation is published every minute
	scaleInWindow = 15 * time.Minute // the low alarm's datapoints before a scale-in
)

// scalingOn reports whether the provider's managed scaling is enabled.
func (cp *capacityProvider) scalingOn() bool {
	return cp != nil && cp.scaling.Status == types.ManagedScalingStatusEnabled
}

// waitForCapacityLocked creates n tasks of req that wait in PROVISIONING
// for capacity of req's provider, when its managed scaling is on (else it
// returns none and the tasks fail placement as usual).
func (e *ECS) waitForCapacityLocked(c *cluster, td *taskDef, req placementRequest, n int, now time.Time) ([]*task, error) {
	cp := e.providers[req.capacityProvider]
	if !cp.scalingOn() {
		return nil, nil
	}
	needs, err := needsFor(td, &req)
	if err != nil {
		return nil, err
	}
	out := make([]*task, 0, n)
	for range n {
		r := req
		r.wait, r.count = true, 1
		t := e.createTaskLocked(c, td, needs, &r, nil, "", now)
		t.waitReq = &r
		cp.waiting = append(cp.waiting, t)
		out = append(out, t)
	}
	e.scalingSoonLocked(cp, now)
	return out, nil
}

// stopWaitingLocked stops a task still waiting for capacity: it never got
// an instance, so it goes straight to STOPPED. It reports whether t was
// waiting.
func (e *ECS) stopWaitingLocked(t *task, now time.Time) bool {
	if t.waitReq == nil || t.inst != nil {
		return false
	}
	if cp := e.providers[t.capacityProvider]; cp != nil {
		cp.waiting = slices.DeleteFunc(cp.waiting, func(x *task) bool { return x == t })
	}
	t.waitReq = nil
	e.enterStoppedLocked(t, now)
	return true
}

// placeWaitingLocked places the provider's waiting tasks, oldest first, on
// its group's instances until one does not fit.
func (e *ECS) placeWaitingLocked(cp *capacityProvider, now time.Time) {
	pool := e.asgInstancesLocked(cp.name) // placing tasks changes no instance's status
	for len(cp.waiting) > 0 {
		t := cp.waiting[0]
		req := *t.waitReq
		req.pool, req.wait = pool, false
		n, err := needsFor(t.td, &req)
		if err != nil {
			return
		}
		inst, f := e.placeOneLocked(t.c, n, &req)
		if f != nil {
			return
		}
		cp.waiting = cp.waiting[1:]
		leaveAZGroupLocked(t)
		bindLocked(t, n, inst, inst.az(), req.group)
		e.fileOnInstanceLocked(t)
		t.waitReq = nil
		e.launchLocked(t, now)
	}
}

// leaveAZGroupLocked undoes the count of t in its AZ's group (a waiting
// task is counted in the AZ it was created for until it is placed).
func leaveAZGroupLocked(t *task) {
	t.c.takeFromAZ(t.gid, t.azID)
}

// scalingSoonLocked asks for an evaluation of cp one metric period from
// now (earlier requests stand).
func (e *ECS) scalingSoonLocked(cp *capacityProvider, now time.Time) {
	e.scalingAtLocked(cp, now.Add(metricPeriod))
}

// scalingAtLocked asks for an evaluation of cp at `at`, unless one is due
// earlier.
func (e *ECS) scalingAtLocked(cp *capacityProvider, at time.Time) {
	if !cp.scalingOn() || (!cp.evalAt.IsZero() && !cp.evalAt.After(at)) {
		return
	}
	cp.evalAt = at
	e.scheduleLocked(at, func(now time.Time) {
		if cp.evalAt.Equal(at) && e.providers[cp.name] == cp {
			cp.evalAt = time.Time{}
			e.evaluateScalingLocked(cp, now)
		}
	})
}

// scalingForServiceLocked asks for an evaluation of every managed-scaling
// provider of s's strategies (its tasks changed).
func (e *ECS) scalingForServiceLocked(s *service, now time.Time) {
	for _, d := range s.deployments {
		for _, it := range d.cps {
			if cp := e.providers[aws.ToString(it.CapacityProvider)]; cp.scalingOn() {
				e.scalingSoonLocked(cp, now)
			}
		}
	}
}

// evaluateScalingLocked computes the metric and applies what target
// tracking asks: launch instances, or terminate idle ones after the
// scale-in window.
func (e *ECS) evaluateScalingLocked(cp *capacityProvider, now time.Time) {
	if !cp.scalingOn() || !slices.Contains(cp.asg.c.providers, cp.name) {
		return
	}
	g := cp.asg
	// Waiting tasks take room freed since (tasks stopped on the group's
	// instances); while some still wait, ECS collects the figures every
	// minute, so the next evaluation is a period away.
	e.placeWaitingLocked(cp, now)
	if len(cp.waiting) > 0 {
		e.scalingSoonLocked(cp, now)
	}
	in := managedscaling.Input{
		Settings: managedscaling.Settings{TargetCapacity: int(aws.ToInt32(cp.scaling.TargetCapacity)),
			MinimumScalingStepSize: int(aws.ToInt32(cp.scaling.MinimumScalingStepSize)),
			MaximumScalingStepSize: int(aws.ToInt32(cp.scaling.MaximumScalingStepSize))},
		Group: managedscaling.Group{CPU: g.spec.Instance.CPU, Memory: g.spec.Instance.Memory, MinSize: g.spec.MinSize, MaxSize: g.spec.MaxSize},
	}
	active := e.asgInstancesLocked(cp.name)
	for _, inst := range active {
		in.TasksPerInstance = append(in.TasksPerInstance, len(inst.tasks))
	}
	for _, t := range cp.waiting {
		in.Waiting = append(in.Waiting, managedscaling.Task{CPU: t.cpu, Memory: t.mem})
	}
	r := managedscaling.Compute(in)
	switch {
	case r.Desired > g.desired:
		cp.lowSince = time.Time{}
		warm := time.Duration(aws.ToInt32(cp.scaling.InstanceWarmupPeriod)) * time.Second
		if end := g.lastLaunch.Add(warm); !g.lastLaunch.IsZero() && now.Before(end) {
			e.scalingAtLocked(cp, end) // an instance is warming up
			return
		}
		g.desired = r.Desired
		e.fillGroupLocked(g, now) // capacity_group.go
	case r.Desired < g.desired && g.launching == 0 && len(cp.waiting) == 0:
		if cp.lowSince.IsZero() {
			cp.lowSince = now
		}
		if now.Sub(cp.lowSince) < scaleInWindow {
			e.scalingAtLocked(cp, cp.lowSince.Add(scaleInWindow))
			return
		}
		cp.lowSince = time.Time{}
		e.scaleInLocked(cp, g.desired-r.Desired, now)
	default:
		cp.lowSince = time.Time{}
	}
}

// scaleInLocked terminates up to k idle instances of the group, never
// below its minimum size: first those whose agent could not register
// (capacity_register.go: they hold nothing), then registered ones, newest
// first, which are deregistered (INACTIVE). Instances that run tasks are
// never chosen, so managed termination protection and managed draining
// have nothing to protect or drain.
func (e *ECS) scaleInLocked(cp *capacityProvider, k int, now time.Time) {
	g := cp.asg
	if n := min(k, g.unregistered, g.activeCount()+g.unregistered-g.spec.MinSize); n > 0 {
		g.dropUnregistered(n)
		g.desired -= n
		k -= n
	}
	var retired []*instance
	for i := len(g.instances) - 1; i >= 0 && k > 0; i-- {
		inst := g.instances[i]
		if inst.status != "ACTIVE" || len(inst.tasks) > 0 || len(e.asgInstancesLocked(cp.name)) <= g.spec.MinSize {
			continue
		}
		inst.status, inst.connected = "INACTIVE", false
		inst.version++
		g.instances = slices.Delete(g.instances, i, i+1)
		retired = append(retired, inst)
		g.desired--
		k--
	}
	for _, inst := range retired { // after the walk: retiring may forget others of g
		e.retireInstanceLocked(inst, now)
	}
}

// GroupInstances returns the ARNs of the ACTIVE container instances of a
// declared Auto Scaling group and how many are launching (DescribeGroup's
// ContainerInstanceArns and Launching).
func (e *ECS) GroupInstances(name string) (active []string, launching int, err error) {
	st, err := e.DescribeGroup(name)
	if err != nil {
		return nil, 0, err
	}
	return st.ContainerInstanceArns, st.Launching, nil
}
