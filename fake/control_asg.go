package fake

import (
	"context"
	"net/http"
	"time"
)

// asgRequest is the body of POST /_fake/v1/autoscaling-groups.
type asgRequest struct {
	Name            string       `json:"name"`
	Cluster         string       `json:"cluster,omitempty"`
	Instance        InstanceSpec `json:"instance,omitempty"`
	DesiredCapacity int          `json:"desiredCapacity,omitempty"`
	MinSize         int          `json:"minSize,omitempty"`
	MaxSize         int          `json:"maxSize,omitempty"`
	// JoinAfter is a Go duration ("90s").
	JoinAfter string `json:"joinAfter,omitempty"`
}

// asgResponse answers it with the group's ARN, for CreateCapacityProvider.
type asgResponse struct {
	AutoScalingGroupArn string `json:"autoScalingGroupArn"`
}

// controlAutoScalingGroups is POST /_fake/v1/autoscaling-groups: it
// declares an Auto Scaling group (DeclareAutoScalingGroup).
func (s *Server) controlAutoScalingGroups(_ *http.Request, body []byte) (any, error) {
	var req asgRequest
	if err := decodeControl(body, &req, true); err != nil {
		return nil, err
	}
	spec := AutoScalingGroupSpec{Name: req.Name, Cluster: req.Cluster, Instance: req.Instance,
		DesiredCapacity: req.DesiredCapacity, MinSize: req.MinSize, MaxSize: req.MaxSize}
	if req.JoinAfter != "" {
		d, err := time.ParseDuration(req.JoinAfter)
		if err != nil {
			return nil, badRequest("joinAfter: must be a duration such as 90s, got %q", req.JoinAfter)
		}
		spec.JoinAfter = d
	}
	arn, err := s.ecs.DeclareAutoScalingGroup(spec)
	if err != nil {
		return nil, badRequest("%v", err)
	}
	return asgResponse{AutoScalingGroupArn: arn}, nil
}

// DeclareAutoScalingGroup declares an Auto Scaling group on the server
// (see ECS.DeclareAutoScalingGroup) and returns its ARN.
func (c *ControlClient) DeclareAutoScalingGroup(ctx context.Context, spec AutoScalingGroupSpec) (string, error) {
	req := asgRequest{Name: spec.Name, Cluster: spec.Cluster, Instance: spec.Instance,
		DesiredCapacity: spec.DesiredCapacity, MinSize: spec.MinSize, MaxSize: spec.MaxSize}
	if spec.JoinAfter > 0 {
		req.JoinAfter = spec.JoinAfter.String()
	}
	var out asgResponse
	err := c.do(ctx, http.MethodPost, "autoscaling-groups", req, &out)
	return out.AutoScalingGroupArn, err
}
