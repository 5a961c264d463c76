package fake

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// The operations have the SDK client's shape.
var (
	_ func(context.Context, *ecs.ListServiceDeploymentsInput, ...func(*ecs.Options)) (*ecs.ListServiceDeploymentsOutput, error)         = (*ECS)(nil).ListServiceDeployments
	_ func(context.Context, *ecs.DescribeServiceDeploymentsInput, ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error) = (*ECS)(nil).DescribeServiceDeployments
	_ func(context.Context, *ecs.DescribeServiceRevisionsInput, ...func(*ecs.Options)) (*ecs.DescribeServiceRevisionsOutput, error)     = (*ECS)(nil).DescribeServiceRevisions
	_ func(context.Context, *ecs.StopServiceDeploymentInput, ...func(*ecs.Options)) (*ecs.StopServiceDeploymentOutput, error)           = (*ECS)(nil).StopServiceDeployment
)

// Limits of the API Reference: ListServiceDeployments answers up to 20
// service deployments by default and at most 100 per page; the Describe
// operations take at most 20 ARNs.
const (
	listServiceDeploymentsDefault = 20
	listServiceDeploymentsMax     = 100
	describeHistoryMax            = 20
)

// errServiceDeploymentNotFound is StopServiceDeployment's error for an
// unknown service deployment ARN.
func errServiceDeploymentNotFound() error {
	return &types.ServiceDeploymentNotFoundException{Message: aws.String("Service deployment not found.")}
}

// ListServiceDeployments lists a service's service deployments, newest
// first, optionally only those of the given statuses and created within
// createdAt (after and before are exclusive), a page of maxResults (1-100,
// default 20) at a time. An unknown cluster is ClusterNotFoundException, an
// unknown service ServiceNotFoundException; a deleted service has none.
func (e *ECS) ListServiceDeployments(ctx context.Context, in *ecs.ListServiceDeploymentsInput, _ ...func(*ecs.Options)) (*ecs.ListServiceDeploymentsOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.ListServiceDeploymentsInput{}
	}
	now, err := e.beginLocked(ctx, "ListServiceDeployments", in)
	if err != nil {
		return nil, err
	}
	c, err := e.clusterLocked(in.Cluster)
	if err != nil {
		return nil, err
	}
	if aws.ToString(in.Service) == "" {
		return nil, errInvalidParam("service: must be specified.")
	}
	s := e.serviceLocked(c, *in.Service)
	if s == nil || hidden(s.visibleAt, now) {
		return nil, errServiceNotFound()
	}
	valid := types.ServiceDeploymentStatus("").Values()
	for _, st := range in.Status {
		if !slices.Contains(valid, st) {
			return nil, errInvalidParam("status: %s is not a service deployment status (PENDING, SUCCESSFUL, STOPPED, STOP_REQUESTED, IN_PROGRESS, ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED).", string(st))
		}
	}
	n := listServiceDeploymentsDefault
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > listServiceDeploymentsMax {
			return nil, errInvalidParam("maxResults: must be between 1 and %d.", listServiceDeploymentsMax)
		}
		n = int(*in.MaxResults)
	}
	var match []*serviceDeployment
	if s.status == serviceActive {
		deps := s.history.deps
		for i := len(deps) - 1; i >= 0; i-- {
			sd := deps[i]
			if visibleHistory(sd.createdAt, now) && inCreatedAt(sd.createdAt, in.CreatedAt) &&
				(len(in.Status) == 0 || slices.Contains(in.Status, sd.status)) {
				match = append(match, sd)
			}
		}
	}
	start := 0
	if tok := aws.ToString(in.NextToken); tok != "" {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		i := slices.IndexFunc(match, func(sd *serviceDeployment) bool { return sd.id == string(raw) })
		if err != nil || i < 0 {
			return nil, errInvalidParam("Invalid token %s", tok)
		}
		start = i + 1
	}
	out := &ecs.ListServiceDeploymentsOutput{ServiceDeployments: []types.ServiceDeploymentBrief{}}
	for _, sd := range match[start:min(start+n, len(match))] {
		out.ServiceDeployments = append(out.ServiceDeployments, briefOf(s, sd))
	}
	if start+n < len(match) {
		out.NextToken = aws.String(base64.RawURLEncoding.EncodeToString([]byte(match[start+n-1].id)))
	}
	return out, nil
}

