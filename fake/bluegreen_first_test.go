package fake

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// The first deployment of a BLUE_GREEN service has no blue, yet it passes
// the blue/green stages: its tasks register in the alternate target group
// (web-tg-2), the test and production rules move to it (100, web-tg 0)
// when they are healthy (+150 s), BAKE_TIME lasts bakeTimeInMinutes and
// the deployment completes at CLEAN_UP, not before (users found the
// alternate group holding the tasks and weighted 100 after a stack's
// first deployment: docs/ecs-semantics.md, "Blue/green deployments").
func TestBlueGreenFirstDeploymentGoesToTheAlternateGroup(t *testing.T) {
	e, s := blueGreenWorld(t)
	td1 := register(t, e, webFargateTD("web:1"))
	u := e.Now()
	if _, err := e.CreateService(bg, blueGreenInput(s, td1, 2, 5)); err != nil {
		t.Fatal(err)
	}
	scaleUp, bake := types.ServiceDeploymentLifecycleStageScaleUp, types.ServiceDeploymentLifecycleStageBakeTime
	st := at(t, e, u, 20*time.Second, want(map[string]int{"1": 2}, scaleUp, 0, 0, "web-tg-2"))
	if st.greenTG["initial"] != 2 || len(st.blueTG) != 0 || st.status != types.ServiceDeploymentStatusInProgress {
		t.Fatalf("web:1 not registered in the alternate group: %s", st)
	}
	at(t, e, u, 149*time.Second, want(map[string]int{"1": 2}, scaleUp, 0, 0, "web-tg-2"))
	st = at(t, e, u, 150*time.Second, want(map[string]int{"1": 2}, bake, 100, 100, "web-tg-2"))
	if st.greenTG["healthy"] != 2 || completed(t, e, "web", td1) {
		t.Fatalf("at the traffic shift: %s", st)
	}
	st = at(t, e, u, 150*time.Second+5*time.Minute-time.Second, want(map[string]int{"1": 2}, bake, 100, 100, "web-tg-2"))
	if st.status != types.ServiceDeploymentStatusInProgress || completed(t, e, "web", td1) {
		t.Fatalf("completed before the bake ended: %s", st)
	}
	st = at(t, e, u, 150*time.Second+5*time.Minute, want(map[string]int{"1": 2}, types.ServiceDeploymentLifecycleStageCleanUp, 100, 100, "web-tg-2"))
	if st.status != types.ServiceDeploymentStatusSuccessful || !completed(t, e, "web", td1) {
		t.Fatalf("after the bake: %s", st)
	}
	want := []string{"PRE_SCALE_UP@0s", "SCALE_UP@0s", "POST_SCALE_UP@2m30s", "TEST_TRAFFIC_SHIFT@2m30s", "POST_TEST_TRAFFIC_SHIFT@2m30s",
		"PRODUCTION_TRAFFIC_SHIFT@2m30s", "POST_PRODUCTION_TRAFFIC_SHIFT@2m30s", "BAKE_TIME@2m30s", "CLEAN_UP@7m30s"}
	if got := stagesOf(e, u); !slices.Equal(got, want) {
		t.Fatalf("stages %q, want %q", got, want)
	}
}

// When the production rule already sends its traffic to the alternate
// group, a new service's first deployment goes to the other one, the
// service's targetGroupArn (web-tg).
func TestBlueGreenFirstDeploymentAvoidsTheServingGroup(t *testing.T) {
	e, s := blueGreenWorld(t)
	x := e.ELBv2()
	onAlt := []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{
		{TargetGroupArn: aws.String(s.tg), Weight: aws.Int32(0)}, {TargetGroupArn: aws.String(s.green), Weight: aws.Int32(100)}}}}}
	if _, err := x.ModifyRule(bg, &elbv2.ModifyRuleInput{RuleArn: aws.String(s.prod), Actions: onAlt}); err != nil {
		t.Fatal(err)
	}
	td1 := register(t, e, webFargateTD("web:1"))
	if _, err := e.CreateService(bg, blueGreenInput(s, td1, 2, 0)); err != nil {
		t.Fatal(err)
	}
	e.Advance(150 * time.Second)
	if st := observe(t, e, s); st.blueTG["healthy"] != 2 || len(st.greenTG) != 0 || named(st.prod)["web-tg"] != 100 || !completed(t, e, "web", td1) {
		t.Fatalf("first deployment: %s", st)
	}
}

