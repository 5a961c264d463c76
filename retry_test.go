package ecsdeploy

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

// TestRetryTransientErrorsUntilAttemptsRunOut: throttling and server
// faults are retried, with backoff on the Deployer's clock, up to the
// attempt limit; then the original error stays reachable.
func TestRetryTransientErrorsUntilAttemptsRunOut(t *testing.T) {
	throttle := &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded", Fault: smithy.FaultClient}
	server := &types.ServerException{Message: aws.String("Service unavailable. Try again later.")}
	for _, c := range []struct {
		name     string
		err      error
		failures int
		attempts int
		wantErr  bool
		calls    int
	}{
		{"throttling ridden out", throttle, 3, DefaultRetryAttempts, false, 4},
		{"server fault ridden out", server, DefaultRetryAttempts - 1, DefaultRetryAttempts, false, DefaultRetryAttempts},
		{"throttling beyond the attempts", throttle, DefaultRetryAttempts, DefaultRetryAttempts, true, DefaultRetryAttempts},
		{"retries off", throttle, 1, 1, true, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			api := &scripted{services: func(n int) (*ecs.DescribeServicesOutput, error) {
				if n < c.failures {
					return nil, c.err
				}
				return out(svcWith(1, 1, dep("ecs-svc/1", "PRIMARY", "web:1", completed, 1, 1))), nil
			}}
			clock := newStepClock()
			start := clock.Now()
			_, err := New(api, WithClock(clock), WithRetryAttempts(c.attempts)).Status(t.Context(), "c", "web")
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, want error %v", err, c.wantErr)
			}
			if c.wantErr && !errors.Is(err, c.err) {
				t.Errorf("original error not reachable: %v", err)
			}
			if got := api.calls["DescribeServices"]; got != c.calls {
				t.Errorf("%d DescribeServices calls, want %d", got, c.calls)
			}
			if took := clock.Now().Sub(start); took > time.Duration(c.calls)*maxRetryBackoff {
				t.Errorf("backoff took %s, more than %d x %s", took, c.calls, maxRetryBackoff)
			}
		})
	}
}

// TestRetryNotForPermanentErrors: a client error is returned at once.
func TestRetryNotForPermanentErrors(t *testing.T) {
	api := &scripted{services: func(int) (*ecs.DescribeServicesOutput, error) {
		return nil, &types.ClusterNotFoundException{Message: aws.String("Cluster not found.")}
	}}
	_, err := New(api, WithClock(newStepClock())).Status(t.Context(), "c", "web")
	if !errors.Is(err, ErrClusterNotFound) {
		t.Fatalf("err = %v, want ErrClusterNotFound", err)
	}
	if got := api.calls["DescribeServices"]; got != 1 {
		t.Errorf("%d DescribeServices calls for a permanent error, want 1", got)
	}
}

// TestRetryWrapsSDKClientWithOneSDKAttempt: an *ecs.Client is wrapped
// too, and each of its calls is made with one SDK attempt, so that the
// retries happen on the Deployer's clock within the wait's deadline
// (issue #17.6), not in the SDK's wall-clock backoff.
func TestRetryWrapsSDKClientWithOneSDKAttempt(t *testing.T) {
	c := ecs.New(ecs.Options{Region: "us-east-1"})
	r, ok := New(c).(*deployer).api.(clusterNaming).API.(*retryAPI)
	if !ok || !r.sdk || r.next != API(c) {
		t.Fatalf("*ecs.Client wrapped as %T, want *retryAPI marked sdk", New(c).(*deployer).api.(clusterNaming).API)
	}
	var o ecs.Options
	for _, fn := range r.opts([]func(*ecs.Options){func(o *ecs.Options) { o.Region = "eu-west-1" }}) {
		fn(&o)
	}
	if o.RetryMaxAttempts != 1 || o.Region != "eu-west-1" {
		t.Errorf("options = attempts %d region %q, want 1 attempt and the caller's option kept", o.RetryMaxAttempts, o.Region)
	}
	if d := New(&scripted{}).(*deployer); d.api == nil {
		t.Error("no API")
	}
	if d := New(c, WithRetryAttempts(1)).(*deployer); d.api.(clusterNaming).API != API(c) {
		t.Errorf("retries off: *ecs.Client wrapped in %T", d.api.(clusterNaming).API)
	}
}

// TestRetryStopsAtTheWaitDeadline (issue #17.6): a call carrying a wait's
// deadline is not retried when the backoff would end past it, so retries
// never stretch a wait beyond its timeout; and a Deploy against an API
// throttling every call returns within its timeout plus reportGrace.
func TestRetryStopsAtTheWaitDeadline(t *testing.T) {
	throttle := &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded", Fault: smithy.FaultClient}
	api := &scripted{services: func(int) (*ecs.DescribeServicesOutput, error) { return nil, throttle }}
	clock := newStepClock()
	d := New(api, WithClock(clock)).(*deployer)
	start := clock.Now()
	ctx, cancel := withDeadline(t.Context(), clock, start.Add(3*time.Second))
	defer cancel()
	_, err := d.api.DescribeServices(ctx, &ecs.DescribeServicesInput{Services: []string{"web"}})
	if !errors.Is(err, throttle) {
		t.Fatalf("err = %v, want the throttling error", err)
	}
	if took := clock.Now().Sub(start); took > 3*time.Second {
		t.Errorf("retries slept %v past a 3 s deadline", took)
	}
	if n := api.calls["DescribeServices"]; n < 1 || n >= DefaultRetryAttempts {
		t.Errorf("%d attempts, want fewer than %d (cut by the deadline)", n, DefaultRetryAttempts)
	}

	// A whole Deploy: its first read is throttled for good.
	clock = newStepClock()
	start = clock.Now()
	_, err = New(api, WithClock(clock), WithTimeout(3*time.Second)).Deploy(t.Context(), DeployInput{Service: "web", Image: "app:2"})
	if !errors.Is(err, throttle) {
		t.Fatalf("Deploy err = %v, want the throttling error", err)
	}
	if took := clock.Now().Sub(start); took > 3*time.Second+reportGrace {
		t.Errorf("Deploy took %v against a 3 s timeout", took)
	}
}
