package fake

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// imageSelectorRE is what an Image selector may hold: the characters of
// an image reference (registry/name:tag@digest) and the * wildcard.
// Anything else (spaces, ? or [ as in shell globs) can never match.
var imageSelectorRE = regexp.MustCompile(`^[A-Za-z0-9._\-/:@*]+$`)

// familySelectorRE is a task definition family name: 1-255 letters,
// digits, hyphens and underscores (RegisterTaskDefinition rules).
var familySelectorRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

// checkSelectors rejects selectors that can never match a task: a Family
// that is not a family name, an Image that is blank or holds characters no
// image reference has (only * is a wildcard). Leaving both out (and Match)
// selects every task.
func (f Fault) checkSelectors() error {
	var problems []string
	if f.Image != "" {
		switch {
		case strings.TrimSpace(f.Image) == "":
			problems = append(problems, "image: blank; leave it out to match every image")
		case !imageSelectorRE.MatchString(f.Image):
			problems = append(problems, fmt.Sprintf("image %q: can never match an image reference (letters, digits, . _ - / : @; only * is a wildcard)", f.Image))
		}
	}
	if f.Family != "" && !familySelectorRE.MatchString(f.Family) {
		problems = append(problems, fmt.Sprintf("family %q: can never match a task definition family (1-255 letters, digits, - and _; no wildcards)", f.Family))
	}
	if len(problems) > 0 {
		return fmt.Errorf("fault: %s", strings.Join(problems, "; "))
	}
	return nil
}

// FaultReport is one injected fault and how often it fired.
type FaultReport struct {
	// Fault is the task fault (InjectFault); nil for an operation fault.
	Fault *Fault `json:"taskFault,omitempty"`
	// Operation and Error are the operation fault (FailOperation); empty
	// for a task fault.
	Operation string `json:"operation,omitempty"`
	Error     string `json:"error,omitempty"`
	// Fired is how many times the fault struck: tasks it hit, or calls it
	// failed (each retried attempt counts).
	Fired int `json:"fired"`
	// Exhausted is true when the fault has struck its Times and strikes no
	// more.
	Exhausted bool `json:"exhausted"`
}

// Faults lists the faults in force with how often each fired: task faults
// in the order they were injected, then operation faults by operation
// name. ClearFaults and Reset empty it.
func (e *ECS) Faults() []FaultReport {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []FaultReport
	for _, fs := range e.faults {
		f := fs.f
		out = append(out, FaultReport{Fault: &f, Fired: fs.used, Exhausted: fs.f.Times > 0 && fs.used >= fs.f.Times})
	}
	ops := make([]string, 0, len(e.opFaults))
	for op := range e.opFaults {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	for _, op := range ops {
		for _, f := range e.opFaults[op] {
			out = append(out, FaultReport{Operation: op, Error: f.code, Fired: f.used, Exhausted: f.times > 0 && f.used >= f.times})
		}
	}
	return out
}

// faultsList is the answer of GET /_fake/v1/faults.
type faultsList struct {
	Faults []FaultReport `json:"faults"`
}

// controlListFaults is GET /_fake/v1/faults: every fault in force with how
// often it fired.
func (s *Server) controlListFaults(_ *http.Request, _ []byte) (any, error) {
	return faultsList{Faults: append([]FaultReport{}, s.ecs.Faults()...)}, nil
}
