package fake

import (
	"slices"
	"time"
)

// A deregistered container instance is INACTIVE, and ECS forgets it an
// hour later: "If you deregister or terminate a container instance, the
// container instance status changes to INACTIVE immediately, and the
// container instance is no longer reported when you list your container
// instances. However, you can still describe the container instance for
// one hour following termination. After one hour, the instance description
// is no longer available." (Amazon ECS Developer Guide, "Container
// instance lifecycle"). The fake forgets each INACTIVE instance
// instanceRetention after it became INACTIVE, with scheduled events (no
// polling; one pending per cluster), and remembers at most maxInactiveInstances of them per
// cluster, forgetting the oldest first, so that a register/deregister loop
// cannot grow a cluster without bound even when virtual time stands still.
// A forgotten instance is unknown everywhere (DescribeContainerInstances
// MISSING, StartTask MISSING, ListTasks, PutAttributes, tags, LoseInstance);
// the STOPPED tasks that ran on it keep its ARN until they are forgotten.

// instanceRetention is how long an INACTIVE container instance stays
// describable (see above).
const instanceRetention = time.Hour

// maxInactiveInstances bounds the INACTIVE instances a cluster remembers
// (the fake's model: ECS documents no such bound).
const maxInactiveInstances = 1000

// retireInstanceLocked records that in has just become INACTIVE: it is
// forgotten instanceRetention later, or sooner when its cluster remembers
// more than maxInactiveInstances INACTIVE instances.
func (e *ECS) retireInstanceLocked(in *instance, now time.Time) {
	c := in.cluster
	in.inactiveAt = now
	c.inactive = append(c.inactive, in)
	for len(c.inactive) > maxInactiveInstances {
		e.forgetOldestInactiveLocked(c)
	}
	e.armInstanceForgetLocked(c)
}

// armInstanceForgetLocked schedules the forgetting of c's oldest
// remembered INACTIVE instance, unless it is scheduled. One event per
// cluster is pending at a time, not one per instance: an event holds what
// it will forget, so per-instance events would let memory grow with the
// instances retired while virtual time stands still. When it runs it
// forgets every instance whose hour is over and arms the next.
func (e *ECS) armInstanceForgetLocked(c *cluster) {
	if c.forgetArmed || len(c.inactive) == 0 {
		return
	}
	c.forgetArmed = true
	e.scheduleLocked(c.inactive[0].inactiveAt.Add(instanceRetention), func(now time.Time) {
		c.forgetArmed = false
		for len(c.inactive) > 0 && !now.Before(c.inactive[0].inactiveAt.Add(instanceRetention)) {
			e.forgetOldestInactiveLocked(c)
		}
		e.armInstanceForgetLocked(c)
	})
}

// forgetOldestInactiveLocked forgets the oldest remembered INACTIVE
// instance of c, the head of c.inactive (instances become INACTIVE and are
// forgotten in the same order: one retention for all, and the cap takes
// the oldest): it leaves its cluster, the fake's instance table, its tags
// and its Auto Scaling group, and the queue.
func (e *ECS) forgetOldestInactiveLocked(c *cluster) {
	in := c.inactive[0]
	c.inactive[0] = nil
	c.inactive = c.inactive[1:]
	if len(c.inactive) == 0 {
		c.inactive = nil // let the array go
	}
	if i := slices.Index(c.instances, in); i >= 0 {
		c.instances = slices.Delete(c.instances, i, i+1)
	}
	if e.instances[in.id] == in {
		delete(e.instances, in.id)
	}
	if len(e.tags) > 0 {
		delete(e.tags, in.arn)
	}
	if g := e.groupOfLocked(in); g != nil {
		g.instances = slices.DeleteFunc(g.instances, func(x *instance) bool { return x == in })
	}
}
