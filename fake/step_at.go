package fake

import "time"

// stepAt remembers when the last lifecycle step was queued for: the tasks
// of a run take their next step together, each after the same duration
// from the same time, so the time of the step (time.Time.Add, the clamp to
// the simulation time, the instant's key: some 90 instructions) is worked
// out once per run rather than once per task (afterLocked).
type stepAt struct {
	// now, d and floor are the last call's arguments (set: there was one).
	now, floor time.Time
	d          time.Duration
	set        bool
	at         time.Time // max(now+d, floor)
	key        int64     // at.UnixNano()
}

// of returns now.Add(d), or floor if that is earlier, and its UnixNano.
// Equal arguments (== on times: the same instant, monotonic reading and
// location) give an equal result, so the last one is reused.
func (m *stepAt) of(now time.Time, d time.Duration, floor time.Time) (time.Time, int64) {
	if !m.set || m.d != d || m.now != now || m.floor != floor {
		at := now.Add(d)
		if at.Before(floor) {
			at = floor
		}
		*m = stepAt{now: now, floor: floor, d: d, set: true, at: at, key: at.UnixNano()}
	}
	return m.at, m.key
}
