package fake

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// FaultAction says what an injected task fault does.
type FaultAction string

const (
	// FaultFailStart makes matching tasks fail while pulling images: they
	// stop with stopCode TaskFailedToStart and the fault's reason.
	FaultFailStart FaultAction = "fail-start"
	// FaultExit makes the matching container exit with ExitCode After the
	// task reached RUNNING; an essential container stops the task.
	FaultExit FaultAction = "exit"
	// FaultUnhealthy turns the matching container (and so the task)
	// UNHEALTHY After the task reached RUNNING. Only containers with a
	// health check match.
	FaultUnhealthy FaultAction = "unhealthy"
	// FaultOutput scripts what the matching container prints once RUNNING:
	// Lines, one every Every (all at once when Every is 0), cycling while
	// it runs when Repeat is set, and LastLine when ECS stops it. The
	// lines reach CloudWatch Logs when the container uses awslogs. It
	// combines with an exit fault: a few lines, then exit 1.
	FaultOutput FaultAction = "output"
)

// FaultTarget is what a Fault predicate sees: one container of a task
// being started.
type FaultTarget struct {
	Cluster   string
	Family    string
	Revision  int32
	Group     string
	StartedBy string
	Container string
	Image     string
}

// Fault scripts a task failure, in the spirit of pstest. A task matches when
// one of its containers matches Image (exact, or with * wildcards), Family
// (when set) and Match (when set); an empty fault matches every task.
// Its JSON form (see MarshalJSON) lets the HTTP server accept the same
// vocabulary.
type Fault struct {
	// Image selects containers by image; * is a wildcard.
	Image string
	// Family selects tasks by task definition family.
	Family string
	// Match is an optional predicate form. It runs with the fake's lock
	// held and must not call the fake.
	Match func(FaultTarget) bool
	// Action is fail-start, exit or unhealthy.
	Action FaultAction
	// Reason is the container reason / stoppedReason for fail-start
	// (default "CannotPullContainerError: ... not found") and the
	// container reason for exit.
	Reason string
	// ExitCode is the exit code for exit.
	ExitCode int32
	// After is how long after RUNNING exit and unhealthy strike.
	After time.Duration
	// Times limits how many tasks the fault hits (0: unlimited).
	Times int
	// Probability, when in (0,1), makes each match strike with that chance.
	Probability float64
	// Lines, Every, Repeat and LastLine are an output fault's script.
	Lines    []string
	Every    time.Duration
	Repeat   bool
	LastLine string
}

type faultState struct {
	f    Fault
	used int
}

// opFault makes an operation fail.
type opFault struct {
	code  string
	times int
	used  int
	prob  float64
}

// InjectFault adds a task fault; it applies to tasks started afterwards.
// A fault that can never match (a blank Image, an Image with characters
// no image reference has, a Family that is not a family name) is an
// error; Faults reports how often each fault fired.
func (e *ECS) InjectFault(f Fault) error { return e.injectFault(f, -1, -1) }

// errFaultLimit is injectFault's, failOperation's and injectHealthFault's
// error when limit faults of the kind are in force already; errFaultBytes
// injectFault's when the text of the task faults would pass its bound.
var (
	errFaultLimit = errors.New("fake: too many faults in force")
	errFaultBytes = errors.New("fake: too much fault text in force")
)

// bytes is about what a fault holds: its text (an output fault's lines
// can be a megabyte).
func (f Fault) bytes() int {
	n := 64 + len(f.Image) + len(f.Family) + len(f.Reason) + len(f.LastLine)
	for _, l := range f.Lines {
		n += 16 + len(l)
	}
	return n
}

// injectFault is InjectFault refusing a fault past limit task faults in
// force, or past maxBytes of their text (Fault.bytes) in force (negative:
// no bound).
func (e *ECS) injectFault(f Fault, limit, maxBytes int) error {
	switch f.Action {
	case FaultFailStart, FaultExit, FaultUnhealthy:
	case FaultOutput:
		if err := checkOutputFault(f); err != nil {
			return err
		}
	default:
		return fmt.Errorf("fault action %q: must be fail-start, exit, unhealthy or output", f.Action)
	}
	if f.Probability < 0 || f.Probability > 1 || f.Times < 0 || f.After < 0 {
		return fmt.Errorf("fault: probability must be in [0,1], times and after must not be negative")
	}
	if err := f.checkSelectors(); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if limit >= 0 && len(e.faults) >= limit {
		return errFaultLimit
	}
	if maxBytes >= 0 {
		n := f.bytes()
		for _, fs := range e.faults {
			n += fs.f.bytes()
		}
		if n > maxBytes {
			return errFaultBytes
		}
	}
	if f.Match != nil {
		e.journal.fail(errors.New("a fault with a Match predicate (a Go func) was injected"))
	}
	e.journalControlLocked("InjectFault", f, e.simNow)
	e.faults = append(e.faults, &faultState{f: f})
	return nil
}

