package fake

import (
	"time"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/samestr"
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

// historyTable is historyWords in a table of 16, so that an index read
// from a compact entry (masked) needs no bounds check.
var historyTable = func() (w [16]string) {
	copy(w[:], historyWords[:])
	return w
}()

// historyNext is the lastStatus that most often follows each (a hint,
// recordHistory): the lifecycle's order, PENDING after "" (the first
// entry's hint, historyFirst).
var historyNext = [16]uint8{
	0: 2, // "" (a new task) -> PENDING
	1: 2, // PROVISIONING -> PENDING
	2: 3, // PENDING -> ACTIVATING
	3: 4, // ACTIVATING -> RUNNING
	4: 5, // RUNNING -> DEACTIVATING
	5: 6, // DEACTIVATING -> STOPPING
	6: 8, // STOPPING -> STOPPED
	7: 8, // DEPROVISIONING -> STOPPED
}

// historyFirst is the entry a task's first change is compared with (its
// words are the hints of recordHistory): a new task's desiredStatus and
// health (createTaskLocked), and "" as lastStatus (PENDING next).
var historyFirst = historyEntry{desired: 4, health: 11}

// sameWord reports whether s is word w of historyWords by address: the
// task's strings are the constants historyWords holds (the linker keeps
// one copy of each), so a word that did not change is found by comparing
// a length and a pointer, not bytes.
func sameWord(s string, w uint8) bool {
	c := historyTable[w&15]
	return len(c) == len(s) && unsafe.StringData(c) == unsafe.StringData(s)
}

// recordHistory appends t's statuses as they are now (lastStatus,
// desiredStatus, health) to its history, at at, with reason. Every change
// is recorded after it is made, so the entry reads them off t. A change
// mostly leaves desiredStatus and health as they were and moves
// lastStatus one step along the lifecycle: the previous entry's words and
// the next status are tried first (sameWord); a miss costs a switch.
func (t *task) recordHistory(at time.Time, reason string) {
	if t.rare == nil || t.rare.historyFull == nil {
		prev := &historyFirst
		if n := len(t.history); n > 0 {
			prev = &t.history[n-1]
		}
		// ok: every word and the reason have an index (a word found by
		// address has one; only a miss can give noWord).
		last, desired, health, ok := historyNext[prev.last&15], prev.desired, prev.health, true
		if !sameWord(t.lastStatus, last) {
			last = historyWord(t.lastStatus)
			ok = last != noWord
		}
		if !sameWord(t.desiredStatus, desired) {
			desired = historyWord(t.desiredStatus)
			ok = ok && desired != noWord
		}
		if !sameWord(string(t.health), health) {
			health = historyWord(string(t.health))
			ok = ok && health != noWord
		}
		h := historyEntry{last: last, desired: desired, health: health, reason: reasonNone}
		if reason != "" {
			h.reason = reasonStopped
			ok = ok && samestr.Same(reason, t.stoppedReason)
		}
		base := t.createdAt.Unix()
		sec := at.Unix() - base
		h.sec, h.nsec = int32(sec), uint32(at.Nanosecond())
		// The entry holds at when its time comes back exactly, == and
		// all: at is less than 68 years from the creation, has no
		// monotonic reading and the creation's location.
		if ok && time.Unix(base+int64(h.sec), int64(h.nsec)).In(t.createdAt.Location()) == at { // t.historyAt(h), inlined
			t.history = append(t.history, h)
			return
		}
		full := append(make([]TaskStateChange, 0, len(t.history)+4), t.historyView()...)
		t.needRare().historyFull = full
	}
	t.rare.historyFull = append(t.rare.historyFull, TaskStateChange{At: at, LastStatus: t.lastStatus,
		DesiredStatus: t.desiredStatus, HealthStatus: string(t.health), Reason: reason})
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
