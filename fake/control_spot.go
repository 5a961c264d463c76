package fake

import (
	"context"
	"net/http"
)

// spotRequest is the body of POST /_fake/v1/spot: an interruption
// (SpotInterruption's fields) or, with "capacityAvailable", Fargate Spot
// capacity turned off or on.
type spotRequest struct {
	Cluster           string       `json:"cluster,omitempty"`
	Service           string       `json:"service,omitempty"`
	Family            string       `json:"family,omitempty"`
	Fraction          float64      `json:"fraction,omitempty"`
	At                *controlTime `json:"at,omitempty"`
	CapacityAvailable *bool        `json:"capacityAvailable,omitempty"`
}

// controlSpot is POST /_fake/v1/spot: {"capacityAvailable": false|true}
// switches Fargate Spot capacity (SetFargateSpotCapacity); otherwise the
// body is an interruption {"cluster", "service", "family", "fraction",
// "at"} (InterruptSpot). It echoes the request.
func (s *Server) controlSpot(_ *http.Request, body []byte) (any, error) {
	var req spotRequest
	if err := decodeControl(body, &req, true); err != nil {
		return nil, err
	}
	if req.CapacityAvailable != nil {
		if req.Cluster != "" || req.Service != "" || req.Family != "" || req.Fraction != 0 || req.At != nil {
			return nil, badRequest("capacityAvailable: give it alone, or an interruption without it")
		}
		s.ecs.SetFargateSpotCapacity(*req.CapacityAvailable)
		return req, nil
	}
	switch {
	case req.Fraction < 0 || req.Fraction > 1:
		return nil, badRequest("fraction: must be in [0,1] (0: every matching task), got %v", req.Fraction)
	case req.Family != "" && !familySelectorRE.MatchString(req.Family):
		return nil, badRequest("family: %s is not a task definition family (1-255 letters, digits, - and _)", echo(req.Family))
	}
	if err := req.At.check("at"); err != nil {
		return nil, err
	}
	si := SpotInterruption{Cluster: req.Cluster, Service: req.Service, Family: req.Family, Fraction: req.Fraction}
	if req.At != nil {
		si.At = req.At.t
	}
	if err := s.ecs.InterruptSpot(si); err != nil {
		return nil, refError(err, req.Cluster, req.Service, "")
	}
	return req, nil
}

// InterruptSpot schedules a Fargate Spot interruption on the server (see
// ECS.InterruptSpot).
func (c *ControlClient) InterruptSpot(ctx context.Context, si SpotInterruption) error {
	req := spotRequest{Cluster: si.Cluster, Service: si.Service, Family: si.Family, Fraction: si.Fraction}
	if !si.At.IsZero() {
		req.At = &controlTime{t: si.At}
	}
	return c.do(ctx, http.MethodPost, "spot", req, nil)
}

// SetFargateSpotCapacity turns Fargate Spot capacity on or off on the
// server (see ECS.SetFargateSpotCapacity).
func (c *ControlClient) SetFargateSpotCapacity(ctx context.Context, available bool) error {
	return c.do(ctx, http.MethodPost, "spot", spotRequest{CapacityAvailable: &available}, nil)
}
