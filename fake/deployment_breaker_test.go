package fake

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// healthTD is a task definition whose essential container has a health check.
func healthTD(family, image string) *ecs.RegisterTaskDefinitionInput {
	in := simpleTD(family, image)
	in.ContainerDefinitions[0].HealthCheck = &types.HealthCheck{Command: []string{"CMD-SHELL", "true"}, Interval: aws.Int32(10)}
	return in
}

// badRollout starts the circuit breaker's stage-1 scenario: service "web"
// of 4 tasks (100-200 %, breaker with rollback) steady on td1 (img:good),
// then updated to img:bad, whose tasks all fail to start. It returns the
// world, td1 and the good and bad deployments' IDs.
func badRollout(t *testing.T) (*ECS, string, string, string) {
	t.Helper()
	e := newCluster(t, 8)
	td1 := register(t, e, simpleTD("web", "img:good"))
	td2 := register(t, e, simpleTD("web", "img:bad"))
	if err := e.InjectFault(Fault{Image: "img:bad", Action: FaultFailStart}); err != nil {
		t.Fatal(err)
	}
	created := createSvc(t, e, "web", td1, 4, svcOpts{min: 100, max: 200, breaker: true, rollback: true})
	goodID := aws.ToString(created.Deployments[0].Id)
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
	badID := aws.ToString(primaryOf(t, update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})).Id)
	return e, td1, goodID, badID
}

// Circuit breaker stage 1: tasks that never reach RUNNING count; at
// ceil(0.5*desired) clamped to [3, 200] the deployment FAILS and, with
// rollback, a new PRIMARY on the last COMPLETED definition replaces it,
// ending with desiredCount tasks RUNNING on the old definition.
func TestCircuitBreakerFailureAndRollback(t *testing.T) {
	e, td1, goodID, badID := badRollout(t)
	check := boundsChecker(t, e, "web", 4, 100, 200)
	// The FAILED deployment has no task left, so it turns INACTIVE at the
	// instant the rollback deployment is created.
	stepUntil(t, e, time.Second, 30*time.Minute, check, func() bool {
		return aws.ToString(primaryOf(t, svc(t, e, "web")).TaskDefinition) == td1
	})
	s := svc(t, e, "web")
	p := primaryOf(t, s)
	if aws.ToString(p.TaskDefinition) != td1 || aws.ToString(p.RolloutStateReason) != plan.RollbackReason(goodID) ||
		!strings.Contains(aws.ToString(p.RolloutStateReason), "rolling back") {
		t.Fatalf("rollback primary: %s %q", aws.ToString(p.TaskDefinition), aws.ToString(p.RolloutStateReason))
	}
	for _, want := range []string{plan.DeploymentFailedEvent("web", badID), plan.RollingBackEvent("web", goodID)} {
		if countEvents(s, want) != 1 {
			t.Fatalf("want event %q once in %q", want, eventTexts(s))
		}
	}
	stepUntil(t, e, time.Second, 10*time.Minute, check, func() bool { return completed(t, e, "web", td1) })
	if c := countSvcTasks(e, "web"); c.runningByTD[td1] != 4 || c.live != 4 {
		t.Fatalf("after rollback: %v live %d", c.runningByTD, c.live)
	}
}

// Without rollback a FAILED deployment launches nothing more and the old
// tasks keep running.
func TestCircuitBreakerFailedDeploymentLaunchesNothingMore(t *testing.T) {
	e := newCluster(t, 8)
	td1 := register(t, e, simpleTD("web", "img:good"))
	td2 := register(t, e, simpleTD("web", "img:bad"))
	e.InjectFault(Fault{Image: "img:bad", Action: FaultFailStart})
	createSvc(t, e, "web", td1, 2, svcOpts{min: 100, max: 200, breaker: true})
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	stepUntil(t, e, time.Second, 30*time.Minute, nil, func() bool {
		return primaryOf(t, svc(t, e, "web")).RolloutState == types.DeploymentRolloutStateFailed
	})
	started := e.CallCount("RunTask") // unchanged; count tasks instead
	_ = started
	n := len(e.Tasks("default"))
	e.Advance(30 * time.Minute)
	s := svc(t, e, "web")
	if got := len(e.Tasks("default")); got != n {
		t.Fatalf("FAILED deployment launched %d more tasks", got-n)
	}
	if c := countSvcTasks(e, "web"); c.runningByTD[td1] != 2 {
		t.Fatalf("old tasks: %v", c.runningByTD)
	}
	if p := primaryOf(t, s); p.FailedTasks < 3 || aws.ToString(p.TaskDefinition) != td2 {
		t.Fatalf("primary %s failedTasks %d, want at least 3 (threshold for desired 2)", aws.ToString(p.TaskDefinition), p.FailedTasks)
	}
}