// inCreatedAt reports whether createdAt is within the filter (after and
// before exclusive; nil: no bound).
func inCreatedAt(at time.Time, f *types.CreatedAt) bool {
	if f == nil {
		return true
	}
	if f.After != nil && !at.After(*f.After) {
		return false
	}
	if f.Before != nil && !at.Before(*f.Before) {
		return false
	}
	return true
}

// historyRef is a parsed service deployment or service revision ARN; arn
// is the ARN itself.
type historyRef struct {
	arn, cluster, service, id string
}

// parseHistoryARN reads arn:aws:ecs:region:account:<kind>/cluster/service/id.
func parseHistoryARN(arn, kind string) (historyRef, bool) {
	k, rest, ok := arnResource(arn)
	if !ok || k != kind {
		return historyRef{}, false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return historyRef{}, false
	}
	return historyRef{arn: arn, cluster: parts[0], service: parts[1], id: parts[2]}, true
}

// parseHistoryARNField parses arn, given in field, as an ARN of kind
// ("service-deployment" or "service-revision"); anything else is
// InvalidParameterException naming the field and the format.
func parseHistoryARNField(field, kind, arn string) (historyRef, error) {
	ref, ok := parseHistoryARN(arn, kind)
	if !ok {
		return historyRef{}, errInvalidParam("%s: %s is not a %s ARN (arn:aws:ecs:region:account:%s/cluster/service/id).",
			field, arn, strings.ReplaceAll(kind, "-", " "), kind)
	}
	return ref, nil
}

// historyServiceLocked resolves the cluster and the ACTIVE service of a
// parsed ARN: a cluster that does not exist is ClusterNotFoundException (so
// is an ARN of another account or region, whose cluster is not one of
// ours: homeMatches); a service that does not exist (or was deleted, with
// its history) is nil.
func (e *ECS) historyServiceLocked(ref historyRef, now time.Time) (*service, error) {
	c := e.clusters[ref.cluster]
	if c == nil || c.status != "ACTIVE" || !homeMatches(ref.arn, c.arn) {
		return nil, errClusterNotFound()
	}
	s := e.services[serviceKey{c, ref.service}]
	if s == nil || s.status != serviceActive || hidden(s.visibleAt, now) {
		return nil, nil
	}
	return s, nil
}

// serviceDeploymentByARN finds the service deployment of arn (nil when
// unknown, deleted or older than ECS's 90 days).
func (s *service) serviceDeploymentByARN(arn string, now time.Time) *serviceDeployment {
	for i := len(s.history.deps) - 1; i >= 0; i-- {
		if sd := s.history.deps[i]; sd.arn == arn {
			if !visibleHistory(sd.createdAt, now) {
				return nil
			}
			return sd
		}
	}
	return nil
}

// checkHistoryARNs validates the ARN list of a Describe operation.
func checkHistoryARNs(field string, arns []string) error {
	if len(arns) == 0 || len(arns) > describeHistoryMax {
		return errInvalidParam("%s: must contain between 1 and %d items, got %d.", field, describeHistoryMax, len(arns))
	}
	return nil
}

// DescribeServiceDeployments describes 1-20 service deployments by ARN
// (arn:aws:ecs:region:account:service-deployment/cluster/service/id). An
// ARN of a cluster that does not exist is ClusterNotFoundException; one
// of an unknown or deleted service, an unknown id or a service deployment
// older than 90 days is a failure with reason MISSING.
func (e *ECS) DescribeServiceDeployments(ctx context.Context, in *ecs.DescribeServiceDeploymentsInput, _ ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.DescribeServiceDeploymentsInput{}
	}
	now, err := e.beginLocked(ctx, "DescribeServiceDeployments", in)
	if err != nil {
		return nil, err
	}
	if err := checkHistoryARNs("serviceDeploymentArns", in.ServiceDeploymentArns); err != nil {
		return nil, err
	}
	out := &ecs.DescribeServiceDeploymentsOutput{ServiceDeployments: []types.ServiceDeployment{}, Failures: []types.Failure{}}
	type counts struct{ running, pending map[string]int }
	byService := map[*service]counts{}
	for _, arn := range in.ServiceDeploymentArns {
		ref, err := parseHistoryARNField("serviceDeploymentArns", "service-deployment", arn)
		if err != nil {
			return nil, err
		}
		s, err := e.historyServiceLocked(ref, now)
		if err != nil {
			return nil, err
		}
		var sd *serviceDeployment
		if s != nil {
			sd = s.serviceDeploymentByARN(arn, now)
		}
		if sd == nil {
			out.Failures = append(out.Failures, types.Failure{Arn: aws.String(arn), Reason: aws.String("MISSING")})
			continue
		}
		cs, ok := byService[s]
		if !ok {
			cs.running, cs.pending, _, _ = s.taskCounts()
			byService[s] = cs
		}
		out.ServiceDeployments = append(out.ServiceDeployments, e.serviceDeploymentViewLocked(s, sd, cs.running, cs.pending))
	}
	return out, nil
}

