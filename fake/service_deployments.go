package fake

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// Service deployments and service revisions: the history ECS keeps of a
// rolling (ECS deployment controller) service's deployments, served by
// ListServiceDeployments, DescribeServiceDeployments,
// DescribeServiceRevisions and StopServiceDeployment
// (service_deployments_api.go), shown as service_deployments_view.go
// renders them. See docs/fidelity.md, "Service deployments".
//
// ECS creates a service deployment, and a service revision recording the
// configuration being deployed, when a service is created and when an
// update starts a deployment (Developer Guide, "View service history using
// Amazon ECS service deployments"); here that is every deployment
// newDeploymentLocked makes. A rollback creates no revision: it deploys the
// last successful one again ("Amazon ECS service revisions"). The history's
// statuses follow the fake's deployments: syncServiceDeploymentsLocked runs
// after each plan's deployment updates are applied and moves the newest
// service deployment on (sdStep decides, purely).

// Retention: ECS shows "the most recent 90-day history" of service
// deployments (Developer Guide, "Viewing Amazon ECS service deployments").
// ECS documents no count limit; the fake also keeps at most
// maxServiceDeployments per service (the oldest finished ones go first) so
// that its memory stays bounded.
const (
	serviceDeploymentRetention = 90 * 24 * time.Hour
	maxServiceDeployments      = 1000
)

// Texts of the fake's own (ECS's are not published for these cases).
const (
	// sdSupersededReason is the statusReason of a service deployment a
	// newer one replaced before it finished.
	sdSupersededReason = "Service deployment stopped: a newer service deployment replaced it."
	// sdStopRollbackReason is the statusReason (and rollback reason) of a
	// service deployment StopServiceDeployment rolled back, and the
	// rolloutStateReason its deployment shows in DescribeServices.
	sdStopRollbackReason = "Service deployment stopped by StopServiceDeployment: rolling back to the last successful service revision."
)

// serviceRevision is one service revision: the configuration a deployment
// deploys, recorded when the deployment is made (immutable).
type serviceRevision struct {
	id   string // 19 digits: the number of its deployment's id
	view types.ServiceRevision
}

// sdRevision is a service revision in a service deployment: its
// deployment's id and its ARN, and its task counts once the service
// deployment has finished (ECS's counts are "the number of running tasks
// when the deployment completed").
type sdRevision struct {
	deploymentID string
	arn          string
	frozen       *types.ServiceRevisionSummary
}

// serviceDeployment is one service deployment of a service.
type serviceDeployment struct {
	id, arn string
	target  sdRevision
	sources []sdRevision
	status  types.ServiceDeploymentStatus
	reason  string
	// createdAt: the deployment was made; startedAt: the scheduler first
	// planned it; finishedAt / stoppedAt: it ended (stoppedAt only when
	// STOPPED); updatedAt: its status or failure count last changed.
	createdAt, startedAt, finishedAt, stoppedAt, updatedAt time.Time
	// cfg is the service's deploymentConfiguration when it was made.
	cfg types.DeploymentConfiguration
	// rollback is set when a rollback started; rollbackTo is the id of
	// the deployment the rollback made PRIMARY again.
	rollback   *types.Rollback
	rollbackTo string
	// Failure detection, frozen when the target deployment failed or the
	// service deployment finished: failures is the circuit breaker's
	// count, threshold its threshold, breakerTripped / triggered say what
	// failed the deployment.
	detectionDone  bool
	failures       int32
	threshold      int32
	breakerTripped bool
	triggered      []string
	// stageFailed: a lifecycle stage's ELB call failed the target
	// (failBlueGreenLocked), which ECS rolls back whatever the
	// configuration says.
	stageFailed bool
	// stage is the lifecycleStage of a blue/green deployment's service
	// deployment (bluegreen.go); "" for a rolling one.
	stage types.ServiceDeploymentLifecycleStage
}

// deployHistory is a service's service deployments (oldest first) and the
// revisions they name, by revision id.
type deployHistory struct {
	deps []*serviceDeployment
	revs map[string]*serviceRevision
}

