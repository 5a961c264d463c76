package fake

import (
	"fmt"

	"github.com/ecsdeploy/ecsdeploy/internal/debugcheck"
)

// The reuse of task storage (task_alloc.go) is safe only while nothing
// refers to storage on the free list: freedTasksReachable checks that for
// the package's tests and, through debugcheck, for the chaos runner's.

func init() {
	debugcheck.FreedTasksReachable = func(x any) []string { return freedTasksReachable(x.(*ECS)) }
	debugcheck.TaskStorageReused = func(x any) (uint64, int) {
		e := x.(*ECS)
		e.mu.Lock()
		defer e.mu.Unlock()
		n := 0
		for _, l := range e.taskFree.byN {
			n += len(l)
		}
		return e.taskFree.reused, n
	}
}

// freedTasksReachable returns a description of every place that still
// refers to a task whose storage is on the free list, or to one of its
// containers (nothing may), and of every broken free-list invariant, or
// nil. The holders are every place a *task or *container is kept beyond
// a call (the audit of task_alloc.go's reuse): the event queue, the task
// table and its queue, each cluster's task list, index, filing queue and ID batch, each service's task list and
// planner changes (services replaced or deleted included), instances,
// load-balancer targets, capacity waits, awslogs streams and the retired
// list. An orphan's forget closure is not inspected: orphaned tasks are
// never reused (reusable).
func freedTasksReachable(e *ECS) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	free := map[*task]bool{}
	freeCont := map[*container]bool{}
	var bad []string
	for n, l := range e.taskFree.byN {
		for _, st := range l {
			if free[&st.t] {
				bad = append(bad, fmt.Sprintf("free list %d holds a storage twice", n))
			}
			free[&st.t] = true
			if st.n() != n {
				bad = append(bad, fmt.Sprintf("free list %d holds a storage for %d containers", n, st.n()))
			}
			if st.more == nil {
				freeCont[&st.one] = true
			}
			for i := range st.more {
				freeCont[&st.more[i]] = true
			}
		}
	}
	check := func(where string, t *task) {
		if t != nil && free[t] {
			bad = append(bad, where)
		}
	}
	queued := map[*task]uint32{}
	e.events.each(func(ev *event, t *task) {
		check("queued event", t)
		if t != nil && ev.fn == nil {
			queued[t]++
		}
	})
	for t, n := range queued {
		if t.pending != n {
			bad = append(bad, fmt.Sprintf("task %s: %d events queued, pending %d", t.id(), n, t.pending))
		}
	}
	for _, t := range e.tasks.queue { // dropped ones too
		check("e.tasks queue", t)
	}
	for t := range e.tasks.all() {
		check("e.tasks", t)
		if t.pending != queued[t] {
			bad = append(bad, fmt.Sprintf("task %s: %d events queued, pending %d", t.id(), queued[t], t.pending))
		}
	}
	for _, c := range e.clusters {
		for _, t := range c.tasks {
			check("cluster "+c.name+" task list", t)
		}
		for k, l := range c.taskIndex {
			for t := range l.all(0) {
				check("task index "+k.value, t)
			}
		}
		for _, t := range c.filing.tasks {
			check("cluster "+c.name+" filing queue", t)
		}
		for _, t := range c.ids.tasks[:c.ids.n] {
			check("cluster "+c.name+" ID batch", t)
		}
	}
	services := map[*service]bool{}
	for _, s := range e.svcOrder {
		services[s] = true
	}
	for _, s := range e.services {
		services[s] = true
	}
	for _, s := range e.dirty {
		services[s] = true
	}
	for s := range services {
		for _, t := range s.tasks {
			check("service "+s.name, t)
		}
		for _, t := range s.snapChanged {
			check("service "+s.name+" snapshot changes", t)
		}
	}
	for _, in := range e.instances {
		for _, t := range in.tasks {
			check("instance "+in.id, t)
		}
	}
	for _, tg := range e.elb.tgs {
		for _, x := range tg.targets {
			check("target", x.task)
		}
	}
	for _, cp := range e.providers {
		for _, t := range cp.waiting {
			check("capacity wait", t)
		}
	}
	for c := range e.logs.streamOf {
		if freeCont[c] {
			bad = append(bad, "awslogs stream of a container")
		}
	}
	for _, t := range e.taskFree.retired {
		check("retired list", t)
	}
	return bad
}
