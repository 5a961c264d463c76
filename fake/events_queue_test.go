package fake

import (
	"testing"
	"time"
	"unsafe"

	"pgregory.net/rapid"
)

// TestEventQueueMatchesAModel pushes lifecycle steps (which join runs when
// they follow a like step at the same time) and closures at a few
// instants, pops some in between (a step pushed while a run is under way
// may join it), and checks every pop against a model that keeps each
// event on its own: time order, then scheduling order, with the event's
// time, step and argument, and the queue's length; each lists exactly
// the events not yet popped.
func TestEventQueueMatchesAModel(t *testing.T) {
	base := time.Unix(1_700_000_000, 0).UTC()
	rapid.Check(t, func(rt *rapid.T) {
		var q eventQueue
		var model []modelEvent // in scheduling order; popping takes the earliest key's first
		fn := func(time.Time) {}
		for i := range rapid.IntRange(1, 300).Draw(rt, "ops") {
			if len(model) > 0 && rapid.IntRange(0, 2).Draw(rt, "pop") == 0 {
				want := takeEarliest(&model)
				if q.headKey() != want.key {
					rt.Fatalf("op %d: head key %d, want %d", i, q.headKey(), want.key)
				}
				got := q.pop()
				if !sameEvent(got, want.ev) {
					rt.Fatalf("op %d: popped %+v, want %+v", i, got, want.ev)
				}
				if q.Len() != len(model) {
					rt.Fatalf("op %d: Len %d, want %d", i, q.Len(), len(model))
				}
				continue
			}
			at := base.Add(time.Duration(rapid.IntRange(0, 3).Draw(rt, "at")) * time.Second)
			if rapid.IntRange(0, 9).Draw(rt, "loc") == 0 {
				at = at.In(time.FixedZone("X", 3600)) // same instant, another time value: no run with UTC ones
			}
			tk := &task{}
			ev := event{at: at, t: tk, step: lifeStep(rapid.IntRange(1, 2).Draw(rt, "step")), arg: rapid.IntRange(0, 1).Draw(rt, "arg")}
			if rapid.IntRange(0, 5).Draw(rt, "fn") == 0 {
				ev.fn, ev.step, ev.arg = fn, 0, 0
			}
			q.push(at.UnixNano(), ev)
			model = append(model, modelEvent{at.UnixNano(), ev})
			if q.Len() != len(model) {
				rt.Fatalf("op %d: Len %d after a push, want %d", i, q.Len(), len(model))
			}
			// each lists the queued events, one per task of a run.
			seen := map[*task]int{}
			q.each(func(_ *event, t *task) { seen[t]++ })
			for _, it := range model {
				if seen[it.ev.t]--; seen[it.ev.t] < 0 {
					rt.Fatalf("op %d: each misses a queued event", i)
				}
			}
			for _, n := range seen {
				if n != 0 {
					rt.Fatalf("op %d: each lists an event not queued", i)
				}
			}
		}
	})
}

// modelEvent is an event as the queue models keep it: on its own, with
// its key.
type modelEvent struct {
	key int64
	ev  event
}

// takeEarliest removes from model (in scheduling order) the event a pop
// must give, the earliest key's first, and returns it.
func takeEarliest(model *[]modelEvent) modelEvent {
	m := *model
	best := 0
	for k, it := range m {
		if it.key < m[best].key {
			best = k
		}
	}
	want := m[best]
	*model = append(m[:best], m[best+1:]...)
	return want
}

// sameEvent reports whether the queue gave back want as got: its time,
// task, step and argument, and whether it is a closure.
func sameEvent(got, want event) bool {
	return got.t == want.t && got.step == want.step && got.arg == want.arg && got.at == want.at &&
		(got.fn == nil) == (want.fn == nil)
}

// TestEventSize: a run's length fills the padding after the step, so a
// queued event costs no more than before runs (56 bytes on 64-bit).
func TestEventSize(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) == 8 && unsafe.Sizeof(event{}) > 56 {
		t.Fatalf("event is %d bytes, want at most 56", unsafe.Sizeof(event{}))
	}
}
