package fake

import (
	"context"
	"time"
)

// DefaultRealTimeCallLatency is how long each API call takes with a
// RealTime clock unless WithCallLatency says otherwise. ECS answers a
// DescribeServices in tens of milliseconds; with no latency at all a
// caller that measures its own elapsed time (the SDK's waiters) sees calls
// that take no time and, inside testing/synctest, can spin without ever
// letting synthetic time move.
const DefaultRealTimeCallLatency = 20 * time.Millisecond

// WithCallLatency makes every API call take d of virtual time before the
// fake answers it: with the manual clock the call advances the clock by d;
// with RealTime it waits d/speed of real time (synthetic time inside a
// testing/synctest bubble) without holding the fake's lock. d <= 0 turns
// latency off. The default is no latency with the manual clock (tests
// move time themselves) and DefaultRealTimeCallLatency with RealTime, so
// the SDK's waiters under testing/synctest end at their maximum wait
// instead of spinning.
func WithCallLatency(d time.Duration) Option {
	return func(c *config) { c.callLatency, c.callLatencySet = max(d, 0), true }
}

// callLatency is the latency each call takes, after the defaults.
func (c config) latency() time.Duration {
	if c.callLatencySet {
		return c.callLatency
	}
	if _, ok := c.clock.(*realClock); ok {
		return DefaultRealTimeCallLatency
	}
	return 0
}

// passLocked lets d of virtual time pass inside an API call: with the
// manual clock it advances the clock; with RealTime it releases the lock,
// waits d/speed of real time (or until ctx is done) and takes the lock
// again. Callers hold e.mu and call it before reading any state (at the
// start of beginLocked, or between retried attempts), so releasing the
// lock is the same as the request arriving later. Other clocks cannot be
// moved: nothing happens.
func (e *ECS) passLocked(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	switch c := e.clock.(type) {
	case *realClock:
		e.mu.Unlock()
		t := time.NewTimer(time.Duration(float64(d) / c.speed))
		var err error
		select {
		case <-ctx.Done():
			err = ctx.Err()
		case <-t.C:
		}
		t.Stop()
		e.mu.Lock()
		return err
	case advancer:
		c.Advance(d)
	}
	return nil
}

// Seed returns the seed the fake was built with (WithSeed; default 1).
// ecsdeploy.New draws its retry jitter from it, so the same program makes
// the same calls.
func (e *ECS) Seed() int64 { return e.cfg.seed }
