package fake

import (
	"maps"
	"slices"
	"time"
)

// An Auto Scaling group keeps its desired capacity: "If an instance is
// terminated or becomes unhealthy, Amazon EC2 Auto Scaling launches a
// replacement to maintain the desired capacity" (EC2 Auto Scaling User
// Guide, "Health checks for instances in an Auto Scaling group" and
// "Replace unhealthy instances"). The fake replaces an instance of a group
// lost with LoseInstance: the replacement registers with the cluster the
// group's JoinAfter later, as a launched instance does, and then takes
// tasks waiting for the group's capacity.

// groupOfLocked returns the declared group in belongs to, or nil.
func (e *ECS) groupOfLocked(in *instance) *asgGroup {
	for _, name := range slices.Sorted(maps.Keys(e.asgs)) {
		if g := e.asgs[name]; slices.Contains(g.instances, in) {
			return g
		}
	}
	return nil
}

// groupInstanceLostLocked takes a lost (terminated) instance out of its
// group, if it has one, and launches the replacement.
func (e *ECS) groupInstanceLostLocked(in *instance, now time.Time) {
	g := e.groupOfLocked(in)
	if g == nil {
		return
	}
	g.instances = slices.DeleteFunc(g.instances, func(x *instance) bool { return x == in })
	e.fillGroupLocked(g, now)
}

// activeCount counts the group's ACTIVE instances.
func (g *asgGroup) activeCount() int {
	n := 0
	for _, in := range g.instances {
		if in.status == "ACTIVE" {
			n++
		}
	}
	return n
}

// fillGroupLocked launches the instances the group lacks to reach its
// desired capacity (those ACTIVE, launching and running unregistered
// count: EC2 Auto Scaling sees an instance whose agent cannot register
// as in service).
func (e *ECS) fillGroupLocked(g *asgGroup, now time.Time) {
	if k := g.desired - g.activeCount() - g.launching - g.unregistered; k > 0 && g.c.status == "ACTIVE" {
		e.launchGroupInstancesLocked(g, k, now)
	}
}

// launchGroupInstancesLocked launches k instances of g; their agents
// register with the cluster JoinAfter later (registerGroupLocked) and
// the instances take tasks waiting for the group's provider.
func (e *ECS) launchGroupInstancesLocked(g *asgGroup, k int, now time.Time) {
	g.launching += k
	g.lastLaunch = now
	e.scheduleLocked(now.Add(g.spec.JoinAfter), func(now time.Time) {
		g.launching -= k
		if g.c.status != "ACTIVE" {
			return
		}
		g.unregistered += k
		e.registerGroupLocked(g, now)
		if live := e.providers[g.provider]; live != nil {
			e.placeWaitingLocked(live, now)
			e.scalingSoonLocked(live, now)
		}
	})
}