// DescribeServiceRevisions describes 1-20 service revisions by ARN
// (arn:aws:ecs:region:account:service-revision/cluster/service/id), with
// the same errors and failures as DescribeServiceDeployments.
func (e *ECS) DescribeServiceRevisions(ctx context.Context, in *ecs.DescribeServiceRevisionsInput, _ ...func(*ecs.Options)) (*ecs.DescribeServiceRevisionsOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.DescribeServiceRevisionsInput{}
	}
	now, err := e.beginLocked(ctx, "DescribeServiceRevisions", in)
	if err != nil {
		return nil, err
	}
	if err := checkHistoryARNs("serviceRevisionArns", in.ServiceRevisionArns); err != nil {
		return nil, err
	}
	out := &ecs.DescribeServiceRevisionsOutput{ServiceRevisions: []types.ServiceRevision{}, Failures: []types.Failure{}}
	for _, arn := range in.ServiceRevisionArns {
		ref, err := parseHistoryARNField("serviceRevisionArns", "service-revision", arn)
		if err != nil {
			return nil, err
		}
		s, err := e.historyServiceLocked(ref, now)
		if err != nil {
			return nil, err
		}
		var rev *serviceRevision
		if s != nil {
			rev = s.history.revs[ref.id]
		}
		if rev == nil || aws.ToString(rev.view.ServiceRevisionArn) != arn {
			out.Failures = append(out.Failures, types.Failure{Arn: aws.String(arn), Reason: aws.String("MISSING")})
			continue
		}
		out.ServiceRevisions = append(out.ServiceRevisions, cloneServiceRevision(rev.view))
	}
	return out, nil
}

// cloneServiceRevision copies v's lists and network configuration so that
// callers may change what they get without changing the revision.
func cloneServiceRevision(v types.ServiceRevision) types.ServiceRevision {
	v.CapacityProviderStrategy = slices.Clone(v.CapacityProviderStrategy)
	v.LoadBalancers = slices.Clone(v.LoadBalancers)
	v.ServiceRegistries = slices.Clone(v.ServiceRegistries)
	v.ContainerImages = slices.Clone(v.ContainerImages)
	if nc := v.NetworkConfiguration; nc != nil {
		c := *nc
		if vpc := nc.AwsvpcConfiguration; vpc != nil {
			cv := *vpc
			cv.Subnets, cv.SecurityGroups = slices.Clone(vpc.Subnets), slices.Clone(vpc.SecurityGroups)
			c.AwsvpcConfiguration = &cv
		}
		v.NetworkConfiguration = &c
	}
	return v
}

