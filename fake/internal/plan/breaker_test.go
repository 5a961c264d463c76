package plan

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestCircuitBreakerThreshold(t *testing.T) {
	tests := []struct{ desired, want int }{{0, 3}, {1, 3}, {6, 3}, {7, 4}, {25, 13}, {400, 200}, {1000, 200}}
	for _, tc := range tests {
		if got := BreakerThreshold(tc.desired); got != tc.want {
			t.Errorf("BreakerThreshold(%d) = %d, want %d", tc.desired, got, tc.want)
		}
	}
}

// breakerSnap is a rollout of desired 10 (threshold 5) with the breaker on.
func breakerSnap(rollback bool, newTasks []Task) Snapshot {
	s := rollout(svc(10, 50, 200), healthy(oldID, 10), newTasks)
	s.Service.CircuitBreaker = CircuitBreaker{Enable: true, Rollback: rollback}
	return s
}

func TestCircuitBreakerStage1CountsTasksThatFailToStart(t *testing.T) {
	tests := []struct {
		name       string
		tasks      []Task
		counted    int
		wantFailed int
		wantMarks  int
	}{
		{"two new failures", failedStart(newID, 2), 0, 2, 2},
		{"failures counted once", failedStart(newID, 2), 2, 0, 0},
		{"scheduler stops do not count", func() []Task {
			ts := failedStart(newID, 2)
			ts[0].StopCode = types.TaskStopCodeServiceSchedulerInitiated
			ts[1].StopCode = types.TaskStopCodeUserInitiated
			return ts
		}(), 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i := range tc.counted {
				tc.tasks[i].FailureCounted = true
			}
			p := Compute(breakerSnap(false, tc.tasks))
			u, _ := update(p, newID)
			if u.FailedTasks != tc.wantFailed {
				t.Errorf("failedTasks %d, want %d", u.FailedTasks, tc.wantFailed)
			}
			n := 0
			for _, m := range p.Marks {
				if m.FailureCounted {
					n++
				}
			}
			if n != tc.wantMarks {
				t.Errorf("%d failure marks, want %d: %+v", n, tc.wantMarks, p.Marks)
			}
		})
	}
}

func TestCircuitBreakerStage2CountsFailedHealthChecks(t *testing.T) {
	ts := join(healthy(newID, 2), failedStart(newID, 1))
	s := breakerSnap(false, ts)
	s.Deployments[1].HasHealthCheck = true
	s.Deployments[1].ReachedRunning = true
	s.Deployments[1].FailedTasks = 1
	s.Tasks[10].Health = types.HealthStatusUnhealthy
	s.Tasks[11].Health = types.HealthStatusUnknown
	s.Tasks[11].HealthyCounted = true
	p := Compute(s)
	u, _ := update(p, newID)
	if u.FailedTasks != 2 {
		t.Errorf("failedTasks %d, want 2 (1 + one failed health check; start failures do not count in stage 2)", u.FailedTasks)
	}
}

func TestCircuitBreakerResetsFailedTasksOnHealthyTask(t *testing.T) {
	s := breakerSnap(false, join(healthy(newID, 1), failedStart(newID, 1)))
	s.Deployments[1].FailedTasks = 4
	s.Deployments[1].ReachedRunning = true
	p := Compute(s)
	u, _ := update(p, newID)
	if u.FailedTasks != 0 {
		t.Errorf("failedTasks %d, want 0 after a healthy task", u.FailedTasks)
	}
	s.Tasks[10].HealthyCounted = true // already seen healthy: no second reset
	s.Deployments[1].FailedTasks = 4
	s.Deployments[1].HasHealthCheck = true
	s.Tasks[10].Health = types.HealthStatusUnhealthy
	u, _ = update(Compute(s), newID)
	if u.FailedTasks != 5 {
		t.Errorf("failedTasks %d, want 5", u.FailedTasks)
	}
}

func TestCircuitBreakerFailsAtThresholdAndLaunchesNothing(t *testing.T) {
	s := breakerSnap(false, failedStart(newID, 5))
	p := Compute(s)
	u, _ := update(p, newID)
	if u.RolloutState != types.DeploymentRolloutStateFailed || u.RolloutStateReason != "ECS deployment circuit breaker: tasks failed to start." {
		t.Fatalf("update %+v, want FAILED with the breaker reason", u)
	}
	if !hasEvent(p, "(service web) (deployment "+newID+") deployment failed: tasks failed to start.") {
		t.Errorf("events %q lack the failure event", p.Events)
	}
	if len(p.Starts) != 0 || len(p.Stops) != 0 || p.NewDeployment != nil {
		t.Errorf("a FAILED deployment without rollback must not start, drain or roll back: %+v", p)
	}
	s.Deployments[1].RolloutState = types.DeploymentRolloutStateFailed
	for i := range s.Tasks {
		s.Tasks[i].FailureCounted = true
	}
	if p := Compute(s); len(p.Starts) != 0 {
		t.Errorf("FAILED deployment started %+v", p.Starts)
	}
	s = breakerSnap(false, failedStart(newID, 4))
	if u, _ := update(Compute(s), newID); u.RolloutState != types.DeploymentRolloutStateInProgress {
		t.Errorf("below the threshold the deployment is %s", u.RolloutState)
	}
	s.Service.CircuitBreaker.Enable = false
	s.Tasks = join(healthy(oldID, 10), failedStart(newID, 9))
	if u, _ := update(Compute(s), newID); u.RolloutState != types.DeploymentRolloutStateInProgress {
		t.Errorf("with the breaker off the deployment is %s", u.RolloutState)
	}
}

