package ecsdeploy_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// TestDeployAPIEconomy: with a 5 s poll a rolling deployment of 10 tasks
// makes 1 RegisterTaskDefinition, 1 UpdateService, at most one
// DescribeServices per poll interval plus the read before the update
// (adaptive polling makes far fewer: see TestDeployEconomyTargets), one
// DescribeTaskDefinition (the current revision, read once by a Deployer
// that did not register it), and nothing
// else (no DescribeTasks: nothing failed); Deploy returns at most one poll
// interval after the deployment turned COMPLETED.
func TestDeployAPIEconomy(t *testing.T) {
	const poll = 5 * time.Second
	for _, c := range []struct {
		name         string
		min, max     int32
		pull         time.Duration
		minTook      time.Duration
		wantMaxPolls int
	}{
		{"min100 max200 (fast)", 100, 200, 0, time.Minute, 20},
		// Tasks being stopped no longer count toward maximumPercent (it bounds
		// RUNNING and PENDING tasks), so these roll a little faster than before.
		{"min100 max150 slow pull (3 virtual minutes)", 100, 150, 20 * time.Second, 150 * time.Second, 45},
		{"min90 max110 (one task at a time)", 90, 110, 0, 5 * time.Minute, 80},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Seconds per transition (the defaults follow ECS's Fargate minutes).
			f := newFakeEnv(t, fake.WithTiming(fake.Timing{Pull: c.pull, Provisioning: 10 * time.Second, Deprovisioning: 10 * time.Second}))
			f.service("web", "nginx:1", 10, &types.DeploymentConfiguration{MinimumHealthyPercent: ptr(c.min), MaximumPercent: ptr(c.max)})
			before, start := f.e.CallCounts(), f.e.Now()
			// A Deployer that did not register the revision (a new
			// process, as in CI) reads it once.
			d := ecsdeploy.New(f.e, ecsdeploy.WithClock(f.e), ecsdeploy.WithPollInterval(poll))
			res, err := d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:2"})
			if err != nil {
				t.Fatalf("Deploy: %v", err)
			}
			end := f.e.Now()
			took := end.Sub(start)
			if took < c.minTook {
				t.Errorf("deployment took %s of virtual time, want at least %s for this case", took, c.minTook)
			}
			polls := int(took / poll)
			calls := delta(before, f.e.CallCounts())
			want := map[string]int{"RegisterTaskDefinition": 1, "UpdateService": 1, "DescribeTaskDefinition": 1}
			for op, n := range calls {
				switch op {
				case "DescribeServices":
					if n > polls+1 {
						t.Errorf("%d DescribeServices in %s (%d polls), want <= %d", n, took, polls, polls+1)
					}
				default:
					if n != want[op] {
						t.Errorf("%d %s calls, want %d (all calls: %v)", n, op, want[op], calls)
					}
				}
			}
			for op, n := range want {
				if calls[op] != n {
					t.Errorf("%d %s calls, want %d", calls[op], op, n)
				}
			}
			if polls > c.wantMaxPolls {
				t.Errorf("%d polls, want <= %d", polls, c.wantMaxPolls)
			}
			dep := res.Status.Deployment
			if dep == nil || dep.RolloutState != types.DeploymentRolloutStateCompleted || dep.UpdatedAt == nil {
				t.Fatalf("last status deployment = %+v, want COMPLETED with updatedAt", dep)
			}
			if detect := end.Sub(*dep.UpdatedAt); detect < 0 || detect > poll {
				t.Errorf("Deploy returned %s after the deployment completed, want <= one poll (%s)", detect, poll)
			}
			t.Logf("%s: %s virtual, %d polls, calls %v", c.name, took, polls, calls)
		})
	}
}

// TestDeployRidesOutRandomThrottlingAndServerErrors: with 30% of all calls
// throttled and 5% failing with ServerException, Deploy (retrying each
// call with backoff on the fake's clock) still completes the deployment.
func TestDeployRidesOutRandomThrottlingAndServerErrors(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		f := newFakeEnv(t, fake.WithSeed(seed))
		f.service("web", "nginx:1", 10, nil)
		f.e.FailOperation("*", "ThrottlingException", 0, 0.30)
		f.e.FailOperation("*", "ServerException", 0, 0.05)
		before := f.e.CallCounts()
		res, err := f.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:2"})
		if err != nil {
			t.Fatalf("seed %d: Deploy under 30%% throttling + 5%% server errors: %v", seed, err)
		}
		if d := res.Status.Deployment; d == nil || d.RolloutState != types.DeploymentRolloutStateCompleted || !strings.HasSuffix(res.TaskDefinitionArn, "web:2") {
			t.Errorf("seed %d: result %s on %s, want web:2 COMPLETED", seed, res.Status, res.TaskDefinitionArn)
		}
		calls := delta(before, f.e.CallCounts())
		if calls["UpdateService"] < 1 || calls["RegisterTaskDefinition"] < 1 { // web:1 is known: no DescribeTaskDefinition
			t.Errorf("seed %d: calls %v, want every step made", seed, calls)
		}
		t.Logf("seed %d: calls with retries %v", seed, calls)
		f.e.ClearFaults()
		st, err := f.d.Status(t.Context(), f.cluster, "web")
		if err != nil || !strings.HasSuffix(*st.Service.TaskDefinition, "web:2") || st.Service.RunningCount != 10 {
			t.Errorf("seed %d: after Deploy status %v (err %v), want 10 tasks of web:2", seed, st, err)
		}
	}
}