// StopServiceDeployment stops a service deployment that has not finished
// with stopType ROLLBACK (the default; ABORT is not available for rolling
// updates): ECS rolls the service back to its last successful service
// revision, even when rollback was not configured (Developer Guide,
// "Stopping Amazon ECS service deployments"). PENDING and IN_PROGRESS
// become ROLLBACK_REQUESTED, then ROLLBACK_IN_PROGRESS and
// ROLLBACK_SUCCESSFUL (or ROLLBACK_FAILED) as the rollback's deployment
// goes; a rollback already requested or in progress continues. A finished
// service deployment, or one with no earlier successful revision, is
// ConflictException; an unknown ARN ServiceDeploymentNotFoundException.
func (e *ECS) StopServiceDeployment(ctx context.Context, in *ecs.StopServiceDeploymentInput, _ ...func(*ecs.Options)) (*ecs.StopServiceDeploymentOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.StopServiceDeploymentInput{}
	}
	now, err := e.beginLocked(ctx, "StopServiceDeployment", in)
	if err != nil {
		return nil, err
	}
	arn := aws.ToString(in.ServiceDeploymentArn)
	if arn == "" {
		return nil, errInvalidParam("serviceDeploymentArn: must be specified.")
	}
	switch in.StopType {
	case "", types.StopServiceDeploymentStopTypeRollback:
	case types.StopServiceDeploymentStopTypeAbort:
		return nil, errInvalidParam("stopType: ABORT is not supported for a service that uses the rolling update (ECS) deployment controller; use ROLLBACK.")
	default:
		return nil, errInvalidParam("stopType: %s is not valid; the valid value is ROLLBACK.", string(in.StopType))
	}
	ref, err := parseHistoryARNField("serviceDeploymentArn", "service-deployment", arn)
	if err != nil {
		return nil, err
	}
	s, err := e.historyServiceLocked(ref, now)
	if err != nil || s == nil {
		return nil, errServiceDeploymentNotFound()
	}
	sd := s.serviceDeploymentByARN(arn, now)
	if sd == nil {
		return nil, errServiceDeploymentNotFound()
	}
	switch sd.status {
	case types.ServiceDeploymentStatusRollbackRequested, types.ServiceDeploymentStatusRollbackInProgress:
		return &ecs.StopServiceDeploymentOutput{ServiceDeploymentArn: aws.String(sd.arn)}, nil
	case types.ServiceDeploymentStatusPending, types.ServiceDeploymentStatusInProgress:
	default:
		return nil, &types.ConflictException{Message: aws.String("The service deployment is " + string(sd.status) + " and cannot be stopped: only a service deployment that has not finished can be stopped.")}
	}
	back := lastCompletedOtherThan(s, sd.target.deploymentID)
	if back == nil {
		return nil, &types.ConflictException{Message: aws.String("The service has no earlier successful service revision to roll back to.")}
	}
	e.stopRollbackLocked(s, sd, back, sdStopRollbackReason, now)
	return &ecs.StopServiceDeploymentOutput{ServiceDeploymentArn: aws.String(sd.arn)}, nil
}

// lastCompletedOtherThan is the newest deployment of s, other than the
// one with id, whose rollout COMPLETED (the planner's rollback target).
func lastCompletedOtherThan(s *service, id string) *deployment {
	for i := len(s.deployments) - 1; i >= 0; i-- {
		if d := s.deployments[i]; d.id != id && d.rolloutState == types.DeploymentRolloutStateCompleted {
			return d
		}
	}
	return nil
}

// stopRollbackLocked rolls sd back to back, for reason, as the circuit breaker's
// rollback does (plan's revive): back becomes the PRIMARY again,
// IN_PROGRESS, from now; sd's target deployment is FAILED and is drained
// like an old one; the service gets the "rolling back" event; sd is
// ROLLBACK_REQUESTED until the scheduler plans the service, at this
// instant.
func (e *ECS) stopRollbackLocked(s *service, sd *serviceDeployment, back *deployment, reason string, now time.Time) {
	if t := s.deploymentByID(sd.target.deploymentID); t != nil {
		if t.status == plan.StatusPrimary {
			t.status = plan.StatusActive
		}
		t.rolloutState = types.DeploymentRolloutStateFailed
		t.reason = reason
		t.updatedAt = now
		sd.failures = int32(t.failedTasks)
	}
	for _, d := range s.deployments {
		if d != back && d.status == plan.StatusPrimary {
			d.status = plan.StatusActive
			d.updatedAt = now
		}
	}
	// The planner's primary is the deployment with the latest of createdAt
	// and revivedAt: keep back's strictly the latest.
	revived := now
	for _, d := range s.deployments {
		for _, at := range []time.Time{d.createdAt, d.revivedAt} {
			if d != back && !revived.After(at) {
				revived = at.Add(time.Nanosecond)
			}
		}
	}
	back.status = plan.StatusPrimary
	back.desired = s.desired
	back.rolloutState = types.DeploymentRolloutStateInProgress
	back.reason = plan.InProgressReason(back.id)
	back.failedTasks = 0
	back.backoff = plan.Backoff{}
	back.bakeUntil = time.Time{} // a rollback does not bake (plan/bake.go)
	back.revivedAt = revived
	back.updatedAt = now
	sd.threshold = int32(circuitBreakerOf(sd.cfg).Threshold(s.desired))
	sd.detectionDone = true
	sd.reason = reason
	sd.status = types.ServiceDeploymentStatusRollbackRequested
	sd.rollbackTo = back.id
	sd.rollback = newRollback(s.arn, back, reason, now)
	sd.updatedAt = now
	if sd.startedAt.IsZero() {
		sd.startedAt = now
	}
	e.addEventLocked(s, plan.RollingBackEvent(s.name, back.id), now)
	e.wakeServiceLocked(s, now)
}