func TestCircuitBreakerRollbackToLastCompletedDeployment(t *testing.T) {
	s := breakerSnap(true, failedStart(newID, 5))
	// an even older COMPLETED deployment must not be chosen
	s.Deployments = append(s.Deployments, dep("ecs-svc/0000000000000000009", "td:0", 5*time.Hour, StatusInactive, types.DeploymentRolloutStateCompleted))
	p := Compute(s)
	want := NewDeployment{TaskDefinition: "td:1", RolloutStateReason: "ECS deployment circuit breaker: rolling back to deploymentId " + oldID + ".", RollbackTo: oldID}
	if p.NewDeployment == nil || *p.NewDeployment != want {
		t.Fatalf("new deployment %+v, want %+v", p.NewDeployment, want)
	}
	if !hasEvent(p, "(service web) rolling back to deployment "+oldID+".") {
		t.Errorf("events %q lack the rollback event", p.Events)
	}
	u, _ := update(p, newID)
	if u.Status != StatusActive || u.RolloutState != types.DeploymentRolloutStateFailed {
		t.Errorf("failed deployment update %+v, want ACTIVE (listed while rolling back) and FAILED", u)
	}
	if !p.NextWakeup.Equal(t0) || len(p.Starts) != 0 {
		t.Errorf("rollback must ask for an immediate recompute and start nothing: wake %v starts %+v", p.NextWakeup, p.Starts)
	}
}

func TestCircuitBreakerDoesNotRollBackARollback(t *testing.T) {
	s := breakerSnap(true, failedStart(newID, 5))
	s.Deployments[1].IsRollback = true
	if p := Compute(s); p.NewDeployment != nil {
		t.Errorf("rolled back a rollback deployment")
	}
	s = breakerSnap(true, failedStart(newID, 5))
	s.Deployments = s.Deployments[1:] // nothing COMPLETED to return to
	if p := Compute(s); p.NewDeployment != nil {
		t.Errorf("rolled back without a COMPLETED deployment")
	}
}

func TestBackoffDelayGrowsToFifteenMinutes(t *testing.T) {
	tests := []struct {
		failures int
		want     time.Duration
	}{{0, 0}, {2, 0}, {3, 10 * time.Second}, {4, 20 * time.Second}, {8, 320 * time.Second}, {10, 15 * time.Minute}, {1000, 15 * time.Minute}}
	for _, tc := range tests {
		if got := BackoffDelay(tc.failures); got != tc.want {
			t.Errorf("BackoffDelay(%d) = %v, want %v", tc.failures, got, tc.want)
		}
	}
}

func TestBackoffOnTasksThatKeepFailingToStart(t *testing.T) {
	s := rollout(svc(2, 100, 200), healthy(oldID, 2), failedStart(newID, 2))
	s.Deployments[1].Backoff = Backoff{Failures: 2}
	p := Compute(s)
	u, _ := update(p, newID)
	if u.Backoff.Failures != 4 || !u.Backoff.NotBefore.Equal(t0.Add(20*time.Second)) {
		t.Fatalf("backoff %+v, want 4 failures until t0+20s", u.Backoff)
	}
	if !hasEvent(p, "(service web) is unable to consistently start tasks successfully.") {
		t.Errorf("events %q lack the throttle event", p.Events)
	}
	if len(p.Starts) != 0 || !p.NextWakeup.Equal(t0.Add(20*time.Second)) {
		t.Errorf("starts %+v wake %v, want none until t0+20s", p.Starts, p.NextWakeup)
	}
	// At expiry the launches resume.
	s.Deployments[1].Backoff = u.Backoff
	for i := range s.Tasks {
		s.Tasks[i].FailureCounted = true
	}
	s.Now = t0.Add(20 * time.Second)
	if p := Compute(s); started(p, newID) != 2 || hasEvent(p, UnableToStartConsistentlyEvent("web")) {
		t.Errorf("after the backoff: starts %+v events %q", p.Starts, p.Events)
	}
}

func TestBackoffResetByNewDeployment(t *testing.T) {
	s := rollout(svc(2, 100, 200), healthy(oldID, 2), nil)
	s.Deployments[0].Backoff = Backoff{Failures: 9, NotBefore: t0.Add(time.Hour)} // the old one was throttled
	if p := Compute(s); started(p, newID) != 2 {
		t.Errorf("a new deployment must launch at once: %+v", p.Starts)
	}
}

// A FAILED deployment stays listed as ACTIVE while the rollback deployment
// is IN_PROGRESS, even without tasks, and turns INACTIVE once it completes.
func TestFailedDeploymentListedUntilRollbackCompletes(t *testing.T) {
	rb := dep(midID, "td:1", 0, StatusPrimary, types.DeploymentRolloutStateInProgress)
	rb.IsRollback = true
	failed := dep(newID, "td:2", time.Minute, StatusActive, types.DeploymentRolloutStateFailed)
	failed.CreatedAt = t0.Add(-time.Minute)
	rb.CreatedAt = t0.Add(-time.Second)
	s := Snapshot{Service: svc(2, 100, 200), Now: t0,
		Deployments: []Deployment{failed, rb},
		Tasks:       pending(midID, 2)}
	p := Compute(s)
	if u, ok := update(p, newID); ok && u.Status != StatusActive {
		t.Fatalf("FAILED deployment during rollback: %+v, want it kept ACTIVE", u)
	}
	s.Tasks = healthy(midID, 2)
	p = Compute(s)
	if u, ok := update(p, newID); !ok || u.Status != StatusInactive {
		t.Fatalf("FAILED deployment after rollback completed: %+v, want INACTIVE", u)
	}
	if u, _ := update(p, midID); u.RolloutState != types.DeploymentRolloutStateCompleted {
		t.Fatalf("rollback deployment %+v, want COMPLETED", u)
	}
}
