package fake

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// DescribeServices describes 1-10 services of a cluster by name or ARN;
// unknown ones are failures with reason MISSING. Tags only with include TAGS.
func (e *ECS) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.DescribeServicesInput{}
	}
	now, err := e.beginLocked(ctx, "DescribeServices", in)
	if err != nil {
		return nil, err
	}
	c, err := e.clusterLocked(in.Cluster)
	if err != nil {
		return nil, err
	}
	if len(in.Services) == 0 {
		return nil, errInvalidParam("services: must contain between 1 and 10 items.")
	}
	if len(in.Services) > 10 {
		return nil, errInvalidParam("services: at most 10 services can be described per call, got %d.", len(in.Services))
	}
	withTags := false
	for _, f := range in.Include {
		withTags = withTags || f == types.ServiceFieldTags
	}
	out := &ecs.DescribeServicesOutput{Services: make([]types.Service, 0, len(in.Services)), Failures: []types.Failure{}}
	for _, ref := range in.Services {
		s := e.serviceLocked(c, ref)
		if s == nil || hidden(s.visibleAt, now) {
			out.Failures = append(out.Failures, e.missingFailure(c, "service", ref))
			continue
		}
		if v := s.staleView(now); v != nil {
			stale := *v // callers may modify what they get: copy the lists
			stale.Deployments = slices.Clone(v.Deployments)
			stale.Events = slices.Clone(v.Events)
			out.Services = append(out.Services, stale)
			continue
		}
		out.Services = append(out.Services, e.serviceViewLocked(s, withTags))
	}
	return out, nil
}

// ListServices lists the ARNs of a cluster's ACTIVE services in creation
// order, optionally by launch type and scheduling strategy, paginated
// (default 10, at most 100 per page).
func (e *ECS) ListServices(ctx context.Context, in *ecs.ListServicesInput, _ ...func(*ecs.Options)) (*ecs.ListServicesOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.ListServicesInput{}
	}
	now, err := e.beginLocked(ctx, "ListServices", in)
	if err != nil {
		return nil, err
	}
	c, err := e.clusterLocked(in.Cluster)
	if err != nil {
		return nil, err
	}
	if in.SchedulingStrategy != "" && in.SchedulingStrategy != types.SchedulingStrategyReplica && in.SchedulingStrategy != types.SchedulingStrategyDaemon {
		return nil, errInvalidParam("schedulingStrategy: must be REPLICA or DAEMON.")
	}
	var arns []string
	for _, s := range e.svcOrder {
		if s.c != c || s.status != serviceActive || hidden(s.visibleAt, now) ||
			(in.LaunchType != "" && s.launchType != in.LaunchType) ||
			(in.SchedulingStrategy != "" && in.SchedulingStrategy != types.SchedulingStrategyReplica) {
			continue
		}
		arns = append(arns, s.arn)
	}
	max := in.MaxResults
	if max == nil {
		max = aws.Int32(10)
	}
	pg, next, err := page(arns, in.NextToken, max, 100)
	if err != nil {
		return nil, err
	}
	return &ecs.ListServicesOutput{ServiceArns: append([]string{}, pg...), NextToken: next}, nil
}
