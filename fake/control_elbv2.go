package fake

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/targethealth"
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

// fault checks the wire form member by member and returns the fault.
func (j targetHealthFaultJSON) fault() (TargetHealthFault, error) {
	f := TargetHealthFault{Image: j.Image, Family: j.Family, Port: j.Port, TargetGroup: j.TargetGroup, Reason: j.Reason, Code: j.Code, Times: j.Times}
	switch {
	case j.Port < 0 || j.Port > 65535:
		return f, badRequest("port: must be in [0,65535], got %d", j.Port)
	case j.Times < 0:
		return f, badRequest("times: must not be negative, got %d", j.Times)
	case j.Code != 0 && (j.Code < 100 || j.Code > 599):
		return f, badRequest("code: must be an HTTP status code (100-599), got %d", j.Code)
	case j.Reason != "" && !targethealth.IsFailureReason(j.Reason):
		return f, badRequest("reason: %s: must be Target.ResponseCodeMismatch, Target.Timeout, Target.FailedHealthChecks or Elb.InternalError", echo(j.Reason))
	case len(j.Image) > maxImageSelector:
		return f, badRequest("image: at most %d bytes (an image reference's length), got %d", maxImageSelector, len(j.Image))
	case j.TargetGroup != "" && !strings.HasPrefix(j.TargetGroup, "arn:") && !elbNameRE.MatchString(j.TargetGroup):
		return f, badRequest("targetGroup: %s is not a target group name (1-32 letters, digits and hyphens) or ARN", echo(j.TargetGroup))
	}
	if err := (Fault{Image: j.Image, Family: j.Family}).checkSelectors(); err != nil {
		return f, badRequest("%s", strings.TrimPrefix(err.Error(), "fault: "))
	}
	for _, d := range []struct {
		name string
		s    string
		dst  *time.Duration
	}{{"after", j.After, &f.After}, {"flap", j.Flap, &f.Flap}} {
		if d.s == "" {
			continue
		}
		v, err := parseControlDuration(d.name, d.s, maxControlDuration)
		if err != nil {
			return f, err
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
		if err := noBody(body); err != nil {
			return nil, err
		}
		s.ecs.ELBv2().ClearHealthFaults()
		return map[string]any{}, nil
	}
	var j targetHealthFaultJSON
	if err := decodeControl(body, &j, true); err != nil {
		return nil, err
	}
	f, err := j.fault()
	if err != nil {
		return nil, err
	}
	switch err := s.ecs.ELBv2().injectHealthFault(f, maxFaultsInForce); {
	case err == errFaultLimit:
		return nil, errFaultsInForce("target health", "target-health-faults")
	case err != nil:
		return nil, refError(err, "", "", j.TargetGroup)
	}
	return map[string]any{"targetHealthFault": j}, nil
}

// InjectHealthFault adds a target health fault to the remote fake
// (POST /_fake/v1/target-health-faults).
func (c *ControlClient) InjectHealthFault(ctx context.Context, f TargetHealthFault) error {
	return c.do(ctx, http.MethodPost, "target-health-faults", targetHealthFaultToJSON(f), nil)
}
