package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/ecsdeploy/ecsdeploy/internal/awsjson"
)

// The journal is what Snapshot saves: every call that reached the world, in
// the order it was served, with its virtual time and region (API calls
// that change the world, and reads while an operation fault could strike
// them: it draws from the world's random source and counts its strikes),
// and every control that changed it (instances added or lost, faults,
// reset). The call log and counts are saved as they are. The fake is
// deterministic (same seed and calls at the same virtual times give the
// same results, see WithSeed), so replaying the journal on a fresh fake
// rebuilds the world exactly, its queued lifecycle events, random sources
// and sequence numbers included, which no copy of its data structures
// could (events are closures). It is kept only WithSnapshots: it grows
// with the calls made (~100 bytes per read, the request's size per write).

// journalEntry is one journaled call.
type journalEntry struct {
	// At is the virtual time the call was served at.
	At time.Time `json:"at"`
	// Service names the replayer: "ecs" (the ECS API), "control" (the
	// fake's controls), or another service of the world (its own section).
	Service string `json:"service"`
	// Op is the operation (an SDK method name, or a control).
	Op string `json:"op"`
	// Region is the request's region when it differs from the fake's.
	Region string `json:"region,omitempty"`
	// Input is the request: the operation's input in AWS JSON wire form,
	// or the control's arguments.
	Input json.RawMessage `json:"input,omitempty"`
}

// journal is the world's journal (nil entries slice and !on: not kept).
type journal struct {
	on      bool
	entries []journalEntry
	bytes   int
	err     error // set when a call cannot be journaled (a Match predicate)
}

// WithSnapshots keeps the journal Snapshot saves (see Snapshot). Without
// it Snapshot returns an error.
func WithSnapshots() Option { return func(c *config) { c.snapshots = true } }

// journalCallLocked journals an API call of service ("ecs" for ECS
// operations, "logs" for CloudWatch Logs) with its SDK input; faultKey is
// the name operation faults use for it (reads are journaled only while
// one could strike).
func (e *ECS) journalCallLocked(ctx context.Context, service, op, faultKey string, in any, now time.Time) {
	if !e.journal.on || (readOnly(op) && len(e.opFaults[faultKey]) == 0 && len(e.opFaults["*"]) == 0) {
		return
	}
	b, err := awsjson.Marshal(in)
	if err != nil {
		e.journal.fail(fmt.Errorf("journal: %s %s: %v", service, op, err))
		return
	}
	region := e.regionFor(ctx)
	if region == e.cfg.region {
		region = ""
	}
	e.journal.add(journalEntry{At: now, Service: service, Op: op, Region: region, Input: b})
}

// journalControlLocked journals a control that changed the world; args is
// marshalled with encoding/json.
func (e *ECS) journalControlLocked(op string, args any, now time.Time) {
	if !e.journal.on {
		return
	}
	var b []byte
	if args != nil {
		var err error
		if b, err = json.Marshal(args); err != nil {
			e.journal.fail(fmt.Errorf("journal: control %s: %v", op, err))
			return
		}
	}
	e.journal.add(journalEntry{At: now, Service: "control", Op: op, Input: b})
}

// readOnly reports whether an API operation only reads the world.
func readOnly(op string) bool {
	for _, p := range []string{"Describe", "List", "Get", "Filter"} {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

func (j *journal) add(en journalEntry) {
	j.entries = append(j.entries, en)
	j.bytes += len(en.Input) + 64
}

func (j *journal) fail(err error) {
	if j.err == nil {
		j.err = err
	}
}

// Control arguments in the journal.
type (
	journalAddInstance struct {
		Cluster string       `json:"cluster"`
		Spec    InstanceSpec `json:"spec"`
	}
	journalLoseInstance struct {
		Ref string `json:"containerInstance"`
	}
	journalFailOperation struct {
		Op          string  `json:"operation"`
		Code        string  `json:"error"`
		Times       int     `json:"times,omitempty"`
		Probability float64 `json:"probability,omitempty"`
	}
)
