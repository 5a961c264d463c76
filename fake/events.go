package fake

import "time"

// event is one scheduled piece of simulation work: fn, or, when fn is nil,
// step of task t's lifecycle (lifecycle_steps.go), which needs no closure.
type event struct {
	at   time.Time
	fn   func(now time.Time)
	t    *task
	step lifeStep
	// more, in a queued event, is how many tasks after t take the same
	// step at the same time, scheduled right after it: they follow the
	// runs of the instant's earlier events in instant.more (a run; push).
	// It fills step's padding: an event is 56 bytes.
	more int32
	arg  int // the step's container index, where it has one
}

// instant holds the events due at one virtual time, in the order they were
// scheduled. Consecutive lifecycle steps of the same kind (the tasks one
// scheduler pass starts move through their lifecycle together) share one
// event, a run: its other tasks are 8 bytes each in more, so a queued step
// costs a pointer, not an event, and the memory read when it runs (an
// hour later for a forgotten task) is a seventh of it.
type instant struct {
	key int64 // at.UnixNano()
	evs []event
	// more holds the tasks of the runs after their first, run after
	// run in the order of evs (only the last event's run grows).
	more  []*task
	next  int   // the first event not yet run
	sub   int32 // how many tasks of evs[next]'s run have run
	runAt int32 // where evs[next]'s run starts in more
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
	// inRun: the last pop took a task of a run other than its last, and
	// popRunTask takes the next.
	inRun bool
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
	if ev.fn == nil && b.joinRun(ev.t, ev.step, ev.arg, ev.at) {
		return
	}
	ev.more = 0
	b.evs = append(b.evs, ev)
}

// joinRun adds t to b's last event when it is a run of step with arg at
// `at`, and reports whether it did: a step like the last queued one joins
// its run. That run has not ended (a bucket leaves the queue once its last
// event has run) and is the tail of b.more (only the last event's run
// grows), so the task runs after its other tasks either way.
func (b *instant) joinRun(t *task, step lifeStep, arg int, at time.Time) bool {
	n := len(b.evs)
	if n == 0 {
		return false
	}
	l := &b.evs[n-1]
	if l.fn != nil || l.step != step || l.arg != arg || l.at != at {
		return false
	}
	b.more = append(b.more, t)
	l.more++
	return true
}

// pushStep queues step of t at key (at.UnixNano()), as push does with an
// event of no fn: a lifecycle step like the last one queued at the same
// instant joins its run here, without building and copying an event.
func (q *eventQueue) pushStep(key int64, at time.Time, t *task, step lifeStep, arg int) {
	if b := q.last; b != nil && b.key == key && b.joinRun(t, step, arg, at) {
		q.n++
		return
	}
	q.push(key, event{at: at, t: t, step: step, arg: arg})
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
	out := *ev
	if ev.more > 0 { // a run: b.sub of its tasks have run
		out.more = 0
		if b.sub > 0 {
			i := b.runAt + b.sub - 1
			out.t, b.more[i] = b.more[i], nil
		}
		if b.sub < ev.more {
			b.sub++
			q.inRun = true
			return out
		}
		// The run's last task: the event is done.
		b.sub, b.runAt = 0, b.runAt+ev.more
	}
	q.endHeadEvent(b, ev)
	return out
}

// endHeadEvent drops ev, the next event of b (the head instant), every
// task of its run taken: the instant leaves the queue after its last one.
func (q *eventQueue) endHeadEvent(b *instant, ev *event) {
	q.inRun = false
	*ev = event{} // let what it holds be collected
	b.next++
	if b.next == len(b.evs) {
		q.removeHead()
	}
}

// popRunTask pops the next task of the run the last pop (or popRunTask)
// took a task from, and reports false, popping nothing, when that run has
// no task left. Those tasks take the run's step, argument and time, and
// are the earliest queued events: the run is the head instant's next event
// (nothing is queued before the instant being run, and a step queued
// meanwhile that joins the run follows its tasks). Catching up drains a
// run so, without building an event per task (catchup.go).
func (q *eventQueue) popRunTask() (*task, bool) {
	if !q.inRun {
		return nil, false
	}
	b := q.heap[0]
	ev := &b.evs[b.next]
	q.n--
	i := b.runAt + b.sub - 1
	t := b.more[i]
	b.more[i] = nil
	if b.sub < ev.more {
		b.sub++
		return t, true
	}
	// The run's last task: the event is done.
	b.sub, b.runAt = 0, b.runAt+ev.more
	q.endHeadEvent(b, ev)
	return t, true
}

// each calls f for every queued event, in no particular order, with its
// task (nil for a closure), one call per task of a run.
func (q *eventQueue) each(f func(ev *event, t *task)) {
	for _, b := range q.heap {
		at := b.runAt // where ev's run starts in b.more
		for i := b.next; i < len(b.evs); i++ {
			ev := &b.evs[i]
			first := int32(0)
			if i == b.next {
				first = b.sub
			}
			for k := first; k <= ev.more; k++ {
				t := ev.t
				if k > 0 {
					t = b.more[at+k-1]
				}
				f(ev, t)
			}
			at += ev.more
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
	b.next, b.sub, b.runAt = 0, 0, 0
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
