package fake

import (
	"maps"
	"time"
)

// Call is one recorded API call.
type Call struct {
	// Op is the operation name, e.g. "RunTask".
	Op string
	// Input is the request as passed (a *ecs.XInput).
	Input any
	// At is the virtual time of the call.
	At time.Time
}

// Calls returns the recorded calls in order: every call, or at least the
// most recent 10,000 in a long-running fake.
func (e *ECS) Calls() []Call {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Call(nil), e.calls...)
}

// CallCount returns how many times op was called.
func (e *ECS) CallCount(op string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.counts[op]
}

// CallCounts returns the number of calls per operation.
func (e *ECS) CallCounts() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return maps.Clone(e.counts)
}
