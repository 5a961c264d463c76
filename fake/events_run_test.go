package fake

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestEventQueueRunsMatchAModel drives the queue as catching up does:
// lifecycle steps queued with pushStep or push, closures with push, and
// events taken with pop followed by popRunTask until the run is drained,
// with pushes in between (at the instant being run too, where a like step
// joins the run under way). Every event taken is checked against a model
// that keeps each event on its own (time order, then scheduling order),
// and popRunTask must give exactly the tasks of the run the last pop took
// a task from: same step, argument and time.
func TestEventQueueRunsMatchAModel(t *testing.T) {
	base := time.Unix(1_700_000_000, 0).UTC()
	rapid.Check(t, func(rt *rapid.T) {
		var q eventQueue
		var model []modelEvent // in scheduling order
		fn := func(time.Time) {}
		// take checks that got is the model's earliest event and drops it.
		take := func(op int, how string, got event) {
			want := takeEarliest(&model)
			if !sameEvent(got, want.ev) {
				rt.Fatalf("op %d: %s gave %+v, want %+v", op, how, got, want.ev)
			}
			if q.Len() != len(model) {
				rt.Fatalf("op %d: Len %d after %s, want %d", op, q.Len(), how, len(model))
			}
		}
		var cur event // the event the last pop took: a run's tasks share its step, argument and time
		now := 0      // seconds after base of the instant being run
		for i := range rapid.IntRange(1, 300).Draw(rt, "ops") {
			switch op := rapid.IntRange(0, 5).Draw(rt, "op"); {
			case op == 0 && len(model) > 0: // in a run too: pop takes its next task
				cur = q.pop()
				now = int(cur.at.Unix() - base.Unix())
				take(i, "pop", cur)
			case op == 1 && q.inRun:
				tk, ok := q.popRunTask()
				if !ok {
					rt.Fatalf("op %d: popRunTask gave nothing in a run", i)
				}
				take(i, "popRunTask", event{at: cur.at, t: tk, step: cur.step, arg: cur.arg})
			case op == 1:
				if tk, ok := q.popRunTask(); ok || tk != nil {
					rt.Fatalf("op %d: popRunTask gave %p after the run ended", i, tk)
				}
			default:
				// Never before the instant being run, as queueLocked ensures.
				at := base.Add(time.Duration(now+rapid.IntRange(0, 2).Draw(rt, "after")) * time.Second)
				if rapid.IntRange(0, 9).Draw(rt, "loc") == 0 {
					at = at.In(time.FixedZone("X", 3600)) // same instant, another time value: no run with UTC ones
				}
				ev := event{at: at, t: &task{}, step: lifeStep(rapid.IntRange(1, 2).Draw(rt, "step")), arg: rapid.IntRange(0, 1).Draw(rt, "arg")}
				switch rapid.IntRange(0, 5).Draw(rt, "how") {
				case 0:
					ev.t, ev.fn, ev.step, ev.arg = nil, fn, 0, 0
					q.push(at.UnixNano(), ev)
				case 1:
					q.push(at.UnixNano(), ev)
				default:
					q.pushStep(at.UnixNano(), at, ev.t, ev.step, ev.arg)
				}
				model = append(model, modelEvent{at.UnixNano(), ev})
				if q.Len() != len(model) {
					rt.Fatalf("op %d: Len %d after a push, want %d", i, q.Len(), len(model))
				}
			}
		}
		// Drain as catching up does.
		for q.Len() > 0 {
			cur = q.pop()
			take(-1, "pop", cur)
			for {
				tk, ok := q.popRunTask()
				if !ok {
					break
				}
				take(-1, "popRunTask", event{at: cur.at, t: tk, step: cur.step, arg: cur.arg})
			}
		}
		if len(model) != 0 {
			rt.Fatalf("queue empty with %d events in the model", len(model))
		}
	})
}
