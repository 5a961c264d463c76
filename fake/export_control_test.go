package fake

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ControlStateForTest renders what the /_fake/v1 controls can change that
// the ECS API does not show: events scheduled and queued, the random
// source, task, operation and target health faults, Auto Scaling groups,
// every container instance's status and version, the loads set on
// services and whether Fargate Spot has capacity. Two equal renderings
// mean a control changed none of it.
func ControlStateForTest(e *ECS) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var b strings.Builder
	rng, _ := e.pcg.MarshalBinary()
	ids, _ := e.ids.MarshalBinary()
	fmt.Fprintf(&b, "events scheduled %d queued %d; rng %x ids %x; spot unavailable %v\n", e.seq, e.events.Len(), rng, ids, e.spotUnavailable)
	for _, fs := range e.faults {
		js, _ := fs.f.MarshalJSON()
		fmt.Fprintf(&b, "task fault %s used %d\n", js, fs.used)
	}
	for _, op := range slices.Sorted(maps.Keys(e.opFaults)) {
		for _, f := range e.opFaults[op] {
			fmt.Fprintf(&b, "operation fault %s %+v\n", op, *f)
		}
	}
	for _, fs := range e.elb.faults {
		fmt.Fprintf(&b, "target health fault %+v used %d\n", fs.f, fs.used)
	}
	for _, name := range slices.Sorted(maps.Keys(e.asgs)) {
		g := e.asgs[name]
		fmt.Fprintf(&b, "asg %s %s desired %d instances %d launching %d unregistered %d %q spec %+v\n", g.name, g.arn, g.desired, len(g.instances), g.launching,
			g.unregistered, g.regErr, g.spec)
	}
	for _, id := range slices.Sorted(maps.Keys(e.instances)) {
		in := e.instances[id]
		fmt.Fprintf(&b, "instance %s %s version %d connected %v tasks %d\n", in.arn, in.status, in.version, in.connected, len(in.tasks))
	}
	for _, s := range e.svcOrder {
		if m := e.metrics.svc[s]; m != nil {
			fmt.Fprintf(&b, "loads %s %d\n", s.arn, len(m.loads))
		}
	}
	return b.String()
}
