package fake

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestHistoryWordsRoundTrip checks that every word a compact history entry
// names by index comes back as itself.
func TestHistoryWordsRoundTrip(t *testing.T) {
	for i, w := range historyWords {
		if got := historyWord(w); int(got) != i {
			t.Errorf("historyWord(%q) = %d, want %d", w, got, i)
		}
	}
	if got := historyWord("SOMETHING"); got != noWord {
		t.Errorf("historyWord(unknown) = %d, want noWord", got)
	}
}

// TestHistoryKeepsUnknownWordsInEachPlace checks that a status the
// compact history has no index for, as lastStatus, desiredStatus or
// health, after compact entries, turns the history to full entries.
func TestHistoryKeepsUnknownWordsInEachPlace(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 3 {
		words := []string{statusRunning, statusRunning, "HEALTHY"}
		words[i] = "ELSEWHERE"
		tk := task{createdAt: at}
		record(&tk, at, statusPending, statusRunning, "UNKNOWN", "")
		record(&tk, at.Add(time.Second), words[0], words[1], types.HealthStatus(words[2]), "")
		want := []TaskStateChange{{At: at, LastStatus: statusPending, DesiredStatus: statusRunning, HealthStatus: "UNKNOWN"},
			{At: at.Add(time.Second), LastStatus: words[0], DesiredStatus: words[1], HealthStatus: words[2]}}
		if got := tk.historyView(); !slices.Equal(got, want) {
			t.Errorf("unknown word %d: history %+v, want %+v", i, got, want)
		}
	}
}

// TestHistoryKeepsUnknownWords checks that a change naming a status the
// compact history has no index for is kept in full.
func TestHistoryKeepsUnknownWords(t *testing.T) {
	var tk task
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	record(&tk, at, statusRunning, "ELSEWHERE", "HEALTHY", "r1")
	record(&tk, at.Add(time.Second), statusStopped, statusStopped, "UNKNOWN", "r2")
	got := tk.historyView()
	want := []TaskStateChange{{At: at, LastStatus: statusRunning, DesiredStatus: "ELSEWHERE", HealthStatus: "HEALTHY", Reason: "r1"},
		{At: at.Add(time.Second), LastStatus: statusStopped, DesiredStatus: statusStopped, HealthStatus: "UNKNOWN", Reason: "r2"}}
	if !slices.Equal(got, want) {
		t.Fatalf("history %+v, want %+v", got, want)
	}
}

// TestHistoryTurnsFullWhenCompactCannotHold checks that a change a compact
// entry cannot hold (a reason other than "" or the stopped reason, a time
// in another location or with a monotonic reading) turns the history to full entries, the compact
// ones before it included, and that TaskHistory shows exactly what was
// recorded either way (a monotonic reading included).
func TestHistoryTurnsFullWhenCompactCannotHold(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		created *time.Location // the task's creation time's location
		at      time.Time
		reason  string
	}{
		{"reason", time.UTC, at.Add(3 * time.Second), "container app exited"},
		{"reason of the stopped reason's length", time.UTC, at.Add(3 * time.Second), "halt"},
		{"location", time.UTC, at.Add(3 * time.Second).In(time.FixedZone("X", 3600)), "stop"},
		{"monotonic", time.Local, time.Now(), "stop"},   // in the creation's location, with a monotonic reading
		{"far", time.UTC, at.AddDate(70, 0, 0), "stop"}, // more seconds after the creation than 32 bits hold
	} {
		t.Run(tc.name, func(t *testing.T) {
			at := at.In(tc.created)
			tk := task{createdAt: at}
			record(&tk, at, statusPending, statusRunning, "UNKNOWN", "")
			tk.stoppedReason = "stop"
			record(&tk, at.Add(time.Second), statusDeactivating, statusStopped, "UNKNOWN", "stop")
			if tk.rare != nil || len(tk.history) != 2 {
				t.Fatalf("after two plain changes: %d compact entries, full %v", len(tk.history), tk.rare)
			}
			record(&tk, tc.at, statusStopping, statusStopped, "UNKNOWN", tc.reason)
			record(&tk, at.Add(4*time.Second), statusStopped, statusStopped, "UNKNOWN", "stop")
			if tk.rare == nil || tk.rare.historyFull == nil {
				t.Fatal("history still compact")
			}
			want := []TaskStateChange{
				{At: at, LastStatus: statusPending, DesiredStatus: statusRunning, HealthStatus: "UNKNOWN"},
				{At: at.Add(time.Second), LastStatus: statusDeactivating, DesiredStatus: statusStopped, HealthStatus: "UNKNOWN", Reason: "stop"},
				{At: tc.at, LastStatus: statusStopping, DesiredStatus: statusStopped, HealthStatus: "UNKNOWN", Reason: tc.reason},
				{At: at.Add(4 * time.Second), LastStatus: statusStopped, DesiredStatus: statusStopped, HealthStatus: "UNKNOWN", Reason: "stop"},
			}
			if got := tk.historyView(); !slices.Equal(got, want) { // == on times: location and all
				t.Fatalf("history %+v, want %+v", got, want)
			}
		})
	}
}

