package fake

import (
	"fmt"
	"time"
)

// The agents of an Auto Scaling group's instances register with the
// cluster through registerInstancesLocked, as every container instance
// does, so that the ContainerInstancesPerCluster quota holds for them too.
// A registration the quota refuses fails with LimitExceededException, which
// the ECS agent treats as transient: it retries RegisterContainerInstance
// with exponential backoff from 3 s to 192 s (amazon-ecs-agent,
// ecs-agent/api/ecs/client/ecs_client.go: rciMinBackoff, rciMaxBackoff,
// isTransientError). Meanwhile the EC2 instance runs in its group but is
// no container instance: it takes no tasks, managed scaling does not count
// it as capacity, and the group does not launch another in its place. The
// fake keeps such instances as a count per group (asgGroup.unregistered)
// with the last refusal (DescribeGroup), and retries them all
// with one event per group on the agent's backoff (without its jitter),
// until the cluster has room (an instance deregistered, lost or scaled
// in), the group scales them in, or the cluster is deleted.

// Registration retry backoff of the ECS agent (see above).
const (
	registerRetryMin = 3 * time.Second
	registerRetryMax = 192 * time.Second
)

// registerGroupLocked registers g's unregistered instances, one at a time,
// while the cluster's quota takes them; when it refuses one, the rest
// wait for the next retry. It reports how many registered.
func (e *ECS) registerGroupLocked(g *asgGroup, now time.Time) int {
	joined := 0
	for g.unregistered > 0 {
		ins, err := e.registerInstancesLocked(g.c, g.spec.Instance, 1, now)
		if err != nil {
			g.regErr = err.Error()
			e.retryRegisterLocked(g, now)
			return joined
		}
		g.instances = append(g.instances, ins[0])
		g.unregistered--
		joined++
	}
	g.regErr, g.retryWait = "", 0
	return joined
}

// retryRegisterLocked schedules the next registration attempt of g's
// unregistered instances, unless one is scheduled: the wait doubles from
// registerRetryMin up to registerRetryMax.
func (e *ECS) retryRegisterLocked(g *asgGroup, now time.Time) {
	if g.retryPending {
		return
	}
	g.retryWait = min(max(2*g.retryWait, registerRetryMin), registerRetryMax)
	g.retryPending = true
	e.scheduleLocked(now.Add(g.retryWait), func(now time.Time) {
		g.retryPending = false
		if g.unregistered == 0 {
			return
		}
		if g.c.status != "ACTIVE" { // the cluster is gone: the agents have nothing to join
			g.dropUnregistered(g.unregistered)
			return
		}
		if e.registerGroupLocked(g, now) == 0 {
			return
		}
		if live := e.providers[g.provider]; live != nil {
			e.placeWaitingLocked(live, now)
			e.scalingSoonLocked(live, now)
		}
	})
}

// dropUnregistered forgets n of g's unregistered instances (terminated,
// or their cluster gone); the pending retry finds nothing left to do.
func (g *asgGroup) dropUnregistered(n int) {
	g.unregistered -= n
	if g.unregistered == 0 {
		g.regErr, g.retryWait = "", 0
	}
}

// GroupState is a declared Auto Scaling group as DescribeGroup (and GET
// /_fake/v1/autoscaling-groups?name=) shows it.
type GroupState struct {
	// Name is the group's name.
	Name string `json:"name"`
	// DesiredCapacity is the group's desired capacity.
	DesiredCapacity int `json:"desiredCapacity"`
	// ContainerInstanceArns are the group's ACTIVE container instances.
	ContainerInstanceArns []string `json:"containerInstanceArns"`
	// Launching counts instances launched whose agent has not tried to
	// register yet (the group's JoinAfter).
	Launching int `json:"launching"`
	// Unregistered counts instances running whose agent the cluster
	// refused (its ContainerInstancesPerCluster quota); they retry.
	Unregistered int `json:"unregistered"`
	// RegistrationError is the last refusal while some are unregistered.
	RegistrationError string `json:"registrationError,omitempty"`
}

// DescribeGroup describes a declared Auto Scaling group.
func (e *ECS) DescribeGroup(name string) (GroupState, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.catchUpLocked()
	g := e.asgs[name]
	if g == nil {
		return GroupState{}, fmt.Errorf("auto scaling group %s is not declared", name)
	}
	st := GroupState{Name: g.name, DesiredCapacity: g.desired, ContainerInstanceArns: []string{}, Launching: g.launching,
		Unregistered: g.unregistered, RegistrationError: g.regErr}
	for _, in := range g.instances {
		if in.status == "ACTIVE" {
			st.ContainerInstanceArns = append(st.ContainerInstanceArns, in.arn)
		}
	}
	return st, nil
}
