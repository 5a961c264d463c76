package fake

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// blueGreenService creates service web (2 tasks, bake 5 minutes) on
// web:1 behind a new bgSetup (blueGreenWorld) and lets its first
// deployment complete (firstDeployed: web:1 serves from web-tg-2); it
// returns the world, the setup (roles for the next deployment) and the
// task definitions web:1 and web:2.
func blueGreenService(t *testing.T) (*ECS, bgSetup, string, string) {
	t.Helper()
	e, s := blueGreenWorld(t)
	td1 := register(t, e, webFargateTD("web:1"))
	td2 := register(t, e, webFargateTD("web:2"))
	if _, err := e.CreateService(bg, blueGreenInput(s, td1, 2, 5)); err != nil {
		t.Fatal(err)
	}
	return e, firstDeployed(t, e, s, td1, 5), td1, td2
}

// at advances e to base+d and checks bgState there.
func at(t *testing.T, e *ECS, base time.Time, d time.Duration, check func(bgState) error) bgState {
	t.Helper()
	e.Advance(base.Add(d).Sub(e.Now()))
	st := observe(t, e, bgSetupOf[e])
	if err := check(st); err != nil {
		t.Fatalf("at +%v: %v\n%s", d, err, st)
	}
	return st
}

// bgSetupOf finds a world's bgSetup for at.
var bgSetupOf = map[*ECS]bgSetup{}

// want builds a check of bgState's counts, stage and weights (by target
// group name).
func want(running map[string]int, stage types.ServiceDeploymentLifecycleStage, prodGreen, testGreen int32, green string) func(bgState) error {
	return func(st bgState) error {
		got := map[string]int{}
		for td, n := range st.running {
			got[td[len(td)-1:]] = n // the revision number
		}
		if !maps.Equal(got, running) {
			return fmt.Errorf("running by revision %v, want %v", got, running)
		}
		if st.stage != stage {
			return fmt.Errorf("stage %s, want %s", st.stage, stage)
		}
		if w := named(st.prod)[green]; w != prodGreen {
			return fmt.Errorf("production weight of %s %d, want %d", green, w, prodGreen)
		}
		if w := named(st.test)[green]; w != testGreen {
			return fmt.Errorf("test weight of %s %d, want %d", green, w, testGreen)
		}
		if named(st.prod)[green]+named(st.prod)[other(green)] != 100 || named(st.test)[green]+named(st.test)[other(green)] != 100 {
			return fmt.Errorf("weights do not add up to 100: %v %v", st.prod, st.test)
		}
		return nil
	}
}

func other(tg string) string {
	if tg == "web-tg" {
		return "web-tg-2"
	}
	return "web-tg"
}

