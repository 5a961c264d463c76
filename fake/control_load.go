package fake

import (
	"context"
	"fmt"
	"net/http"
)

// loadPointJSON is one point of a Schedule on the wire: from At (RFC 3339;
// omitted for the first point) the level is Value, reached linearly from
// the previous point when Ramp is set.
type loadPointJSON struct {
	At    *controlTime `json:"at,omitempty"`
	Value float64      `json:"value"`
	Ramp  bool         `json:"ramp,omitempty"`
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
			out[i].At = &controlTime{t: p.at}
		}
	}
	return out
}

func scheduleFromJSON(ps []loadPointJSON) Schedule {
	var s Schedule
	for _, p := range ps {
		lp := loadPoint{value: p.Value, ramp: p.Ramp}
		if p.At != nil {
			lp.at = p.At.t
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
	for _, sc := range []struct {
		name   string
		points []loadPointJSON
	}{{"cpu", j.CPU}, {"memory", j.Memory}, {"requests", j.Requests}} {
		if err := checkSchedule(sc.name, sc.points); err != nil {
			return nil, err
		}
	}
	l := Load{CPU: scheduleFromJSON(j.CPU), Memory: scheduleFromJSON(j.Memory), Requests: scheduleFromJSON(j.Requests)}
	if err := s.ecs.SetLoad(j.Cluster, j.Service, l); err != nil {
		return nil, refError(err, j.Cluster, j.Service, "")
	}
	return map[string]any{"load": j}, nil
}

// checkSchedule checks one schedule of a load body, naming the point:
// at most maxLoadPoints points, levels in [0, maxLoadLevel], and every
// point after the first at an RFC 3339 time not before the previous one.
func checkSchedule(name string, ps []loadPointJSON) error {
	if len(ps) > maxLoadPoints {
		return badRequest("%s: at most %d points, got %d", name, maxLoadPoints, len(ps))
	}
	for i, p := range ps {
		field := fmt.Sprintf("%s[%d]", name, i)
		if err := p.At.check(field + ".at"); err != nil {
			return err
		}
		if err := checkLevel(field+".value", p.Value); err != nil {
			return err
		}
		if i == 0 {
			continue
		}
		if p.At == nil {
			return badRequest("%s.at: required after the first point", field)
		}
		if prev := ps[i-1].At; i > 1 && p.At.t.Before(prev.t) {
			return badRequest("%s.at: before %s[%d].at", field, name, i-1)
		}
	}
	return nil
}

// SetLoad sets a service's load on the remote fake (POST /_fake/v1/load).
func (c *ControlClient) SetLoad(ctx context.Context, cluster, service string, l Load) error {
	return c.do(ctx, http.MethodPost, "load", loadJSON{Cluster: cluster, Service: service,
		CPU: scheduleToJSON(l.CPU), Memory: scheduleToJSON(l.Memory), Requests: scheduleToJSON(l.Requests)}, nil)
}
