package fake

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// A task's state history is kept compact (TaskHistory expands it): a
// crash-looping service creates a task every few virtual seconds and the
// fake remembers each for the retention period, so the history's size is
// most of the memory a task costs, and memory is what the garbage
// collector pays for while a day of virtual time is caught up.

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
	at                    time.Time
	reason                string
	last, desired, health uint8 // indexes into historyWords
	full                  *TaskStateChange
}

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
	h := historyEntry{at: at, reason: reason, last: historyWord(last), desired: historyWord(desired), health: historyWord(string(health))}
	if h.last == noWord || h.desired == noWord || h.health == noWord {
		h.full = &TaskStateChange{At: at, LastStatus: last, DesiredStatus: desired, HealthStatus: string(health), Reason: reason}
	}
	t.history = append(t.history, h)
}

// historyView returns t's history as TaskHistory shows it, oldest first.
func (t *task) historyView() []TaskStateChange {
	if len(t.history) == 0 {
		return nil
	}
	out := make([]TaskStateChange, len(t.history))
	for i, h := range t.history {
		if h.full != nil {
			out[i] = *h.full
			continue
		}
		out[i] = TaskStateChange{At: h.at, LastStatus: historyWords[h.last], DesiredStatus: historyWords[h.desired],
			HealthStatus: historyWords[h.health], Reason: h.reason}
	}
	return out
}
