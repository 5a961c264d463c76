package ecsdeploy_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// faultSeeds is how many seeds each Deploy-under-faults case runs.
const faultSeeds = 20

// withAPIFaults makes 30% of every call fail with ThrottlingException and
// 5% with ServerException (issue 8).
func withAPIFaults(e *fake.ECS) {
	e.FailOperation("*", "ThrottlingException", 0, 0.30)
	e.FailOperation("*", "ServerException", 0, 0.05)
}

// TestDeployUnderAPIFaults runs every Deploy outcome on 20 seeds while 30%
// of calls are throttled and 5% answer ServerException: Deploy completes,
// or fails with the error that outcome calls for, never an API error the
// retries should have absorbed; ctx cancellation and timeouts return
// promptly with the last status.
func TestDeployUnderAPIFaults(t *testing.T) {
	breaker := func(rollback bool) *types.DeploymentConfiguration {
		return &types.DeploymentConfiguration{DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: rollback}}
	}
	tests := []struct {
		name  string
		cfg   *types.DeploymentConfiguration
		image string
		opts  func(f *fakeEnv, cancel context.CancelFunc, cancelledAt *time.Time) []ecsdeploy.Option
		check func(t *testing.T, f *fakeEnv, res *ecsdeploy.DeployResult, err error, elapsed time.Duration, cancelledAt time.Time)
	}{
		{name: "good image completes", cfg: breaker(true), image: "nginx:2",
			check: func(t *testing.T, f *fakeEnv, res *ecsdeploy.DeployResult, err error, _ time.Duration, _ time.Time) {
				if err != nil {
					t.Fatalf("Deploy: %v", err)
				}
				if d := res.Status.Deployment; d == nil || d.RolloutState != types.DeploymentRolloutStateCompleted || !strings.HasSuffix(res.TaskDefinitionArn, "web:2") {
					t.Fatalf("result %s on %s, want web:2 COMPLETED", res.Status, res.TaskDefinitionArn)
				}
			}},
		{name: "bad image rolled back by the breaker", cfg: breaker(true), image: "nginx:bad",
			check: func(t *testing.T, f *fakeEnv, _ *ecsdeploy.DeployResult, err error, _ time.Duration, _ time.Time) {
				var df *ecsdeploy.DeploymentFailedError
				if !errors.As(err, &df) || !df.RollbackStarted || df.RollbackBy != "circuit-breaker" || !strings.HasSuffix(df.RollbackTaskDefinition, "web:1") {
					t.Fatalf("err = %v, want *DeploymentFailedError with a rollback to web:1 started", err)
				}
				if len(df.StoppedTasks) == 0 || !strings.Contains(df.Reason, "circuit breaker") {
					t.Errorf("failure %q with %d stopped tasks, want the breaker's reason and the stopped tasks", df.Reason, len(df.StoppedTasks))
				}
			}},
		{name: "bad image without rollback fails fast", cfg: breaker(false), image: "nginx:bad",
			check: func(t *testing.T, f *fakeEnv, _ *ecsdeploy.DeployResult, err error, elapsed time.Duration, _ time.Time) {
				var df *ecsdeploy.DeploymentFailedError
				if !errors.As(err, &df) || df.RolledBack || df.RollbackStarted {
					t.Fatalf("err = %v, want *DeploymentFailedError, not rolled back", err)
				}
				if elapsed > 10*time.Minute {
					t.Errorf("failed after %v, want well before the 15 min timeout", elapsed)
				}
			}},
		{name: "timeout returns the last status", image: "nginx:slow",
			opts: func(*fakeEnv, context.CancelFunc, *time.Time) []ecsdeploy.Option {
				return []ecsdeploy.Option{ecsdeploy.WithTimeout(2 * time.Minute)}
			},
			check: func(t *testing.T, f *fakeEnv, _ *ecsdeploy.DeployResult, err error, elapsed time.Duration, _ time.Time) {
				var we *ecsdeploy.WaitError
				if !errors.Is(err, ecsdeploy.ErrTimeout) || !errors.As(err, &we) || we.Last == nil {
					t.Fatalf("err = %v, want ErrTimeout with a *WaitError carrying the last status", err)
				}
				// The deadline, plus at most one poll and the retries' backoff.
				if elapsed > 2*time.Minute+time.Minute {
					t.Errorf("returned %v after the start, want about the 2 min timeout", elapsed)
				}
			}},
		{name: "cancel returns at once", cfg: breaker(true), image: "nginx:2",
			opts: func(f *fakeEnv, cancel context.CancelFunc, at *time.Time) []ecsdeploy.Option {
				return []ecsdeploy.Option{ecsdeploy.WithEvents(func(ev ecsdeploy.Event) {
					if de, ok := ev.(*ecsdeploy.DeploymentEvent); ok && de.Status == "PRIMARY" && at.IsZero() {
						*at = f.e.Now()
						cancel()
					}
				})}
			},
			check: func(t *testing.T, f *fakeEnv, _ *ecsdeploy.DeployResult, err error, _ time.Duration, at time.Time) {
				var we *ecsdeploy.WaitError
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("err = %v, want context.Canceled", err)
				}
				if errors.As(err, &we) && we.Last == nil {
					t.Errorf("err = %v: *WaitError without the last status", err)
				}
				if moved := f.e.Now().Sub(at); moved > 0 {
					t.Errorf("virtual time moved %v after cancel, want 0", moved)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			for seed := int64(1); seed <= faultSeeds; seed++ {
				f := newFakeEnv(t, fake.WithSeed(seed))
				f.service("web", "nginx:1", 4, tc.cfg)
				if err := f.e.InjectFault(fake.Fault{Image: "nginx:bad", Action: fake.FaultFailStart}); err != nil {
					t.Fatal(err)
				}
				// A slow image: every task exits 30 s after RUNNING, before
				// it counts as healthy (40 s), so without a breaker the
				// deployment never completes.
				if err := f.e.InjectFault(fake.Fault{Image: "nginx:slow", Action: fake.FaultExit, ExitCode: 1, After: 30 * time.Second}); err != nil {
					t.Fatal(err)
				}
				withAPIFaults(f.e)
				ctx, cancel := context.WithCancel(t.Context())
				var cancelledAt time.Time
				var opts []ecsdeploy.Option
				if tc.opts != nil {
					opts = tc.opts(f, cancel, &cancelledAt)
				}
				before := f.e.CallCounts()
				start := f.e.Now()
				res, err := f.d.Deploy(ctx, ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: tc.image}, opts...)
				elapsed := f.e.Now().Sub(start)
				cancel()
				var ae *ecsdeploy.APIError
				if errors.As(err, &ae) {
					t.Fatalf("seed %d: an API error leaked through the retries: %v", seed, err)
				}
				t.Run("", func(t *testing.T) { tc.check(t, f, res, err, elapsed, cancelledAt) })
				for _, n := range delta(before, f.e.CallCounts()) {
					calls += n
				}
			}
			t.Logf("%d seeds, %d API calls (with retries)", faultSeeds, calls)
		})
	}
}

