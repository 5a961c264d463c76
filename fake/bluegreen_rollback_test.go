package fake

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// StopServiceDeployment (ROLLBACK) during BAKE_TIME, after production
// traffic moved to green: at that instant both rules send everything to
// blue again, blue (web:1, never stopped) is the PRIMARY again and green's
// tasks are deregistered from the alternate target group and drain; the
// rollback succeeds when they have stopped (300 s deregistration delay,
// then 17 s of stopping). The service deployment keeps the stage it
// reached.
func TestBlueGreenStopServiceDeploymentRollsBackTraffic(t *testing.T) {
	e, s, td1, td2 := blueGreenService(t)
	u := e.Now()
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	bake := types.ServiceDeploymentLifecycleStageBakeTime
	at(t, e, u, 210*time.Second, want(map[string]int{"1": 2, "2": 2}, bake, 100, 100, "web-tg"))
	sd := newestServiceDeployment(t, e)
	if _, err := e.StopServiceDeployment(bg, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: sd.ServiceDeploymentArn,
		StopType: types.StopServiceDeploymentStopTypeRollback}); err != nil {
		t.Fatal(err)
	}
	st := at(t, e, u, 210*time.Second, want(map[string]int{"1": 2}, bake, 0, 0, "web-tg"))
	if st.status != types.ServiceDeploymentStatusRollbackInProgress || st.stopped != 2 || st.greenTG["draining"] != 2 || st.blueTG["healthy"] != 2 {
		t.Fatalf("after StopServiceDeployment: %s", st)
	}
	sv := svc(t, e, "web")
	if p := primaryOf(t, sv); aws.ToString(p.TaskDefinition) != td1 || p.RolloutState != types.DeploymentRolloutStateInProgress {
		t.Fatalf("primary after the rollback: %+v", p)
	}
	// green's two targets deregistered at the instant of the rollback, after
	// its "rolling back" event: one event for both.
	if countEvents(sv, "deregistered 2 targets in (target-group "+s.green+")") != 1 || countEvents(sv, "deregistered 1 targets in (target-group "+s.green+")") != 0 ||
		countEvents(sv, "(target-group "+s.tg+")") != 1 { // blue: registered once, never deregistered
		t.Fatalf("events %q", eventTexts(sv))
	}
	st = at(t, e, u, 526*time.Second, want(map[string]int{"1": 2}, bake, 0, 0, "web-tg"))
	if st.status != types.ServiceDeploymentStatusRollbackInProgress {
		t.Fatalf("rollback finished early: %s", st)
	}
	st = at(t, e, u, 527*time.Second, want(map[string]int{"1": 2}, bake, 0, 0, "web-tg"))
	if st.status != types.ServiceDeploymentStatusRollbackSuccessful || len(st.greenTG) != 0 || st.stopped != 0 {
		t.Fatalf("rollback not finished: %s", st)
	}
	if !completed(t, e, "web", td1) {
		t.Fatalf("blue not COMPLETED: %+v", svc(t, e, "web").Deployments)
	}
}

// The circuit breaker fails green during SCALE_UP (its tasks never start)
// and rolls back: traffic never leaves blue, whose two tasks run
// throughout, and the service deployment ends ROLLBACK_SUCCESSFUL at the
// stage it reached.
func TestBlueGreenCircuitBreakerRollbackKeepsBlue(t *testing.T) {
	e, s, tds := blueGreenWithBreaker(t, "web:bad")
	td1, td2 := tds[0], tds[1]
	u := e.Now()
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	keepsBlue := want(map[string]int{"1": 2}, types.ServiceDeploymentLifecycleStageScaleUp, 0, 0, "web-tg")
	stepUntil(t, e, time.Second, time.Hour, func() {
		if err := keepsBlue(observe(t, e, s)); err != nil {
			t.Fatalf("+%v: %v", e.Now().Sub(u), err)
		}
	}, func() bool {
		return newestServiceDeployment(t, e).Status == types.ServiceDeploymentStatusRollbackSuccessful
	})
	if got := newestServiceDeployment(t, e); got.LifecycleStage != types.ServiceDeploymentLifecycleStageScaleUp ||
		got.DeploymentCircuitBreaker.Status != types.ServiceDeploymentRollbackMonitorsStatusTriggered {
		t.Fatalf("service deployment %+v", got)
	}
	if !completed(t, e, "web", td1) || len(health(t, e.ELBv2(), s.green)) != 0 {
		t.Fatalf("after the rollback: %s", observe(t, e, s))
	}
}

