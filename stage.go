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
// BAKE_TIME, CLEAN_UP, ... The Deployer reads the stage only for such
// services, only when events are reported (WithEvents) and only when its
// API describes service deployments; stages shorter than a poll are not
// seen.
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

// lastSegment is what follows the last "/" of an ARN.
func lastSegment(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	return arn
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

// stageReadEvery is how often the stage is read when the service shows no
// change.
const stageReadEvery = time.Minute

// observeStage reads the lifecycle stage of svc's current service
// deployment when there is someone to tell (WithEvents), svc deploys blue/
// green and the API can, and this reading of the service showed a change
// (changed) or the stage was last read stageReadEvery ago; it returns a
// StageEvent when the stage or status changed since the last reading. A
// failed read is not an error: the stage is progress only.
func (d *deployer) observeStage(ctx context.Context, cfg config, tr *tracker, svc *types.Service, changed bool, now time.Time) []Event {
	arn := valueOf(svc.CurrentServiceDeployment)
	if cfg.events == nil || d.sd == nil || arn == "" || !blueGreenFamily(svc) {
		return nil
	}
	if tr.stageDone[arn] || (!changed && now.Sub(tr.stageAt) < stageReadEvery) {
		return nil // finished (its stage no longer changes), or read lately
	}
	tr.stageAt = now
	out, err := d.sd.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}})
	if err != nil || len(out.ServiceDeployments) == 0 {
		return nil
	}
	sd := out.ServiceDeployments[0]
	key := arn + " " + string(sd.LifecycleStage) + " " + string(sd.Status)
	switch sd.Status {
	case types.ServiceDeploymentStatusSuccessful, types.ServiceDeploymentStatusStopped, types.ServiceDeploymentStatusRollbackSuccessful,
		types.ServiceDeploymentStatusRollbackFailed:
		tr.stageDone[arn] = true
	}
	if tr.stage == key || sd.LifecycleStage == "" {
		return nil
	}
	tr.stage = key
	return []Event{&StageEvent{At: now, Service: valueOf(svc.ServiceName), ServiceDeploymentArn: arn, Stage: sd.LifecycleStage, Status: sd.Status}}
}