// TestDeployPermanentFaultFails: faults that never clear end Deploy with
// the API error: a permanent ServerException after the retries (the
// smithy error reachable), a non-retryable AccessDeniedException at once.
func TestDeployPermanentFaultFails(t *testing.T) {
	for _, c := range []struct {
		op, code string
		wantOp   string
		maxCalls int
	}{
		{"*", "ServerException", "DescribeServices", ecsdeploy.DefaultRetryAttempts},
		{"UpdateService", "AccessDeniedException", "UpdateService", 1},
	} {
		t.Run(c.op+" "+c.code, func(t *testing.T) {
			f := newFakeEnv(t)
			f.service("web", "nginx:1", 2, nil)
			f.e.FailOperation(c.op, c.code, 0, 0)
			before := f.e.CallCounts()
			_, err := f.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:2"})
			var ae *ecsdeploy.APIError
			if !errors.As(err, &ae) || ae.Op != c.wantOp {
				t.Fatalf("err = %v, want *APIError of %s", err, c.wantOp)
			}
			var se smithy.APIError
			if !errors.As(err, &se) || se.ErrorCode() != c.code {
				t.Errorf("err = %v, want the %s reachable", err, c.code)
			}
			if n := delta(before, f.e.CallCounts())[c.wantOp]; n != c.maxCalls {
				t.Errorf("%d %s calls, want %d", n, c.wantOp, c.maxCalls)
			}
		})
	}
}

// TestDeployFailureCarriesExitCodes: containers that start and exit 2
// fail the deployment (no breaker: the wait times out); the error carries
// the stopped tasks with ECS's stoppedReason and the exit codes, and
// WithRollback puts the service back on the last COMPLETED revision.
func TestDeployFailureCarriesExitCodes(t *testing.T) {
	f := newFakeEnv(t)
	old := f.service("web", "nginx:1", 2, nil)
	if err := f.e.InjectFault(fake.Fault{Image: "nginx:crash", Action: fake.FaultExit, ExitCode: 2, After: 5 * time.Second, Reason: "panic: no DATABASE_URL"}); err != nil {
		t.Fatal(err)
	}
	_, err := f.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:crash"},
		ecsdeploy.WithTimeout(3*time.Minute), ecsdeploy.WithRollback())
	var df *ecsdeploy.DeploymentFailedError
	if !errors.As(err, &df) {
		t.Fatalf("err = %v, want *DeploymentFailedError", err)
	}
	if !errors.Is(err, ecsdeploy.ErrTimeout) {
		t.Errorf("err = %v, want it to wrap ErrTimeout", err)
	}
	if !df.RolledBack || df.RollbackBy != "deployer" || df.RollbackTaskDefinition != old {
		t.Errorf("RolledBack=%v by %q to %s, want by deployer to %s", df.RolledBack, df.RollbackBy, df.RollbackTaskDefinition, old)
	}
	if len(df.StoppedTasks) == 0 {
		t.Fatalf("no stopped tasks in %v", err)
	}
	for _, st := range df.StoppedTasks {
		if st.StopCode != types.TaskStopCodeEssentialContainerExited || st.StoppedReason != "Essential container in task exited" {
			t.Errorf("stopped task %s: %s %q, want EssentialContainerExited", st.TaskArn, st.StopCode, st.StoppedReason)
		}
		if len(st.Containers) != 1 || st.Containers[0].ExitCode == nil || *st.Containers[0].ExitCode != 2 {
			t.Errorf("stopped task %s containers %+v, want app exit 2", st.TaskArn, st.Containers)
		}
	}
	if !strings.Contains(err.Error(), "container app exit 2") || !strings.Contains(err.Error(), "rolled back (deployer)") {
		t.Errorf("error text %q should name the exit code and the rollback", err)
	}
	st, err := f.d.Status(t.Context(), f.cluster, "web")
	if err != nil || *st.Service.TaskDefinition != old || st.Service.RunningCount != 2 {
		t.Errorf("after rollback: %v (err %v), want 2 tasks of %s", st, err, old)
	}
}

