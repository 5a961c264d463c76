package fake

import (
	"container/heap"
	"time"
)

// event is one scheduled piece of simulation work.
type event struct {
	at  time.Time
	key int64 // at.UnixNano(): the heap compares integers, not time.Time
	seq uint64
	fn  func(now time.Time)
}

// eventQueue is a min-heap of events ordered by time, then by scheduling
// sequence, so equal-time events run in the order they were scheduled.
type eventQueue []*event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	if q[i].key != q[j].key {
		return q[i].key < q[j].key
	}
	return q[i].seq < q[j].seq
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(*event)) }
func (q *eventQueue) Pop() any {
	old := *q
	n := len(old)
	ev := old[n-1]
	old[n-1] = nil
	*q = old[:n-1]
	return ev
}

// scheduleLocked queues fn to run at virtual time at (or at the current
// simulation time if at is earlier). The caller holds e.mu. fn runs with
// e.mu held and receives the event's time.
func (e *ECS) scheduleLocked(at time.Time, fn func(now time.Time)) {
	if at.Before(e.simNow) {
		at = e.simNow
	}
	e.seq++
	heap.Push(&e.events, &event{at: at, key: at.UnixNano(), seq: e.seq, fn: fn})
}
