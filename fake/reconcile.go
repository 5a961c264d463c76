package fake

import "time"

// reconcileLocked runs after every instant at which events were processed
// and at the end of each catch-up: the service scheduler plans every
// service that changed since it was last planned (see scheduler.go), so a
// service is planned at most a few times per virtual-time instant, not once
// per task change.
func (e *ECS) reconcileLocked(now time.Time) {
	// A plan can make another service dirty only through shared capacity,
	// which does not mark services; still bound the rounds defensively.
	for round := 0; round < 100 && len(e.dirty) > 0; round++ {
		list := e.dirty
		e.dirty = e.dirtySpare[:0] // the two lists take turns: no allocation per instant
		e.dirtySpare = nil
		for _, s := range list {
			s.dirty = false
			e.scheduleServiceLocked(s, now)
		}
		clear(list)
		e.dirtySpare = list[:0]
	}
}
