package jitter

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// The same seed gives the same delays; delays stay within the SDK's
// bounds: legacy [0, 2^attempt s) capped at Max, standard [0, base*2^(n-1))
// with base 1 s for throttles and 50 ms otherwise.
func TestBackoffIsSeededAndWithinTheSDKBounds(t *testing.T) {
	l1 := Legacy{Max: 20 * time.Second, Rand: NewSource(5)}
	l2 := Legacy{Max: 20 * time.Second, Rand: NewSource(5)}
	for attempt := 1; attempt <= 6; attempt++ {
		a, _ := l1.BackoffDelay(attempt, nil)
		b, _ := l2.BackoffDelay(attempt, nil)
		if a != b {
			t.Fatalf("attempt %d: %v vs %v with the same seed", attempt, a, b)
		}
		limit := time.Duration(1<<attempt) * time.Second
		if attempt > 4 { // log2(20) = 4.3: past it the SDK returns Max
			if a != 20*time.Second {
				t.Fatalf("attempt %d: %v, want the 20s cap", attempt, a)
			}
		} else if a < 0 || a >= limit {
			t.Fatalf("attempt %d: %v not in [0,%v)", attempt, a, limit)
		}
	}
	s := Standard{Max: 20 * time.Second, Rand: NewSource(1), Throttle: retry.IsErrorThrottles{retry.ThrottleErrorCode{Codes: retry.DefaultThrottleErrorCodes}}}
	thr := &smithy.GenericAPIError{Code: "ThrottlingException"}
	srv := &smithy.GenericAPIError{Code: "ServerException", Fault: smithy.FaultServer}
	for attempt := 1; attempt <= 8; attempt++ {
		d, _ := s.BackoffDelay(attempt, thr)
		if limit := min(time.Duration(1<<(attempt-1))*time.Second, 20*time.Second); d < 0 || d >= limit {
			t.Fatalf("throttle attempt %d: %v not in [0,%v)", attempt, d, limit)
		}
		d, _ = s.BackoffDelay(attempt, srv)
		if limit := min(time.Duration(1<<(attempt-1))*50*time.Millisecond, 20*time.Second); d < 0 || d >= limit {
			t.Fatalf("server fault attempt %d: %v not in [0,%v)", attempt, d, limit)
		}
	}
}
