package fake

import (
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// ECS-native blue/green deployments (deploymentConfiguration.strategy
// BLUE_GREEN, LINEAR or CANARY) of REPLICA services behind Application
// Load Balancer target groups, or without a load balancer (the same
// stages, no traffic to shift); see docs/ecs-semantics.md, "Blue/green
// deployments". The stages are decided by plan.StepBlueGreen; this file
// applies its steps, in one place (applyBlueGreenLocked):
//
//   - a new deployment (green) registers its tasks in the target group
//     that does not serve production: the alternate target group, or the
//     service's own after a blue/green deployment made the alternate one
//     production (the groups swap roles deployment after deployment);
//   - until CLEAN_UP the scheduler keeps blue's tasks (plan.Service.Hold;
//     at most desiredCount of them: a lower desiredCount scales blue in
//     too) and may run green's at 100% of desiredCount beside them, and
//     green does not complete (plan.Service.Staging);
//   - the test and production listener rules' forward weights move to
//     green (100, blue 0) in TEST_TRAFFIC_SHIFT and
//     PRODUCTION_TRAFFIC_SHIFT (LINEAR and CANARY: production in steps,
//     shiftsOf), through the ELBv2 fake's rule update
//     (setRuleActionsLocked), and back to blue on a rollback;
//   - a rule or target group deleted under the deployment fails the stage
//     whose ELB call needs it, and the service rolls back
//     (bluegreen_elb.go).
//
// The first deployment of a blue/green service has no blue to replace:
// it passes the same stages into the group the production rule does not
// serve (the alternate one, as the rules are set up), and the rules move
// to it (docs/ecs-semantics.md, "Blue/green deployments": users found the
// alternate group holding the tasks and weighted 100 after a stack's first
// deployment, and a failing lifecycle hook fails a service's creation).

// bgRun is the progress of one blue/green deployment (its green).
type bgRun struct {
	// blue is the deployment that served production when green started.
	blue string
	// stage, since, ended and rolledBack are plan.StepBlueGreen's state.
	stage      types.ServiceDeploymentLifecycleStage
	since      time.Time
	ended      bool
	rolledBack bool
	// shifted production shifts were made, the last at shiftedAt
	// (LINEAR and CANARY make several).
	shifted   int
	shiftedAt time.Time
	// stages are the stages entered, in order, with their instants.
	stages []plan.StageChange
	// routing is where the rules were last set to send traffic; routed is
	// false until the first step set them.
	routing plan.Routing
	routed  bool
	// wakeAt is the wake-up last asked for (the end of the bake time).
	wakeAt time.Time
	// hold is the last step's plan.BlueGreenStep.Hold: green's stages keep
	// blue and keep green from completing (blueGreenStaging). It starts
	// true: the core holds from a deployment's first stage, and the first
	// step comes after the first plan.
	hold bool
}

// isBlueGreen reports whether cfg's strategy is one of ECS's blue/green
// family: BLUE_GREEN, or LINEAR or CANARY, which deploy the same way and
// only shift production traffic in steps (shiftsOf).
func isBlueGreen(cfg types.DeploymentConfiguration) bool {
	switch cfg.Strategy {
	case types.DeploymentStrategyBlueGreen, types.DeploymentStrategyLinear, types.DeploymentStrategyCanary:
		return true
	}
	return false
}

// Defaults of the API Reference's CanaryConfiguration and
// LinearConfiguration.
const (
	defaultCanaryPercent     = 5.0
	defaultCanaryBakeMinutes = 10
	defaultStepPercent       = 10.0
	defaultStepBakeMinutes   = 6
)

// shiftsOf is how cfg's strategy moves production traffic (plan.Shifts).
func shiftsOf(cfg types.DeploymentConfiguration) plan.Shifts {
	switch cfg.Strategy {
	case types.DeploymentStrategyCanary:
		pct, bake := defaultCanaryPercent, int32(defaultCanaryBakeMinutes)
		if c := cfg.CanaryConfiguration; c != nil {
			pct, bake = valueOr(c.CanaryPercent, pct), valueOr(c.CanaryBakeTimeInMinutes, bake)
		}
		return plan.CanaryShifts(pct, time.Duration(bake)*time.Minute)
	case types.DeploymentStrategyLinear:
		pct, bake := defaultStepPercent, int32(defaultStepBakeMinutes)
		if c := cfg.LinearConfiguration; c != nil {
			pct, bake = valueOr(c.StepPercent, pct), valueOr(c.StepBakeTimeInMinutes, bake)
		}
		return plan.LinearShifts(pct, time.Duration(bake)*time.Minute)
	}
	return plan.Shifts{}
}

// valueOr is *p, or def when p is nil.
func valueOr[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// bakeOf is bakeTimeInMinutes as a duration.
func bakeOf(cfg types.DeploymentConfiguration) time.Duration {
	return time.Duration(aws.ToInt32(cfg.BakeTimeInMinutes)) * time.Minute
}

// targetGroupOf is the target group deployment d's tasks register in for
// the service's i-th load balancer (d nil or without its own: the
// service's targetGroupArn).
func targetGroupOf(s *service, d *deployment, i int) string {
	if d != nil && i < len(d.tgs) && d.tgs[i] != "" {
		return d.tgs[i]
	}
	if i < len(s.loadBalancers) {
		return aws.ToString(s.loadBalancers[i].TargetGroupArn)
	}
	return ""
}

// taskTargetGroup is the target group task t registers in for its
// service's i-th load balancer: its deployment's (a service that never
// had an advancedConfiguration: the service's, without a look-up).
func taskTargetGroup(s *service, t *task, i int) string {
	if !isBlueGreen(s.deployCfg) && s.loadBalancers[i].AdvancedConfiguration == nil {
		return aws.ToString(s.loadBalancers[i].TargetGroupArn)
	}
	return targetGroupOf(s, s.deploymentByID(t.startedBy), i)
}

// startBlueGreenLocked prepares d, which newDeploymentLocked just made
// s's PRIMARY, as a blue/green deployment when s's strategy is BLUE_GREEN
// (blue: the deployment whose target groups serve production,
// productionDeployment; none for the service's first deployment): d's
// tasks go to the other target group of each load balancer, the one the
// production rule does not serve when there is no blue (a service without
// one has the stages only).
//
// A rolling deployment of a service that was blue/green replaces the
// deployment serving production in its target groups (those the rules
// send production to), not necessarily the service's targetGroupArn.
func (e *ECS) startBlueGreenLocked(s *service, d *deployment) {
	if len(s.loadBalancers) == 0 && !isBlueGreen(s.deployCfg) {
		return
	}
	blue := productionDeployment(s, d)
	if !isBlueGreen(s.deployCfg) {
		if blue != nil && len(blue.tgs) == len(s.loadBalancers) {
			d.tgs = slices.Clone(blue.tgs)
		}
		return
	}
	d.bg = &bgRun{hold: true}
	if blue != nil {
		d.bg.blue = blue.id
	}
	if len(s.loadBalancers) == 0 {
		return // headless: the stages without traffic to shift
	}
	d.tgs = make([]string, len(s.loadBalancers))
	for i, lb := range s.loadBalancers {
		d.tgs[i] = aws.ToString(lb.TargetGroupArn)
		if lb.AdvancedConfiguration == nil {
			continue
		}
		serving := e.productionGroupLocked(lb)
		if blue != nil {
			serving = targetGroupOf(s, blue, i)
		}
		d.tgs[i] = otherTargetGroup(lb, serving)
	}
}

// productionGroupLocked is the group of lb's pair its production rule
// sends the most traffic to: the alternate group only when the rule
// weights it above targetGroupArn, else targetGroupArn (a rule or forward
// that cannot be read counts as serving targetGroupArn).
func (e *ECS) productionGroupLocked(lb types.LoadBalancer) string {
	tg, alt := aws.ToString(lb.TargetGroupArn), aws.ToString(lb.AdvancedConfiguration.AlternateTargetGroupArn)
	r := e.elb.rules[aws.ToString(lb.AdvancedConfiguration.ProductionListenerRule)]
	if r == nil {
		return tg
	}
	w := map[string]int32{}
	for _, a := range r.actions {
		if a.ForwardConfig != nil {
			for _, tt := range a.ForwardConfig.TargetGroups {
				w[aws.ToString(tt.TargetGroupArn)] += valueOr(tt.Weight, 1)
			}
		} else if a.TargetGroupArn != nil {
			w[aws.ToString(a.TargetGroupArn)]++
		}
	}
	if w[alt] > w[tg] {
		return alt
	}
	return tg
}

// productionDeployment is the deployment of s, other than the new d,
// whose target groups serve production traffic: the one that was PRIMARY
// before d (the latest created or revived of those not INACTIVE), or,
// when that one is a blue/green deployment that never received production
// traffic (superseded or failed before PRODUCTION_TRAFFIC_SHIFT), its
// blue. nil: s has no other deployment, or none whose groups serve
// production (the previous one was a first deployment that never got
// production traffic).
func productionDeployment(s *service, d *deployment) *deployment {
	var prev *deployment
	var since time.Time
	for _, o := range s.deployments {
		if o == d || o.status == plan.StatusInactive {
			continue
		}
		at := o.createdAt
		if o.revivedAt.After(at) {
			at = o.revivedAt
		}
		if prev == nil || !at.Before(since) {
			prev, since = o, at
		}
	}
	if prev != nil && prev.bg != nil && prev.bg.routing.Production == 0 {
		return s.deploymentByID(prev.bg.blue) // nil: a first deployment, production on no deployment's group
	}
	return prev
}

// blueGreenOf is s's blue/green deployment: the newest
// deployment, when it is one; nil otherwise.
func blueGreenOf(s *service) *deployment {
	if n := len(s.deployments); n > 0 && s.deployments[n-1].bg != nil {
		return s.deployments[n-1]
	}
	return nil
}

// blueGreenLive is s's blue/green deployment while its step has something
// left to decide: not ended (rolled back, failed) nor COMPLETED after
// CLEAN_UP; nil otherwise. A finished one is left alone, so its service
// is planned as any other.
func blueGreenLive(s *service) *deployment {
	d := blueGreenOf(s)
	if d == nil || d.bg.ended || d.bg.stage == types.ServiceDeploymentLifecycleStageCleanUp && d.rolloutState == types.DeploymentRolloutStateCompleted {
		return nil
	}
	return d
}

// blueGreenStaging is s's blue/green deployment while its stages keep it
// from completing and blue from being scaled in (plan.Service.Staging
// and Hold): while its last step held (plan.BlueGreenStep.Hold: before
// CLEAN_UP, not ended), unless what the step has not seen yet ended it:
// green is no longer the PRIMARY or IN_PROGRESS (a rollback or a
// failure in the plan since), or s is no longer ACTIVE (DeleteService
// stops both). nil otherwise.
func blueGreenStaging(s *service) *deployment {
	d := blueGreenOf(s)
	if d == nil || !d.bg.hold || s.status != serviceActive ||
		d.status != plan.StatusPrimary || d.rolloutState != types.DeploymentRolloutStateInProgress {
		return nil
	}
	return d
}

// blueGreenHold is the deployment the scheduler must keep for s's
// blue/green deployment (plan.Service.Hold): blue while blueGreenStaging;
// "" otherwise or when there is no blue (the first deployment).
func blueGreenHold(s *service) string {
	if d := blueGreenStaging(s); d != nil {
		return d.bg.blue
	}
	return ""
}

// stepBlueGreenLocked advances s's blue/green deployment after a plan was
// applied (plan.StepBlueGreen) and applies the step. It reports whether
// the scheduler must plan s again at once (the hold on blue changed).
func (e *ECS) stepBlueGreenLocked(s *service, now time.Time) bool {
	d := blueGreenLive(s)
	if d == nil {
		return false
	}
	holdBefore, stagingBefore := blueGreenHold(s), blueGreenStaging(s) != nil
	// Green's tasks as the planner sees them (their rows), counted as it
	// counts them.
	pd := plan.Deployment{ID: d.id, HasHealthCheck: hasEssentialHealthCheck(d.td)}
	rows := make([]plan.Task, 0, s.desired)
	for _, t := range s.tasks {
		if t.startedBy == d.id {
			rows = append(rows, plan.Task{})
			e.snapshotRowLocked(&rows[len(rows)-1], t)
		}
	}
	healthy := plan.CountHealthy(rows, &pd, time.Duration(aws.ToInt32(s.grace))*time.Second, now)
	step := plan.StepBlueGreen(plan.BlueGreenInput{
		Stage: d.bg.stage, Since: d.bg.since, Ended: d.bg.ended,
		Primary: d.status == plan.StatusPrimary, Rollout: d.rolloutState,
		GreenHealthy: healthy, Desired: s.desired, Bake: bakeOf(s.deployCfg),
		Shifts: shiftsOf(s.deployCfg), Shifted: d.bg.shifted, ShiftedAt: d.bg.shiftedAt,
		Routing: d.bg.routing, ELB: e.blueGreenELBLocked(s, d), Now: now,
	})
	e.applyBlueGreenLocked(s, d, step, now)
	if step.Failure != "" {
		// An ELB call failed (bluegreen_elb.go): green fails and rolls
		// back; the next step, at once, routes traffic back to blue.
		e.failBlueGreenLocked(s, d, step.Failure, now)
		e.stepBlueGreenLocked(s, now)
		return true
	}
	return blueGreenHold(s) != holdBefore || (blueGreenStaging(s) != nil) != stagingBefore
}

// applyBlueGreenLocked applies a step to green d: its stage (and its
// service deployment's), the listener rules, the wake-up at the end of the
// bake time.
func (e *ECS) applyBlueGreenLocked(s *service, d *deployment, step plan.BlueGreenStep, now time.Time) {
	bg := d.bg
	rollback := step.RolledBack && !bg.rolledBack // the rules follow the revived deployment, even with routing unchanged
	bg.stage, bg.since, bg.ended, bg.rolledBack = step.Stage, step.Since, step.Ended, bg.rolledBack || step.RolledBack
	bg.shifted, bg.shiftedAt, bg.hold = step.Shifted, step.ShiftedAt, step.Hold
	bg.stages = append(bg.stages, step.Entered...)
	if len(step.Entered) > 0 {
		if sd := s.serviceDeploymentOf(d.id); sd != nil {
			sd.stage = step.Stage
			sd.updatedAt = now
		}
	}
	if !bg.routed || rollback || step.Routing != bg.routing {
		e.routeBlueGreenLocked(s, d, step.Routing, step.RolledBack, now)
		bg.routing, bg.routed = step.Routing, true
	}
	if !step.Wake.IsZero() && !step.Wake.Equal(bg.wakeAt) {
		bg.wakeAt = step.Wake
		e.wakeServiceLocked(s, step.Wake)
	}
}

// routeBlueGreenLocked sets the forward weights of each load balancer's
// test and production listener rules: 100 to the target group of the
// revision that gets the traffic (green's, or blue's), 0 to the other of
// the pair. After a rollback blue is the deployment the rollback made
// PRIMARY (usually blue itself; the last COMPLETED one when green had
// replaced an unfinished blue/green deployment).
func (e *ECS) routeBlueGreenLocked(s *service, d *deployment, r plan.Routing, rolledBack bool, now time.Time) {
	blue := s.deploymentByID(d.bg.blue)
	if p := s.primary(); rolledBack && p != nil && p != d {
		blue = p
	}
	for i, lb := range s.loadBalancers {
		ac := lb.AdvancedConfiguration
		if ac == nil {
			continue
		}
		greenTG := targetGroupOf(s, d, i)
		blueTG := otherTargetGroup(lb, greenTG) // blue pruned: the group green does not use
		if blue != nil {
			blueTG = targetGroupOf(s, blue, i)
		}
		test, prod := 0, r.Production
		if r.TestOnGreen {
			test = plan.FullShare
		}
		if blueTG == greenTG { // revived into green's group: all traffic there
			blueTG, test, prod = otherTargetGroup(lb, greenTG), plan.FullShare, plan.FullShare
		}
		e.shiftRuleLocked(aws.ToString(ac.TestListenerRule), blueTG, greenTG, test, now)
		e.shiftRuleLocked(aws.ToString(ac.ProductionListenerRule), blueTG, greenTG, prod, now)
	}
}

// otherTargetGroup is the target group of lb's pair (targetGroupArn and
// the alternate one) that is not tg.
func otherTargetGroup(lb types.LoadBalancer, tg string) string {
	if alt := aws.ToString(lb.AdvancedConfiguration.AlternateTargetGroupArn); tg != alt {
		return alt
	}
	return aws.ToString(lb.TargetGroupArn)
}

// shiftRuleLocked sets the forward weights of blueTG and greenTG in the
// rule with ARN arn (through setRuleActionsLocked, as ModifyRule changes a
// rule) for green's share of its traffic (tenths of a percent): 100 and 0
// when one group gets it all, else the shares themselves (green's and the
// rest, out of 1000: ELB weights are relative, 0-999). A forward action
// that lacks one of the two groups gets it (ECS accepts a production rule
// forwarding to one group when the test rule forwards to the other, and
// rewrites a rule to a weighted forward to both: docs/ecs-semantics.md,
// "Blue/green deployments"); one that forwards to several groups no longer
// shows a single targetGroupArn. A rule that no longer exists, or already
// has those weights, is left alone: a deployment fails before a shift
// that needs a missing rule or group (bluegreen_elb.go), and its rollback
// restores the rules that still exist (a deleted rule carries no
// traffic); a group that no longer exists is not added.
func (e *ECS) shiftRuleLocked(arn, blueTG, greenTG string, share int, now time.Time) {
	r := e.elb.rules[arn]
	if arn == "" || r == nil {
		return
	}
	blueW, greenW := int32(100), int32(0)
	switch {
	case share >= plan.FullShare:
		blueW, greenW = 0, 100
	case share > 0:
		blueW, greenW = int32(plan.FullShare-share), int32(share)
	}
	changed := false
	actions := make([]elbtypes.Action, len(r.actions))
	for i, a := range r.actions {
		if a.ForwardConfig != nil {
			fc := *a.ForwardConfig
			fc.TargetGroups = slices.Clone(fc.TargetGroups)
			for _, set := range [2]struct {
				tg string
				w  int32
			}{{blueTG, blueW}, {greenTG, greenW}} {
				j := slices.IndexFunc(fc.TargetGroups, func(tt elbtypes.TargetGroupTuple) bool { return aws.ToString(tt.TargetGroupArn) == set.tg })
				switch {
				case j < 0 && e.elb.tgByArn[set.tg] == nil:
					// a deleted group is not written into the rule (the
					// rollback of a deployment that failed for it)
				case j < 0:
					fc.TargetGroups = append(fc.TargetGroups, elbtypes.TargetGroupTuple{TargetGroupArn: aws.String(set.tg), Weight: aws.Int32(set.w)})
					changed = true
				case aws.ToInt32(fc.TargetGroups[j].Weight) != set.w:
					fc.TargetGroups[j].Weight = aws.Int32(set.w)
					changed = true
				}
			}
			a.ForwardConfig = &fc
			if len(fc.TargetGroups) > 1 {
				a.TargetGroupArn = nil
			}
		}
		actions[i] = a
	}
	if changed {
		e.setRuleActionsLocked(r, actions, now)
	}
}

// serviceDeploymentOf is s's newest service deployment whose target is
// the deployment with id, or nil.
func (s *service) serviceDeploymentOf(id string) *serviceDeployment {
	for i := len(s.history.deps) - 1; i >= 0; i-- {
		if sd := s.history.deps[i]; sd.target.deploymentID == id {
			return sd
		}
	}
	return nil
}

// blueGreenSnapshot adjusts the planner's service for a BLUE_GREEN
// service: green does not complete before CLEAN_UP, blue is held until
// then, and green may start 100% of desiredCount beside it
// (maximumPercent 200, minimumHealthyPercent 100 while blue is held). The
// bake of deployment alarms (plan.Service.Bake) does not apply: BAKE_TIME
// is the blue/green bake.
func blueGreenSnapshot(s *service, svc *plan.Service) {
	svc.Bake = 0
	d := blueGreenStaging(s)
	if d == nil {
		return
	}
	svc.Staging = true
	if svc.Hold = d.bg.blue; svc.Hold != "" {
		svc.MaximumPercent = max(svc.MaximumPercent, 200)
		svc.MinimumHealthyPercent = 100
	}
}
