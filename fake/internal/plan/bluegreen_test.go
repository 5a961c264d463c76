package plan

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// StepBlueGreen's stages, hold, routing and wake-up, step by step.
func TestStepBlueGreenStages(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	in := BlueGreenInput{Primary: true, Rollout: types.DeploymentRolloutStateInProgress, Desired: 3, Bake: 10 * time.Minute, Now: t0}
	names := func(cs []StageChange) []types.ServiceDeploymentLifecycleStage {
		var out []types.ServiceDeploymentLifecycleStage
		for _, c := range cs {
			if !c.At.Equal(in.Now) {
				t.Fatalf("stage %s entered at %v, want %v", c.Stage, c.At, in.Now)
			}
			out = append(out, c.Stage)
		}
		return out
	}
	next := func(st BlueGreenStep) {
		in.Stage, in.Since, in.Ended, in.Routing = st.Stage, st.Since, st.Ended, st.Routing
	}
	// Start: SCALE_UP, blue held, no traffic on green.
	st := StepBlueGreen(in)
	if got := names(st.Entered); !slices.Equal(got, blueGreenStages[:2]) || !st.Hold || st.Routing != (Routing{}) || !st.Wake.IsZero() {
		t.Fatalf("start: %+v", st)
	}
	next(st)
	// Two of three green tasks healthy: nothing moves.
	in.GreenHealthy, in.Now = 2, t0.Add(time.Minute)
	if st = StepBlueGreen(in); len(st.Entered) != 0 || st.Stage != types.ServiceDeploymentLifecycleStageScaleUp || !st.Hold {
		t.Fatalf("not ready: %+v", st)
	}
	// All healthy: through both traffic shifts to BAKE_TIME at once.
	in.GreenHealthy, in.Now = 3, t0.Add(2*time.Minute)
	st = StepBlueGreen(in)
	if got := names(st.Entered); !slices.Equal(got, blueGreenStages[2:8]) || !st.Hold ||
		st.Routing != (Routing{TestOnGreen: true, Production: FullShare}) || !st.Wake.Equal(t0.Add(12*time.Minute)) {
		t.Fatalf("ready: %+v", st)
	}
	next(st)
	in.Now = t0.Add(12*time.Minute - time.Nanosecond)
	if st = StepBlueGreen(in); st.Stage != types.ServiceDeploymentLifecycleStageBakeTime || !st.Hold {
		t.Fatalf("baking: %+v", st)
	}
	in.Now = t0.Add(12 * time.Minute)
	st = StepBlueGreen(in)
	if got := names(st.Entered); !slices.Equal(got, blueGreenStages[8:]) || st.Hold || st.Routing.Production != FullShare || !st.Wake.IsZero() {
		t.Fatalf("clean-up: %+v", st)
	}
	next(st)
	if st = StepBlueGreen(in); len(st.Entered) != 0 || st.Stage != types.ServiceDeploymentLifecycleStageCleanUp {
		t.Fatalf("after clean-up: %+v", st)
	}
}

// A rollback (green no longer PRIMARY) ends green and routes everything
// to blue; a failure without rollback ends it and leaves the rules.
func TestStepBlueGreenRollbackAndFailure(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	shifted := Routing{TestOnGreen: true, Production: FullShare}
	in := BlueGreenInput{Stage: types.ServiceDeploymentLifecycleStageBakeTime, Since: t0, Primary: false,
		Rollout: types.DeploymentRolloutStateFailed, Desired: 2, GreenHealthy: 2, Bake: time.Hour, Routing: shifted, Now: t0.Add(time.Minute)}
	st := StepBlueGreen(in)
	if !st.Ended || !st.RolledBack || st.Hold || st.Routing != (Routing{}) || st.Stage != types.ServiceDeploymentLifecycleStageBakeTime || len(st.Entered) != 0 {
		t.Fatalf("rollback: %+v", st)
	}
	in.Primary = true
	st = StepBlueGreen(in)
	if !st.Ended || st.RolledBack || st.Hold || st.Routing != shifted {
		t.Fatalf("failed without rollback: %+v", st)
	}
	in.Ended, in.Rollout = true, types.DeploymentRolloutStateInProgress
	if st = StepBlueGreen(in); !st.Ended || st.Hold || st.Stage != in.Stage || st.Routing != shifted {
		t.Fatalf("ended: %+v", st)
	}
}