// ECS blue/green (docs/ecs-semantics.md, "Blue/green deployments"): an
// update starts green (web:2) at 100% beside blue in the alternate target
// group (SCALE_UP); once green's targets are healthy the test rule, then
// the production rule move to green (all at that instant); after
// bakeTimeInMinutes blue's tasks are deregistered and drain (CLEAN_UP);
// the deployment completes when they have stopped. Every instant below is
// exact: Fargate tasks are RUNNING 20 s after launch, their targets
// healthy 130 s later (registration 10 s, 5 checks at 30 s... as the
// target group schedules them), the deregistration delay is 300 s.
func TestBlueGreenDeploymentStagesAtExactInstants(t *testing.T) {
	e, s, _, td2 := blueGreenService(t)
	u := e.Now()
	upd := update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	greenID := aws.ToString(primaryOf(t, upd).Id)
	scaleUp := types.ServiceDeploymentLifecycleStageScaleUp
	at(t, e, u, 0, want(map[string]int{"1": 2}, scaleUp, 0, 0, "web-tg"))
	at(t, e, u, 19*time.Second, want(map[string]int{"1": 2}, scaleUp, 0, 0, "web-tg"))
	st := at(t, e, u, 20*time.Second, want(map[string]int{"1": 2, "2": 2}, scaleUp, 0, 0, "web-tg"))
	if st.greenTG["initial"] != 2 || st.blueTG["healthy"] != 2 {
		t.Fatalf("green's tasks not registered in the alternate target group: %s", st)
	}
	sv := svc(t, e, "web")
	if countEvents(sv, "(service web) registered 2 targets in (target-group "+s.green+")") != 1 || len(sv.Deployments) != 2 ||
		sv.Deployments[0].RolloutState != types.DeploymentRolloutStateInProgress || aws.ToString(sv.Deployments[1].Status) != "ACTIVE" {
		t.Fatalf("service at +20s: %+v %q", sv.Deployments, eventTexts(sv))
	}
	at(t, e, u, 149*time.Second, want(map[string]int{"1": 2, "2": 2}, scaleUp, 0, 0, "web-tg"))
	st = at(t, e, u, 150*time.Second, want(map[string]int{"1": 2, "2": 2}, types.ServiceDeploymentLifecycleStageBakeTime, 100, 100, "web-tg"))
	if st.greenTG["healthy"] != 2 || st.blueTG["healthy"] != 2 || st.status != types.ServiceDeploymentStatusInProgress {
		t.Fatalf("at the traffic shift: %s", st)
	}
	wantStages := []string{"PRE_SCALE_UP@0s", "SCALE_UP@0s", "POST_SCALE_UP@2m30s", "TEST_TRAFFIC_SHIFT@2m30s", "POST_TEST_TRAFFIC_SHIFT@2m30s",
		"PRODUCTION_TRAFFIC_SHIFT@2m30s", "POST_PRODUCTION_TRAFFIC_SHIFT@2m30s", "BAKE_TIME@2m30s"}
	if got := stagesOf(e, u); !slices.Equal(got, wantStages) {
		t.Fatalf("stages %q, want %q", got, wantStages)
	}
	bake := 150*time.Second + 5*time.Minute
	at(t, e, u, bake-time.Second, want(map[string]int{"1": 2, "2": 2}, types.ServiceDeploymentLifecycleStageBakeTime, 100, 100, "web-tg"))
	st = at(t, e, u, bake, want(map[string]int{"2": 2}, types.ServiceDeploymentLifecycleStageCleanUp, 100, 100, "web-tg"))
	if st.blueTG["draining"] != 2 || st.stopped != 2 || st.status != types.ServiceDeploymentStatusInProgress {
		t.Fatalf("clean-up: %s", st)
	}
	if got := stagesOf(e, u); !slices.Equal(got, append(wantStages, "CLEAN_UP@7m30s")) {
		t.Fatalf("stages %q", got)
	}
	sv = svc(t, e, "web")
	if countEvents(sv, "(service web) deregistered 2 targets in (target-group "+s.tg+")") != 1 || countEvents(sv, "has stopped 2 running tasks") != 1 {
		t.Fatalf("clean-up events %q", eventTexts(sv))
	}
	// Draining 300 s, then the tasks stop (DEACTIVATING -> STOPPED).
	done := bake + 317*time.Second
	st = at(t, e, u, done-time.Second, want(map[string]int{"2": 2}, types.ServiceDeploymentLifecycleStageCleanUp, 100, 100, "web-tg"))
	if st.status != types.ServiceDeploymentStatusInProgress {
		t.Fatalf("finished early: %s", st)
	}
	st = at(t, e, u, done, want(map[string]int{"2": 2}, types.ServiceDeploymentLifecycleStageCleanUp, 100, 100, "web-tg"))
	if st.status != types.ServiceDeploymentStatusSuccessful || len(st.blueTG) != 0 || st.stopped != 0 {
		t.Fatalf("not finished: %s", st)
	}
	sv = svc(t, e, "web")
	if len(sv.Deployments) != 1 || aws.ToString(sv.Deployments[0].Id) != greenID ||
		sv.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted || countEvents(sv, "("+"deployment "+greenID+") deployment completed.") != 1 {
		t.Fatalf("after clean-up: %+v %q", sv.Deployments, eventTexts(sv))
	}
}

// A world saved during BAKE_TIME restores to the same blue/green state
// (the journal replays the ELBv2 and ECS calls; the steps follow), and
// both go on identically: the clean-up comes at the same instant.
func TestBlueGreenSurvivesSnapshot(t *testing.T) {
	e := newCluster(t, 0, WithSnapshots())
	s := newBlueGreenALB(t, e.ELBv2())
	td1 := register(t, e, webFargateTD("web:1"))
	td2 := register(t, e, webFargateTD("web:2"))
	if _, err := e.CreateService(bg, blueGreenInput(s, td1, 2, 5)); err != nil {
		t.Fatal(err)
	}
	s = firstDeployed(t, e, s, td1, 5)
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	e.Advance(200 * time.Second)
	b := restoredCopy(t, e)
	for _, d := range []time.Duration{0, 249 * time.Second, time.Second, 400 * time.Second} {
		e.Advance(d)
		b.Advance(d)
		saved, restored := observe(t, e, s), observe(t, b, s)
		if saved.String() != restored.String() || !slices.Equal(stagesOf(e, e.Now()), stagesOf(b, b.Now())) {
			t.Fatalf("after +%v:\nsaved    %s\nrestored %s", d, saved, restored)
		}
	}
	if st := observe(t, b, s); st.status != types.ServiceDeploymentStatusSuccessful {
		t.Fatalf("restored world did not finish: %s", st)
	}
}