// A first blue/green deployment that fails has nothing to roll back to:
// with the circuit breaker's rollback on, the service deployment is
// ROLLBACK_FAILED, "No rollback candidate was found to run the rollback."
// (what the Terraform AWS provider's acceptance tests expect of a
// BLUE_GREEN service whose creation fails), and traffic stays on the
// service's group.
func TestBlueGreenFirstDeploymentFailureHasNoRollbackCandidate(t *testing.T) {
	e, s := blueGreenWorld(t)
	td := register(t, e, webFargateTD("web:bad"))
	if err := e.InjectFault(Fault{Image: "web:bad", Action: FaultFailStart}); err != nil {
		t.Fatal(err)
	}
	in := blueGreenInput(s, td, 2, 5)
	in.DeploymentConfiguration.DeploymentCircuitBreaker = &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}
	if _, err := e.CreateService(bg, in); err != nil {
		t.Fatal(err)
	}
	stepUntil(t, e, 10*time.Second, time.Hour, nil, func() bool { return terminalSD(newestServiceDeployment(t, e).Status) })
	sd := newestServiceDeployment(t, e)
	if sd.Status != types.ServiceDeploymentStatusRollbackFailed || aws.ToString(sd.StatusReason) != noRollbackCandidateReason ||
		sd.LifecycleStage != types.ServiceDeploymentLifecycleStageScaleUp {
		t.Fatalf("service deployment %+v", sd)
	}
	if w := named(weights(t, e.ELBv2(), s.prod)); w["web-tg"] != 100 {
		t.Fatalf("production %v", w)
	}
}

// The same after a listener rule was deleted under the first deployment:
// it fails at its traffic shift, and with no earlier revision its service
// deployment is ROLLBACK_FAILED; green stays the FAILED PRIMARY.
func TestBlueGreenFirstDeploymentDeletedRuleRollbackFails(t *testing.T) {
	e, s := blueGreenWorld(t)
	td1 := register(t, e, webFargateTD("web:1"))
	if _, err := e.CreateService(bg, blueGreenInput(s, td1, 2, 5)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ELBv2().DeleteRule(bg, &elbv2.DeleteRuleInput{RuleArn: aws.String(s.test)}); err != nil {
		t.Fatal(err)
	}
	e.Advance(150 * time.Second)
	sd := newestServiceDeployment(t, e)
	if sd.Status != types.ServiceDeploymentStatusRollbackFailed || aws.ToString(sd.StatusReason) != noRollbackCandidateReason ||
		sd.LifecycleStage != types.ServiceDeploymentLifecycleStageTestTrafficShift {
		t.Fatalf("service deployment %+v", sd)
	}
	p := primaryOf(t, svc(t, e, "web"))
	if aws.ToString(p.TaskDefinition) != td1 || p.RolloutState != types.DeploymentRolloutStateFailed {
		t.Fatalf("primary %+v", p)
	}
}

// desiredCount changed during a blue/green deployment: green follows it
// (a scale-out during SCALE_UP makes the stage wait for the new count to
// be healthy, so production moves to desiredCount tasks), and blue, kept
// until CLEAN_UP, is scaled in with it but not out (the fake's choice).
func TestBlueGreenDesiredCountDuringDeployment(t *testing.T) {
	t.Run("scale-out in SCALE_UP", func(t *testing.T) {
		e, _, _, td2 := blueGreenService(t)
		u := e.Now()
		update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
		e.Advance(30 * time.Second)
		update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(4)})
		scaleUp := types.ServiceDeploymentLifecycleStageScaleUp
		at(t, e, u, 150*time.Second, want(map[string]int{"1": 2, "2": 4}, scaleUp, 0, 0, "web-tg")) // the first two healthy, not the new ones
		st := at(t, e, u, 180*time.Second, want(map[string]int{"1": 2, "2": 4}, types.ServiceDeploymentLifecycleStageBakeTime, 100, 100, "web-tg"))
		if st.greenTG["healthy"] != 4 || st.blueTG["healthy"] != 2 {
			t.Fatalf("at the shift: %s", st)
		}
	})
	t.Run("scale-in in BAKE_TIME", func(t *testing.T) {
		e, s, _, td2 := blueGreenService(t)
		u := e.Now()
		update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
		bake := types.ServiceDeploymentLifecycleStageBakeTime
		at(t, e, u, 200*time.Second, want(map[string]int{"1": 2, "2": 2}, bake, 100, 100, "web-tg"))
		update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(1)})
		st := at(t, e, u, 200*time.Second, want(map[string]int{"1": 1, "2": 1}, bake, 100, 100, "web-tg"))
		if st.stopped != 2 {
			t.Fatalf("after the scale-in: %s", st)
		}
		e.Advance(10 * time.Minute)
		if !completed(t, e, "web", td2) {
			t.Fatalf("not completed: %s", observe(t, e, s))
		}
	})
}
