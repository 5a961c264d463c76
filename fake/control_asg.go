package fake

import (
	"context"
	"net/http"
	"net/url"
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
	if err := checkGroupRequest(req); err != nil {
		return nil, err
	}
	if req.JoinAfter != "" {
		d, err := parseControlDuration("joinAfter", req.JoinAfter, maxControlDuration)
		if err != nil {
			return nil, err
		}
		spec.JoinAfter = d
	}
	arn, err := s.ecs.DeclareAutoScalingGroup(spec)
	if err != nil {
		return nil, refError(err, req.Cluster, "", "")
	}
	return asgResponse{AutoScalingGroupArn: arn}, nil
}

// checkGroupRequest checks an Auto Scaling group body member by member
// (DeclareAutoScalingGroup checks the same rules as a whole).
func checkGroupRequest(req asgRequest) error {
	switch {
	case req.Name == "":
		return badRequest("name: required: the group's name (1-255 letters, numbers, hyphens and underscores)")
	case !providerNameRE.MatchString(req.Name):
		return badRequest("name: %s: 1-255 letters, numbers, hyphens and underscores", echo(req.Name))
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"desiredCapacity", req.DesiredCapacity}, {"minSize", req.MinSize}, {"maxSize", req.MaxSize}} {
		if f.v < 0 || f.v > maxGroupSize {
			return badRequest("%s: must be in [0,%d], got %d", f.name, maxGroupSize, f.v)
		}
	}
	switch {
	case req.MinSize > req.DesiredCapacity:
		return badRequest("minSize: must not exceed desiredCapacity (%d), got %d", req.DesiredCapacity, req.MinSize)
	case req.MaxSize != 0 && req.MaxSize < req.DesiredCapacity:
		return badRequest("maxSize: must not be below desiredCapacity (%d), got %d", req.DesiredCapacity, req.MaxSize)
	}
	return checkInstanceSpec("instance.", "availabilityZone", req.Instance)
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

// controlDescribeGroup is GET /_fake/v1/autoscaling-groups?name=NAME: the
// group's state (DescribeGroup), with the instances whose agent the
// cluster refused and why.
func (s *Server) controlDescribeGroup(r *http.Request, _ []byte) (any, error) {
	q := r.URL.Query()
	if err := unknownQuery(q, "name"); err != nil {
		return nil, err
	}
	name := q.Get("name")
	if name == "" {
		return nil, badRequest("name: required: the group's name")
	}
	st, err := s.ecs.DescribeGroup(name)
	if err != nil {
		return nil, notFound("ResourceNotFound", "name "+echo(name)+": no such auto scaling group")
	}
	return st, nil
}

// DescribeGroup describes a group declared on the server (see
// ECS.DescribeGroup).
func (c *ControlClient) DescribeGroup(ctx context.Context, name string) (GroupState, error) {
	var out GroupState
	err := c.do(ctx, http.MethodGet, "autoscaling-groups?name="+url.QueryEscape(name), nil, &out)
	return out, err
}
