package fake

import (
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// deployment is one deployment of a service.
type deployment struct {
	id             string
	status         plan.DeploymentStatus
	td             *taskDef
	desired        int
	rolloutState   types.DeploymentRolloutState
	reason         string
	failedTasks    int
	createdAt      time.Time
	updatedAt      time.Time
	reachedRunning bool
	revivedAt      time.Time // when a circuit-breaker rollback made it PRIMARY again
	unplaced       int       // tasks not placed since the last plan (plan.Deployment.PlacementFailures)
	backoff        plan.Backoff
	bakeUntil      time.Time // plan.Deployment.BakeUntil (deployment_alarms.go)
	launchType     types.LaunchType
	platform       string
	netCfg         *types.NetworkConfiguration
	// cps is the deployment's capacity provider strategy (nil: launchType).
	cps []types.CapacityProviderStrategyItem
	// tgs are the target groups its tasks register in, per load balancer
	// of the service (nil: the service's targetGroupArn); bg is its
	// blue/green progress (nil: not a blue/green deployment). See
	// bluegreen.go.
	tgs []string
	bg  *bgRun
}

// deploymentIDLocked returns a new deployment id: "ecs-svc/" and 19
// digits, the first not 0, from the identifier source.
func (e *ECS) deploymentIDLocked() string {
	var buf [27]byte
	b := append(buf[:0], "ecs-svc/"...)
	return string(strconv.AppendUint(b, 1e18+e.idRand.Uint64N(9e18), 10))
}

// newDeploymentLocked makes td the service's PRIMARY deployment (IN_PROGRESS)
// and demotes the previous PRIMARY to ACTIVE. It records the deployment's
// service deployment and service revision (service_deployments.go).
func (e *ECS) newDeploymentLocked(s *service, td *taskDef, reason string, now time.Time) *deployment {
	for _, d := range s.deployments {
		if d.status == plan.StatusPrimary {
			d.status = plan.StatusActive
			d.updatedAt = now
		}
	}
	// The planner orders deployments by createdAt: keep it strictly
	// increasing when several are made at one virtual instant.
	created := now
	for _, d := range s.deployments {
		for _, at := range []time.Time{d.createdAt, d.revivedAt} {
			if !created.After(at) {
				created = at.Add(time.Nanosecond)
			}
		}
	}
	d := &deployment{
		id: e.deploymentIDLocked(), status: plan.StatusPrimary, td: td, desired: s.desired,
		rolloutState: types.DeploymentRolloutStateInProgress, createdAt: created, updatedAt: now,
		launchType: s.launchType, platform: s.platform, netCfg: s.netCfg, cps: s.cps,
	}
	if reason == "" {
		reason = plan.InProgressReason(d.id)
	}
	d.reason = reason
	s.deployments = append(s.deployments, d)
	e.startBlueGreenLocked(s, d) // bluegreen.go
	e.recordServiceDeploymentLocked(s, d, now)
	return d
}

// deploymentByID finds a deployment of the service.
func (s *service) deploymentByID(id string) *deployment {
	for _, d := range s.deployments {
		if d.id == id {
			return d
		}
	}
	return nil
}