// TestDeployContextCancelReturnsAtOnce: cancelling ctx during the wait
// returns without another poll or sleep, with a *WaitError carrying the
// last status and wrapping context.Canceled.
func TestDeployContextCancelReturnsAtOnce(t *testing.T) {
	f := newFakeEnv(t)
	f.service("web", "nginx:1", 2, nil)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var cancelledAt time.Time
	polls := 0
	onEvent := func(e ecsdeploy.Event) {
		if de, ok := e.(*ecsdeploy.DeploymentEvent); ok && de.Status == "PRIMARY" && de.Pending+de.Running > 0 && cancelledAt.IsZero() {
			polls++
			cancelledAt = f.e.Now()
			cancel()
		}
	}
	before := f.e.CallCounts()
	_, err := f.d.Deploy(ctx, ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:2"}, ecsdeploy.WithEvents(onEvent))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	var we *ecsdeploy.WaitError
	if !errors.As(err, &we) || we.Last == nil || we.Last.Deployment == nil {
		t.Errorf("err = %v, want a *WaitError with the last status", err)
	}
	if got := f.e.Now(); !got.Equal(cancelledAt) {
		t.Errorf("virtual time moved %s after cancel, want 0", got.Sub(cancelledAt))
	}
	calls := delta(before, f.e.CallCounts())
	if calls["DescribeServices"] != 2 || calls["ListTasks"]+calls["DescribeTasks"] != 0 {
		t.Errorf("calls %v: want the first read and one poll, nothing after cancel", calls)
	}
}

// TestDeployFailsFastOnRolloutStateFailed: a breaker without ECS rollback
// marks the deployment FAILED; Deploy returns then (well before its
// timeout) with ECS's reason and the stopped tasks, not rolled back; with
// WithRollback the Deployer rolls back to the last COMPLETED revision.
func TestDeployFailsFastOnRolloutStateFailed(t *testing.T) {
	for _, rollback := range []bool{false, true} {
		f := newFakeEnv(t)
		old := f.service("web", "nginx:1", 2, &types.DeploymentConfiguration{
			DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: false}})
		if err := f.e.InjectFault(fake.Fault{Image: "nginx:bad", Action: fake.FaultFailStart}); err != nil {
			t.Fatal(err)
		}
		var opts []ecsdeploy.Option
		if rollback {
			opts = append(opts, ecsdeploy.WithRollback())
		}
		start := f.e.Now()
		res, err := f.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:bad"},
			append(opts, ecsdeploy.WithTimeout(30*time.Minute))...)
		var df *ecsdeploy.DeploymentFailedError
		if !errors.As(err, &df) {
			t.Fatalf("rollback=%v: err = %v, want *DeploymentFailedError", rollback, err)
		}
		if errors.Is(err, ecsdeploy.ErrTimeout) || f.e.Now().Sub(start) > 10*time.Minute {
			t.Errorf("rollback=%v: returned after %s (%v), want fast on FAILED", rollback, f.e.Now().Sub(start), err)
		}
		if df.Reason != "ECS deployment circuit breaker: tasks failed to start." || df.DeploymentID != res.DeploymentID {
			t.Errorf("rollback=%v: reason %q for %s, want ECS's breaker reason for %s", rollback, df.Reason, df.DeploymentID, res.DeploymentID)
		}
		if len(df.StoppedTasks) < 3 || df.StoppedTasks[0].StopCode != types.TaskStopCodeTaskFailedToStart {
			t.Errorf("rollback=%v: stopped tasks %v, want >= 3 (the breaker threshold) that failed to start", rollback, df.StoppedTasks)
		}
		st, serr := f.d.Status(t.Context(), f.cluster, "web")
		if serr != nil {
			t.Fatal(serr)
		}
		switch {
		case !rollback && (df.RolledBack || *st.Service.TaskDefinition != res.TaskDefinitionArn):
			t.Errorf("no rollback asked: RolledBack=%v, service on %s, want still on %s", df.RolledBack, *st.Service.TaskDefinition, res.TaskDefinitionArn)
		case rollback && (!df.RolledBack || df.RollbackBy != "deployer" || *st.Service.TaskDefinition != old || st.Service.RunningCount != 2):
			t.Errorf("rollback: RolledBack=%v by %q, service %s, want back on %s with 2 tasks", df.RolledBack, df.RollbackBy, st, old)
		}
	}
}
