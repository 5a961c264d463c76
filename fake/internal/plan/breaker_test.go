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
	if len(p.Starts) != 0 || len(p.Stops) != 0 || p.RolledBackTo != "" {
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

// Developer guide, "deployment circuit breaker": on rollback the last
// COMPLETED deployment changes from COMPLETED to IN_PROGRESS; it keeps its
// id (and so its tasks), and reads "rolling back to deploymentId <its own
// id>". No new deployment is created.
func TestRollbackRevivesLastCompletedDeployment(t *testing.T) {
	s := breakerSnap(true, failedStart(newID, 5))
	// an even older COMPLETED deployment must not be chosen
	s.Deployments = append(s.Deployments, dep("ecs-svc/0000000000000000009", "td:0", 5*time.Hour, StatusInactive, types.DeploymentRolloutStateCompleted))
	s.Deployments[0].FailedTasks = 2
	p := Compute(s)
	if p.RolledBackTo != oldID {
		t.Fatalf("rolled back to %q, want the last COMPLETED deployment %s", p.RolledBackTo, oldID)
	}
	rev, ok := update(p, oldID)
	want := DeploymentUpdate{ID: oldID, Status: StatusPrimary, DesiredCount: 10, RolloutState: types.DeploymentRolloutStateInProgress,
		RolloutStateReason: "ECS deployment circuit breaker: rolling back to deploymentId " + oldID + ".", RevivedAt: t0}
	if !ok || rev != want {
		t.Fatalf("revived deployment %+v, want %+v", rev, want)
	}
	if !hasEvent(p, "(service web) rolling back to deployment "+oldID+".") {
		t.Errorf("events %q lack the rollback event", p.Events)
	}
	u, _ := update(p, newID)
	if u.Status != StatusActive || u.RolloutState != types.DeploymentRolloutStateFailed {
		t.Errorf("failed deployment update %+v, want ACTIVE (listed while rolling back) and FAILED", u)
	}
	if !p.NextWakeup.Equal(t0) || len(p.Starts) != 0 || len(p.Stops) != 0 {
		t.Errorf("rollback must ask for an immediate recompute and start nothing: wake %v starts %+v", p.NextWakeup, p.Starts)
	}

	// Applied and replanned: the revived deployment is PRIMARY, keeps its
	// 10 healthy tasks (no replacement), and completes naming its own id.
	s.Deployments[0].Status, s.Deployments[0].RolloutState = StatusPrimary, types.DeploymentRolloutStateInProgress
	s.Deployments[0].RolloutStateReason, s.Deployments[0].RevivedAt, s.Deployments[0].FailedTasks = rev.RolloutStateReason, t0, 0
	s.Deployments[1].Status, s.Deployments[1].RolloutState = StatusActive, types.DeploymentRolloutStateFailed
	for i := range s.Tasks {
		s.Tasks[i].FailureCounted = true
	}
	p = Compute(s)
	if len(p.Starts) != 0 || len(p.Stops) != 0 {
		t.Fatalf("revived deployment replaced healthy tasks: starts %+v stops %+v", p.Starts, p.Stops)
	}
	if u, _ := update(p, oldID); u.RolloutState != types.DeploymentRolloutStateCompleted || u.RolloutStateReason != CompletedReason(oldID) {
		t.Fatalf("revived deployment %+v, want COMPLETED", u)
	}
	if !hasEvent(p, "(service web) (deployment "+oldID+") deployment completed.") {
		t.Errorf("events %q lack the completion naming %s", p.Events, oldID)
	}
	if u, _ := update(p, newID); u.Status != StatusInactive {
		t.Errorf("FAILED deployment %+v, want INACTIVE once the rollback completed", u)
	}
}

func TestCircuitBreakerDoesNotRollBackARollback(t *testing.T) {
	s := breakerSnap(true, failedStart(newID, 5))
	s.Deployments[1].RevivedAt = t0.Add(-time.Second)
	if p := Compute(s); p.RolledBackTo != "" {
		t.Errorf("rolled back a revived deployment")
	}
	s = breakerSnap(true, failedStart(newID, 5))
	s.Deployments = s.Deployments[1:] // nothing COMPLETED to return to
	if p := Compute(s); p.RolledBackTo != "" {
		t.Errorf("rolled back without a COMPLETED deployment")
	}
}

// Crash loop (re:Post knowledge center "ecs-troubleshoot-deployment-failures";
// containers-roadmap #1206): a task that reached RUNNING and stopped because
// its essential container exited, before it was ever healthy, counts in
// failedTasks in either stage, and is not throttled ("service throttle
// logic": tasks that stop after RUNNING do not start the throttle).
func TestCrashLoopCountsTowardBreakerNotThrottled(t *testing.T) {
	crashed := func(n int, healthyBefore bool) []Task {
		ts := failedStart(newID, n)
		for i := range ts {
			ts[i].StoppedBeforeRunning, ts[i].StartedAt = false, t0.Add(-10*time.Second)
			ts[i].StopCode, ts[i].HealthyCounted = types.TaskStopCodeEssentialContainerExited, healthyBefore
		}
		return ts
	}
	for _, stage2 := range []bool{false, true} {
		s := breakerSnap(false, crashed(2, false))
		s.Deployments[1].ReachedRunning = stage2
		p := Compute(s)
		u, _ := update(p, newID)
		if u.FailedTasks != 2 || u.Backoff.Failures != 0 || !u.Backoff.NotBefore.IsZero() {
			t.Errorf("stage2=%v: failedTasks %d backoff %+v, want 2 counted and no throttle", stage2, u.FailedTasks, u.Backoff)
		}
		if started(p, newID) != 10 {
			t.Errorf("stage2=%v: launches %d, want all 10 at once (not throttled)", stage2, started(p, newID))
		}
	}
	// A task once counted healthy that later exits is not a crash loop.
	s := breakerSnap(false, crashed(2, true))
	if u, ok := update(Compute(s), newID); ok && u.FailedTasks != 0 {
		t.Errorf("exits after healthy counted: failedTasks %d, want 0", u.FailedTasks)
	}
	// At the threshold (5 for desired 10) the deployment fails.
	s = breakerSnap(false, crashed(5, false))
	if u, _ := update(Compute(s), newID); u.RolloutState != types.DeploymentRolloutStateFailed {
		t.Errorf("5 crashes: %s, want FAILED", u.RolloutState)
	}
}

// Placement shortfalls (same knowledge-center article; "service throttle
// logic": "a lack of resources ... ports, memory, or CPU units"): tasks the
// applier could not place count in stage 1 and start the throttle.
func TestPlacementShortfallCountsAndThrottles(t *testing.T) {
	s := breakerSnap(false, nil)
	s.Deployments[1].PlacementFailures = 2
	p := Compute(s)
	u, _ := update(p, newID)
	if u.FailedTasks != 2 || u.PlacementFailures != 0 || u.Backoff.Failures != 2 ||
		!u.Backoff.NotBefore.Equal(t0.Add(DefaultThrottleBase)) {
		t.Fatalf("update %+v, want failedTasks 2, placement failures consumed, throttled until t0+%v", u, DefaultThrottleBase)
	}
	if len(p.Starts) != 0 || !p.NextWakeup.Equal(t0.Add(DefaultThrottleBase)) {
		t.Errorf("starts %+v wake %v, want none until the throttle ends", p.Starts, p.NextWakeup)
	}
	s.Deployments[1].PlacementFailures = 5
	if u, _ := update(Compute(s), newID); u.RolloutState != types.DeploymentRolloutStateFailed {
		t.Errorf("5 unplaced: %s, want FAILED", u.RolloutState)
	}
}

// deploymentCircuitBreaker.thresholdConfiguration (API Reference,
// "ThresholdConfiguration") and resetOnHealthyTask.
func TestCircuitBreakerThresholdConfigurationHonoured(t *testing.T) {
	tests := []struct {
		typ            ThresholdType
		value, desired int
		want           int
	}{
		{"", 0, 1, 3}, {ThresholdCount, 1, 10, 1}, {ThresholdCount, 0, 10, 1}, {ThresholdCount, 500, 1, 500},
		{ThresholdBoundedPercent, 50, 1, 3}, {ThresholdBoundedPercent, 10, 4000, 200}, {ThresholdBoundedPercent, 100, 10, 10},
		{ThresholdUnboundedPercent, 10, 4000, 400}, {ThresholdUnboundedPercent, 50, 1, 1}, {ThresholdUnboundedPercent, 30, 10, 3},
	}
	for _, tc := range tests {
		cb := CircuitBreaker{Enable: true, ThresholdType: tc.typ, ThresholdValue: tc.value}
		if got := cb.Threshold(tc.desired); got != tc.want {
			t.Errorf("%s %d desired %d: threshold %d, want %d", tc.typ, tc.value, tc.desired, got, tc.want)
		}
	}
	s := breakerSnap(false, failedStart(newID, 1))
	s.Service.CircuitBreaker.ThresholdType, s.Service.CircuitBreaker.ThresholdValue = ThresholdCount, 1
	if u, _ := update(Compute(s), newID); u.RolloutState != types.DeploymentRolloutStateFailed {
		t.Errorf("COUNT 1 with one failure: %s, want FAILED", u.RolloutState)
	}
	// resetOnHealthyTask=false keeps failedTasks when a task turns healthy.
	for _, keep := range []bool{false, true} {
		s := breakerSnap(false, join(healthy(newID, 1), failedStart(newID, 1)))
		s.Deployments[1].FailedTasks = 2
		s.Deployments[1].ReachedRunning = false
		s.Service.CircuitBreaker.KeepFailuresOnHealthy = keep
		u, _ := update(Compute(s), newID)
		want := 1 // reset to 0, then this plan's failure
		if keep {
			want = 3
		}
		if u.FailedTasks != want {
			t.Errorf("keep=%v: failedTasks %d, want %d", keep, u.FailedTasks, want)
		}
	}
}

// "Amazon ECS service throttle logic": delays grow up to 27 minutes.
func TestThrottleDelayGrowsToTwentySevenMinutes(t *testing.T) {
	tests := []struct {
		failures int
		want     time.Duration
	}{{0, 0}, {1, 220 * time.Second}, {2, 220 * time.Second}, {3, 440 * time.Second}, {4, 880 * time.Second}, {5, 27 * time.Minute}, {1000, 27 * time.Minute}}
	for _, tc := range tests {
		if got := DefaultThrottle.Delay(tc.failures); got != tc.want {
			t.Errorf("Delay(%d) = %v, want %v", tc.failures, got, tc.want)
		}
	}
	if got := (Throttle{Base: time.Second, Cap: 5 * time.Second}).Delay(9); got != 5*time.Second {
		t.Errorf("shortened throttle: %v, want the 5s cap", got)
	}
}

func TestBackoffOnTasksThatKeepFailingToStart(t *testing.T) {
	s := rollout(svc(2, 100, 200), healthy(oldID, 2), failedStart(newID, 2))
	s.Deployments[1].Backoff = Backoff{Failures: 2}
	p := Compute(s)
	u, _ := update(p, newID)
	if u.Backoff.Failures != 4 || !u.Backoff.NotBefore.Equal(t0.Add(880*time.Second)) {
		t.Fatalf("backoff %+v, want 4 failures until t0+880s", u.Backoff)
	}
	if !hasEvent(p, "(service web) is unable to consistently start tasks successfully.") {
		t.Errorf("events %q lack the throttle event", p.Events)
	}
	if len(p.Starts) != 0 || !p.NextWakeup.Equal(t0.Add(880*time.Second)) {
		t.Errorf("starts %+v wake %v, want none until t0+880s", p.Starts, p.NextWakeup)
	}
	// At expiry the launches resume.
	s.Deployments[1].Backoff = u.Backoff
	for i := range s.Tasks {
		s.Tasks[i].FailureCounted = true
	}
	s.Now = t0.Add(880 * time.Second)
	s.Service.Marks.UnableToStartAt = t0
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
	rb.RevivedAt = t0
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

// "(service X) is unable to consistently start tasks successfully." is
// written when the throttle engages and then at most once per 6 hours
// (UnableToStartRepeat), however many tasks keep failing.
func TestUnableToStartEventAtMostOncePerSixHours(t *testing.T) {
	s := rollout(svc(2, 100, 200), healthy(oldID, 2), failedStart(newID, 1))
	s.Deployments[1].Backoff = Backoff{Failures: 5}
	s.Service.Marks.UnableToStartAt = t0.Add(-time.Hour)
	p := Compute(s)
	if hasEvent(p, UnableToStartConsistentlyEvent("web")) || !p.Service.UnableToStartAt.Equal(t0.Add(-time.Hour)) {
		t.Fatalf("repeated within 6 h: events %q marks %+v", p.Events, p.Service)
	}
	s.Service.Marks.UnableToStartAt = t0.Add(-UnableToStartRepeat)
	p = Compute(s)
	if !hasEvent(p, UnableToStartConsistentlyEvent("web")) || !p.Service.UnableToStartAt.Equal(t0) {
		t.Fatalf("not repeated after 6 h: events %q marks %+v", p.Events, p.Service)
	}
}
