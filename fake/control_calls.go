package fake

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// callJSON is one call in GET /_fake/v1/calls.
type callJSON struct {
	Seq       uint64          `json:"seq"`
	Operation string          `json:"operation"`
	At        time.Time       `json:"at"`
	Input     json.RawMessage `json:"input"`
	Error     string          `json:"error,omitempty"`
}

// Paging of GET /_fake/v1/calls: at most maxCallsPage calls per answer
// (defaultCallsPage unless ?limit= says otherwise). With the summaries'
// bounds an answer stays well under 1 MiB.
const (
	defaultCallsPage = 100
	maxCallsPage     = 1000
)

// controlCalls is GET /_fake/v1/calls[?operation=Op][&after=Seq][&limit=N]:
// one page of the call log (bounded request summaries in wire form), the
// per-operation counts, and "nextAfter" when more calls follow.
func (s *Server) controlCalls(r *http.Request, _ []byte) (any, error) {
	q := r.URL.Query()
	if err := unknownQuery(q, "operation", "after", "limit"); err != nil {
		return nil, err
	}
	only := q.Get("operation")
	var after uint64
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return nil, badRequest("after: must be the seq of a call (a non-negative integer), got %q", clipString(v, 64))
		}
		after = n
	}
	limit := defaultCallsPage
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxCallsPage {
			return nil, badRequest("limit: must be an integer in [1,%d], got %q", maxCallsPage, clipString(v, 64))
		}
		limit = n
	}
	page, more := s.ecs.callsPage(after, only, limit)
	out := make([]callJSON, len(page))
	for i, c := range page {
		out[i] = callJSON{Seq: c.Seq, Operation: c.Op, At: c.At.UTC(), Input: c.Request, Error: c.Error}
	}
	var next *uint64
	if more {
		next = &page[len(page)-1].Seq
	}
	return struct {
		Calls     []callJSON     `json:"calls"`
		NextAfter *uint64        `json:"nextAfter,omitempty"`
		Counts    map[string]int `json:"counts"`
	}{out, next, s.ecs.CallCounts()}, nil
}

// controlReset is POST /_fake/v1/reset (no body): it drops every
// resource, fault and call record, then runs the reset hook
// (WithResetHook).
func (s *Server) controlReset(r *http.Request, body []byte) (any, error) {
	if err := noBody(body); err != nil {
		return nil, err
	}
	s.ecs.Reset()
	if s.onReset != nil {
		if err := s.onReset(r.Context(), s.ecs); err != nil {
			return nil, err
		}
	}
	return newTimeResponse(s.ecs.Now()), nil
}
