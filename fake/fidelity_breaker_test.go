package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// The rules of issue #11 end to end through the fake's API. Sources are in
// docs/ecs-semantics.md.

// deploymentByID returns the listed deployment with id, if any.
func deploymentByID(s types.Service, id string) (types.Deployment, bool) {
	for _, d := range s.Deployments {
		if aws.ToString(d.Id) == id {
			return d, true
		}
	}
	return types.Deployment{}, false
}

// crashLoopService deploys a good revision, then one whose essential
// container exits 5 s after start, with the breaker and rollback on.
func crashLoopService(t *testing.T, e *ECS, desired int32) (goodID, badID, td1, td2 string) {
	t.Helper()
	td1 = register(t, e, simpleTD("web", "img:good"))
	td2 = register(t, e, simpleTD("web", "img:crash"))
	if err := e.InjectFault(Fault{Image: "img:crash", Action: FaultExit, ExitCode: 1, After: 5 * time.Second}); err != nil {
		t.Fatal(err)
	}
	created := createSvc(t, e, "web", td1, desired, svcOpts{min: 100, max: 200, breaker: true, rollback: true})
	goodID = aws.ToString(created.Deployments[0].Id)
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
	badID = aws.ToString(primaryOf(t, update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})).Id)
	return goodID, badID, td1, td2
}

