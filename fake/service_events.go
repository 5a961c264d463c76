package fake

import "time"

// eventTick is the step between two service events written at the same
// virtual instant: the wire carries milliseconds (epoch seconds with three
// decimals), so one millisecond is the smallest step every client sees.
const eventTick = time.Millisecond

// eventStamp returns the createdAt of a service event written at now:
// now itself, or one eventTick after the service's newest event when that
// one is not older than now. Events written in one scheduler pass (a
// breaker trip writes "deployment failed", then "rolling back", ...) thus
// get strictly increasing timestamps in the order they happened, as ECS
// stamps them (published service event logs show "deployment failed" at
// …52.148 and "rolling back" at …52.149). Tools that print only events
// newer than the last one they printed (ecspresso, log followers) then
// print every event once.
func (s *service) eventStamp(now time.Time) time.Time {
	now = now.Truncate(eventTick)
	if len(s.events) == 0 || s.events[0].CreatedAt == nil {
		return now
	}
	if prev := *s.events[0].CreatedAt; !now.After(prev) {
		return prev.Add(eventTick)
	}
	return now
}