// terminalSD reports whether a service deployment status is final.
func terminalSD(st types.ServiceDeploymentStatus) bool {
	switch st {
	case types.ServiceDeploymentStatusSuccessful, types.ServiceDeploymentStatusStopped,
		types.ServiceDeploymentStatusRollbackSuccessful, types.ServiceDeploymentStatusRollbackFailed:
		return true
	}
	return false
}

// revisionID is the service revision id of a deployment: the digits of its
// "ecs-svc/<digits>" id (ECS's revision ids are 19-digit numbers too).
func revisionID(deploymentID string) string {
	return strings.TrimPrefix(deploymentID, "ecs-svc/")
}

// historyARN builds a service deployment or service revision ARN from the
// service's: arn:aws:ecs:region:account:<kind>/cluster/service/id.
func historyARN(serviceARN, kind, id string) string {
	return strings.Replace(serviceARN, ":service/", ":"+kind+"/", 1) + "/" + id
}

// revisionARN is the ARN of the service revision of the deployment with
// id deploymentID, of the service with ARN serviceARN.
func revisionARN(serviceARN, deploymentID string) string {
	return historyARN(serviceARN, "service-revision", revisionID(deploymentID))
}

// newRollback is the rollback part of a service deployment: ECS rolled
// back to deployment back's revision at at, for reason.
func newRollback(serviceARN string, back *deployment, reason string, at time.Time) *types.Rollback {
	return &types.Rollback{Reason: optString(reason), StartedAt: aws.Time(at), ServiceRevisionArn: aws.String(revisionARN(serviceARN, back.id))}
}

