package plan

// The bake time of deployments watched by deployment alarms (ECS Developer
// Guide, "How CloudWatch alarms detect Amazon ECS deployment failures"):
// "The bake time is a period of time after a new service version has
// scaled out and the old service version has scaled in, during which
// Amazon ECS continues to monitor the alarm associated with the
// deployment", and "When the service reaches a steady state and the bake
// time is complete, the rollout state transitions to COMPLETED". The
// length is the caller's (Service.Bake): ECS computes it from the alarms'
// configuration and does not publish how.
//
// The bake starts the first time the primary deployment has scaled out
// and the older ones in (the rest of rollout's condition holds) and ends
// Service.Bake later (Deployment.BakeUntil, fixed then); the deployment
// completes at the first plan, at or after that instant, at which the
// condition holds again. The planner asks to be woken at BakeUntil, so
// completion comes at that very instant when nothing else changed. While
// it bakes the deployment is IN_PROGRESS: an alarm (Service.Alarm) or the
// circuit breaker fails it as during the rollout. A rollback (a revived
// deployment, RevivedAt set) does not bake: it returns to the last
// revision that completed, which baked then.

// baked reports whether the primary deployment's bake is over, when
// rollout's condition otherwise holds: it starts the bake at the first
// call and asks for a wake-up at its end.
func (c *computation) baked() bool {
	bake := c.s.Service.Bake
	p := c.primary
	if bake <= 0 || !p.orig.RevivedAt.IsZero() {
		return true
	}
	d := &p.next
	if d.BakeUntil.IsZero() {
		d.BakeUntil = c.s.Now.Add(bake)
	}
	if c.s.Now.Before(d.BakeUntil) {
		c.wake(d.BakeUntil)
		return false
	}
	return true
}