// Blue/green on EC2 in bridge mode: green's tasks register in the
// alternate group (target type instance) by instance id and dynamic host
// port beside blue's, and production moves to them.
func TestBlueGreenBridgeModeOnEC2(t *testing.T) {
	e, s := blueGreenWorldOf(t, 2, elbtypes.TargetTypeEnumInstance)
	td := func(img string) string {
		return register(t, e, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"),
			ContainerDefinitions: []types.ContainerDefinition{containerDef("web", img, 256, types.PortMapping{ContainerPort: aws.Int32(80)})}})
	}
	td1, td2 := td("web:1"), td("web:2")
	if _, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td1), DesiredCount: aws.Int32(2),
		DeploymentConfiguration: &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(0)},
		LoadBalancers:           s.loadBalancers()}); err != nil {
		t.Fatal(err)
	}
	stepUntil(t, e, 10*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
	s.tg, s.green = s.altArn, s.tgArn // web:1 went to the alternate group, web:2 goes to web-tg
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	stepUntil(t, e, time.Second, 10*time.Minute, nil, func() bool { return observe(t, e, s).stage == types.ServiceDeploymentLifecycleStageCleanUp })
	st := observe(t, e, s)
	if err := want(map[string]int{"2": 2}, types.ServiceDeploymentLifecycleStageCleanUp, 100, 100, "web-tg")(st); err != nil || st.greenTG["healthy"] != 2 {
		t.Fatalf("%v: %s", err, st)
	}
	for _, d := range health(t, e.ELBv2(), s.green) {
		if !strings.HasPrefix(aws.ToString(d.Target.Id), "i-") || aws.ToInt32(d.Target.Port) == 80 {
			t.Fatalf("green target %s:%d, want an instance and a dynamic port", aws.ToString(d.Target.Id), aws.ToInt32(d.Target.Port))
		}
	}
	stepUntil(t, e, 10*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", td2) })
}

// A BLUE_GREEN service without a load balancer deploys blue/green without
// managed traffic shifting ("Required resources for Amazon ECS blue/green
// deployments": such services "can also use blue/green deployments, but
// don't get any of the managed traffic shifting benefits"): green scales
// up to desiredCount beside blue, the stages pass, blue runs through the
// one-minute BAKE_TIME and stops at CLEAN_UP; the service deployment is
// SUCCESSFUL.
func TestBlueGreenWithoutLoadBalancer(t *testing.T) {
	e, td1, td2 := blueGreenWithoutLoadBalancer(t)
	e.Advance(200 * time.Second)
	if !completed(t, e, "web", td1) {
		t.Fatalf("first deployment not completed: %+v", svc(t, e, "web").Deployments)
	}
	u := e.Now()
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	running := func() map[string]int {
		out := map[string]int{}
		for _, tk := range serviceTasks(t, e, types.DesiredStatusRunning) {
			if aws.ToString(tk.LastStatus) == "RUNNING" {
				out[aws.ToString(tk.TaskDefinitionArn)]++
			}
		}
		return out
	}
	stage := func() types.ServiceDeploymentLifecycleStage { return newestServiceDeployment(t, e).LifecycleStage }
	stepUntil(t, e, time.Second, 10*time.Minute, nil, func() bool { return stage() == types.ServiceDeploymentLifecycleStageBakeTime })
	bakeFrom := e.Now()
	if r := running(); r[td1] != 2 || r[td2] != 2 {
		t.Fatalf("at BAKE_TIME: running %v, want 2 of each", r)
	}
	e.Advance(time.Minute - time.Second)
	if st, r := stage(), running(); st != types.ServiceDeploymentLifecycleStageBakeTime || r[td1] != 2 {
		t.Fatalf("before the bake ends: %s %v", st, r)
	}
	stepUntil(t, e, time.Second, 10*time.Minute, nil, func() bool {
		return newestServiceDeployment(t, e).Status == types.ServiceDeploymentStatusSuccessful
	})
	if sd, r := newestServiceDeployment(t, e), running(); sd.LifecycleStage != types.ServiceDeploymentLifecycleStageCleanUp || r[td1] != 0 || r[td2] != 2 ||
		e.Now().Sub(bakeFrom) < time.Minute {
		t.Fatalf("after the bake (+%v): %s %v", e.Now().Sub(bakeFrom), sd.LifecycleStage, r)
	}
	// The instants (green counted healthy at +60 s), also when
	// the scheduler skips passes it may skip (scheduler_skip.go).
	want := []string{"PRE_SCALE_UP@0s", "SCALE_UP@0s", "POST_SCALE_UP@1m0s", "TEST_TRAFFIC_SHIFT@1m0s", "POST_TEST_TRAFFIC_SHIFT@1m0s",
		"PRODUCTION_TRAFFIC_SHIFT@1m0s", "POST_PRODUCTION_TRAFFIC_SHIFT@1m0s", "BAKE_TIME@1m0s", "CLEAN_UP@2m0s"}
	if got := stagesOf(e, u); !slices.Equal(got, want) {
		t.Fatalf("stages %v, want %v", got, want)
	}
}