// ClearFaults removes every task and operation fault.
func (e *ECS) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.journalControlLocked("ClearFaults", nil, e.simNow)
	e.faults = nil
	e.opFaults = map[string][]*opFault{}
}

// FailOperation makes operation op (for example "RunTask", or "*" for
// every operation) return the error errCode ("ThrottlingException",
// "ServerException", "ClientException", ...) times times (0: until
// cleared), each time with the given probability (0 means always).
func (e *ECS) FailOperation(op, errCode string, times int, probability float64) {
	_ = e.failOperation(op, errCode, times, probability, -1)
}

// failOperation is FailOperation refusing a fault past limit operation
// faults in force (a negative limit: none).
func (e *ECS) failOperation(op, errCode string, times int, probability float64, limit int) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if limit >= 0 {
		n := 0
		for _, fs := range e.opFaults {
			n += len(fs)
		}
		if n >= limit {
			return errFaultLimit
		}
	}
	e.journalControlLocked("FailOperation", journalFailOperation{Op: op, Code: errCode, Times: times, Probability: probability}, e.simNow)
	e.opFaults[op] = append(e.opFaults[op], &opFault{code: errCode, times: times, prob: probability})
	return nil
}

// opFaultLocked returns the injected error for op, if one strikes, as
// faultErr types it.
func (e *ECS) opFaultLocked(op string, faultErr faultErrorFunc) error {
	if code, ok := e.opFaultCodeLocked(op); ok {
		return faultErr(code)
	}
	return nil
}

// opFaultCodeLocked returns the error code of the injected fault for op,
// if one strikes (each service types it as its own exception).
func (e *ECS) opFaultCodeLocked(op string) (string, bool) {
	for _, key := range []string{op, "*"} {
		for _, f := range e.opFaults[key] {
			if f.times > 0 && f.used >= f.times {
				continue
			}
			if f.prob > 0 && f.prob < 1 && e.rng.Float64() >= f.prob {
				continue
			}
			f.used++
			return f.code, true
		}
	}
	return "", false
}

// fate is what injected faults decided for one task (the small fields
// together: every task carries one).
type fate struct {
	failStart      string // non-empty: fail while pulling with this reason
	failContainer  int
	exitContainer  int
	exitCode       int32
	exit           bool
	unhealthy      bool
	exitReason     string
	exitAfter      time.Duration
	unhealthyCont  int
	unhealthyAfter time.Duration
	output         *Fault // an output script, nil when none
	outputCont     int
}

// fateLocked applies the injected faults to a task about to start.
func (e *ECS) fateLocked(t *task) fate {
	var ft fate
	var seenBuf [4]FaultAction // the actions applied (no map per task created)
	seen := seenBuf[:0]
	for _, fs := range e.faults {
		f := fs.f
		if slices.Contains(seen, f.Action) || (f.Times > 0 && fs.used >= f.Times) {
			continue
		}
		idx := -1
		for i, c := range t.containers {
			if f.Action == FaultUnhealthy && !c.hasHealthCheck {
				continue // only containers with a health check can fail one
			}
			target := FaultTarget{Cluster: t.c.name, Family: *t.td.def.Family, Revision: t.td.def.Revision,
				Group: t.group, StartedBy: t.startedBy, Container: c.name, Image: c.image}
			if f.Image != "" && !glob(f.Image, c.image) {
				continue
			}
			if f.Family != "" && f.Family != target.Family {
				continue
			}
			if f.Match != nil && !f.Match(target) {
				continue
			}
			idx = i
			break
		}
		if idx < 0 {
			continue
		}
		if f.Probability > 0 && f.Probability < 1 && e.rng.Float64() >= f.Probability {
			continue
		}
		fs.used++
		seen = append(seen, f.Action)
		switch f.Action {
		case FaultFailStart:
			img := t.containers[idx].image
			ft.failStart = orDefault(f.Reason, fmt.Sprintf("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref %s: not found", img))
			ft.failContainer = idx
		case FaultExit:
			ft.exit, ft.exitContainer, ft.exitCode, ft.exitReason, ft.exitAfter = true, idx, f.ExitCode, f.Reason, f.After
		case FaultUnhealthy:
			ft.unhealthy, ft.unhealthyCont, ft.unhealthyAfter = true, idx, f.After
		case FaultOutput:
			ft.output, ft.outputCont = &fs.f, idx
		}
	}
	return ft
}
