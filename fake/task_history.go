package fake

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// A task's state history is kept compact (TaskHistory expands it): a
// crash-looping service creates a task every few virtual seconds and the
// fake remembers each for the retention period, so the history's size is
// much of the memory a task costs, and memory is what a day of virtual
// time caught up pays for: in cache misses when a task is written and
// forgotten, and in the garbage collector's scans. A compact entry holds
// no pointer (the collector skips it) and takes 12 bytes: its time as an
// offset from the task's creation, its statuses by index, and its reason
// as "" or the task's stoppedReason. A change that does not fit (another
// reason, a status without an index, a time the offset does not give back
// exactly) turns the task's history to full entries (taskRare.historyFull).

// historyWords are the statuses a history entry names by index.
var historyWords = [...]string{
	"", statusProvisioning, statusPending, statusActivating, statusRunning, statusDeactivating,
	statusStopping, statusDeprovisioning, statusStopped,
	string(types.HealthStatusHealthy), string(types.HealthStatusUnhealthy), string(types.HealthStatusUnknown),
}

// noWord marks a status historyWords does not hold: the entry keeps the
// whole change in full.
const noWord = 0xff

// historyEntry is one compact TaskStateChange.
type historyEntry struct {
	// at is sec seconds after the task's creation's Unix second, plus
	// nsec nanoseconds, in the creation's location (historyAt).
	sec                           int32
	nsec                          uint32
	last, desired, health, reason uint8 // indexes into historyWords; reason: reasonNone or reasonStopped
}

// A compact entry's reason.
const (
	reasonNone    = 0 // ""
	reasonStopped = 1 // the task's stoppedReason (set once, when it is asked to stop)
)

// historyWord is the index of s in historyWords, or noWord (a switch: no
// map look-up per recorded change; TestHistoryWordsRoundTrip keeps the two
// in step).
func historyWord(s string) uint8 {
	switch s { // the order of historyWords
	case "":
		return 0
	case statusProvisioning:
		return 1
	case statusPending:
		return 2
	case statusActivating:
		return 3
	case statusRunning:
		return 4
	case statusDeactivating:
		return 5
	case statusStopping:
		return 6
	case statusDeprovisioning:
		return 7
	case statusStopped:
		return 8
	case string(types.HealthStatusHealthy):
		return 9
	case string(types.HealthStatusUnhealthy):
		return 10
	case string(types.HealthStatusUnknown):
		return 11
	}
	return noWord
}

// recordHistory appends a change to t's history.
func (t *task) recordHistory(at time.Time, last, desired string, health types.HealthStatus, reason string) {
	if t.rare == nil || t.rare.historyFull == nil {
		sec := at.Unix() - t.createdAt.Unix()
		h := historyEntry{sec: int32(sec), nsec: uint32(at.Nanosecond()), last: historyWord(last),
			desired: historyWord(desired), health: historyWord(string(health)), reason: noWord}
		switch reason {
		case "":
			h.reason = reasonNone
		case t.stoppedReason:
			h.reason = reasonStopped
		}
		// The time comes back exactly (t.historyAt) when it is less
		// than 68 years from the creation, has no monotonic reading and
		// the creation's location.
		if h.last != noWord && h.desired != noWord && h.health != noWord && h.reason != noWord &&
			int64(h.sec) == sec && at == at.Round(0) && at.Location() == t.createdAt.Location() {
			t.history = append(t.history, h)
			return
		}
		full := append(make([]TaskStateChange, 0, len(t.history)+4), t.historyView()...)
		t.needRare().historyFull = full
	}
	t.rare.historyFull = append(t.rare.historyFull, TaskStateChange{At: at, LastStatus: last, DesiredStatus: desired, HealthStatus: string(health), Reason: reason})
}

// historyView returns t's history as TaskHistory shows it, oldest first.
func (t *task) historyView() []TaskStateChange {
	if t.rare != nil && t.rare.historyFull != nil {
		return append([]TaskStateChange(nil), t.rare.historyFull...)
	}
	if len(t.history) == 0 {
		return nil
	}
	out := make([]TaskStateChange, len(t.history))
	for i, h := range t.history {
		reason := ""
		if h.reason == reasonStopped {
			reason = t.stoppedReason
		}
		out[i] = TaskStateChange{At: t.historyAt(h), LastStatus: historyWords[h.last],
			DesiredStatus: historyWords[h.desired], HealthStatus: historyWords[h.health], Reason: reason}
	}
	return out
}

// historyAt returns the time of h, an entry of t's compact history.
func (t *task) historyAt(h historyEntry) time.Time {
	return time.Unix(t.createdAt.Unix()+int64(h.sec), int64(h.nsec)).In(t.createdAt.Location())
}
