package fake

import (
	"runtime"
	"sync"
	"time"
)

// Catching up: the world runs its queued events up to the clock's now
// whenever it is touched. The cost follows the events that happen, not the
// virtual time that passes (an idle world advances 24 hours for free). A
// long catch-up lets other callers in between instants: at the end of an
// instant (a consistent state), once it has held the lock for
// catchUpYieldAfter of wall time, the stepping caller releases the lock
// for a moment. A caller that gets
// the lock meanwhile does not step the world itself: it is served as of
// the world's current virtual time, like a slightly stale read from ECS.
// Callers that move time (Advance, Sleep) wait instead until the world has
// reached the new time.

// catchUpYieldAfter is how long (wall time) a catch-up holds the lock
// before it lets other callers take it; catchUpYieldEvery is how many
// events it runs between looks at the wall clock. Yielding by time rather
// than by events keeps the cost of yielding off a fast catch-up: each
// yield wakes an idle processor for nothing when no caller waits, which
// every 256 events cost a sixth of a crash loop's catch-up on two cores.
const (
	catchUpYieldAfter = time.Millisecond
	catchUpYieldEvery = 256
)

// catchUp is the state of a catch-up in progress.
type catchUp struct {
	running bool       // a caller is stepping the world (the lock may be released between instants)
	done    *sync.Cond // broadcast when a catch-up ends; L is &e.mu
	yields  uint64     // times a catch-up let other callers in (for tests and benchmarks)
}

// catchUpLocked brings the world up to the clock's now and returns it; when
// another caller is already stepping the world it returns the world's
// current virtual time at once. The caller holds e.mu; the lock may be
// released and taken again inside (callers read no state before).
func (e *ECS) catchUpLocked() time.Time {
	if e.catchUp.running {
		return e.simNow
	}
	return e.stepLocked()
}

// catchUpFullyLocked is catchUpLocked for callers that move time: it waits
// for a catch-up in progress to end, then brings the world up to the
// clock's now.
func (e *ECS) catchUpFullyLocked() time.Time {
	if e.catchUp.done == nil {
		e.catchUp.done = sync.NewCond(&e.mu)
	}
	for e.catchUp.running {
		e.catchUp.done.Wait()
	}
	return e.stepLocked()
}

// stepLocked runs every queued event due at or before the clock's current
// time, in time order. After all events of one instant have run it calls
// reconcileLocked for that instant, and finally for the clock's now.
func (e *ECS) stepLocked() time.Time {
	now := e.clock.Now()
	if now.Before(e.simNow) {
		now = e.simNow
	}
	e.catchUp.running = true
	defer func() {
		e.catchUp.running = false
		if e.catchUp.done != nil {
			e.catchUp.done.Broadcast()
		}
	}()
	ran := 0
	held := time.Now() // when this caller last took the lock
	end := now.UnixNano()
	q := &e.events
	// reconcileLocked may schedule work for "now"; run it, but bound the
	// rounds so a hook that always reschedules cannot spin forever.
	for round := 0; round < 1000; round++ {
		for q.n > 0 && q.headKey() <= end {
			ev := q.pop()
			if ev.t != nil {
				ev.t.pending--
			}
			e.simNow = ev.at
			e.runEventLocked(&ev)
			ran++
			// The rest of a run: its tasks take the same step at
			// the same time, one after another.
			for {
				t, ok := q.popRunTask()
				if !ok {
					break
				}
				t.pending--
				e.runStepLocked(t, ev.step, ev.arg, ev.at)
				ran++
			}
			if q.n == 0 || q.headKey() != ev.at.UnixNano() {
				e.reconcileLocked(ev.at)
				if ran >= catchUpYieldEvery {
					ran = 0
					if time.Since(held) >= catchUpYieldAfter {
						e.yieldLocked()
						held = time.Now()
					}
				}
			}
		}
		e.simNow = now
		e.reconcileLocked(now)
		if q.n == 0 || q.headKey() > end {
			break
		}
	}
	return now
}

// yieldLocked lets callers waiting for the lock in.
func (e *ECS) yieldLocked() {
	e.catchUp.yields++
	e.mu.Unlock()
	runtime.Gosched()
	e.mu.Lock()
}