// Hold keeps the held deployment's tasks: Compute starts green's tasks
// beside them and stops none of blue's, even once green is healthy.
func TestComputeKeepsHeldDeployment(t *testing.T) {
	now := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	snap := Snapshot{Service: Service{Name: "web", DesiredCount: 2, MinimumHealthyPercent: 100, MaximumPercent: 200, Hold: "blue"},
		Deployments: []Deployment{
			{ID: "blue", Status: StatusActive, DesiredCount: 2, RolloutState: types.DeploymentRolloutStateCompleted, CreatedAt: now.Add(-time.Hour)},
			{ID: "green", Status: StatusPrimary, DesiredCount: 2, RolloutState: types.DeploymentRolloutStateInProgress, CreatedAt: now},
		}, Now: now}
	running := func(id, dep string) Task {
		return Task{ID: id, DeploymentID: dep, LastStatus: TaskRunning, DesiredStatus: TaskRunning, StartedAt: now.Add(-time.Hour)}
	}
	snap.Tasks = []Task{running("a1", "blue"), running("a2", "blue")}
	p := Compute(snap)
	if len(p.Starts) != 1 || p.Starts[0].DeploymentID != "green" || p.Starts[0].Count != 2 || len(p.Stops) != 0 {
		t.Fatalf("scale-up: %+v", p)
	}
	snap.Tasks = append(snap.Tasks, running("b1", "green"), running("b2", "green"))
	p = Compute(snap)
	if len(p.Starts) != 0 || len(p.Stops) != 0 || len(p.Events) != 0 {
		t.Fatalf("held: %+v", p)
	}
	if n := CountHealthy(snap.Tasks[2:], &snap.Deployments[1], 0, now); n != 2 {
		t.Fatalf("CountHealthy = %d", n)
	}
	// desiredCount lowered to 1: green and blue each keep one task.
	snap.Service.DesiredCount = 1
	if p = Compute(snap); len(p.Stops) != 2 || len(p.Starts) != 0 || p.Stops[0].TaskID[0] == p.Stops[1].TaskID[0] {
		t.Fatalf("scaled in while held: %+v", p)
	}
	snap.Service.DesiredCount = 2
	snap.Service.Hold = ""
	if p = Compute(snap); len(p.Stops) != 2 || p.Stops[0].TaskID != "a1" {
		t.Fatalf("released: %+v", p)
	}
}

// Staging keeps a deployment with nothing to replace (a blue/green
// service's first) IN_PROGRESS though its tasks are healthy; it
// completes at the first Compute without it.
func TestComputeStagingDefersCompletion(t *testing.T) {
	now := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	snap := Snapshot{Service: Service{Name: "web", DesiredCount: 2, MinimumHealthyPercent: 100, MaximumPercent: 200, Staging: true},
		Deployments: []Deployment{{ID: "green", Status: StatusPrimary, DesiredCount: 2, RolloutState: types.DeploymentRolloutStateInProgress, CreatedAt: now}},
		Tasks: []Task{
			{ID: "b1", DeploymentID: "green", LastStatus: TaskRunning, DesiredStatus: TaskRunning, StartedAt: now.Add(-time.Hour)},
			{ID: "b2", DeploymentID: "green", LastStatus: TaskRunning, DesiredStatus: TaskRunning, StartedAt: now.Add(-time.Hour)},
		}, Now: now}
	if p := Compute(snap); p.Deployments[0].RolloutState != types.DeploymentRolloutStateInProgress || len(p.Starts)+len(p.Stops) != 0 {
		t.Fatalf("staging: %+v", p)
	}
	snap.Service.Staging = false
	if p := Compute(snap); p.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted {
		t.Fatalf("after the stages: %+v", p)
	}
}