// Circuit breaker stage 2: tasks that ran, then failed their health checks,
// count; the failing tasks are stopped with "failed container health
// checks" events and replaced until the threshold.
func TestCircuitBreakerHealthCheckFailures(t *testing.T) {
	e := newCluster(t, 8)
	td1 := register(t, e, healthTD("web", "img:good"))
	td2 := register(t, e, healthTD("web", "img:sick"))
	e.InjectFault(Fault{Image: "img:sick", Action: FaultUnhealthy, After: 5 * time.Second})
	created := createSvc(t, e, "web", td1, 3, svcOpts{min: 100, max: 200, breaker: true, rollback: true})
	goodID := aws.ToString(created.Deployments[0].Id)
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	stepUntil(t, e, time.Second, 30*time.Minute, boundsChecker(t, e, "web", 3, 100, 200), func() bool {
		return strings.Contains(aws.ToString(primaryOf(t, svc(t, e, "web")).RolloutStateReason), "rolling back")
	})
	s := svc(t, e, "web")
	if aws.ToString(primaryOf(t, s).RolloutStateReason) != plan.RollbackReason(goodID) {
		t.Fatalf("reason %q", aws.ToString(primaryOf(t, s).RolloutStateReason))
	}
	if countEvents(s, "failed container health checks.") < 3 {
		t.Fatalf("want at least 3 health check events: %q", eventTexts(s))
	}
	stepUntil(t, e, time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
}

// healthCheckGracePeriodSeconds: failing checks are ignored for that long
// after start, so an unhealthy task is not stopped before the grace ends.
func TestHealthCheckGracePeriodDelaysUnhealthyStop(t *testing.T) {
	e := newCluster(t, 4)
	td := register(t, e, healthTD("web", "img:flaky"))
	e.InjectFault(Fault{Image: "img:flaky", Action: FaultUnhealthy, After: 5 * time.Second, Times: 1})
	createSvc(t, e, "web", td, 1, svcOpts{min: 100, max: 200, grace: 120})
	e.Advance(10 * time.Second) // RUNNING at 10 s, UNHEALTHY at 15 s
	e.Advance(time.Minute)
	if c := countSvcTasks(e, "web"); c.live != 1 {
		t.Fatalf("unhealthy task stopped inside the grace period: live %d", c.live)
	}
	e.Advance(2 * time.Minute) // grace over at 130 s
	s := svc(t, e, "web")
	if countEvents(s, "failed container health checks.") != 1 {
		t.Fatalf("events %q", eventTexts(s))
	}
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return svc(t, e, "web").RunningCount == 1 && countSvcTasks(e, "web").healthy == 1 })
}

// Without a health check a task counts as healthy 40 s after RUNNING: the
// deployment completes then, not before.
func TestNoHealthCheckHealthyAfter40Seconds(t *testing.T) {
	e := newCluster(t, 2)
	td := register(t, e, simpleTD("web", "img:1"))
	createSvc(t, e, "web", td, 1, svcOpts{min: 100, max: 200})
	e.Advance(10 * time.Second) // RUNNING at 10 s (8 s pull + 2 s activating)
	e.Advance(39 * time.Second)
	if st := primaryOf(t, svc(t, e, "web")).RolloutState; st != types.DeploymentRolloutStateInProgress {
		t.Fatalf("at 49 s: %s", st)
	}
	e.Advance(time.Second)
	if st := primaryOf(t, svc(t, e, "web")).RolloutState; st != types.DeploymentRolloutStateCompleted {
		t.Fatalf("at 50 s: %s", st)
	}
}