// Crash loops trip the circuit breaker (re:Post knowledge center
// "ecs-troubleshoot-deployment-failures"; containers-roadmap #1206), and the
// rollback revives the last COMPLETED deployment (developer guide,
// "deployment circuit breaker"): same id, its running tasks kept, two
// deployments listed during the rollback, completion event naming its id.
func TestCrashLoopTripsBreakerAndRollbackRevivesCompletedDeployment(t *testing.T) {
	e := newCluster(t, 8)
	goodID, badID, td1, _ := crashLoopService(t, e, 2)
	var goodTasks []string
	for _, tk := range e.Tasks("default") {
		if aws.ToString(tk.StartedBy) == goodID && aws.ToString(tk.LastStatus) == statusRunning {
			goodTasks = append(goodTasks, aws.ToString(tk.TaskArn))
		}
	}
	if len(goodTasks) != 2 {
		t.Fatalf("good tasks %v", goodTasks)
	}
	maxFailed := int32(0)
	stepUntil(t, e, time.Second, 20*time.Minute, func() {
		s := svc(t, e, "web")
		if d, ok := deploymentByID(s, badID); ok {
			maxFailed = max(maxFailed, d.FailedTasks)
		}
		if len(s.Deployments) > 2 {
			t.Fatalf("%d deployments listed, want at most 2: %+v", len(s.Deployments), s.Deployments)
		}
	}, func() bool {
		d, _ := deploymentByID(svc(t, e, "web"), badID)
		return d.RolloutState == types.DeploymentRolloutStateFailed
	})
	s := svc(t, e, "web")
	if len(s.Deployments) != 2 {
		t.Fatalf("during the rollback %d deployments listed, want 2 (revived PRIMARY, FAILED)", len(s.Deployments))
	}
	p := primaryOf(t, s)
	if aws.ToString(p.Id) != goodID || aws.ToString(p.TaskDefinition) != td1 || p.RolloutState != types.DeploymentRolloutStateInProgress ||
		aws.ToString(p.RolloutStateReason) != "ECS deployment circuit breaker: rolling back to deploymentId "+goodID+"." {
		t.Fatalf("primary %s %s %s %q, want the revived %s", aws.ToString(p.Id), aws.ToString(p.TaskDefinition), p.RolloutState, aws.ToString(p.RolloutStateReason), goodID)
	}
	bad, _ := deploymentByID(s, badID)
	if bad.FailedTasks < 3 || maxFailed != bad.FailedTasks || aws.ToString(bad.Status) != "ACTIVE" {
		t.Fatalf("failed deployment %s failedTasks %d (max seen %d), want ACTIVE with at least 3", aws.ToString(bad.Status), bad.FailedTasks, maxFailed)
	}
	for _, want := range []string{plan.DeploymentFailedEvent("web", badID), plan.RollingBackEvent("web", goodID)} {
		if countEvents(s, want) != 1 {
			t.Fatalf("want %q once in %q", want, eventTexts(s))
		}
	}
	stepUntil(t, e, time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
	s = svc(t, e, "web")
	if id := aws.ToString(s.Deployments[0].Id); id != goodID {
		t.Fatalf("completed deployment %s, want the revived %s", id, goodID)
	}
	if countEvents(s, "(service web) (deployment "+goodID+") deployment completed.") != 2 {
		t.Fatalf("want the completion event naming %s twice (creation, rollback): %q", goodID, eventTexts(s))
	}
	var running []string
	for _, tk := range e.Tasks("default") {
		if aws.ToString(tk.LastStatus) == statusRunning {
			running = append(running, aws.ToString(tk.TaskArn))
		}
	}
	if len(running) != 2 || running[0] != goodTasks[0] && running[0] != goodTasks[1] || running[1] != goodTasks[0] && running[1] != goodTasks[1] {
		t.Fatalf("running %v, want the original tasks %v (no fresh task replaces a healthy one)", running, goodTasks)
	}
}

// Tasks that stop after RUNNING are not throttled ("Amazon ECS service
// throttle logic"): a crash loop relaunches at once and no "unable to
// consistently start tasks" event is written.
func TestCrashLoopIsNotThrottled(t *testing.T) {
	e := newCluster(t, 8)
	_, badID, _, _ := crashLoopService(t, e, 1)
	stepUntil(t, e, time.Second, 20*time.Minute, nil, func() bool {
		d, _ := deploymentByID(svc(t, e, "web"), badID)
		return d.RolloutState == types.DeploymentRolloutStateFailed
	})
	launched := 0
	for _, tk := range e.Tasks("default") {
		if aws.ToString(tk.StartedBy) == badID {
			launched++
		}
	}
	s := svc(t, e, "web")
	if launched < 3 || launched > 4 || countEvents(s, "unable to consistently start tasks") != 0 {
		t.Fatalf("launched %d (want 3-4 for threshold 3), events %q", launched, eventTexts(s))
	}
}

// Placement shortfalls count toward the breaker and start the throttle
// (knowledge center "ecs-troubleshoot-deployment-failures"; "service
// throttle logic": "a lack of resources ... ports, memory, or CPU units").
func TestPlacementShortfallCountsTowardBreakerAndThrottles(t *testing.T) {
	e := newCluster(t, 1, WithTiming(Timing{})) // ECS's throttle schedule
	small := register(t, e, simpleTD("web", "img:1"))
	huge := simpleTD("web", "img:2")
	huge.ContainerDefinitions[0].Memory = aws.Int32(8192) // no instance has it
	big := register(t, e, huge)
	createSvc(t, e, "web", small, 1, svcOpts{min: 100, max: 200, breaker: true, rollback: true})
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", small) })
	start := e.Now()
	badID := aws.ToString(primaryOf(t, update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(big)})).Id)
	d, _ := deploymentByID(svc(t, e, "web"), badID)
	if d.FailedTasks != 1 {
		t.Fatalf("after the first placement attempt failedTasks %d, want 1", d.FailedTasks)
	}
	counts := []time.Duration{0}
	last := int32(1)
	var failedAt time.Duration
	stepUntil(t, e, time.Second, time.Hour, func() {
		d, ok := deploymentByID(svc(t, e, "web"), badID)
		if ok && d.FailedTasks > last {
			last = d.FailedTasks
			counts = append(counts, e.Now().Sub(start))
		}
		if (!ok || d.RolloutState == types.DeploymentRolloutStateFailed) && failedAt == 0 {
			failedAt = e.Now().Sub(start)
		}
	}, func() bool { return failedAt > 0 })
	// Throttle: the base delay after the first and the second failure; the
	// third failure (threshold 3) fails the deployment.
	if len(counts) != 2 || counts[1] != plan.DefaultThrottleBase || failedAt != 2*plan.DefaultThrottleBase {
		t.Fatalf("failedTasks went up at %v and the deployment failed at %v, want [0 %v] and %v",
			counts, failedAt, plan.DefaultThrottleBase, 2*plan.DefaultThrottleBase)
	}
	if s := svc(t, e, "web"); countEvents(s, plan.DeploymentFailedEvent("web", badID)) != 1 {
		t.Fatalf("no failure event: %q", eventTexts(s))
	}
	if p := primaryOf(t, svc(t, e, "web")); aws.ToString(p.TaskDefinition) != small {
		t.Fatalf("primary %s, want the rollback to %s", aws.ToString(p.TaskDefinition), small)
	}
}

// Published Fargate observation (desired 1, an image that cannot be pulled):
// failedTasks 1, 2, 3 at 2m34s, 4m46s, 11m00s; the rollback done at
// 11m44s. The default timing reproduces it to the second.
func TestDefaultTimingReproducesObservedFargateRollback(t *testing.T) {
	e := New()
	if _, err := e.CreateCluster(bg, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	good := register(t, e, fargateTD("web", "img:good"))
	bad := register(t, e, fargateTD("web", "img:missing"))
	if err := e.InjectFault(Fault{Image: "img:missing", Action: FaultFailStart}); err != nil {
		t.Fatal(err)
	}
	createSvc(t, e, "web", good, 1, svcOpts{min: 100, max: 200, breaker: true, rollback: true, launchFargate: true})
	stepUntil(t, e, 5*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", good) })
	start := e.Now()
	badID := aws.ToString(primaryOf(t, update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(bad)})).Id)
	var seen []time.Duration
	last := int32(0)
	var rolledBack time.Duration
	stepUntil(t, e, time.Second, time.Hour, func() {
		s := svc(t, e, "web")
		if d, ok := deploymentByID(s, badID); ok && d.FailedTasks > last {
			last = d.FailedTasks
			seen = append(seen, e.Now().Sub(start))
		}
	}, func() bool {
		if completed(t, e, "web", good) {
			rolledBack = e.Now().Sub(start)
			return true
		}
		return false
	})
	want := []time.Duration{2*time.Minute + 34*time.Second, 4*time.Minute + 46*time.Second, 11 * time.Minute}
	if len(seen) != 3 || seen[0] != want[0] || seen[1] != want[1] || seen[2] != want[2] {
		t.Fatalf("failedTasks 1, 2, 3 at %v, want %v", seen, want)
	}
	if rolledBack != 11*time.Minute+44*time.Second {
		t.Fatalf("rollback completed at %v, want 11m44s", rolledBack)
	}
}

