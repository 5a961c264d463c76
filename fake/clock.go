package fake

import (
	"sync"
	"time"
)

// Clock tells the fake what time it is. The simulation never reads
// time.Now directly; it reads its Clock.
type Clock interface {
	// Now returns the current virtual time.
	Now() time.Time
}

// advancer is implemented by clocks that (*ECS).Advance can move forward.
type advancer interface {
	Advance(d time.Duration)
}

// DefaultStart is the virtual time a new manual clock starts at.
var defaultStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// ManualClock is a virtual clock that moves only when Advance is called.
// It is the fake's default clock.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a manual clock reading start.
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{now: start}
}

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d; negative durations are ignored.
func (c *ManualClock) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// realClock derives virtual time from time.Now, so it follows testing/synctest's
// synthetic time inside a bubble.
type realClock struct {
	speed     float64
	realStart time.Time

	mu     sync.Mutex
	offset time.Duration
}

// RealTime returns a clock that follows the wall clock (time.Now), sped up
// by speed (values <= 0 mean 1). Virtual time starts at the moment RealTime
// is called. Inside a testing/synctest bubble it follows the bubble's
// synthetic time, so waits through it take no real time.
func RealTime(speed float64) Clock {
	if speed <= 0 {
		speed = 1
	}
	return &realClock{speed: speed, realStart: time.Now()}
}

// Now returns realStart + elapsed*speed + any Advance offset.
func (c *realClock) Now() time.Time {
	elapsed := time.Since(c.realStart)
	c.mu.Lock()
	off := c.offset
	c.mu.Unlock()
	return c.realStart.Add(time.Duration(float64(elapsed)*c.speed) + off)
}

// Advance jumps the real-time clock forward by d.
func (c *realClock) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}
