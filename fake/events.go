package fake

import "time"

// event is one scheduled piece of simulation work: fn, or, when fn is nil,
// step of task t's lifecycle (lifecycle_steps.go), which needs no closure.
type event struct {
	at   time.Time
	fn   func(now time.Time)
	t    *task
	step lifeStep
	arg  int // the step's container index, where it has one
	// more, in a queued event, is how many tasks after t take the same
	// step at the same time, scheduled right after it: they are
	// instant.more[from:from+more] (a run; push).
	more, from int32
}

// instant holds the events due at one virtual time, in the order they were
// scheduled. Consecutive lifecycle steps of the same kind (the tasks one
// scheduler pass starts move through their lifecycle together) share one
// event, a run: its other tasks are 8 bytes each in more, so a queued step
// costs a pointer, not an event, and the memory read when it runs (an
// hour later for a forgotten task) is a seventh of it.
type instant struct {
	key  int64 // at.UnixNano()
	evs  []event
	more []*task // the tasks of the runs after their first
	next int     // the first event not yet run
	sub  int32   // how many tasks of evs[next]'s run have run
}

// eventQueue orders events by time, then by the order they were scheduled,
// so equal-time events run in scheduling order. The events of one instant
// share a bucket (the tasks one scheduler pass starts move through their
// lifecycle at the same instants), and a min-heap orders the instants, so
// a heap operation is paid per instant, not per event.
type eventQueue struct {
	heap  []*instant
	byKey map[int64]*instant
	last  *instant // the instant scheduled to last: runs of one instant need no map look-up
	free  []*instant
	n     int // events queued
}

// maxFreeInstants bounds the buckets kept for reuse; maxKeptEvents the
// capacity a reused bucket keeps.
const (
	maxFreeInstants = 1024
	maxKeptEvents   = 1024
)

// Len returns the number of queued events.
func (q *eventQueue) Len() int { return q.n }

// push queues ev at the instant key (ev.at.UnixNano()).
func (q *eventQueue) push(key int64, ev event) {
	b := q.last
	if b == nil || b.key != key {
		b = q.byKey[key]
		if b == nil {
			b = q.newInstant(key)
		}
		q.last = b
	}
	q.n++
	if n := len(b.evs); n > 0 && ev.fn == nil {
		// A step like the last queued one (and not run yet, or its
		// run not ended: a task it adds runs next either way) joins
		// its run.
		if l := &b.evs[n-1]; l.fn == nil && l.step == ev.step && l.arg == ev.arg && l.at == ev.at &&
			(n-1 > b.next || (n-1 == b.next && b.sub <= l.more)) && (l.more == 0 || int(l.from+l.more) == len(b.more)) {
			if l.more == 0 {
				l.from = int32(len(b.more))
			}
			b.more = append(b.more, ev.t)
			l.more++
			return
		}
	}
	ev.more, ev.from = 0, 0
	b.evs = append(b.evs, ev)
}

// newInstant adds an empty bucket for key to the map and the heap.
func (q *eventQueue) newInstant(key int64) *instant {
	var b *instant
	if n := len(q.free); n > 0 {
		b = q.free[n-1]
		q.free[n-1] = nil
		q.free = q.free[:n-1]
	} else {
		b = &instant{}
	}
	b.key = key
	if q.byKey == nil {
		q.byKey = map[int64]*instant{}
	}
	q.byKey[key] = b
	q.heap = append(q.heap, b)
	q.up(len(q.heap) - 1)
	return b
}

// headKey returns the key of the earliest queued event; the queue must
// not be empty.
func (q *eventQueue) headKey() int64 { return q.heap[0].key }

// pop removes and returns the earliest queued event (one task's step of
// a run); the queue must not be empty.
func (q *eventQueue) pop() event {
	b := q.heap[0]
	q.n--
	ev := &b.evs[b.next]
	if ev.more > 0 && b.sub < ev.more+1 {
		out := *ev
		out.more, out.from = 0, 0
		if b.sub > 0 {
			i := ev.from + b.sub - 1
			out.t, b.more[i] = b.more[i], nil
		}
		if b.sub++; b.sub <= ev.more {
			return out
		}
		// The run's last task: the event is done.
		b.sub = 0
		*ev = event{}
		b.next++
		if b.next == len(b.evs) {
			q.removeHead()
		}
		return out
	}
	out := *ev
	*ev = event{} // let what it holds be collected
	b.next++
	if b.next == len(b.evs) {
		q.removeHead()
	}
	return out
}

// each calls f for every queued event, in no particular order, with its
// task (nil for a closure), one call per task of a run.
func (q *eventQueue) each(f func(ev *event, t *task)) {
	for _, b := range q.heap {
		for i := b.next; i < len(b.evs); i++ {
			ev := &b.evs[i]
			first := int32(0)
			if i == b.next {
				first = b.sub
			}
			for k := first; k <= ev.more; k++ {
				t := ev.t
				if k > 0 {
					t = b.more[ev.from+k-1]
				}
				f(ev, t)
			}
		}
	}
}

// removeHead drops the (exhausted) earliest instant and keeps its bucket
// for reuse.
func (q *eventQueue) removeHead() {
	b := q.heap[0]
	last := len(q.heap) - 1
	q.heap[0] = q.heap[last]
	q.heap[last] = nil
	q.heap = q.heap[:last]
	if last > 0 {
		q.down(0)
	}
	delete(q.byKey, b.key)
	if q.last == b {
		q.last = nil
	}
	b.next, b.sub = 0, 0
	if cap(b.evs) > maxKeptEvents {
		b.evs = nil
	} else {
		b.evs = b.evs[:0]
	}
	if cap(b.more) > maxKeptEvents {
		b.more = nil
	} else {
		clear(b.more) // popped entries are nil already; a run never fully popped is not
		b.more = b.more[:0]
	}
	if len(q.free) < maxFreeInstants {
		q.free = append(q.free, b)
	}
}

// up moves the instant at heap index i towards the root while it is
// earlier than its parent.
func (q *eventQueue) up(i int) {
	h := q.heap
	for i > 0 {
		p := (i - 1) / 2
		if h[p].key <= h[i].key {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

// down moves the instant at heap index i towards the leaves while a child
// is earlier.
func (q *eventQueue) down(i int) {
	h := q.heap
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h[r].key < h[l].key {
			m = r
		}
		if h[i].key <= h[m].key {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// scheduleLocked queues fn to run at virtual time at (or at the current
// simulation time if at is earlier). The caller holds e.mu. fn runs with
// e.mu held and receives the event's time.
func (e *ECS) scheduleLocked(at time.Time, fn func(now time.Time)) {
	e.queueLocked(event{at: at, fn: fn})
}

// queueLocked queues ev at ev.at (or at the current simulation time if
// that is earlier). e.seq counts every event scheduled.
func (e *ECS) queueLocked(ev event) {
	if ev.at.Before(e.simNow) {
		ev.at = e.simNow
	}
	e.seq++
	e.events.push(ev.at.UnixNano(), ev)
}

// runEventLocked runs one event.
func (e *ECS) runEventLocked(ev *event) {
	if ev.fn != nil {
		ev.fn(ev.at)
		return
	}
	e.runStepLocked(ev.t, ev.step, ev.arg, ev.at)
}
