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