// serviceDeploymentID derives the id of the service deployment of a
// deployment: 22 URL-safe base64 characters like ECS's, from a hash (the
// seeded random source is not drawn from, so adding the history changes
// no other id).
func serviceDeploymentID(serviceARN, deploymentID string) string {
	sum := sha256.Sum256([]byte(serviceARN + "\x00" + deploymentID))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

// imageDigest is the digest the fake reports for an image reference: it
// has no registry, so a stable hash of the reference stands in for the
// digest ECS resolves.
func imageDigest(image string) string {
	sum := sha256.Sum256([]byte(image))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// recordServiceDeploymentLocked records the service deployment and the
// service revision of d, which newDeploymentLocked just made s's PRIMARY:
// the service deployment that was still going on is STOPPED (replaced),
// and the revisions still running are the new one's sources.
func (e *ECS) recordServiceDeploymentLocked(s *service, d *deployment, now time.Time) {
	h := &s.history
	if h.revs == nil {
		h.revs = map[string]*serviceRevision{}
	}
	rev := e.newServiceRevisionLocked(s, d, now)
	h.revs[rev.id] = rev
	if n := len(h.deps); n > 0 && !terminalSD(h.deps[n-1].status) {
		e.endServiceDeploymentLocked(s, h.deps[n-1], types.ServiceDeploymentStatusStopped, now)
		h.deps[n-1].reason = sdSupersededReason
	}
	sd := &serviceDeployment{
		id: serviceDeploymentID(s.arn, d.id), target: sdRevision{deploymentID: d.id, arn: aws.ToString(rev.view.ServiceRevisionArn)},
		sources: []sdRevision{}, status: types.ServiceDeploymentStatusPending,
		createdAt: now, updatedAt: now, cfg: cloneDeploymentConfiguration(s.deployCfg),
	}
	sd.arn = historyARN(s.arn, "service-deployment", sd.id)
	for _, o := range s.deployments {
		if o != d && o.status != plan.StatusInactive {
			sd.sources = append(sd.sources, sdRevision{deploymentID: o.id, arn: revisionARN(s.arn, o.id)})
		}
	}
	h.deps = append(h.deps, sd)
	e.pruneHistoryLocked(s, now)
}

// newServiceRevisionLocked records the configuration d deploys, as ECS
// records it in a service revision.
func (e *ECS) newServiceRevisionLocked(s *service, d *deployment, now time.Time) *serviceRevision {
	v := types.ServiceRevision{
		ServiceRevisionArn:          aws.String(revisionARN(s.arn, d.id)),
		ServiceArn:                  aws.String(s.arn),
		ClusterArn:                  aws.String(s.c.arn),
		TaskDefinition:              aws.String(d.td.arn),
		CapacityProviderStrategy:    cloneStrategy(d.cps),
		LaunchType:                  viewLaunchType(d.launchType, d.cps),
		PlatformVersion:             optString(d.platform),
		LoadBalancers:               slices.Clone(s.loadBalancers),
		ServiceRegistries:           slices.Clone(s.registries),
		NetworkConfiguration:        d.netCfg,
		ServiceConnectConfiguration: &types.ServiceConnectConfiguration{Enabled: false},
		CreatedAt:                   aws.Time(now),
	}
	if d.launchType == types.LaunchTypeFargate {
		v.PlatformFamily = aws.String("Linux")
		if rp := d.td.def.RuntimePlatform; rp != nil && rp.OperatingSystemFamily != "" && rp.OperatingSystemFamily != types.OSFamilyLinux {
			v.PlatformFamily = aws.String(string(rp.OperatingSystemFamily))
		}
	}
	for _, cd := range d.td.def.ContainerDefinitions {
		img := aws.ToString(cd.Image)
		v.ContainerImages = append(v.ContainerImages, types.ContainerImage{
			ContainerName: cd.Name, Image: aws.String(img), ImageDigest: aws.String(imageDigest(img)),
		})
	}
	return &serviceRevision{id: revisionID(d.id), view: v}
}

// cloneDeploymentConfiguration copies cfg deeply enough that later service
// updates do not change it.
func cloneDeploymentConfiguration(cfg types.DeploymentConfiguration) types.DeploymentConfiguration {
	if cb := cfg.DeploymentCircuitBreaker; cb != nil {
		c := *cb
		cfg.DeploymentCircuitBreaker = &c
	}
	if al := cfg.Alarms; al != nil {
		a := *al
		a.AlarmNames = slices.Clone(al.AlarmNames)
		cfg.Alarms = &a
	}
	return cfg
}

// sdFacts is what the history needs to know of one of the fake's
// deployments after a plan.
type sdFacts struct {
	found   bool
	rollout types.DeploymentRolloutState
}

// sdStep decides the next status of a service deployment from the state
// of its target deployment and, once one is known, of the deployment a
// rollback made PRIMARY again (back). It is pure:
//   - PENDING becomes IN_PROGRESS once the scheduler has planned the target;
//   - IN_PROGRESS becomes SUCCESSFUL when the target COMPLETED; when it
//     FAILED (circuit breaker or alarm), ROLLBACK_IN_PROGRESS if a
//     rollback started, else STOPPED (ServiceDeployment.stoppedAt: "the
//     rollback option is not in use ... and the service fails");
//   - ROLLBACK_REQUESTED (StopServiceDeployment) becomes
//     ROLLBACK_IN_PROGRESS, which becomes ROLLBACK_SUCCESSFUL when the
//     rollback's deployment COMPLETED and ROLLBACK_FAILED when it FAILED.
func sdStep(st types.ServiceDeploymentStatus, target, back sdFacts) types.ServiceDeploymentStatus {
	for range 4 {
		next := st
		switch st {
		case types.ServiceDeploymentStatusPending:
			if target.found {
				next = types.ServiceDeploymentStatusInProgress
			}
		case types.ServiceDeploymentStatusInProgress:
			switch {
			case back.found:
				next = types.ServiceDeploymentStatusRollbackInProgress
			case target.rollout == types.DeploymentRolloutStateCompleted:
				next = types.ServiceDeploymentStatusSuccessful
			case target.rollout == types.DeploymentRolloutStateFailed || !target.found:
				next = types.ServiceDeploymentStatusStopped
			}
		case types.ServiceDeploymentStatusRollbackRequested:
			next = types.ServiceDeploymentStatusRollbackInProgress
		case types.ServiceDeploymentStatusRollbackInProgress:
			switch {
			case !back.found || back.rollout == types.DeploymentRolloutStateFailed:
				next = types.ServiceDeploymentStatusRollbackFailed
			case back.rollout == types.DeploymentRolloutStateCompleted:
				next = types.ServiceDeploymentStatusRollbackSuccessful
			}
		}
		if next == st {
			return st
		}
		st = next
	}
	return st
}

// syncServiceDeploymentsLocked moves s's newest service deployment on
// after a plan changed s's deployments (the only one not finished: a new
// deployment ends the one before). It records the rollback and what
// failed the target when they happen.
func (e *ECS) syncServiceDeploymentsLocked(s *service, now time.Time) {
	h := &s.history
	if s.status != serviceActive {
		h.deps, h.revs = nil, nil // ECS deletes them with the service
		return
	}
	n := len(h.deps)
	if n == 0 || terminalSD(h.deps[n-1].status) {
		return
	}
	sd := h.deps[n-1]
	t := s.deploymentByID(sd.target.deploymentID)
	var tf sdFacts
	if t != nil {
		tf = sdFacts{found: true, rollout: t.rolloutState}
	}
	back := e.rollbackDeploymentLocked(s, sd)
	var bf sdFacts
	if back != nil {
		bf = sdFacts{found: true, rollout: back.rolloutState}
	}
	before := sd.status
	if t != nil && !sd.detectionDone && !terminalSD(before) && sd.rollback == nil {
		if f := int32(t.failedTasks); f != sd.failures {
			sd.failures = f
			sd.updatedAt = now
		}
	}
	next := sdStep(before, tf, bf)
	if next == before {
		return
	}
	if before == types.ServiceDeploymentStatusPending {
		sd.startedAt = now
	}
	if t != nil && t.rolloutState == types.DeploymentRolloutStateFailed && sd.rollback == nil && !sd.detectionDone {
		e.noteFailureLocked(s, sd, t)
	}
	if next == types.ServiceDeploymentStatusStopped && t != nil && t.bg != nil && rollbackWanted(sd) {
		// A blue/green deployment failed with a rollback due and nothing
		// to roll back to: the one place that decides ROLLBACK_FAILED "No
		// rollback candidate" (failBlueGreenLocked comes here too).
		next, sd.reason = types.ServiceDeploymentStatusRollbackFailed, noRollbackCandidateReason
	}
	if back != nil && sd.rollback == nil {
		sd.rollbackTo = back.id
		sd.rollback = newRollback(s.arn, back, sd.reason, back.revivedAt)
	}
	sd.status = next
	sd.updatedAt = now
	if terminalSD(next) {
		e.endServiceDeploymentLocked(s, sd, next, now)
	}
}

// rollbackDeploymentLocked is the deployment a rollback of sd made PRIMARY
// again: the one named when the rollback started, else a deployment other
// than the target that a rollback revived since sd was created.
func (e *ECS) rollbackDeploymentLocked(s *service, sd *serviceDeployment) *deployment {
	if sd.rollbackTo != "" {
		return s.deploymentByID(sd.rollbackTo)
	}
	for _, d := range s.deployments {
		if d.id != sd.target.deploymentID && d.status == plan.StatusPrimary && !d.revivedAt.IsZero() && !d.revivedAt.Before(sd.createdAt) {
			return d
		}
	}
	return nil
}

// rollbackWanted reports whether what failed sd's target (noted by
// noteFailureLocked) was configured to roll back, or was a lifecycle
// stage (stageFailed), which rolls back regardless.
func rollbackWanted(sd *serviceDeployment) bool {
	if sd.stageFailed {
		return true
	}
	if cb := sd.cfg.DeploymentCircuitBreaker; sd.breakerTripped && cb != nil && cb.Rollback {
		return true
	}
	al := sd.cfg.Alarms
	return len(sd.triggered) > 0 && al != nil && al.Rollback
}

// noteFailureLocked records why t, sd's target, FAILED: the circuit
// breaker (its count) or a deployment alarm (its name).
func (e *ECS) noteFailureLocked(s *service, sd *serviceDeployment, t *deployment) {
	sd.reason = t.reason
	sd.failures = int32(t.failedTasks)
	sd.threshold = int32(circuitBreakerOf(sd.cfg).Threshold(s.desired))
	sd.breakerTripped = t.reason == plan.CircuitBreakerFailedReason
	if al := sd.cfg.Alarms; al != nil {
		for _, name := range al.AlarmNames {
			if t.reason == plan.AlarmFailedReason(name) {
				sd.triggered = append(sd.triggered, name)
			}
		}
	}
	sd.detectionDone = true
}

// endServiceDeploymentLocked finishes sd with status st at now and freezes
// its task counts.
func (e *ECS) endServiceDeploymentLocked(s *service, sd *serviceDeployment, st types.ServiceDeploymentStatus, now time.Time) {
	if !sd.detectionDone {
		if t := s.deploymentByID(sd.target.deploymentID); t != nil {
			sd.failures = int32(t.failedTasks)
		}
		sd.threshold = int32(circuitBreakerOf(sd.cfg).Threshold(s.desired))
		sd.detectionDone = true
	}
	running, pending, _, _ := s.taskCounts()
	freeze := func(r *sdRevision) {
		sum := e.revisionSummaryLocked(s, *r, running, pending)
		r.frozen = &sum
	}
	freeze(&sd.target)
	for i := range sd.sources {
		freeze(&sd.sources[i])
	}
	sd.status = st
	sd.finishedAt, sd.updatedAt = now, now
	if st == types.ServiceDeploymentStatusStopped {
		sd.stoppedAt = now
	}
}

// circuitBreakerOf is the planner's circuit breaker for a deployment
// configuration.
func circuitBreakerOf(cfg types.DeploymentConfiguration) plan.CircuitBreaker {
	var out plan.CircuitBreaker
	if cb := cfg.DeploymentCircuitBreaker; cb != nil {
		out = plan.CircuitBreaker{Enable: cb.Enable, Rollback: cb.Rollback,
			KeepFailuresOnHealthy: cb.ResetOnHealthyTask != nil && !*cb.ResetOnHealthyTask}
		if tc := cb.ThresholdConfiguration; tc != nil {
			out.ThresholdType = plan.ThresholdType(tc.Type)
			out.ThresholdValue = int(tc.Value)
		}
	}
	return out
}

// revisionSummaryLocked is the requested, running and pending task counts
// of a revision in a service deployment: frozen once it finished, else
// its deployment's desiredCount and tasks now.
func (e *ECS) revisionSummaryLocked(s *service, r sdRevision, running, pending map[string]int) types.ServiceRevisionSummary {
	if r.frozen != nil {
		return *r.frozen
	}
	out := types.ServiceRevisionSummary{Arn: aws.String(r.arn)}
	if d := s.deploymentByID(r.deploymentID); d != nil && d.status != plan.StatusInactive {
		out.RequestedTaskCount = int32(d.desired)
	}
	out.RunningTaskCount = int32(running[r.deploymentID])
	out.PendingTaskCount = int32(pending[r.deploymentID])
	return out
}

// pruneHistoryLocked drops service deployments older than ECS's 90 days
// and, beyond maxServiceDeployments, the oldest finished ones; then the
// revisions no kept service deployment or live deployment names.
func (e *ECS) pruneHistoryLocked(s *service, now time.Time) {
	h := &s.history
	cut := now.Add(-serviceDeploymentRetention)
	over := len(h.deps) - maxServiceDeployments
	kept := h.deps[:0]
	for _, sd := range h.deps {
		old := sd.createdAt.Before(cut) && terminalSD(sd.status)
		if old || (over > 0 && terminalSD(sd.status)) {
			over--
			continue
		}
		kept = append(kept, sd)
	}
	clear(h.deps[len(kept):])
	h.deps = kept
	used := map[string]bool{}
	for _, d := range s.deployments {
		used[revisionID(d.id)] = true
	}
	for _, sd := range h.deps {
		used[revisionID(sd.target.deploymentID)] = true
		for _, r := range sd.sources {
			used[revisionID(r.deploymentID)] = true
		}
		if sd.rollbackTo != "" {
			used[revisionID(sd.rollbackTo)] = true
		}
	}
	for id := range h.revs {
		if !used[id] {
			delete(h.revs, id)
		}
	}
}

// visibleHistory reports whether a service deployment created at
// createdAt is within what ECS shows at now.
func visibleHistory(createdAt, now time.Time) bool {
	return !createdAt.Before(now.Add(-serviceDeploymentRetention))
}
