package fake

import (
	"fmt"
	"time"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
	"github.com/ecsdeploy/ecsdeploy/internal/debugcheck"
)

// Planner passes that cannot change anything are skipped. A service is
// planned at each instant one of its tasks changes (touchTaskLocked), and
// most task changes matter to the planner; but a task going from PENDING
// to ACTIVATING, or from DEACTIVATING to STOPPING, leaves its row alike to
// the one the last pass planned with (plan.Alike: the planner does not
// tell those statuses apart). The state a pass leaves is one the planner
// has nothing more to do in (touchServiceLocked: changes made while a
// plan is applied do not count, the plan foresaw them), and time changes
// the plan only at the wake-ups it asked for, which touch the service
// (touchServiceLocked sets service.mustPlan, as every change but a task's
// does). So when only tasks changed since the last pass, and the rows
// the snapshot rewrites are all alike to what they held
// (snapshotTasksLocked's seen), the pass would plan nothing: no start,
// stop, mark, event, deployment change or new wake-up, and the task
// counts noted after a pass are those of the last one. The pass then ends
// once the rows are rewritten. In a crash loop (BenchmarkCatchUp) two of
// the five passes of each task life are such passes.
//
// The service is still put on the reconcile's list at that instant, with
// its empty event (queueServiceLocked), so that the events scheduled, and
// with them the tasks' sequence numbers, stay those of a run that plans
// it. Under debugcheck.VerifySnapshots every skipped pass is computed all
// the same, on a snapshot rebuilt from every task, and must plan nothing
// (verifySkippedLocked).

// A skipped pass need not even rewrite the rows (the walk over every row
// and the rewrite of the changed ones cost about a third of a snapshot's
// work in a crash loop) when it is known without them that every change
// leaves its row alike: the lifecycle steps PENDING to ACTIVATING,
// DEACTIVATING to STOPPING and STOPPING to DEPROVISIONING change nothing
// the planner reads but lastStatus (stepStatusLocked), and every other
// change of a task goes through noteChanged, which clears
// service.snapAlike. The rows of those tasks stay marked, and the next
// snapshot rewrites them with whatever else changed by then.

// touchStepLocked is touchTaskLocked for a lifecycle step that changed
// only t's lastStatus, from from: it leaves service.snapAlike set when the
// two statuses are alike to the planner (plan.DistinctStatus).
func (e *ECS) touchStepLocked(t *task, from string) {
	s := t.svc
	if s == nil {
		e.touchTaskLocked(t)
		return
	}
	alike := s.snapAlike && !plan.DistinctStatus(from) && !plan.DistinctStatus(t.lastStatus)
	e.touchTaskLocked(t)
	s.snapAlike = alike
}

// restsAlike reports whether s's rows, without a snapshot, are known to be
// alike to those of its tasks as they are: only alike lifecycle steps
// (touchStepLocked) changed its tasks since the last snapshot, the rows
// are in step with the tasks, and nothing rewrites rows without a task
// change (load balancers, a DRAINING instance: snapshotTasksLocked's
// forced snapshots). Under debugcheck.VerifySnapshots the claim is
// checked row by row (verifyAlikeLocked).
func (e *ECS) restsAlike(s *service) bool {
	if !s.snapAlike || !s.snapInStep() || s.snapForced || len(s.loadBalancers) > 0 || clusterHasDraining(s.c) {
		return false
	}
	if debugcheck.VerifySnapshots.Load() {
		e.verifyAlikeLocked(s)
	}
	return true
}

// verifyAlikeLocked panics unless every row of s is alike to a fresh row
// of its task (tests only: debugcheck.VerifySnapshots).
func (e *ECS) verifyAlikeLocked(s *service) {
	for i, t := range s.tasks {
		var want plan.Task
		e.snapshotRowLocked(&want, t)
		if !plan.Alike(&s.snap[i], &want) {
			panic(fmt.Sprintf("service %s: a pass skipped without a snapshot: row %d is %+v, the task's %+v", s.name, i, s.snap[i], want))
		}
	}
	debugcheck.AlikeRowsVerified.Add(1)
}

// queueServiceLocked puts s on the list of services the reconcile at this
// instant plans (once), with an empty event at this instant: a change made
// by an API call must be planned at its own instant, not at the next
// queued event.
func (e *ECS) queueServiceLocked(s *service) {
	if s.dirty {
		return
	}
	s.dirty = true
	e.dirty = append(e.dirty, s)
	e.scheduleLocked(e.simNow, func(time.Time) {})
}

// mayRestLocked reports whether a pass of s may be skipped when only its
// tasks changed since its last pass, each leaving its row alike: s is ACTIVE
// (a DRAINING service settles on its tasks' statuses: settleDrainingLocked),
// without load balancers (target health moves on its own), without a
// scaling activity waiting for its tasks (settleScalingLocked), without
// deployment alarms (an alarm's period sets the bake time it plans with)
// and not deploying blue/green (a blue/green deployment is stepped after
// each pass, stepBlueGreenLocked, also without a load balancer).
func (s *service) mayRestLocked() bool {
	al := s.deployCfg.Alarms
	return s.status == serviceActive && len(s.loadBalancers) == 0 && s.scaling.activityID == "" &&
		(al == nil || !al.Enable) && s.alarm == (plan.DeploymentAlarm{}) && blueGreenOf(s) == nil
}

// skipPassLocked ends a pass of s that would plan nothing (only changes
// alike to the planner since the last pass), its rows rewritten.
func (e *ECS) skipPassLocked(s *service, now time.Time) {
	s.skipped++
	if debugcheck.VerifySnapshots.Load() {
		e.verifySkippedLocked(s, now)
	}
}

// verifySkippedLocked panics unless a pass of s at now would plan nothing
// and change none of the counts noted after a pass (tests only:
// debugcheck.VerifySnapshots). It reads every task afresh and modifies
// nothing.
func (e *ECS) verifySkippedLocked(s *service, now time.Time) {
	if len(s.deployments) == 0 {
		return // not planned at all (scheduleServiceLocked)
	}
	rows := make([]plan.Task, len(s.tasks))
	for i, t := range s.tasks {
		e.snapshotRowLocked(&rows[i], t)
	}
	snap := plan.Snapshot{Service: e.planConfigLocked(s, s.alarm), Deployments: planDeployments(s, nil), Tasks: rows, Now: now}
	p := plan.Compute(snap)
	m, was := p.Service, s.marks
	empty := len(p.Starts) == 0 && len(p.Stops) == 0 && len(p.Deployments) == 0 && len(p.Marks) == 0 &&
		len(p.Events) == 0 && p.RolledBackTo == "" && p.NextWakeup.Equal(s.wakeAt) &&
		m.Steady == was.Steady && m.Blocked == was.Blocked && m.SteadyEventAt.Equal(was.SteadyEventAt) &&
		m.UnableToStartAt.Equal(was.UnableToStartAt)
	if !empty {
		panic(fmt.Sprintf("service %s: a skipped pass at %v plans %+v (marks were %+v, wake-up %v)", s.name, now, p, was, s.wakeAt))
	}
	if sm := e.metrics.svc[s]; sm != nil && len(sm.counts) > 0 {
		if n, last := countRunning(s.tasks), sm.counts[len(sm.counts)-1].n; n != last {
			panic(fmt.Sprintf("service %s: a skipped pass at %v: %d tasks RUNNING, %d noted", s.name, now, n, last))
		}
	}
	debugcheck.SkippedPassesVerified.Add(1)
}