// The target groups swap roles: after web:2 deployed into the alternate
// group (web-tg-2), web:3 deploys into the service's own (web-tg), and the
// rules move back to it.
func TestBlueGreenTargetGroupsSwapRoles(t *testing.T) {
	e, s, _, td2 := blueGreenService(t)
	td3 := register(t, e, webFargateTD("web:3"))
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	e.Advance(800 * time.Second)
	if !completed(t, e, "web", td2) {
		t.Fatalf("web:2 not deployed: %s", observe(t, e, s))
	}
	u := e.Now()
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td3)})
	// web:2 serves production from web-tg-2: web-tg gets weight 0 until web:3 is healthy there.
	st := at(t, e, u, 20*time.Second, want(map[string]int{"2": 2, "3": 2}, types.ServiceDeploymentLifecycleStageScaleUp, 0, 0, "web-tg-2"))
	if st.blueTG["initial"] != 2 || st.greenTG["healthy"] != 2 {
		t.Fatalf("web:3 not registered in web-tg: %s", st)
	}
	at(t, e, u, 150*time.Second, want(map[string]int{"2": 2, "3": 2}, types.ServiceDeploymentLifecycleStageBakeTime, 100, 100, "web-tg-2"))
	st = at(t, e, u, 450*time.Second, want(map[string]int{"3": 2}, types.ServiceDeploymentLifecycleStageCleanUp, 100, 100, "web-tg-2"))
	if st.greenTG["draining"] != 2 {
		t.Fatalf("web:2 not draining from web-tg-2: %s", st)
	}
	want := []string{"PRE_SCALE_UP@0s", "SCALE_UP@0s", "POST_SCALE_UP@2m30s", "TEST_TRAFFIC_SHIFT@2m30s", "POST_TEST_TRAFFIC_SHIFT@2m30s",
		"PRODUCTION_TRAFFIC_SHIFT@2m30s", "POST_PRODUCTION_TRAFFIC_SHIFT@2m30s", "BAKE_TIME@2m30s", "CLEAN_UP@7m30s"}
	if got := stagesOf(e, u); !slices.Equal(got, want) {
		t.Fatalf("stages %q", got)
	}
}

// A deployment alarm (deploymentConfiguration.alarms with rollback) going
// to ALARM during BAKE_TIME fails green and rolls back: production and
// test traffic return to blue at the instant the alarm fires, blue's tasks
// (held through the bake) are the PRIMARY again, and green's drain.
func TestBlueGreenAlarmDuringBakeRollsBack(t *testing.T) {
	e, s := blueGreenWorld(t)
	if _, err := e.CloudWatch().PutMetricAlarm(bg, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("errors"),
		Namespace: aws.String("App"), MetricName: aws.String("Errors"), Statistic: cwtypes.StatisticSum, Period: aws.Int32(60),
		EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(10), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
		TreatMissingData: aws.String("notBreaching")}); err != nil {
		t.Fatal(err)
	}
	td1 := register(t, e, webFargateTD("web:1"))
	td2 := register(t, e, webFargateTD("web:2"))
	in := blueGreenInput(s, td1, 2, 30)
	in.DeploymentConfiguration.Alarms = &types.DeploymentAlarms{AlarmNames: []string{"errors"}, Enable: true, Rollback: true}
	if _, err := e.CreateService(bg, in); err != nil {
		t.Fatal(err)
	}
	s = firstDeployed(t, e, s, td1, 30)
	u := e.Now()
	greenID := aws.ToString(primaryOf(t, update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})).Id)
	bake := types.ServiceDeploymentLifecycleStageBakeTime
	at(t, e, u, 5*time.Minute, want(map[string]int{"1": 2, "2": 2}, bake, 100, 100, "web-tg"))
	publishErrors(t, e, 50) // green throws errors
	var fired time.Duration
	stepUntil(t, e, time.Second, 3*time.Minute, nil, func() bool {
		fired = e.Now().Sub(u)
		return newestServiceDeployment(t, e).Status != types.ServiceDeploymentStatusInProgress
	})
	st := at(t, e, u, fired, want(map[string]int{"1": 2}, bake, 0, 0, "web-tg"))
	if st.status != types.ServiceDeploymentStatusRollbackInProgress || st.greenTG["draining"] != 2 || st.blueTG["healthy"] != 2 {
		t.Fatalf("at the alarm (+%v): %s", fired, st)
	}
	sv := svc(t, e, "web")
	if countEvents(sv, plan.DeploymentAlarmFailedEvent("web", greenID)) != 1 || countEvents(sv, "rolling back to deployment") != 1 {
		t.Fatalf("events %q", eventTexts(sv))
	}
	if sd := newestServiceDeployment(t, e); sd.Alarms == nil || !slices.Contains(sd.Alarms.TriggeredAlarmNames, "errors") {
		t.Fatalf("service deployment alarms %+v", sd.Alarms)
	}
	e.Advance(10 * time.Minute)
	if st := observe(t, e, s); st.status != types.ServiceDeploymentStatusRollbackSuccessful || !completed(t, e, "web", td1) {
		t.Fatalf("after the rollback: %s", st)
	}
}

