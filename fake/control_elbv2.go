package fake

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// targetHealthFaultJSON is TargetHealthFault's wire form for
// POST /_fake/v1/target-health-faults: durations are Go duration strings
// ("30s").
type targetHealthFaultJSON struct {
	Image       string `json:"image,omitempty"`
	Family      string `json:"family,omitempty"`
	Port        int32  `json:"port,omitempty"`
	TargetGroup string `json:"targetGroup,omitempty"`
	Reason      string `json:"reason,omitempty"`
	Code        int    `json:"code,omitempty"`
	After       string `json:"after,omitempty"`
	Flap        string `json:"flap,omitempty"`
	Times       int    `json:"times,omitempty"`
}

func (j targetHealthFaultJSON) fault() (TargetHealthFault, error) {
	f := TargetHealthFault{Image: j.Image, Family: j.Family, Port: j.Port, TargetGroup: j.TargetGroup, Reason: j.Reason, Code: j.Code, Times: j.Times}
	for _, d := range []struct {
		name string
		s    string
		dst  *time.Duration
	}{{"after", j.After, &f.After}, {"flap", j.Flap, &f.Flap}} {
		if d.s == "" {
			continue
		}
		v, err := time.ParseDuration(d.s)
		if err != nil {
			return f, fmt.Errorf("%s: %q is not a duration such as \"30s\"", d.name, d.s)
		}
		*d.dst = v
	}
	return f, nil
}

func targetHealthFaultToJSON(f TargetHealthFault) targetHealthFaultJSON {
	j := targetHealthFaultJSON{Image: f.Image, Family: f.Family, Port: f.Port, TargetGroup: f.TargetGroup, Reason: f.Reason, Code: f.Code, Times: f.Times}
	if f.After != 0 {
		j.After = f.After.String()
	}
	if f.Flap != 0 {
		j.Flap = f.Flap.String()
	}
	return j
}

// controlTargetHealthFaults is POST /_fake/v1/target-health-faults with
// the JSON form of TargetHealthFault:
//
//	{"image": "web:bad", "reason": "Target.ResponseCodeMismatch", "code": 503, "after": "2m", "flap": "5m", "times": 1}
//
// DELETE removes every target health fault.
func (s *Server) controlTargetHealthFaults(r *http.Request, body []byte) (any, error) {
	if r.Method == http.MethodDelete {
		s.ecs.ELBv2().ClearHealthFaults()
		return map[string]any{}, nil
	}
	var j targetHealthFaultJSON
	if err := decodeControl(body, &j, true); err != nil {
		return nil, err
	}
	f, err := j.fault()
	if err != nil {
		return nil, badRequest("%v", err)
	}
	if err := s.ecs.ELBv2().InjectHealthFault(f); err != nil {
		return nil, badRequest("%v", err)
	}
	return map[string]any{"targetHealthFault": j}, nil
}

// InjectHealthFault adds a target health fault to the remote fake
// (POST /_fake/v1/target-health-faults).
func (c *ControlClient) InjectHealthFault(ctx context.Context, f TargetHealthFault) error {
	return c.do(ctx, http.MethodPost, "target-health-faults", targetHealthFaultToJSON(f), nil)
}
