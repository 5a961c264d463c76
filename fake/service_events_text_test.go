package fake

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
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
					tasks[k] = &task{idText: ids[k]}
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

// TestServiceEventTextStorageIsBounded: the text storage of a big "has
// started" event (a large rollout's) is not passed on from event to event
// once that event has left the list: a service that started 1,000 tasks
// at once and then went on with small events keeps no text storage of
// that size.
func TestServiceEventTextStorageIsBounded(t *testing.T) {
	e := New()
	s := &service{name: "web", events: []serviceEvent{}}
	now := time.Unix(1_700_000_000, 0).UTC()
	task1 := func(i int) *task { return &task{idText: fmt.Sprintf("%032x", i)} }
	big := make([]*task, 1000)
	for i := range big {
		big[i] = task1(i)
	}
	e.addStartedEventLocked(s, big, 0, now)
	for i := range 3 * maxServiceEvents {
		now = now.Add(time.Second)
		if i%3 == 0 {
			e.addEventLocked(s, "(service web) plain event.", now)
		} else {
			e.addStartedEventLocked(s, []*task{task1(i)}, 0, now)
		}
	}
	for i := range s.events {
		if c := cap(s.events[i].text); c > maxKeptEventText {
			t.Fatalf("event %d keeps %d bytes of text storage (its text is %d), want at most %d", i, c, len(s.events[i].text), maxKeptEventText)
		}
	}
}

// TestServiceEventTextsReadDuringCatchUp reads a crash-looping service's
// events while another goroutine catches up an hour (which lets callers
// in between instants): each read turns pending texts into strings, so it
// must hold the lock the catch-up writes under (run with -race). Every
// event read has its text.
func TestServiceEventTextsReadDuringCatchUp(t *testing.T) {
	e := crashLoopT(t, 20)
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.Advance(time.Hour)
	}()
	for reads := 0; ; reads++ {
		select {
		case <-done:
			t.Logf("reads %d", reads)
			return
		default:
		}
		out, err := e.DescribeServices(bg, &ecs.DescribeServicesInput{Services: []string{"loop"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range out.Services[0].Events {
			if !strings.HasPrefix(aws.ToString(ev.Message), "(service loop) ") {
				t.Fatalf("read %d: event %q", reads, aws.ToString(ev.Message))
			}
		}
	}
}
