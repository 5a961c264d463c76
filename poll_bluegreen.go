package ecsdeploy

import (
	"math"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// blueGreenMinimum is the least time a blue/green (BLUE_GREEN, LINEAR or
// CANARY) deployment takes from the moment its tasks all run to its
// completion: production traffic shifts no sooner than that, then the
// canary's bake (CANARY) or the step bakes (LINEAR: one after each step
// but the last, "not applied after reaching 100 percent traffic"), then
// bakeTimeInMinutes, then blue's clean-up (ECS API Reference,
// DeploymentConfiguration, CanaryConfiguration, LinearConfiguration;
// developer guide "Amazon ECS blue/green service deployments workflow").
// Unset members count 0, which keeps it a lower bound whatever ECS's
// defaults. ok is false for other strategies.
func blueGreenMinimum(dc *types.DeploymentConfiguration) (d time.Duration, ok bool) {
	if dc == nil {
		return 0, false
	}
	minutes := func(p *int32) time.Duration { return time.Duration(max(valueOf(p), 0)) * time.Minute }
	switch dc.Strategy {
	case types.DeploymentStrategyBlueGreen:
	case types.DeploymentStrategyCanary:
		if c := dc.CanaryConfiguration; c != nil && valueOf(c.CanaryPercent) < 100 {
			d += minutes(c.CanaryBakeTimeInMinutes)
		}
	case types.DeploymentStrategyLinear:
		if l := dc.LinearConfiguration; l != nil && valueOf(l.StepPercent) > 0 {
			steps := int(math.Ceil(100/valueOf(l.StepPercent)-1e-9)) - 1
			d += time.Duration(max(steps, 0)) * minutes(l.StepBakeTimeInMinutes)
		}
	default:
		return 0, false
	}
	return d + minutes(dc.BakeTimeInMinutes), true
}

// blueGreenEarliest is the earliest instant ours, a deployment of a
// blue/green service, can complete: its tasks all running (no sooner than
// runningFrom, or its creation) plus blueGreenMinimum, plus drain, the
// expected clean-up (4/5 of the time the service's last deployment took
// from stopping its old tasks to completion, learnHistory; 0 when
// unknown), which makes it a prediction rather than a bound. It is zero
// for rolling services. A service's first deployment, with nothing to
// replace, passes the same stages and bakes too (docs/ecs-semantics.md,
// "Blue/green deployments").
func blueGreenEarliest(svc *types.Service, ours *types.Deployment, runningFrom time.Time, drain time.Duration) time.Time {
	d, ok := blueGreenMinimum(svc.DeploymentConfiguration)
	if !ok || d+drain == 0 {
		return time.Time{}
	}
	return later(valueOf(ours.CreatedAt), runningFrom).Add(d + drain)
}

// bakeAllowance is how much longer than the timeout a wait for the
// PRIMARY deployment of svc (an update's or a creation's response) may
// take: a blue/green deployment, a service's first one included, spends
// at least blueGreenMinimum in its bake times, which the user chose and
// which the timeout (bounding ECS's own work, 15 minutes by default)
// should not have to cover. It is 0 for rolling services.
func bakeAllowance(svc *types.Service) time.Duration {
	if svc == nil || findPrimary(svc.Deployments) == nil {
		return 0
	}
	d, _ := blueGreenMinimum(svc.DeploymentConfiguration)
	return d
}
