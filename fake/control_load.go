package fake

import (
	"context"
	"net/http"
	"time"
)

// loadPointJSON is one point of a Schedule on the wire: from At (RFC 3339;
// omitted for the first point) the level is Value, reached linearly from
// the previous point when Ramp is set.
type loadPointJSON struct {
	At    *time.Time `json:"at,omitempty"`
	Value float64    `json:"value"`
	Ramp  bool       `json:"ramp,omitempty"`
}

// loadJSON is the body of POST /_fake/v1/load.
type loadJSON struct {
	Cluster  string          `json:"cluster"`
	Service  string          `json:"service"`
	CPU      []loadPointJSON `json:"cpu,omitempty"`
	Memory   []loadPointJSON `json:"memory,omitempty"`
	Requests []loadPointJSON `json:"requests,omitempty"`
}

func scheduleToJSON(s Schedule) []loadPointJSON {
	out := make([]loadPointJSON, len(s.points))
	for i, p := range s.points {
		out[i] = loadPointJSON{Value: p.value, Ramp: p.ramp}
		if !p.at.IsZero() {
			at := p.at
			out[i].At = &at
		}
	}
	return out
}

func scheduleFromJSON(ps []loadPointJSON) Schedule {
	var s Schedule
	for _, p := range ps {
		lp := loadPoint{value: p.Value, ramp: p.Ramp}
		if p.At != nil {
			lp.at = *p.At
		}
		s.points = append(s.points, lp)
	}
	return s
}

// controlLoad is POST /_fake/v1/load: it sets a service's load (SetLoad)
// from its JSON form:
//
//	{"cluster": "default", "service": "web", "cpu": [{"value": 100}, {"at": "2025-01-01T00:10:00Z", "value": 400, "ramp": true}]}
func (s *Server) controlLoad(_ *http.Request, body []byte) (any, error) {
	var j loadJSON
	if err := decodeControl(body, &j, true); err != nil {
		return nil, err
	}
	if j.Service == "" {
		return nil, badRequest("service: is required")
	}
	l := Load{CPU: scheduleFromJSON(j.CPU), Memory: scheduleFromJSON(j.Memory), Requests: scheduleFromJSON(j.Requests)}
	if err := s.ecs.SetLoad(j.Cluster, j.Service, l); err != nil {
		return nil, badRequest("%v", err)
	}
	return map[string]any{"load": j}, nil
}

// SetLoad sets a service's load on the remote fake (POST /_fake/v1/load).
func (c *ControlClient) SetLoad(ctx context.Context, cluster, service string, l Load) error {
	return c.do(ctx, http.MethodPost, "load", loadJSON{Cluster: cluster, Service: service,
		CPU: scheduleToJSON(l.CPU), Memory: scheduleToJSON(l.Memory), Requests: scheduleToJSON(l.Requests)}, nil)
}
