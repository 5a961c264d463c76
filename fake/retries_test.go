package fake

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

// With WithStandardRetries an injected throttle is retried as the SDK's
// standard retryer would (aws-sdk-go-v2 aws/retry: 3 attempts, jittered
// exponential backoff): two throttles then success; every attempt is a
// recorded call, and the backoff is spent in virtual time.
func TestStandardRetriesRetryInjectedThrottlesInVirtualTime(t *testing.T) {
	e := newCluster(t, 0, WithStandardRetries())
	e.FailOperation("ListClusters", "ThrottlingException", 2, 0)
	start := e.Now()
	if _, err := e.ListClusters(bg, &ecs.ListClustersInput{}); err != nil {
		t.Fatalf("ListClusters after 2 throttles: %v", err)
	}
	if n := e.CallCount("ListClusters"); n != 3 {
		t.Fatalf("%d attempts, want 3", n)
	}
	waited := e.Now().Sub(start)
	if waited <= 0 || waited > 3*time.Second {
		t.Fatalf("backoff took %v of virtual time, want (0, 3s]: 1s base for throttles, jittered", waited)
	}
	// Three throttles exhaust the 3 attempts: the caller sees the throttle.
	e.FailOperation("ListClusters", "ThrottlingException", 3, 0)
	_, err := e.ListClusters(bg, &ecs.ListClustersInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ThrottlingException" || e.CallCount("ListClusters") != 6 {
		t.Fatalf("after 3 throttles: %v, %d calls (want ThrottlingException, 6)", err, e.CallCount("ListClusters"))
	}
	if retry.DefaultMaxAttempts != 3 {
		t.Fatalf("SDK default attempts changed to %d: update the doc", retry.DefaultMaxAttempts)
	}
}

// Server faults are retried too; client errors are not retried.
func TestStandardRetriesRetryServerFaultsButNotClientErrors(t *testing.T) {
	e := newCluster(t, 0, WithStandardRetries())
	e.FailOperation("ListClusters", "ServerException", 1, 0)
	if _, err := e.ListClusters(bg, &ecs.ListClustersInput{}); err != nil || e.CallCount("ListClusters") != 2 {
		t.Fatalf("after a ServerException: %v, %d calls", err, e.CallCount("ListClusters"))
	}
	e.FailOperation("ListClusters", "ClientException", 1, 0)
	_, err := e.ListClusters(bg, &ecs.ListClustersInput{})
	var ce *types.ClientException
	if !errors.As(err, &ce) || e.CallCount("ListClusters") != 3 {
		t.Fatalf("ClientException: %v, %d calls (want not retried)", err, e.CallCount("ListClusters"))
	}
}

// Without the option, code calling the fake directly sees the throttle raw.
func TestInjectedThrottleIsRawWithoutStandardRetries(t *testing.T) {
	e := newCluster(t, 0)
	e.FailOperation("ListClusters", "ThrottlingException", 1, 0)
	if _, err := e.ListClusters(bg, &ecs.ListClustersInput{}); err == nil || e.CallCount("ListClusters") != 1 {
		t.Fatalf("without retries: %v after %d calls", err, e.CallCount("ListClusters"))
	}
}

// The same seed gives the same backoff: two fakes with the same seed see
// their retries at the same virtual times.
func TestStandardRetriesBackoffFollowsTheSeed(t *testing.T) {
	times := func(seed int64) []time.Time {
		e := newCluster(t, 0, WithStandardRetries(), WithSeed(seed))
		e.FailOperation("ListClusters", "ThrottlingException", 2, 0)
		_, _ = e.ListClusters(bg, &ecs.ListClustersInput{})
		var at []time.Time
		for _, c := range e.Calls() {
			at = append(at, c.At)
		}
		return at
	}
	a, b, c := times(7), times(7), times(8)
	if len(a) != 4 || !equalTimes(a, b) {
		t.Fatalf("seed 7 twice: %v vs %v", a, b)
	}
	if equalTimes(a, c) {
		t.Fatalf("seeds 7 and 8 gave the same backoff %v", a)
	}
}

func equalTimes(a, b []time.Time) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}