// deploymentCircuitBreaker.thresholdConfiguration (API Reference,
// "ThresholdConfiguration") is honoured: COUNT 1 fails the deployment at
// its first failed task, where the default threshold (3) would not; it is
// echoed back; a type outside the enum is refused naming the field.
func TestCircuitBreakerThresholdConfigurationCountOne(t *testing.T) {
	e := newCluster(t, 4)
	td1 := register(t, e, simpleTD("web", "img:good"))
	td2 := register(t, e, simpleTD("web", "img:bad"))
	if err := e.InjectFault(Fault{Image: "img:bad", Action: FaultFailStart, Times: 1}); err != nil {
		t.Fatal(err)
	}
	cb := &types.DeploymentCircuitBreaker{Enable: true, Rollback: false,
		ThresholdConfiguration: &types.ThresholdConfiguration{Type: types.ThresholdTypeCount, Value: 1}}
	out, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td1), DesiredCount: aws.Int32(1),
		DeploymentConfiguration: &types.DeploymentConfiguration{DeploymentCircuitBreaker: cb}})
	if err != nil {
		t.Fatal(err)
	}
	if tc := out.Service.DeploymentConfiguration.DeploymentCircuitBreaker.ThresholdConfiguration; tc == nil || tc.Type != types.ThresholdTypeCount || tc.Value != 1 {
		t.Fatalf("thresholdConfiguration not echoed: %+v", tc)
	}
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
	badID := aws.ToString(primaryOf(t, update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})).Id)
	stepUntil(t, e, time.Second, 10*time.Minute, nil, func() bool {
		d, _ := deploymentByID(svc(t, e, "web"), badID)
		return d.FailedTasks >= 1
	})
	d, _ := deploymentByID(svc(t, e, "web"), badID)
	if d.FailedTasks != 1 || d.RolloutState != types.DeploymentRolloutStateFailed {
		t.Fatalf("after one failed task: failedTasks %d %s, want FAILED at COUNT 1", d.FailedTasks, d.RolloutState)
	}
	_, err = e.UpdateService(bg, &ecs.UpdateServiceInput{Service: aws.String("web"), DeploymentConfiguration: &types.DeploymentConfiguration{
		DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, ThresholdConfiguration: &types.ThresholdConfiguration{Type: "SOMETIMES", Value: 1}}}})
	apiErr(t, err, "InvalidParameterException", `deploymentConfiguration.deploymentCircuitBreaker.thresholdConfiguration.type: must be one of COUNT, BOUNDED_PERCENT, UNBOUNDED_PERCENT, got "SOMETIMES".`)
}

// Published observation (Fargate, desired 1, a container that exits on
// start): the crash loop rolled back after 4 starts, about 3 minutes. The
// default timing gives failedTasks 3 (FAILED, rollback) at 3m06s with the
// fourth task started.
func TestDefaultTimingCrashLoopRollsBackAfterFourStarts(t *testing.T) {
	e := New()
	if _, err := e.CreateCluster(bg, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	good := register(t, e, fargateTD("web", "img:good"))
	crash := register(t, e, fargateTD("web", "img:exit-on-start"))
	if err := e.InjectFault(Fault{Image: "img:exit-on-start", Action: FaultExit, ExitCode: 1}); err != nil {
		t.Fatal(err)
	}
	createSvc(t, e, "web", good, 1, svcOpts{min: 100, max: 200, breaker: true, rollback: true, launchFargate: true})
	stepUntil(t, e, 5*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", good) })
	start := e.Now()
	badID := aws.ToString(primaryOf(t, update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(crash)})).Id)
	var failedAt time.Duration
	stepUntil(t, e, time.Second, 30*time.Minute, nil, func() bool {
		d, ok := deploymentByID(svc(t, e, "web"), badID)
		if !ok || d.RolloutState == types.DeploymentRolloutStateFailed {
			failedAt = e.Now().Sub(start)
			return true
		}
		return false
	})
	starts := 0
	for _, tk := range e.Tasks("default") {
		if aws.ToString(tk.StartedBy) == badID {
			starts++
		}
	}
	if starts != 4 || failedAt != 3*time.Minute+6*time.Second {
		t.Fatalf("%d starts, rolled back at %v; want 4 starts and 3m06s", starts, failedAt)
	}
}
