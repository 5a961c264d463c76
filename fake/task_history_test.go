package fake

import (
	"slices"
	"testing"
	"time"
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

// TestHistoryKeepsUnknownWords checks that a change naming a status the
// compact history has no index for is kept in full.
func TestHistoryKeepsUnknownWords(t *testing.T) {
	var tk task
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tk.recordHistory(at, statusRunning, "ELSEWHERE", "HEALTHY", "r1")
	tk.recordHistory(at.Add(time.Second), statusStopped, statusStopped, "UNKNOWN", "r2")
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
		{"location", time.UTC, at.Add(3 * time.Second).In(time.FixedZone("X", 3600)), "stop"},
		{"monotonic", time.Local, time.Now(), "stop"},   // in the creation's location, with a monotonic reading
		{"far", time.UTC, at.AddDate(70, 0, 0), "stop"}, // more seconds after the creation than 32 bits hold
	} {
		t.Run(tc.name, func(t *testing.T) {
			at := at.In(tc.created)
			tk := task{createdAt: at}
			tk.recordHistory(at, statusPending, statusRunning, "UNKNOWN", "")
			tk.stoppedReason = "stop"
			tk.recordHistory(at.Add(time.Second), statusDeactivating, statusStopped, "UNKNOWN", "stop")
			if tk.rare != nil || len(tk.history) != 2 {
				t.Fatalf("after two plain changes: %d compact entries, full %v", len(tk.history), tk.rare)
			}
			tk.recordHistory(tc.at, statusStopping, statusStopped, "UNKNOWN", tc.reason)
			tk.recordHistory(at.Add(4*time.Second), statusStopped, statusStopped, "UNKNOWN", "stop")
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
