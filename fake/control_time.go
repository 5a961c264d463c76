package fake

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"time"
)

// maxAdvance bounds one POST /_fake/v1/advance, so that a typo cannot make
// the server simulate years of virtual time in one request.
const maxAdvance = 31 * 24 * time.Hour

// controlDuration is a duration in a control body: a Go duration string
// ("90s", "1m30s") or a number of seconds. Decoding never fails: what is
// not a duration is described in bad, so that the handler can name the
// member (encoding/json does not say which member an UnmarshalJSON error
// belongs to).
type controlDuration struct {
	d   time.Duration
	set bool
	bad string
}

// UnmarshalJSON reads "90s" or 90; null leaves the duration unset.
func (c *controlDuration) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	c.set = true
	var s string
	if json.Unmarshal(b, &s) == nil {
		d, err := time.ParseDuration(s)
		if err != nil {
			c.bad = fmt.Sprintf(`%s is not a duration like "90s" or "1m30s"`, echo(s))
			return nil
		}
		c.d = d
		return nil
	}
	var secs float64
	if err := json.Unmarshal(b, &secs); err != nil {
		c.bad = `must be a duration string ("90s") or a number of seconds`
		return nil
	}
	switch {
	case secs < 0:
		c.bad = fmt.Sprintf("must not be negative, got %v seconds", secs)
	case secs > maxAdvance.Seconds(): // (secs may not even fit a Duration)
		c.bad = fmt.Sprintf("at most %s per call, got %v seconds", maxAdvance, secs)
	default:
		c.d = time.Duration(math.Round(secs * float64(time.Second)))
	}
	return nil
}

// timeResponse is the answer of the time controls.
type timeResponse struct {
	// Now is the fake's virtual time (RFC 3339).
	Now time.Time `json:"now"`
	// EpochSeconds is Now as epoch seconds, as the ECS API writes timestamps.
	EpochSeconds float64 `json:"epochSeconds"`
}

func newTimeResponse(now time.Time) timeResponse {
	return timeResponse{Now: now.UTC(), EpochSeconds: float64(now.UnixMilli()) / 1000}
}

// controlAdvance is POST /_fake/v1/advance {"duration": "90s"}.
func (s *Server) controlAdvance(_ *http.Request, body []byte) (any, error) {
	var req struct {
		Duration controlDuration `json:"duration"`
	}
	if err := decodeControl(body, &req, true); err != nil {
		return nil, err
	}
	switch d := req.Duration; {
	case !d.set:
		return nil, badRequest("duration: required, e.g. {\"duration\": \"90s\"}")
	case d.bad != "":
		return nil, badRequest("duration: %s", d.bad)
	case d.d < 0:
		return nil, badRequest("duration: must not be negative, got %s", d.d)
	case d.d > maxAdvance:
		return nil, badRequest("duration: at most %s per call, got %s", maxAdvance, d.d)
	}
	s.ecs.Advance(req.Duration.d)
	return newTimeResponse(s.ecs.Now()), nil
}

// controlTime is GET /_fake/v1/time.
func (s *Server) controlTime(*http.Request, []byte) (any, error) {
	return newTimeResponse(s.ecs.Now()), nil
}
