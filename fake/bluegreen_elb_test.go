package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// A production listener rule deleted during SCALE_UP: the test rule moves
// to green when green is ready, the production rule cannot be modified,
// so green fails in PRODUCTION_TRAFFIC_SHIFT and rolls back (no circuit
// breaker is configured: ECS rolls back on these errors anyway); the test
// rule returns to blue at that instant, blue (web:1) is the PRIMARY and
// COMPLETED again once green has drained, and the service deployment is
// ROLLBACK_SUCCESSFUL with ECS's form of statusReason.
func TestBlueGreenDeletedProductionRuleFailsTheShift(t *testing.T) {
	e, s, td1, td2 := blueGreenService(t)
	x := e.ELBv2()
	u := e.Now()
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	e.Advance(30 * time.Second)
	if _, err := x.DeleteRule(bg, &elbv2.DeleteRuleInput{RuleArn: aws.String(s.prod)}); err != nil {
		t.Fatal(err)
	}
	e.Advance(u.Add(150 * time.Second).Sub(e.Now())) // green ready: the shifts are due
	sd := newestServiceDeployment(t, e)
	reason := "Service deployment rolled back because PRODUCTION_TRAFFIC_SHIFT lifecycle hook(s) failed. One or more rules not found"
	if sd.Status != types.ServiceDeploymentStatusRollbackInProgress || aws.ToString(sd.StatusReason) != reason ||
		sd.LifecycleStage != types.ServiceDeploymentLifecycleStageProductionTrafficShift ||
		sd.Rollback == nil || aws.ToString(sd.Rollback.Reason) != reason {
		t.Fatalf("service deployment %+v", sd)
	}
	if w := named(weights(t, x, s.test)); w["web-tg-2"] != 100 || w["web-tg"] != 0 {
		t.Fatalf("test rule after the rollback: %v", w)
	}
	sv := svc(t, e, "web")
	if p := primaryOf(t, sv); aws.ToString(p.TaskDefinition) != td1 {
		t.Fatalf("primary %+v", p)
	}
	if countEvents(sv, "(service web) (deployment ") == 0 || countEvents(sv, "deployment failed: "+reason) != 1 ||
		countEvents(sv, "(service web) rolling back to deployment") != 1 {
		t.Fatalf("events %q", eventTexts(sv))
	}
	for _, d := range sv.Deployments {
		if aws.ToString(d.TaskDefinition) == td2 && (d.RolloutState != types.DeploymentRolloutStateFailed || aws.ToString(d.RolloutStateReason) != reason) {
			t.Fatalf("green %+v", d)
		}
	}
	e.Advance(400 * time.Second)
	if sd = newestServiceDeployment(t, e); sd.Status != types.ServiceDeploymentStatusRollbackSuccessful || !completed(t, e, "web", td1) ||
		len(health(t, x, s.green)) != 0 {
		t.Fatalf("after the rollback: %+v", sd)
	}
}

// A test listener rule deleted during SCALE_UP (UpdateService refuses a
// rule that is already gone): green fails at TEST_TRAFFIC_SHIFT,
// production never leaves blue, and the rollback succeeds.
func TestBlueGreenDeletedTestRuleFailsTheTestShift(t *testing.T) {
	e, s, td1, td2 := blueGreenService(t)
	x := e.ELBv2()
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	if _, err := x.DeleteRule(bg, &elbv2.DeleteRuleInput{RuleArn: aws.String(s.test)}); err != nil {
		t.Fatal(err)
	}
	prodOnBlue := func(when string) {
		if w := named(weights(t, x, s.prod)); w["web-tg-2"] != 100 || w["web-tg"] != 0 {
			t.Fatalf("%s: production %v", when, w)
		}
	}
	stepUntil(t, e, time.Second, time.Hour, func() { prodOnBlue("during") }, func() bool {
		return newestServiceDeployment(t, e).Status == types.ServiceDeploymentStatusRollbackSuccessful
	})
	sd := newestServiceDeployment(t, e)
	if sd.LifecycleStage != types.ServiceDeploymentLifecycleStageTestTrafficShift ||
		aws.ToString(sd.StatusReason) != plan.BlueGreenFailureReason(types.ServiceDeploymentLifecycleStageTestTrafficShift, "One or more rules not found") ||
		!completed(t, e, "web", td1) {
		t.Fatalf("service deployment %+v", sd)
	}
}

// Green's target group deleted during SCALE_UP (the rules and the
// listener's default action first stop forwarding to it, as ELB requires): green fails in SCALE_UP and rolls
// back; no rule is rewritten to name the deleted group.
func TestBlueGreenDeletedGreenTargetGroupFailsScaleUp(t *testing.T) {
	e, s, td1, td2 := blueGreenService(t)
	x := e.ELBv2()
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	e.Advance(30 * time.Second)
	blueOnly := []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(s.tg)}}
	for _, r := range []string{s.prod, s.test} {
		if _, err := x.ModifyRule(bg, &elbv2.ModifyRuleInput{RuleArn: aws.String(r), Actions: blueOnly}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := x.ModifyListener(bg, &elbv2.ModifyListenerInput{ListenerArn: aws.String(s.listener), DefaultActions: blueOnly}); err != nil {
		t.Fatal(err)
	}
	if _, err := x.DeleteTargetGroup(bg, &elbv2.DeleteTargetGroupInput{TargetGroupArn: aws.String(s.green)}); err != nil {
		t.Fatal(err)
	}
	e.Advance(time.Second)
	sd := newestServiceDeployment(t, e)
	if sd.Status != types.ServiceDeploymentStatusRollbackInProgress || sd.LifecycleStage != types.ServiceDeploymentLifecycleStageScaleUp ||
		aws.ToString(sd.StatusReason) != plan.BlueGreenFailureReason(types.ServiceDeploymentLifecycleStageScaleUp, "One or more target groups not found") {
		t.Fatalf("service deployment %+v", sd)
	}
	for _, r := range []string{s.prod, s.test} {
		if w := weights(t, x, r); len(w) != 1 {
			t.Fatalf("rule %s forwards %v (the deleted group written back?)", r, w)
		}
	}
	e.Advance(10 * time.Minute)
	if !completed(t, e, "web", td1) || newestServiceDeployment(t, e).Status != types.ServiceDeploymentStatusRollbackSuccessful {
		t.Fatalf("after the rollback: %+v", newestServiceDeployment(t, e))
	}
}
