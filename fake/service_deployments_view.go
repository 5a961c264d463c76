package fake

import (
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// What the service deployments API (service_deployments_api.go) and
// DescribeServices show of a service's history (service_deployments.go).

// serviceDeploymentViewLocked renders sd as DescribeServiceDeployments
// shows it; running and pending are s's task counts by deployment.
func (e *ECS) serviceDeploymentViewLocked(s *service, sd *serviceDeployment, running, pending map[string]int) types.ServiceDeployment {
	cfg := cloneDeploymentConfiguration(sd.cfg)
	out := types.ServiceDeployment{
		ServiceDeploymentArn:    aws.String(sd.arn),
		ServiceArn:              aws.String(s.arn),
		ClusterArn:              aws.String(s.c.arn),
		CreatedAt:               aws.Time(sd.createdAt),
		StartedAt:               optTime(sd.startedAt),
		FinishedAt:              optTime(sd.finishedAt),
		StoppedAt:               optTime(sd.stoppedAt),
		UpdatedAt:               aws.Time(sd.updatedAt),
		SourceServiceRevisions:  make([]types.ServiceRevisionSummary, 0, len(sd.sources)),
		Status:                  sd.status,
		StatusReason:            optString(sd.reason),
		DeploymentConfiguration: &cfg,
		LifecycleStage:          sd.stage,
	}
	for _, r := range sd.sources {
		out.SourceServiceRevisions = append(out.SourceServiceRevisions, e.revisionSummaryLocked(s, r, running, pending))
	}
	target := e.revisionSummaryLocked(s, sd.target, running, pending)
	out.TargetServiceRevision = &target
	if sd.rollback != nil {
		rb := *sd.rollback
		out.Rollback = &rb
	}
	out.DeploymentCircuitBreaker = e.sdBreakerLocked(s, sd)
	out.Alarms = sdAlarms(sd)
	return out
}

// sdBreakerLocked is the circuit breaker part of a service deployment:
// DISABLED, MONITORING while the target deploys, TRIGGERED when the
// breaker failed it, MONITORING_COMPLETE otherwise once it ended.
func (e *ECS) sdBreakerLocked(s *service, sd *serviceDeployment) *types.ServiceDeploymentCircuitBreaker {
	cb := circuitBreakerOf(sd.cfg)
	if !cb.Enable {
		return &types.ServiceDeploymentCircuitBreaker{Status: types.ServiceDeploymentRollbackMonitorsStatusDisabled}
	}
	out := &types.ServiceDeploymentCircuitBreaker{FailureCount: sd.failures, Threshold: sd.threshold,
		Status: types.ServiceDeploymentRollbackMonitorsStatusMonitoringComplete}
	switch {
	case sd.breakerTripped:
		out.Status = types.ServiceDeploymentRollbackMonitorsStatusTriggered
	case !sd.detectionDone:
		out.Status = types.ServiceDeploymentRollbackMonitorsStatusMonitoring
		out.Threshold = int32(cb.Threshold(s.desired))
		if t := s.deploymentByID(sd.target.deploymentID); t != nil {
			out.FailureCount = int32(t.failedTasks)
		}
	}
	return out
}

// sdAlarms is the alarms part of a service deployment: DISABLED without
// deployment alarms, else MONITORING while the target deploys, TRIGGERED
// (with the alarm's name) when an alarm failed it, MONITORING_COMPLETE
// otherwise.
func sdAlarms(sd *serviceDeployment) *types.ServiceDeploymentAlarms {
	al := sd.cfg.Alarms
	if al == nil || !al.Enable {
		return &types.ServiceDeploymentAlarms{Status: types.ServiceDeploymentRollbackMonitorsStatusDisabled}
	}
	out := &types.ServiceDeploymentAlarms{AlarmNames: slices.Clone(al.AlarmNames), Status: types.ServiceDeploymentRollbackMonitorsStatusMonitoringComplete}
	switch {
	case len(sd.triggered) > 0:
		out.Status = types.ServiceDeploymentRollbackMonitorsStatusTriggered
		out.TriggeredAlarmNames = slices.Clone(sd.triggered)
	case !sd.detectionDone:
		out.Status = types.ServiceDeploymentRollbackMonitorsStatusMonitoring
	}
	return out
}

// briefOf renders sd as ListServiceDeployments shows it.
func briefOf(s *service, sd *serviceDeployment) types.ServiceDeploymentBrief {
	return types.ServiceDeploymentBrief{
		ServiceDeploymentArn:     aws.String(sd.arn),
		ServiceArn:               aws.String(s.arn),
		ClusterArn:               aws.String(s.c.arn),
		CreatedAt:                aws.Time(sd.createdAt),
		StartedAt:                optTime(sd.startedAt),
		FinishedAt:               optTime(sd.finishedAt),
		TargetServiceRevisionArn: aws.String(sd.target.arn),
		Status:                   sd.status,
		StatusReason:             optString(sd.reason),
	}
}

// optTime is nil for the zero time.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return aws.Time(t)
}

// currentHistoryLocked is what DescribeServices shows of the history: the
// ARN of the newest service deployment (currentServiceDeployment) and the
// revisions of the deployments still PRIMARY or ACTIVE, newest first,
// with their task counts (currentServiceRevisions). ECS fills both for
// rolling-update services too (kayac/ecspresso reads
// currentServiceDeployment since aws-sdk-go-v2 ecs v1.69, PR #903).
func (e *ECS) currentHistoryLocked(s *service, running, pending map[string]int) (*string, []types.ServiceCurrentRevisionSummary) {
	h := &s.history
	if s.status != serviceActive || len(h.deps) == 0 {
		return nil, nil
	}
	revs := []types.ServiceCurrentRevisionSummary{}
	for i := len(s.deployments) - 1; i >= 0; i-- {
		d := s.deployments[i]
		if d.status == plan.StatusInactive {
			continue
		}
		var arn string
		if rev := h.revs[revisionID(d.id)]; rev != nil {
			arn = aws.ToString(rev.view.ServiceRevisionArn) // built once
		} else {
			arn = revisionARN(s.arn, d.id)
		}
		revs = append(revs, types.ServiceCurrentRevisionSummary{
			Arn:                aws.String(arn),
			RequestedTaskCount: int32(d.desired), RunningTaskCount: int32(running[d.id]), PendingTaskCount: int32(pending[d.id]),
		})
	}
	return aws.String(h.deps[len(h.deps)-1].arn), revs
}