// TestDeployNotFoundUnderAPIFaults: throttling does not hide a missing
// service: Deploy still answers ErrServiceNotFound.
func TestDeployNotFoundUnderAPIFaults(t *testing.T) {
	for seed := int64(1); seed <= faultSeeds; seed++ {
		f := newFakeEnv(t, fake.WithSeed(seed))
		withAPIFaults(f.e)
		_, err := f.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "nope", Image: "nginx:2"})
		if !errors.Is(err, ecsdeploy.ErrServiceNotFound) {
			t.Fatalf("seed %d: err = %v, want ErrServiceNotFound", seed, err)
		}
	}
}

// TestWaitsCancelledEarlyCarryTheLastStatus: every Deployer wait cancelled
// at its first event (before its first poll, under API faults) returns at
// once with context.Canceled and a *WaitError carrying the last status
// seen (the update's own response).
func TestWaitsCancelledEarlyCarryTheLastStatus(t *testing.T) {
	ops := map[string]func(ctx context.Context, f *fakeEnv, opt ecsdeploy.Option) error{
		"Deploy": func(ctx context.Context, f *fakeEnv, opt ecsdeploy.Option) error {
			_, err := f.d.Deploy(ctx, ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:2"}, opt)
			return err
		},
		"Scale": func(ctx context.Context, f *fakeEnv, opt ecsdeploy.Option) error {
			_, err := f.d.Scale(ctx, f.cluster, "web", 6, opt)
			return err
		},
		"UpdateService": func(ctx context.Context, f *fakeEnv, opt ecsdeploy.Option) error {
			_, err := f.d.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: &f.cluster, Service: ptr("web"), ForceNewDeployment: true}, opt)
			return err
		},
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			for seed := int64(1); seed <= faultSeeds; seed++ {
				f := newFakeEnv(t, fake.WithSeed(seed))
				f.service("web", "nginx:1", 4, nil)
				withAPIFaults(f.e)
				ctx, cancel := context.WithCancel(t.Context())
				var at time.Time
				err := op(ctx, f, ecsdeploy.WithEvents(func(ev ecsdeploy.Event) {
					if _, ok := ev.(*ecsdeploy.DeploymentEvent); ok && at.IsZero() {
						at = f.e.Now()
						cancel()
					}
				}))
				cancel()
				var we *ecsdeploy.WaitError
				if !errors.Is(err, context.Canceled) || !errors.As(err, &we) || we.Last == nil {
					t.Fatalf("seed %d: err = %v, want context.Canceled in a *WaitError with the last status", seed, err)
				}
				if moved := f.e.Now().Sub(at); moved > 0 {
					t.Errorf("seed %d: virtual time moved %v after cancel", seed, moved)
				}
			}
		})
	}
}
