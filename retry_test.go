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

// TestRetryNotWrappingSDKClient: an *ecs.Client keeps its own retryer.
func TestRetryNotWrappingSDKClient(t *testing.T) {
	c := ecs.New(ecs.Options{Region: "us-east-1"})
	if d := New(c).(*deployer); d.api.(clusterNaming).API != API(c) {
		t.Errorf("*ecs.Client was wrapped in %T", d.api.(clusterNaming).API)
	}
	if d := New(&scripted{}).(*deployer); d.api == nil {
		t.Error("no API")
	} else if _, ok := d.api.(clusterNaming).API.(*retryAPI); !ok {
		t.Errorf("a non-SDK API is %T, want the retry wrapper", d.api.(clusterNaming).API)
	}
}
