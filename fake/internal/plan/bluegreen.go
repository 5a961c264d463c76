package plan

import (
	"math"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Amazon ECS blue/green deployments (deploymentConfiguration.strategy
// BLUE_GREEN, and LINEAR and CANARY; ECS Developer Guide, "Amazon ECS blue/green deployments" and
// "Amazon ECS blue/green service deployments workflow"; API Reference,
// ServiceDeployment.lifecycleStage), decided purely: StepBlueGreen moves a
// blue/green deployment through its lifecycle stages and says where test
// and production traffic go and whether the scheduler keeps the blue
// tasks. The fake applies the step (fake/bluegreen.go); Compute plans the
// tasks as for a rolling deployment, keeping the blue deployment's tasks
// while Service.Hold names it.
//
// The stages, in order (lifecycleStage values):
//
//   - PRE_SCALE_UP: green has not started; blue serves all production
//     traffic. The fake passes it at once (it runs no lifecycle hooks).
//   - SCALE_UP: green scales up to 100% of desiredCount and serves no
//     traffic; it lasts until desiredCount green tasks are healthy in
//     the alternate target group (BlueGreenInput.GreenHealthy).
//   - POST_SCALE_UP, TEST_TRAFFIC_SHIFT (the test listener rule moves to
//     green), POST_TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT (the
//     production listener rule moves to green), POST_PRODUCTION_TRAFFIC_SHIFT:
//     listener rule changes take effect at once, so the fake passes these
//     at the instant green is ready (recorded in order, all at that
//     instant); LINEAR and CANARY stay in PRODUCTION_TRAFFIC_SHIFT while
//     their production shifts (Shifts) are made, Shifts.Wait apart.
//   - BAKE_TIME: blue and green both run, production on green, for
//     bakeTimeInMinutes (BlueGreenInput.Bake).
//   - CLEAN_UP: the blue tasks are stopped (and drain from the target
//     group); the deployment completes when none is left (Compute's
//     rollout).
//
// Until CLEAN_UP the blue deployment is held (BlueGreenStep.Hold) and a
// failure of green (circuit breaker, alarm, StopServiceDeployment) rolls
// back: once green is no longer the PRIMARY, or FAILED, the step stops
// advancing, releases the hold and, for a rollback, routes both rules to
// blue again (BlueGreenStep.Routing).

// Lifecycle stages in the order a blue/green deployment passes them.
var blueGreenStages = []types.ServiceDeploymentLifecycleStage{
	types.ServiceDeploymentLifecycleStagePreScaleUp,
	types.ServiceDeploymentLifecycleStageScaleUp,
	types.ServiceDeploymentLifecycleStagePostScaleUp,
	types.ServiceDeploymentLifecycleStageTestTrafficShift,
	types.ServiceDeploymentLifecycleStagePostTestTrafficShift,
	types.ServiceDeploymentLifecycleStageProductionTrafficShift,
	types.ServiceDeploymentLifecycleStagePostProductionTrafficShift,
	types.ServiceDeploymentLifecycleStageBakeTime,
	types.ServiceDeploymentLifecycleStageCleanUp,
}

// FullShare is all of a rule's traffic in Routing.Production's unit
// (tenths of a percent: ECS's traffic percentages are multiples of 0.1).
const FullShare = 1000

// Routing says which revision the listener rules send traffic to.
type Routing struct {
	// TestOnGreen: the test listener rule forwards to green's target group.
	TestOnGreen bool
	// Production is green's share of production traffic, in tenths of a
	// percent (0 to FullShare); the rest goes to blue.
	Production int
}

// Shifts are the production shares (cumulative, in tenths of a percent,
// ascending, the last FullShare) a deployment moves to green one after
// the other, Wait apart: BLUE_GREEN's is one shift of FullShare (nil
// means that too); CanaryShifts and LinearShifts build the others.
type Shifts struct {
	Shares []int
	Wait   time.Duration
}

// CanaryShifts are a CANARY deployment's shifts: canaryPercent (a
// multiple of 0.1), then the rest after the canary bake time (API
// Reference, CanaryConfiguration).
func CanaryShifts(percent float64, bake time.Duration) Shifts {
	first := min(int(math.Round(percent*10)), FullShare)
	if first >= FullShare {
		return Shifts{Shares: []int{FullShare}}
	}
	return Shifts{Shares: []int{first, FullShare}, Wait: bake}
}

// LinearShifts are a LINEAR deployment's shifts: stepPercent more at each
// step, stepBakeTime apart, the last step up to 100% (API Reference,
// LinearConfiguration: "equal percentage increments ... until 100% of
// traffic is shifted"; the bake is not applied after reaching 100%).
func LinearShifts(percent float64, bake time.Duration) Shifts {
	step := max(int(math.Round(percent*10)), 1)
	var out []int
	for share := step; share < FullShare; share += step {
		out = append(out, share)
	}
	return Shifts{Shares: append(out, FullShare), Wait: bake}
}

// shares are s's shares (one FullShare when none are given).
func (s Shifts) shares() []int {
	if len(s.Shares) == 0 {
		return []int{FullShare}
	}
	return s.Shares
}

// BlueGreenInput is what StepBlueGreen needs to know of a blue/green
// deployment (green) at Now.
type BlueGreenInput struct {
	// Stage is green's lifecycle stage ("" before the first step) and
	// Since when it entered it.
	Stage types.ServiceDeploymentLifecycleStage
	Since time.Time
	// Ended is set once the step stopped advancing green (rolled back or
	// failed): nothing changes any more.
	Ended bool
	// Primary: green is the service's PRIMARY deployment (a rollback made
	// another one PRIMARY when false).
	Primary bool
	// Rollout is green's rolloutState.
	Rollout types.DeploymentRolloutState
	// GreenHealthy is how many of green's tasks are healthy (CountHealthy)
	// and Desired the service's desiredCount.
	GreenHealthy, Desired int
	// Bake is bakeTimeInMinutes as a duration.
	Bake time.Duration
	// Shifts are how production traffic moves during
	// PRODUCTION_TRAFFIC_SHIFT; Shifted is how many of them were made,
	// the last at ShiftedAt.
	Shifts    Shifts
	Shifted   int
	ShiftedAt time.Time
	// Routing is where the rules send traffic now.
	Routing Routing
	// ELB is what Elastic Load Balancing would answer the calls the next
	// stages make (BlueGreenELB).
	ELB BlueGreenELB
	// Now is the current (virtual) time.
	Now time.Time
}

// BlueGreenELB is the error Elastic Load Balancing would return to each
// call a blue/green deployment makes ("" when the call would succeed):
// ECS registers green's tasks in green's target group during SCALE_UP and
// changes the test and production listener rules' weights (ModifyRule)
// in TEST_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT; a rule or a target
// group deleted meanwhile fails that call (RuleNotFound,
// TargetGroupNotFound).
type BlueGreenELB struct {
	Register, Test, Production string
}

// StageChange is a lifecycle stage entered at At.
type StageChange struct {
	Stage types.ServiceDeploymentLifecycleStage
	At    time.Time
}

// BlueGreenStep is what StepBlueGreen decided.
type BlueGreenStep struct {
	// Entered lists the stages entered by this step, in order.
	Entered []StageChange
	// Stage and Since are green's stage after the step; Shifted and
	// ShiftedAt the production shifts made (BlueGreenInput).
	Stage     types.ServiceDeploymentLifecycleStage
	Since     time.Time
	Shifted   int
	ShiftedAt time.Time
	// Ended: green stopped advancing (rolled back or failed) in this step
	// or before.
	Ended bool
	// RolledBack: the step routed traffic back to blue (green is no longer
	// the PRIMARY).
	RolledBack bool
	// Hold: the scheduler keeps the blue deployment's tasks
	// (Service.Hold).
	Hold bool
	// Routing is where the rules must send traffic after the step.
	Routing Routing
	// Failure is set when green failed in this step because an ELB call
	// its stage makes would fail (BlueGreenInput.ELB): the statusReason
	// ECS reports, "Service deployment rolled back because <STAGE>
	// lifecycle hook(s) failed. <ELB error>" (the form the Developer
	// Guide's "Troubleshooting Amazon ECS blue/green deployments" quotes
	// for an ELB call refused during TEST_TRAFFIC_SHIFT). Stage is the
	// stage that failed and Routing is unchanged; the caller fails green
	// and rolls back, whatever the circuit breaker says (the same page:
	// these errors "cause a deployment rollback").
	Failure string
	// Wake is when the step must run again though nothing else changed
	// (the next production shift, the end of the bake time); zero: not
	// needed.
	Wake time.Time
}

// StepBlueGreen advances a blue/green deployment as far as it can go at
// in.Now. It is pure.
func StepBlueGreen(in BlueGreenInput) BlueGreenStep {
	out := BlueGreenStep{Stage: in.Stage, Since: in.Since, Ended: in.Ended, Routing: in.Routing,
		Shifted: in.Shifted, ShiftedAt: in.ShiftedAt}
	shares := in.Shifts.shares()
	if out.Ended {
		return out
	}
	if !in.Primary || in.Rollout == types.DeploymentRolloutStateFailed {
		// A rollback (another deployment is PRIMARY again) sends every
		// rule back to blue; a failure without rollback leaves the rules
		// as they are (the service stays on the failed deployment, blue
		// tasks still running).
		out.Ended = true
		if !in.Primary {
			out.RolledBack = true
			out.Routing = Routing{}
		}
		return out
	}
	enter := func(st types.ServiceDeploymentLifecycleStage) {
		out.Stage, out.Since = st, in.Now
		out.Entered = append(out.Entered, StageChange{Stage: st, At: in.Now})
	}
	failed := func(elbErr string) BlueGreenStep {
		out.Failure = BlueGreenFailureReason(out.Stage, elbErr)
		out.Routing, out.Shifted, out.ShiftedAt = in.Routing, in.Shifted, in.ShiftedAt
		out.Hold = true // until the caller fails green
		out.Wake = time.Time{}
		return out
	}
	for {
		switch out.Stage {
		case "":
			enter(types.ServiceDeploymentLifecycleStagePreScaleUp)
			continue
		case types.ServiceDeploymentLifecycleStagePreScaleUp:
			enter(types.ServiceDeploymentLifecycleStageScaleUp)
			continue
		case types.ServiceDeploymentLifecycleStageScaleUp:
			if in.ELB.Register != "" {
				return failed(in.ELB.Register)
			}
			if in.GreenHealthy < max(in.Desired, 0) {
				break
			}
			enter(types.ServiceDeploymentLifecycleStagePostScaleUp)
			continue
		case types.ServiceDeploymentLifecycleStageTestTrafficShift:
			if in.ELB.Test != "" && !in.Routing.TestOnGreen {
				return failed(in.ELB.Test)
			}
			enter(nextStage(out.Stage))
			continue
		case types.ServiceDeploymentLifecycleStageProductionTrafficShift:
			if out.Shifted == 0 || out.Shifted < len(shares) && !in.Now.Before(out.ShiftedAt.Add(in.Shifts.Wait)) {
				if in.ELB.Production != "" {
					return failed(in.ELB.Production)
				}
				out.Shifted, out.ShiftedAt = out.Shifted+1, in.Now
				continue
			}
			if out.Shifted < len(shares) {
				out.Wake = out.ShiftedAt.Add(in.Shifts.Wait)
				break
			}
			enter(types.ServiceDeploymentLifecycleStagePostProductionTrafficShift)
			continue
		case types.ServiceDeploymentLifecycleStageBakeTime:
			if end := out.Since.Add(in.Bake); in.Now.Before(end) {
				out.Wake = end
				break
			}
			enter(types.ServiceDeploymentLifecycleStageCleanUp)
			continue
		case types.ServiceDeploymentLifecycleStageCleanUp:
		default: // the instant stages between SCALE_UP and BAKE_TIME
			enter(nextStage(out.Stage))
			continue
		}
		break
	}
	out.Routing = routingOf(out.Stage, shares, out.Shifted)
	out.Hold = out.Stage != types.ServiceDeploymentLifecycleStageCleanUp
	return out
}

// BlueGreenFailureReason is the statusReason of a blue/green deployment
// that failed in stage because an ELB call failed with elbErr.
func BlueGreenFailureReason(stage types.ServiceDeploymentLifecycleStage, elbErr string) string {
	return "Service deployment rolled back because " + string(stage) + " lifecycle hook(s) failed. " + elbErr
}

// nextStage is the stage after st in blueGreenStages (CLEAN_UP is last).
func nextStage(st types.ServiceDeploymentLifecycleStage) types.ServiceDeploymentLifecycleStage {
	for i, s := range blueGreenStages[:len(blueGreenStages)-1] {
		if s == st {
			return blueGreenStages[i+1]
		}
	}
	return types.ServiceDeploymentLifecycleStageCleanUp
}

// routingOf is where traffic goes in a stage: test traffic moves to green
// in TEST_TRAFFIC_SHIFT, production traffic in PRODUCTION_TRAFFIC_SHIFT,
// shifted of shares at a time, and is all on green after it.
func routingOf(st types.ServiceDeploymentLifecycleStage, shares []int, shifted int) Routing {
	var r Routing
	for _, s := range blueGreenStages {
		if s == types.ServiceDeploymentLifecycleStageTestTrafficShift {
			r.TestOnGreen = true
		}
		if s == types.ServiceDeploymentLifecycleStageProductionTrafficShift {
			r.Production = FullShare
			if s == st && shifted > 0 {
				r.Production = shares[min(shifted, len(shares))-1]
			}
		}
		if s == st {
			return r
		}
	}
	return Routing{}
}

// CountHealthy is how many of tasks, the tasks of deployment d, Compute
// would count healthy at now (RUNNING, not being stopped, healthy by
// their load balancer targets and container health checks).
func CountHealthy(tasks []Task, d *Deployment, grace time.Duration, now time.Time) int {
	n := 0
	for i := range tasks {
		if cond, _ := classify(&tasks[i], d, grace, now); cond == condHealthy {
			n++
		}
	}
	return n
}