// A new deployment during BAKE_TIME replaces green: production stays with
// the revision serving it (web:2, now blue), the held web:1 is released
// and drains from web-tg, and web:3 deploys into web-tg, to which traffic
// moves once web:3 is healthy. The replaced service deployment is STOPPED.
func TestBlueGreenNewDeploymentDuringBake(t *testing.T) {
	e, _, _, td2 := blueGreenService(t)
	td3 := register(t, e, webFargateTD("web:3"))
	u := e.Now()
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	at(t, e, u, 200*time.Second, want(map[string]int{"1": 2, "2": 2}, types.ServiceDeploymentLifecycleStageBakeTime, 100, 100, "web-tg"))
	first := newestServiceDeployment(t, e)
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td3)})
	st := at(t, e, u, 200*time.Second, want(map[string]int{"2": 2}, types.ServiceDeploymentLifecycleStageScaleUp, 100, 100, "web-tg"))
	if st.blueTG["draining"] != 2 || st.stopped != 2 {
		t.Fatalf("web:1 not released: %s", st)
	}
	st = at(t, e, u, 220*time.Second, want(map[string]int{"2": 2, "3": 2}, types.ServiceDeploymentLifecycleStageScaleUp, 100, 100, "web-tg"))
	if st.blueTG["initial"] != 2 || st.blueTG["draining"] != 2 {
		t.Fatalf("web:3 not registered in web-tg: %s", st)
	}
	at(t, e, u, 350*time.Second, want(map[string]int{"2": 2, "3": 2}, types.ServiceDeploymentLifecycleStageBakeTime, 0, 0, "web-tg"))
	d, err := e.DescribeServiceDeployments(bg, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{aws.ToString(first.ServiceDeploymentArn)}})
	if err != nil || d.ServiceDeployments[0].Status != types.ServiceDeploymentStatusStopped {
		t.Fatalf("replaced service deployment: %v %+v", err, d.ServiceDeployments)
	}
}

// Deleting a service during a blue/green deployment (force) stops blue's
// tasks as well as green's at once: the hold on blue ends with the
// service (not at the end of the bake).
func TestBlueGreenDeleteServiceDrainsBoth(t *testing.T) {
	e, s, _, td2 := blueGreenService(t)
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	e.Advance(200 * time.Second) // BAKE_TIME: both revisions running
	if _, err := e.DeleteService(bg, &ecs.DeleteServiceInput{Service: aws.String("web"), Force: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if n := len(serviceTasks(t, e, types.DesiredStatusRunning)); n != 0 {
		t.Fatalf("%d tasks not being stopped after DeleteService", n)
	}
	if n := len(serviceTasks(t, e, types.DesiredStatusStopped)); n != 4 {
		t.Fatalf("%d tasks being stopped after DeleteService, want 4", n)
	}
	e.Advance(15 * time.Minute)
	if h := health(t, e.ELBv2(), s.tg); len(h) != 0 {
		t.Fatalf("blue's targets still registered: %v", states(h))
	}
}

// A rollback of a deployment that replaced an unfinished blue/green one
// revives the last COMPLETED deployment (web:1), as every rollback does:
// production and test traffic follow it to its target group (web-tg),
// where its new tasks register, and the deployment it had replaced (web:2)
// is scaled in.
func TestBlueGreenRollbackFollowsTheRevivedDeployment(t *testing.T) {
	e, s, tds := blueGreenWithBreaker(t, "web:2", "web:bad")
	td1, td2, td3 := tds[0], tds[1], tds[2]
	u := e.Now()
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	at(t, e, u, 200*time.Second, want(map[string]int{"1": 2, "2": 2}, types.ServiceDeploymentLifecycleStageBakeTime, 100, 100, "web-tg"))
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td3)})
	stepUntil(t, e, time.Second, time.Hour, nil, func() bool {
		return newestServiceDeployment(t, e).Status != types.ServiceDeploymentStatusInProgress
	})
	if p := primaryOf(t, svc(t, e, "web")); aws.ToString(p.TaskDefinition) != td1 {
		t.Fatalf("rollback to %s, want web:1", aws.ToString(p.TaskDefinition))
	}
	if st := observe(t, e, s); named(st.prod)["web-tg-2"] != 100 || named(st.test)["web-tg-2"] != 100 || named(st.prod)["web-tg"] != 0 {
		t.Fatalf("traffic after the rollback: %s", st)
	}
	stepUntil(t, e, 10*time.Second, time.Hour, nil, func() bool { return completed(t, e, "web", td1) })
	if st := observe(t, e, s); st.blueTG["healthy"] != 2 || len(st.greenTG) != 0 {
		t.Fatalf("after the rollback completed: %s", st)
	}
}

// blueGreenWithBreaker creates the blue/green service "web" (2 tasks of
// web:1, bake 5 minutes) with the circuit breaker and rollback on, settled
// for 200 s, after registering web:1 and then each of more (their ARNs
// follow web:1's in tds). Tasks of the image web:bad fail to start.
func blueGreenWithBreaker(t *testing.T, more ...string) (e *ECS, s bgSetup, tds []string) {
	t.Helper()
	e, s = blueGreenWorld(t)
	for _, family := range append([]string{"web:1"}, more...) {
		tds = append(tds, register(t, e, webFargateTD(family)))
	}
	if err := e.InjectFault(Fault{Image: "web:bad", Action: FaultFailStart}); err != nil {
		t.Fatal(err)
	}
	in := blueGreenInput(s, tds[0], 2, 5)
	in.DeploymentConfiguration.DeploymentCircuitBreaker = &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}
	if _, err := e.CreateService(bg, in); err != nil {
		t.Fatal(err)
	}
	return e, firstDeployed(t, e, s, tds[0], 5), tds
}
