package ecsdeploy

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ErrNoRollbackCandidate is the RollbackErr of a *DeploymentFailedError
// (errors.Is) when ECS had nothing to roll the failed deployment back to:
// a blue/green (BLUE_GREEN, LINEAR, CANARY) service's first deployment,
// whose service deployment ECS ends ROLLBACK_FAILED, "No rollback candidate
// was found to run the rollback." (docs/ecs-semantics.md, "Blue/green
// deployments"). The service keeps the failed deployment as its PRIMARY;
// no rollback is waited for.
var ErrNoRollbackCandidate = errors.New("ECS found nothing to roll back to")

// noRollbackCandidateText is ECS's statusReason of such a service
// deployment.
const noRollbackCandidateText = "No rollback candidate was found"

// firstBlueGreenFailed reports whether deployment id of svc is a failed
// first blue/green deployment: svc deploys blue/green, id is FAILED and
// the only deployment listed (a later one keeps blue listed, and a
// rollback makes another PRIMARY), so ECS cannot roll it back.
func firstBlueGreenFailed(svc *types.Service, id string) bool {
	if svc == nil || !blueGreenFamily(svc) || len(svc.Deployments) != 1 {
		return false
	}
	d := &svc.Deployments[0]
	return valueOf(d.Id) == id && d.RolloutState == types.DeploymentRolloutStateFailed
}

// rollbackWanted reports whether svc's configuration asks ECS to roll a
// failed deployment back (the circuit breaker's or the alarms' rollback).
func rollbackWanted(svc *types.Service) bool {
	dc := svc.DeploymentConfiguration
	if dc == nil {
		return false
	}
	return dc.DeploymentCircuitBreaker != nil && dc.DeploymentCircuitBreaker.Enable && dc.DeploymentCircuitBreaker.Rollback ||
		dc.Alarms != nil && dc.Alarms.Enable && dc.Alarms.Rollback
}

// explainNoRollback sets ferr.RollbackErr, wrapping ErrNoRollbackCandidate,
// when the failed deployment is a first blue/green one (firstBlueGreenFailed
// in last, the last reading) that ECS tried to roll back: its service
// deployment is ROLLBACK_FAILED (ECS's statusReason is quoted), as the
// wait's own reads showed it finished (tr; with WithEvents the reading
// that saw the failure reads it, and ECS ends both at once), else as read
// once here when the API can; or, unread, the configuration asked for a
// rollback. A lifecycle stage's failure (a deleted listener rule) rolls
// back whatever the configuration says, which only the service
// deployment shows.
func (d *deployer) explainNoRollback(ctx context.Context, tr *tracker, last *Status, ferr *DeploymentFailedError) {
	if last == nil || ferr.RollbackStarted || !firstBlueGreenFailed(&last.Service, ferr.DeploymentID) {
		return
	}
	svc := &last.Service
	arn := valueOf(svc.CurrentServiceDeployment)
	if sd := finishedServiceDeployment(ctx, d.sd, tr, arn); sd != nil {
		reason := valueOf(sd.StatusReason)
		if sd.Status == types.ServiceDeploymentStatusRollbackFailed && (reason == "" || strings.Contains(reason, noRollbackCandidateText)) {
			ferr.RollbackErr = fmt.Errorf("%w (the service's first deployment; service deployment %s is %s: %q)",
				ErrNoRollbackCandidate, lastSegment(arn), sd.Status, reason)
		}
		return
	}
	if rollbackWanted(svc) {
		ferr.RollbackErr = fmt.Errorf("%w (the service's first deployment)", ErrNoRollbackCandidate)
	}
}

// finishedServiceDeployment is service deployment arn as the wait last
// read it when that showed it finished (tr.stageDone), else as sd reads it
// now (one DescribeServiceDeployments); nil without arn, without sd, or
// when the read fails.
func finishedServiceDeployment(ctx context.Context, sd serviceDeploymentReader, tr *tracker, arn string) *types.ServiceDeployment {
	if arn == "" {
		return nil
	}
	if tr != nil && tr.stageDone[arn] != nil {
		return tr.stageDone[arn]
	}
	if sd == nil {
		return nil
	}
	out, err := sd.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}})
	if err != nil || len(out.ServiceDeployments) != 1 {
		return nil
	}
	return &out.ServiceDeployments[0]
}
