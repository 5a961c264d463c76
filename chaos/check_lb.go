package chaos

// checkLoadBalanced evaluates the load balancer invariants (each task is
// reported once):
//
//   - lb-healthy: no task is counted healthy by the service scheduler
//     unless every one of its targets has been healthy (ECS counts a task
//     behind a load balancer only once its targets pass the health checks);
//   - lb-registered: every RUNNING task has its targets registered (not
//     removed) unless it is being stopped.
func (c *Checker) checkLoadBalanced(s Snapshot, bad reporter) {
	report := func(inv, task, format string, args ...any) {
		if !c.lbBad[inv+task] {
			c.lbBad[inv+task] = true
			bad(inv, task, format, args...)
		}
	}
	for _, t := range s.LoadBalanced {
		c.Checks += 2
		if t.CountedHealthy {
			if len(t.Targets) == 0 {
				report("lb-healthy", t.TaskArn, "counted healthy with no registered target (service %s)", t.Service)
			}
			for _, tg := range t.Targets {
				if !tg.EverHealthy {
					report("lb-healthy", t.TaskArn, "counted healthy but target %s:%d in %s was never healthy (now %s)", tg.ID, tg.Port, tg.TargetGroupArn, tg.State)
				}
			}
		}
		if t.LastStatus == "RUNNING" && !t.Stopping {
			if len(t.Targets) == 0 {
				report("lb-registered", t.TaskArn, "RUNNING without a registered target (service %s)", t.Service)
			}
			for _, tg := range t.Targets {
				if tg.State == "removed" || tg.State == "draining" {
					report("lb-registered", t.TaskArn, "RUNNING, not stopping, but target %s:%d is %s", tg.ID, tg.Port, tg.State)
				}
			}
		}
	}
}

// lbSettled maps each task behind a load balancer to whether all its
// targets are healthy now (the scheduler's "healthy" for such a task).
func lbSettled(s Snapshot) map[string]bool {
	m := make(map[string]bool, len(s.LoadBalanced))
	for _, t := range s.LoadBalanced {
		ok := len(t.Targets) > 0
		for _, tg := range t.Targets {
			ok = ok && tg.State == "healthy"
		}
		m[t.TaskArn] = ok
	}
	return m
}
