package fake

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"pgregory.net/rapid"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// TestServiceEventTextsMatchAModel adds plain and "has started" events
// (kept as bytes, in storage recycled from the events pushed out) in any
// order, showing the events now and then, and checks every view against a
// model that keeps strings: the newest maxServiceEvents, newest first,
// each with its own text, however storage was reused and whatever was
// shown before (a shown event keeps its string).
func TestServiceEventTextsMatchAModel(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		e := New()
		s := &service{name: "web", events: []serviceEvent{}}
		var model []string // newest first
		now := time.Unix(1_700_000_000, 0).UTC()
		for i := range rapid.IntRange(1, 250).Draw(rt, "ops") {
			now = now.Add(time.Second)
			var msg string
			switch op := rapid.IntRange(0, 9).Draw(rt, "op"); {
			case op == 0:
				msg = fmt.Sprintf("(service web) plain event %d.", i)
				e.addEventLocked(s, msg, now)
			case op == 1:
				v := s.eventsView()
				got := make([]string, len(v))
				for k, ev := range v {
					got[k] = aws.ToString(ev.Message)
				}
				if fmt.Sprint(got) != fmt.Sprint(model) {
					rt.Fatalf("view after %d ops:\n%q\nwant\n%q", i, got, model)
				}
				continue
			default:
				n := rapid.IntRange(1, 40).Draw(rt, "tasks")
				tasks := make([]*task, n)
				ids := make([]string, n)
				for k := range tasks {
					ids[k] = fmt.Sprintf("%032x", i*1000+k)
					tasks[k] = &task{id: ids[k]}
				}
				replaced := rapid.IntRange(0, n).Draw(rt, "replaced")
				msg = plan.StartedTasksEvent("web", ids)
				if replaced > 0 {
					msg += plan.ReplacedUnhealthySuffix(replaced)
				}
				e.addStartedEventLocked(s, tasks, replaced, now)
			}
			model = append([]string{msg}, model...)
			if len(model) > maxServiceEvents {
				model = model[:maxServiceEvents]
			}
		}
	})
}
