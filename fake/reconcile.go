package fake

import "time"

// reconcileLocked is the hook the service scheduler fills in: it runs after
// every instant at which events were processed and at the end of each
// catch-up. It may call scheduleLocked to ask for a later wake-up.
func (e *ECS) reconcileLocked(now time.Time) {
	_ = now
}
