package fake

import (
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// The service scheduler is a dumb applier of the pure planner
// (fake/internal/plan): for each service that changed it builds a
// plan.Snapshot, calls plan.Compute and applies the Plan in the order the
// plan package documents.

// drainingDeployment is the deployment id the snapshot gives tasks on
// DRAINING instances, so that the planner replaces and drains them.
const drainingDeployment = "draining"

// unplacedRepeat is how long an identical "unable to place a task" event is
// not repeated.
const unplacedRepeat = 5 * time.Minute

// touchServiceLocked marks s for planning at the next reconcile. Changes
// made while s's own plan is applied do not count (the plan foresaw them).
func (e *ECS) touchServiceLocked(s *service) {
	if e.applying == s || s.status == serviceInactive {
		return
	}
	// More than a task changed: plan it.
	s.mustPlan = true
	e.queueServiceLocked(s) // scheduler_skip.go
}

// wakeServiceLocked makes the scheduler plan s at virtual time at (used by
// the API after a change, so that the plan runs at the instant of the call).
func (e *ECS) wakeServiceLocked(s *service, at time.Time) {
	e.scheduleLocked(at, func(time.Time) { e.touchServiceLocked(s) })
}

// scheduleServiceLocked plans one service at now and applies the plan. After
// a rollback revived a deployment, or tasks could not be placed, the
// service is planned again at once. A pass that would plan nothing is
// skipped (scheduler_skip.go).
func (e *ECS) scheduleServiceLocked(s *service, now time.Time) {
	mayRest := !s.mustPlan && s.mayRestLocked()
	s.mustPlan = false // this pass sees every change so far
	if s.status == serviceInactive || len(s.deployments) == 0 {
		return
	}
	if mayRest && e.restsAlike(s) { // scheduler_skip.go
		e.skipPassLocked(s, now)
		return
	}
	rows, seen := e.snapshotTasksLocked(s) // scheduler_snapshot.go
	if mayRest && !seen {
		e.skipPassLocked(s, now)
		return
	}
	e.applying = s
	defer func() { e.applying = nil }()
	// The plan's slices are reused pass after pass; a pass that somehow
	// ran inside another would take a fresh one.
	p := e.planBuf
	e.planBuf = nil
	if p == nil {
		p = new(plan.Plan)
	}
	again := true
	for i := 0; again && i < 4; i++ { // a rollback and a placement shortfall replan once each
		if i > 0 {
			rows, _ = e.snapshotTasksLocked(s)
		}
		snap := e.snapshotLocked(s, rows, now)
		s.plans++
		plan.ComputeInto(&snap, p)
		again = e.applyPlanLocked(s, *p, now)
		if !again && blueGreenLive(s) != nil {
			// bluegreen.go; a pass that stopped a released deployment's
			// tasks starts green's at the next one (they no longer count).
			again = e.stepBlueGreenLocked(s, now) || (i == 0 && len(p.Stops) > 0 && len(p.Starts) == 0)
		}
	}
	e.planBuf = p
	if again { // still something to count: plan again from the event queue
		e.setWakeupLocked(s, now)
	}
	e.settleDrainingLocked(s, now)
	e.noteTaskCountLocked(s, now)
	e.settleScalingLocked(s, now)
}

// snapshotLocked builds the planner's view of s at now, with rows the
// view of its tasks (snapshotTasksLocked); it takes the deployment alarm
// waiting for this plan.
func (e *ECS) snapshotLocked(s *service, rows []plan.Task, now time.Time) plan.Snapshot {
	snap := plan.Snapshot{
		Service:     e.planConfigLocked(s, s.takeAlarm()),
		Deployments: planDeployments(s, s.snapDeps[:0]),
		Tasks:       rows,
		Now:         now,
	}
	s.snapDeps = snap.Deployments
	return snap
}

// planConfigLocked is the planner's view of s's configuration and marks,
// with alarm as the deployment alarm that fired since the last plan.
func (e *ECS) planConfigLocked(s *service, alarm plan.DeploymentAlarm) plan.Service {
	cfg := s.deployCfg
	ps := plan.Service{
		Name:                   s.name,
		DesiredCount:           s.desired,
		MinimumHealthyPercent:  int(aws.ToInt32(cfg.MinimumHealthyPercent)),
		MaximumPercent:         int(aws.ToInt32(cfg.MaximumPercent)),
		HealthCheckGracePeriod: time.Duration(aws.ToInt32(s.grace)) * time.Second,
		Marks:                  s.marks,
		Alarm:                  alarm,
		Bake:                   e.bakeLocked(s), // deployment_alarms.go
	}
	if cb := cfg.DeploymentCircuitBreaker; cb != nil {
		ps.CircuitBreaker = plan.CircuitBreaker{Enable: cb.Enable, Rollback: cb.Rollback,
			KeepFailuresOnHealthy: cb.ResetOnHealthyTask != nil && !*cb.ResetOnHealthyTask}
		if tc := cb.ThresholdConfiguration; tc != nil {
			ps.CircuitBreaker.ThresholdType = plan.ThresholdType(tc.Type)
			ps.CircuitBreaker.ThresholdValue = int(tc.Value)
		}
	}
	ps.Throttle = plan.Throttle{Base: e.cfg.timing.ThrottleBase, Cap: e.cfg.timing.ThrottleCap}
	if isBlueGreen(s.deployCfg) || blueGreenOf(s) != nil {
		blueGreenSnapshot(s, &ps) // bluegreen.go
	}
	return ps
}

// planDeployments appends the planner's view of s's deployments to dst.
func planDeployments(s *service, dst []plan.Deployment) []plan.Deployment {
	for _, d := range s.deployments {
		dst = append(dst, plan.Deployment{
			ID: d.id, Status: d.status, TaskDefinition: d.td.arn, DesiredCount: d.desired,
			RolloutState: d.rolloutState, RolloutStateReason: d.reason, FailedTasks: d.failedTasks,
			CreatedAt: d.createdAt, HasHealthCheck: hasEssentialHealthCheck(d.td),
			ReachedRunning: d.reachedRunning, RevivedAt: d.revivedAt, PlacementFailures: d.unplaced, Backoff: d.backoff,
			BakeUntil: d.bakeUntil,
		})
	}
	return dst
}

// hasEssentialHealthCheck reports whether an essential container of td has
// a health check (then tasks count as healthy only when HEALTHY).
func hasEssentialHealthCheck(td *taskDef) bool {
	for _, cd := range td.def.ContainerDefinitions {
		if cd.HealthCheck != nil && aws.ToBool(cd.Essential) {
			return true
		}
	}
	return false
}

// applyPlanLocked performs p on s in the plan package's order. It reports
// whether s must be planned again at once: a rollback revived a deployment,
// or tasks could not be placed (the planner counts them).
func (e *ECS) applyPlanLocked(s *service, p plan.Plan, now time.Time) bool {
	// 1. Deployment updates.
	for _, u := range p.Deployments {
		d := s.deploymentByID(u.ID)
		if d == nil {
			continue
		}
		d.status, d.desired, d.rolloutState, d.reason = u.Status, u.DesiredCount, u.RolloutState, u.RolloutStateReason
		d.failedTasks, d.reachedRunning, d.backoff = u.FailedTasks, u.ReachedRunning, u.Backoff
		d.revivedAt, d.unplaced, d.bakeUntil = u.RevivedAt, u.PlacementFailures, u.BakeUntil
		d.updatedAt = now
	}
	e.syncServiceDeploymentsLocked(s, now) // the service deployments follow (service_deployments.go)
	// 2. A rollback revived the last COMPLETED deployment: plan again (this
	// plan starts and stops nothing). Its events (failed, rolling back)
	// are kept.
	if p.RolledBackTo != "" {
		e.applyMarksLocked(s, p)
		s.marks = p.Service
		for _, msg := range p.Events {
			e.addEventLocked(s, msg, now)
		}
		return true
	}
	// 3. Task marks; 4. service marks.
	e.applyMarksLocked(s, p)
	s.marks = p.Service
	// 5. Stops (within a capacity provider strategy, the providers over
	// their share first: capacity_place.go).
	for _, st := range e.capacityStopsLocked(s, p.Stops) {
		if t := e.tasks.get(st.TaskID); t != nil && t.svc == s {
			e.stopTaskLocked(t, st.StopCode, st.Reason, now)
		}
	}
	// 6. Starts.
	unplaced := false
	for _, st := range p.Starts {
		if n := e.startServiceTasksLocked(s, st, now); n > 0 {
			if d := s.deploymentByID(st.DeploymentID); d != nil {
				d.unplaced += n
				unplaced = true
			}
		}
	}
	// 7. Events.
	for _, msg := range p.Events {
		e.addEventLocked(s, msg, now)
	}
	// 8. Wake-ups.
	e.setWakeupLocked(s, p.NextWakeup)
	e.pruneLocked(s)
	return unplaced
}

// applyMarksLocked sets the planner's accounting flags on tasks. The
// marked tasks are s's (the snapshot's): they are found in the snapshot's
// rows (one per task of s.tasks, in the same order), whose flags are set
// too, at the row the mark names (plan.TaskMark.Row) or else by binary
// search (the rows are sorted by id); s.tasks, then the cluster-wide task
// map, are read only for a task not found there. The planner lists marks
// in the snapshot's order, so each search starts after the previous
// mark's row (and over every row when that misses).
func (e *ECS) applyMarksLocked(s *service, p plan.Plan) {
	inStep := s.snapInStep()
	from := 0
	for _, m := range p.Marks {
		var t *task
		var row *plan.Task
		if inStep && m.Row >= 0 && m.Row < len(s.snap) && s.snap[m.Row].ID == m.TaskID {
			t, row = s.tasks[m.Row], &s.snap[m.Row]
			from = m.Row + 1
		} else if inStep {
			i := rowIndexFrom(s.snap, from, m.TaskID)
			if i < 0 && from > 0 {
				i = rowIndex(s.snap, m.TaskID)
			}
			if i >= 0 {
				t, row = s.tasks[i], &s.snap[i]
				from = i + 1
			}
		} else {
			t = serviceTaskByID(s, m.TaskID)
		}
		if t == nil || t.forgotten {
			t, row = e.tasks.get(m.TaskID), nil
		}
		if t == nil {
			continue
		}
		t.failureCounted = t.failureCounted || m.FailureCounted
		t.healthyCounted = t.healthyCounted || m.HealthyCounted
		switch {
		case row != nil:
			row.FailureCounted, row.HealthyCounted = t.failureCounted, t.healthyCounted
		case t.svc != nil:
			t.svc.noteChanged(t) // its planner row (scheduler_snapshot.go)
		}
	}
}

// serviceTaskByID returns s's task with id (s.tasks is sorted by id), or
// nil.
func serviceTaskByID(s *service, id string) *task {
	i, ok := slices.BinarySearchFunc(s.tasks, id, func(t *task, id string) int { return strings.Compare(t.id(), id) })
	if !ok {
		return nil
	}
	return s.tasks[i]
}

// setWakeupLocked asks for a plan of s at `at` (zero: no time-based wake-up).
// Superseded wake-ups are ignored when they fire.
func (e *ECS) setWakeupLocked(s *service, at time.Time) {
	if at.IsZero() {
		s.wakeAt = time.Time{}
		return
	}
	if s.wakeAt.Equal(at) {
		return
	}
	s.wakeAt = at
	e.scheduleLocked(at, func(time.Time) {
		if s.wakeAt.Equal(at) { // not superseded by a later plan
			s.wakeAt = time.Time{}
			e.touchServiceLocked(s)
		}
	})
}

// pruneLocked drops STOPPED tasks the planner has now seen, and INACTIVE
// deployments other than the newest COMPLETED one (a rollback target).
func (e *ECS) pruneLocked(s *service) {
	s.pruneStoppedLocked() // scheduler_snapshot.go
	keep := -1
	for i := len(s.deployments) - 1; i >= 0; i-- {
		d := s.deployments[i]
		if d.status == plan.StatusInactive && d.rolloutState == types.DeploymentRolloutStateCompleted {
			keep = i
			break
		}
	}
	n := 0
	var dropped []*taskDef
	for i, d := range s.deployments {
		if d.status != plan.StatusInactive || i == keep || len(s.deployments) == 1 {
			s.deployments[n] = d
			n++
		} else {
			dropped = append(dropped, d.td)
		}
	}
	clear(s.deployments[n:])
	s.deployments = s.deployments[:n]
	for _, td := range dropped {
		e.maybeDeleteTaskDefLocked(td)
	}
}

// wakeServicesOnLocked plans, at now, every service with a task on inst
// (its tasks must move when the instance starts DRAINING), in service
// creation order.
func (e *ECS) wakeServicesOnLocked(inst *instance, now time.Time) {
	has := map[*service]bool{}
	for _, t := range inst.tasks {
		if t.svc != nil {
			has[t.svc] = true
		}
	}
	for _, s := range e.svcOrder {
		if has[s] {
			e.wakeServiceLocked(s, now)
		}
	}
}
