package fake

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestStepAtMatchesAdd checks stepAt.of against computing every time
// afresh, over sequences that repeat, and vary one at a time, the time,
// the duration and the floor, with times in other locations and with
// monotonic readings (equal instants that are not equal values).
func TestStepAtMatchesAdd(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	mono := time.Now()
	rapid.Check(t, func(rt *rapid.T) {
		var m stepAt
		pick := func(label string) time.Time {
			at := base.Add(time.Duration(rapid.IntRange(0, 3).Draw(rt, label)) * time.Second)
			switch rapid.IntRange(0, 5).Draw(rt, label+"kind") {
			case 0:
				at = at.In(time.FixedZone("X", 3600))
			case 1:
				at = mono.Add(time.Duration(rapid.IntRange(0, 3).Draw(rt, label+"mono")) * time.Second)
			}
			return at
		}
		for i := range rapid.IntRange(1, 50).Draw(rt, "calls") {
			now, floor := pick("now"), pick("floor")
			d := time.Duration(rapid.IntRange(-1, 2).Draw(rt, "d")) * time.Second
			want := now.Add(d)
			if want.Before(floor) {
				want = floor
			}
			got, key := m.of(now, d, floor)
			if got != want || key != want.UnixNano() {
				rt.Fatalf("call %d: of(%v, %v, %v) = %v, %d, want %v, %d", i, now, d, floor, got, key, want, want.UnixNano())
			}
		}
	})
}