// record sets tk's statuses as a change would and records the change.
func record(tk *task, at time.Time, last, desired string, health types.HealthStatus, reason string) {
	tk.lastStatus, tk.desiredStatus, tk.health = last, desired, health
	tk.recordHistory(at, reason)
}

// TestHistoryWordsNotByAddressAlone checks that a compact entry names the
// words a change set whether or not they are the constants the look-up
// tries first by address (wordOf's hints): copies of the constants,
// statuses of the same length as the hint (PENDING, RUNNING, STOPPED,
// HEALTHY, UNKNOWN), changes against the usual order, and the stopped
// reason as a copy.
func TestHistoryWordsNotByAddressAlone(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	cp := strings.Clone
	steps := []TaskStateChange{
		{LastStatus: statusPending, DesiredStatus: statusRunning, HealthStatus: "UNKNOWN"},
		{LastStatus: cp(statusRunning), DesiredStatus: cp(statusRunning), HealthStatus: cp("UNKNOWN")}, // hint ACTIVATING
		{LastStatus: statusRunning, DesiredStatus: statusRunning, HealthStatus: "HEALTHY"},             // a health change
		{LastStatus: statusRunning, DesiredStatus: statusRunning, HealthStatus: cp("UNHEALTHY")},
		{LastStatus: statusStopped, DesiredStatus: statusStopped, HealthStatus: "UNKNOWN", Reason: "stop"}, // hint DEACTIVATING
		{LastStatus: statusPending, DesiredStatus: statusPending, HealthStatus: "", Reason: cp("stop")},    // back, and odd
		{LastStatus: "", DesiredStatus: statusStopped, HealthStatus: "HEALTHY"},
		{LastStatus: cp(statusDeprovisioning), DesiredStatus: cp(statusStopped), HealthStatus: "UNKNOWN"},
		{LastStatus: statusStopped, DesiredStatus: statusStopped, HealthStatus: "UNKNOWN", Reason: "stop"},
	}
	tk := task{createdAt: at, stoppedReason: "stop"}
	var want []TaskStateChange
	for i, c := range steps {
		c.At = at.Add(time.Duration(i) * time.Second)
		record(&tk, c.At, c.LastStatus, c.DesiredStatus, types.HealthStatus(c.HealthStatus), c.Reason)
		want = append(want, c)
	}
	if tk.rare != nil || len(tk.history) != len(steps) {
		t.Fatalf("%d compact entries, full %v: want all %d compact", len(tk.history), tk.rare, len(steps))
	}
	if got := tk.historyView(); !slices.Equal(got, want) {
		t.Fatalf("history\n%+v\nwant\n%+v", got, want)
	}
}
