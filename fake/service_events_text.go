package fake

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// A crash-looping service writes a "has started N tasks: (task ...) ..."
// event every few virtual seconds, ~4 KB for 100 tasks, and a day caught
// up writes thousands that nobody may read. Such a text is kept as bytes,
// in the storage of the event it pushed out of the service's list, and
// becomes a string only when the event is shown (then once).

// maxKeptEventText is the most text storage an event passes on to the
// next one (a "has started" text of ~200 tasks): a large rollout's
// started events would otherwise keep their storage going round the
// list for the service's life.
const maxKeptEventText = 8 << 10

// serviceEvent is one event of a service: Message is nil while the text
// is still in text.
type serviceEvent struct {
	types.ServiceEvent
	text []byte
	// at is the instant the event was written (its createdAt can be
	// later: eventStamp keeps the stamps strictly increasing).
	at time.Time
}

// newEventLocked adds an event as s's newest one, stamped strictly after
// the previous one (eventStamp), with its seeded Id drawn, and returns it
// for the caller to give its text. When s keeps maxServiceEvents already
// the oldest leaves; its text storage stays with the returned event,
// emptied, unless it is larger than maxKeptEventText.
func (e *ECS) newEventLocked(s *service, now time.Time) *serviceEvent {
	ev := types.ServiceEvent{Id: aws.String(e.uuid()), CreatedAt: aws.Time(s.eventStamp(now))}
	if len(s.events) < maxServiceEvents {
		s.events = append(s.events, serviceEvent{})
	}
	text := s.events[len(s.events)-1].text[:0]
	if cap(text) > maxKeptEventText {
		text = nil
	}
	copy(s.events[1:], s.events[:len(s.events)-1])
	s.events[0] = serviceEvent{ServiceEvent: ev, text: text, at: now}
	return &s.events[0]
}

// addStartedEventLocked adds the "has started" event of tasks (StartedTasksEvent,
// with ReplacedUnhealthySuffix(replaced) when replaced > 0) to s, its text
// kept as bytes until shown.
func (e *ECS) addStartedEventLocked(s *service, tasks []*task, replaced int, now time.Time) {
	ev := e.newEventLocked(s, now)
	ev.text = plan.AppendStartedTasksEvent(ev.text, s.name, len(tasks), func(i int) string { return tasks[i].id() }, replaced)
}

// shown returns ev as the API shows it, its text made a string (kept: an
// event shown again costs nothing).
func (ev *serviceEvent) shown() types.ServiceEvent {
	if ev.Message == nil {
		ev.Message = aws.String(string(ev.text))
		ev.text = nil
	}
	return ev.ServiceEvent
}

// eventsView returns s's events as DescribeServices shows them, newest
// first.
func (s *service) eventsView() []types.ServiceEvent {
	out := make([]types.ServiceEvent, len(s.events))
	for i := range s.events {
		out[i] = s.events[i].shown()
	}
	return out
}
