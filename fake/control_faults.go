package fake

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// taskFaultMembers and operationFaultMembers are the members of the two
// fault forms POST /_fake/v1/faults accepts.
func taskFaultMembers() []string {
	return []string{"action", "after", "every", "exitCode", "family", "image", "lastLine", "lines", "probability", "reason", "repeat", "times"}
}

func operationFaultMembers() []string { return []string{"error", "operation", "probability", "times"} }

// operationFault is the JSON form of FailOperation.
type operationFault struct {
	Operation   string  `json:"operation"`
	Error       string  `json:"error"`
	Times       int     `json:"times"`
	Probability float64 `json:"probability"`
}

// faultsResponse echoes what was injected.
type faultsResponse struct {
	TaskFault      *Fault          `json:"taskFault,omitempty"`
	OperationFault *operationFault `json:"operationFault,omitempty"`
}

// controlFaults is POST /_fake/v1/faults with either a task fault (the
// JSON form of Fault) or an operation fault {"operation", "error",
// "times", "probability"}.
func (s *Server) controlFaults(_ *http.Request, body []byte) (any, error) {
	var members map[string]json.RawMessage
	if err := decodeControl(body, &members, true); err != nil {
		return nil, err
	}
	if members == nil {
		return nil, badRequest("request body: a JSON object is required")
	}
	allowed := taskFaultMembers()
	if _, ok := members["operation"]; ok {
		allowed = operationFaultMembers()
	}
	for _, name := range slices.Sorted(maps.Keys(members)) {
		if !slices.Contains(allowed, name) {
			return nil, badRequest("%s: unknown field; a task fault has %s, an operation fault has %s",
				clipString(name, maxEchoBytes), strings.Join(taskFaultMembers(), ", "), strings.Join(operationFaultMembers(), ", "))
		}
	}
	if _, ok := members["operation"]; ok {
		return s.injectOperationFault(body)
	}
	for _, sel := range []string{"image", "family"} {
		if v, ok := members[sel]; ok && strings.TrimSpace(string(v)) == `""` {
			return nil, badRequest("%s: empty selector can never match; leave %s out to match every task", sel, sel)
		}
	}
	var f Fault
	if err := json.Unmarshal(body, &f); err != nil {
		return nil, badRequest("fault: %s", jsonErrorText(err))
	}
	if err := checkTaskFault(f); err != nil {
		return nil, err
	}
	switch err := s.ecs.injectFault(f, maxFaultsInForce, maxFaultBytesInForce); {
	case err == errFaultLimit:
		return nil, errFaultsInForce("task", "faults")
	case err == errFaultBytes:
		return nil, badRequest("at most %d MiB of task fault text (lines, reasons, selectors) in force; DELETE %sfaults first",
			maxFaultBytesInForce>>20, ControlPrefix)
	case err != nil:
		return nil, badRequest("%v", err)
	}
	return faultsResponse{TaskFault: &f}, nil
}

// checkTaskFault names the member of a task fault that breaks a rule the
// library checks as a whole, and applies the controls' bounds.
func checkTaskFault(f Fault) error {
	switch f.Action {
	case FaultFailStart, FaultExit, FaultUnhealthy, FaultOutput:
	default:
		return badRequest("fault action %s: must be fail-start, exit, unhealthy or output", echo(string(f.Action)))
	}
	switch {
	case f.Times < 0:
		return badRequest("fault.times: must not be negative, got %d", f.Times)
	case f.Probability < 0 || f.Probability > 1:
		return badRequest("fault.probability: must be in [0,1], got %v", f.Probability)
	case len(f.Image) > maxImageSelector:
		return badRequest("fault.image: at most %d bytes (an image reference's length), got %d", maxImageSelector, len(f.Image))
	case len(f.Reason) > maxFaultReasonBytes:
		return badRequest("fault.reason: at most %d bytes, got %d", maxFaultReasonBytes, len(f.Reason))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"after", f.After}, {"every", f.Every}} {
		switch {
		case d.v < 0:
			return badRequest("fault.%s: must not be negative, got %s", d.name, d.v)
		case d.v > maxControlDuration:
			return badRequest("fault.%s: at most %s, got %s", d.name, maxControlDuration, d.v)
		}
	}
	return nil
}

func (s *Server) injectOperationFault(body []byte) (any, error) {
	var f operationFault
	if err := decodeControl(body, &f, true); err != nil {
		return nil, err
	}
	switch {
	case f.Operation == "":
		return nil, badRequest("operation: required: an ECS operation name (\"DescribeServices\") or \"*\"")
	case f.Operation != "*" && !validOperationName(f.Operation):
		return nil, badRequest("operation: %s is not an operation name like \"DescribeServices\"", echo(f.Operation))
	case f.Times < 0:
		return nil, badRequest("times: must not be negative, got %d", f.Times)
	case f.Probability < 0 || f.Probability > 1:
		return nil, badRequest("probability: must be in [0,1], got %v", f.Probability)
	}
	if f.Error == "" {
		f.Error = "ThrottlingException"
	}
	if !validOperationName(f.Error) {
		return nil, badRequest("error: %s is not an error code like \"ThrottlingException\"", echo(f.Error))
	}
	if err := s.ecs.failOperation(f.Operation, f.Error, f.Times, f.Probability, maxFaultsInForce); err != nil {
		return nil, errFaultsInForce("operation", "faults")
	}
	return faultsResponse{OperationFault: &f}, nil
}

// validOperationName accepts 1-64 ASCII letters and digits starting with
// an upper-case letter, the shape of ECS operation and error names, and
// the same after "Logs." for CloudWatch Logs operations.
func validOperationName(s string) bool {
	s = strings.TrimPrefix(s, LogsCallPrefix)
	if len(s) == 0 || len(s) > 64 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// controlClearFaults is DELETE /_fake/v1/faults (no body: it removes
// every fault).
func (s *Server) controlClearFaults(_ *http.Request, body []byte) (any, error) {
	if err := noBody(body); err != nil {
		return nil, err
	}
	s.ecs.ClearFaults()
	return struct{}{}, nil
}