// CANARY and LINEAR shift production in steps during
// PRODUCTION_TRAFFIC_SHIFT, Wait apart, then bake as BLUE_GREEN does.
func TestStepBlueGreenShiftsInSteps(t *testing.T) {
	if got := CanaryShifts(5, 10*time.Minute); !slices.Equal(got.Shares, []int{50, FullShare}) || got.Wait != 10*time.Minute {
		t.Fatalf("CanaryShifts(5) = %+v", got)
	}
	if got := CanaryShifts(100, time.Minute); !slices.Equal(got.Shares, []int{FullShare}) {
		t.Fatalf("CanaryShifts(100) = %+v", got)
	}
	if got := LinearShifts(30, 0); !slices.Equal(got.Shares, []int{300, 600, 900, FullShare}) {
		t.Fatalf("LinearShifts(30) = %+v", got)
	}
	if got := LinearShifts(12.5, 0); !slices.Equal(got.Shares, []int{125, 250, 375, 500, 625, 750, 875, FullShare}) {
		t.Fatalf("LinearShifts(12.5) = %+v", got)
	}
	t0 := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	in := BlueGreenInput{Primary: true, Rollout: types.DeploymentRolloutStateInProgress, Desired: 1, GreenHealthy: 1,
		Bake: 2 * time.Minute, Shifts: LinearShifts(40, 6*time.Minute), Now: t0}
	var shares []int
	var stages []types.ServiceDeploymentLifecycleStage
	for i := 0; i < 30; i++ {
		st := StepBlueGreen(in)
		for _, c := range st.Entered {
			stages = append(stages, c.Stage)
		}
		if n := len(shares); n == 0 || shares[n-1] != st.Routing.Production {
			shares = append(shares, st.Routing.Production)
		}
		if !st.Hold {
			break
		}
		if st.Wake.IsZero() {
			t.Fatalf("no wake-up in %s", st.Stage)
		}
		in.Stage, in.Since, in.Routing, in.Shifted, in.ShiftedAt, in.Now = st.Stage, st.Since, st.Routing, st.Shifted, st.ShiftedAt, st.Wake
	}
	if !slices.Equal(shares, []int{400, 800, FullShare}) || !slices.Equal(stages, blueGreenStages) {
		t.Fatalf("shares %v, stages %v", shares, stages)
	}
	// 40% at t0, 80% at +6m, 100% at +12m (no step bake after it), bake to +14m.
	if !in.Now.Equal(t0.Add(14 * time.Minute)) {
		t.Fatalf("clean-up at +%v, want +14m", in.Now.Sub(t0))
	}
}

// An ELB call that would fail stops green in the stage that makes it,
// with ECS's form of statusReason, routing unchanged: registering
// (SCALE_UP), the test rule change, each production shift.
func TestStepBlueGreenELBFailure(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	base := BlueGreenInput{Stage: types.ServiceDeploymentLifecycleStageScaleUp, Since: t0, Primary: true,
		Rollout: types.DeploymentRolloutStateInProgress, Desired: 2, GreenHealthy: 2, Now: t0.Add(time.Minute)}
	for _, c := range []struct {
		elb    BlueGreenELB
		shifts Shifts
		stage  types.ServiceDeploymentLifecycleStage
	}{
		{BlueGreenELB{Register: "gone"}, Shifts{}, types.ServiceDeploymentLifecycleStageScaleUp},
		{BlueGreenELB{Test: "gone"}, Shifts{}, types.ServiceDeploymentLifecycleStageTestTrafficShift},
		{BlueGreenELB{Production: "gone"}, LinearShifts(50, time.Minute), types.ServiceDeploymentLifecycleStageProductionTrafficShift},
	} {
		in := base
		in.ELB, in.Shifts = c.elb, c.shifts
		st := StepBlueGreen(in)
		if st.Failure != BlueGreenFailureReason(c.stage, "gone") || st.Stage != c.stage || st.Routing != (Routing{}) || st.Ended || st.Shifted != 0 {
			t.Fatalf("%+v: %+v", c.elb, st)
		}
	}
	// A LINEAR deployment whose production rule goes after its first shift
	// fails at the second, production still at the first share.
	in := base
	in.Shifts = LinearShifts(50, time.Minute)
	st := StepBlueGreen(in)
	if st.Failure != "" || st.Routing.Production != 500 {
		t.Fatalf("first shift: %+v", st)
	}
	in.Stage, in.Since, in.Shifted, in.ShiftedAt, in.Routing = st.Stage, st.Since, st.Shifted, st.ShiftedAt, st.Routing
	in.ELB.Production, in.Now = "gone", in.Now.Add(time.Minute)
	if st = StepBlueGreen(in); st.Failure == "" || st.Routing.Production != 500 || st.Shifted != 1 {
		t.Fatalf("second shift: %+v", st)
	}
}
