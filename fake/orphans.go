package fake

import (
	"cmp"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// orphanTasksLocked applies DeregisterContainerInstance with force to the
// tasks still on inst. The ECS API Reference (DeregisterContainerInstance,
// force): the tasks "remain running until you terminate the instance or the
// tasks stop through some other means, but they're orphaned (no longer
// monitored or accounted for by Amazon ECS). If an orphaned task on your
// container instance is part of an Amazon ECS service, then the service
// scheduler starts another copy of that task, on a different container
// instance if possible." So each task keeps its last known status (ECS
// hears nothing more about it: its scheduled transitions are dropped),
// leaves its service's count (the scheduler replaces it at the next
// reconcile), leaves ListTasks (no longer accounted for) and is forgotten
// after the stopped-task retention period; DescribeTasks shows its last
// known state meanwhile. It returns the orphaned tasks in creation order.
func (e *ECS) orphanTasksLocked(inst *instance, now time.Time) []*task {
	ts := make([]*task, 0, len(inst.tasks))
	for _, t := range inst.tasks {
		if t.lastStatus != statusStopped {
			ts = append(ts, t)
		}
	}
	slices.SortFunc(ts, func(a, b *task) int { return cmp.Compare(a.seq, b.seq) })
	for _, t := range ts {
		// "Any containers in orphaned service tasks that are registered
		// with a Classic Load Balancer or an Application Load Balancer
		// target group are deregistered. They begin connection draining"
		// (same page).
		e.lbTaskStoppingLocked(t, now)
		t.orphaned = true
		t.version++
		e.unindexTaskLocked(t)
		e.releaseLocked(t)
		if s := t.svc; s != nil {
			s.tasks = slices.DeleteFunc(s.tasks, func(x *task) bool { return x == t })
			t.svc = nil
			e.touchServiceLocked(s)
		}
		e.scheduleLocked(now.Add(e.cfg.timing.Retention), func(time.Time) { e.forgetLocked(t) })
	}
	return ts
}

// loseInstance is LoseInstance; it also returns the instance's ARN and the
// ARNs of the tasks it stopped, in creation order.
func (e *ECS) loseInstance(ref string) (arn string, stopped []string, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.catchUpLocked()
	e.journalControlLocked("LoseInstance", journalLoseInstance{Ref: ref}, now)
	var in *instance
	for _, x := range e.instances {
		if x.arn == ref || x.id == ref {
			in = x
		}
	}
	if in == nil || in.status == "INACTIVE" { // lost or deregistered already
		return "", nil, errInvalidParam("Container instance %s not found.", ref)
	}
	in.connected = false
	in.status = "INACTIVE"
	in.version++
	ts := slices.Clone(in.tasks) // stopping them changes in.tasks
	slices.SortFunc(ts, func(a, b *task) int { return cmp.Compare(a.seq, b.seq) })
	reason := "Host EC2 (instance " + in.ec2ID + ") terminated."
	stopped = []string{}
	for _, t := range ts {
		if t.lastStatus == statusStopped {
			continue
		}
		if t.desiredStatus != statusStopped {
			t.desiredStatus = statusStopped
			e.reindexTaskLocked(t)
			t.stopCode = types.TaskStopCodeInfrastructureHealth
			t.stoppedReason = reason
			t.stoppingAt = now
		}
		e.enterStoppedLocked(t, now)
		stopped = append(stopped, t.arn())
	}
	e.groupInstanceLostLocked(in, now) // its Auto Scaling group replaces it (capacity_group.go)
	e.retireInstanceLocked(in, now)
	return in.arn, stopped, nil
}
