package ecsdeploy

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ECS's reads lag its writes (eventual consistency): right after
// CreateService, DescribeServices may answer MISSING; right after
// UpdateService it may still show the deployments from before; right after
// RunTask, DescribeTasks may answer MISSING. Within visibilityGrace of its
// own write the Deployer takes such readings for "not visible yet" and
// polls again, instead of reporting a missing service, a replaced
// deployment or a vanished task. The fake reproduces the lag with
// fake.WithEventualConsistency.

// visibilityGrace bounds how long after its own write the Deployer waits
// for the write to show in reads.
const visibilityGrace = 2 * time.Minute

// afterWrite wraps j for a wait that follows the Deployer's write whose
// response was written: within visibilityGrace of since, a reading that
// predates the write is pending.
func afterWrite(written *types.Service, since time.Time, clock Clock, j judge) judge {
	return func(svc *types.Service) outcome {
		if clock.Now().Sub(since) < visibilityGrace && predatesWrite(svc, written) {
			return outcome{kind: outcomePending, deployment: findPrimary(svc.Deployments), reason: "the update is not visible yet"}
		}
		return j(svc)
	}
}

// predatesWrite reports whether svc, a reading, does not show the write
// whose response was written yet: the PRIMARY deployment the write
// answered with is not listed and no service event names it (a circuit
// breaker rollback names it), or the desired count differs.
func predatesWrite(svc, written *types.Service) bool {
	if svc == nil || written == nil {
		return false
	}
	if svc.DesiredCount != written.DesiredCount {
		return true
	}
	p := findPrimary(written.Deployments)
	if p == nil || findDeployment(svc.Deployments, valueOf(p.Id)) != nil {
		return false
	}
	mark := "(deployment " + valueOf(p.Id) + ")"
	for _, e := range svc.Events {
		if strings.Contains(valueOf(e.Message), mark) {
			return false
		}
	}
	return true
}
