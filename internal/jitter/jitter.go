// Package jitter is the AWS SDK's exponential jitter backoff with a seedable
// random source, so that retries against the fake are deterministic.
//
// The formulas are those of aws-sdk-go-v2 aws/retry (v1.48):
// ExponentialJitterBackoff's legacy form, delay = rand[0,1) * 2^attempt
// seconds, at most Max once 2^attempt passes Max; and the form
// retry.NewStandard uses (retry behaviour 2.1), delay = rand[0,1) *
// min(base * 2^(attempt-1), Max) with base 1 s for throttling errors and
// 50 ms for other transient errors.
package jitter

import (
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// Source is a seeded random source safe for concurrent use.
type Source struct {
	mu  sync.Mutex
	rng *rand.Rand
}

// NewSource returns a source seeded with seed.
func NewSource(seed uint64) *Source {
	return &Source{rng: rand.New(rand.NewPCG(seed, seed^0x6a09e667f3bcc909))}
}

// Float64 returns a number in [0, 1).
func (s *Source) Float64() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.Float64()
}

// Legacy is retry.NewExponentialJitterBackoff(Max) drawing from Rand.
type Legacy struct {
	Max  time.Duration
	Rand *Source
}

// BackoffDelay implements retry.BackoffDelayer.
func (l Legacy) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	if attempt > int(math.Log2(float64(l.Max)/float64(time.Second))) {
		return l.Max, nil
	}
	return seconds(l.Rand.Float64() * float64(int64(1)<<uint(attempt))), nil
}

// Standard is the backoff of retry.NewStandard's defaults drawing from Rand.
type Standard struct {
	Max      time.Duration
	Rand     *Source
	Throttle retry.IsErrorThrottle
}

// BackoffDelay implements retry.BackoffDelayer.
func (s Standard) BackoffDelay(attempt int, err error) (time.Duration, error) {
	i := max(attempt-1, 0)
	base := 50 * time.Millisecond
	if s.Throttle != nil && s.Throttle.IsErrorThrottle(err) == aws.TrueTernary {
		base = time.Second
	}
	d := min(base.Seconds()*math.Pow(2, float64(i)), s.Max.Seconds())
	return seconds(s.Rand.Float64() * d), nil
}

func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
