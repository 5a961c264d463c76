package fake

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/ecsdeploy/ecsdeploy/internal/awsjson"
)

// callJSON is one call in GET /_fake/v1/calls.
type callJSON struct {
	Operation string          `json:"operation"`
	At        time.Time       `json:"at"`
	Input     json.RawMessage `json:"input"`
}

// controlCalls is GET /_fake/v1/calls[?operation=Op]: the call log (inputs
// in their wire form) and the per-operation counts.
func (s *Server) controlCalls(r *http.Request, _ []byte) (any, error) {
	only := r.URL.Query().Get("operation")
	calls := s.ecs.Calls()
	out := make([]callJSON, 0, len(calls))
	for _, c := range calls {
		if only != "" && c.Op != only {
			continue
		}
		in, err := awsjson.Marshal(c.Input)
		if err != nil {
			in = []byte("{}")
		}
		out = append(out, callJSON{Operation: c.Op, At: c.At.UTC(), Input: in})
	}
	return struct {
		Calls  []callJSON     `json:"calls"`
		Counts map[string]int `json:"counts"`
	}{out, s.ecs.CallCounts()}, nil
}

// controlReset is POST /_fake/v1/reset: it drops every resource, fault and
// call record, then runs the reset hook (WithResetHook).
func (s *Server) controlReset(r *http.Request, _ []byte) (any, error) {
	s.ecs.Reset()
	if s.onReset != nil {
		if err := s.onReset(r.Context(), s.ecs); err != nil {
			return nil, err
		}
	}
	return newTimeResponse(s.ecs.Now()), nil
}
