package ecsdeploy

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// serviceDeploymentReader is the optional part of an API that describes
// service deployments (*ecs.Client and *fake.ECS have it): with it, the
// Deployer reports the lifecycle stage of blue/green deployments.
type serviceDeploymentReader interface {
	DescribeServiceDeployments(ctx context.Context, in *ecs.DescribeServiceDeploymentsInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error)
}

// StageEvent reports the lifecycle stage a blue/green (BLUE_GREEN, LINEAR
// or CANARY) service deployment entered, as DescribeServiceDeployments
// shows it: SCALE_UP, TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT,
// BAKE_TIME, CLEAN_UP, ... The Deployer reports the stage only for such
// services, only when events are reported (WithEvents) and only when its
// API describes service deployments (it also reads the stage, without
// reporting it, where its poll schedule needs it). A stage is reported
// within the watch interval (WithWatchInterval: 12 polls, 1 minute at the
// default 5 s) of its start, or within about a minute when that is
// shorter (reads close together read the stage once a minute); one that
// ends sooner may be missed (the stages that pass at one instant, such
// as POST_SCALE_UP, always are).
type StageEvent struct {
	// At is when the stage was seen.
	At time.Time
	// Service is the service name.
	Service string
	// ServiceDeploymentArn is the service deployment.
	ServiceDeploymentArn string
	// Stage is the lifecycle stage.
	Stage types.ServiceDeploymentLifecycleStage
	// Status is the service deployment's status (IN_PROGRESS, SUCCESSFUL,
	// ROLLBACK_IN_PROGRESS, ...).
	Status types.ServiceDeploymentStatus
}

// Time returns At.
func (e *StageEvent) Time() time.Time { return e.At }

// String is "service web deployment ...: stage BAKE_TIME (IN_PROGRESS)".
func (e *StageEvent) String() string {
	return fmt.Sprintf("service %s deployment %s: stage %s (%s)", e.Service, lastSegment(e.ServiceDeploymentArn), e.Stage, e.Status)
}

// blueGreenFamily reports whether svc deploys with BLUE_GREEN, LINEAR or
// CANARY.
func blueGreenFamily(svc *types.Service) bool {
	if svc.DeploymentConfiguration == nil {
		return false
	}
	switch svc.DeploymentConfiguration.Strategy {
	case types.DeploymentStrategyBlueGreen, types.DeploymentStrategyLinear, types.DeploymentStrategyCanary:
		return true
	}
	return false
}

// stageReadEvery is how often the stage is read, at the most, for
// StageEvents when reads of the service come one poll apart and show no
// change.
const stageReadEvery = time.Minute

// observeStage reads the lifecycle stage of svc's current service
// deployment, when svc deploys blue/green and the API can, if the poll
// schedule needs it (need: poll_bluegreen.go, wantsStage) or there is
// someone to tell (WithEvents) and this reading of the service showed a
// change (changed), or the stage may have changed (mayChange: the
// schedule knows when bakes end, poll_bluegreen.go) and this read came
// after a quiet wait (gap, since the previous read, over two polls: the
// schedule waits at most the watch interval, so a stage change is
// reported within it) or the stage was last read stageReadEvery ago.
// It returns a StageEvent when the stage or status changed since the last
// reading, and the service deployment read (nil: none). A failed read is
// not an error: the stage is progress only.
func (d *deployer) observeStage(ctx context.Context, cfg config, tr *tracker, svc *types.Service, changed, need, mayChange bool, gap time.Duration, now time.Time) ([]Event, *types.ServiceDeployment) {
	arn := valueOf(svc.CurrentServiceDeployment)
	if d.sd == nil || arn == "" || !blueGreenFamily(svc) {
		return nil, nil
	}
	report := cfg.events != nil && tr.stageDone[arn] == nil && (changed || mayChange && (gap > 2*cfg.poll || now.Sub(tr.stageAt) >= stageReadEvery))
	if !need && !report {
		return nil, nil // not needed, finished (its stage no longer changes), or read lately
	}
	tr.stageAt = now
	out, err := d.sd.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}})
	if err != nil || len(out.ServiceDeployments) == 0 {
		return nil, nil
	}
	sd := out.ServiceDeployments[0]
	key := arn + " " + string(sd.LifecycleStage) + " " + string(sd.Status)
	switch sd.Status {
	case types.ServiceDeploymentStatusSuccessful, types.ServiceDeploymentStatusStopped, types.ServiceDeploymentStatusRollbackSuccessful,
		types.ServiceDeploymentStatusRollbackFailed:
		tr.stageDone[arn] = &sd
	}
	if cfg.events == nil || tr.stage == key || sd.LifecycleStage == "" {
		return nil, &sd
	}
	tr.stage = key
	return []Event{&StageEvent{At: now, Service: valueOf(svc.ServiceName), ServiceDeploymentArn: arn, Stage: sd.LifecycleStage, Status: sd.Status}}, &sd
}

// learn makes the reads besides DescribeServices that a reading svc at now
// (ours the awaited deployment) calls for, and tells the schedule what
// they showed: the lifecycle stage (observeStage, also for StageEvents)
// and the deregistration delay of the target groups a blue/green
// clean-up drains (poll_drain.go). Both are best effort.
func (d *deployer) learn(ctx context.Context, cfg config, tr *tracker, sched *pollSchedule, svc *types.Service, ours *types.Deployment, changed bool, now time.Time) {
	gap := time.Duration(0)
	if !sched.lastAt.IsZero() {
		gap = now.Sub(sched.lastAt)
	}
	evs, sd := d.observeStage(ctx, cfg, tr, svc, changed, sched.wantsStage(svc, ours, now), sched.stageMayChange(svc, ours, now), gap, now)
	d.emit(cfg, evs...)
	if sd != nil {
		sched.noteStage(valueOf(sd.ServiceDeploymentArn), sd.LifecycleStage, valueOf(sd.UpdatedAt), ours, now)
	}
	for _, tg := range sched.wantsDelay(svc, ours) {
		delay, ok := d.deregistrationDelay(ctx, cfg, tg)
		sched.noteDelay(tg, delay, ok)
	}
}
