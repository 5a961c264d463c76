package ecsdeploy

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// A reading that does not show the Deployer's own write yet (ECS's reads lag
// its writes) is pending within visibilityGrace, and judged as usual after.
func TestAfterWriteTakesStaleReadingsForPending(t *testing.T) {
	old := dep("ecs-svc/1", "PRIMARY", "web:1", completed, 2, 2)
	written := svcWith(2, 2, dep("ecs-svc/2", "PRIMARY", "web:2", inProgress, 2, 0), withStatus(old, "ACTIVE"))
	stale := svcWith(2, 2, old)
	clock := newStepClock()
	j := afterWrite(written, clock.Now(), clock, func(s *types.Service) outcome { return deploymentOutcome(s, "ecs-svc/2") })
	if o := j(stale); o.kind != outcomePending {
		t.Fatalf("stale reading right after the update: %+v, want pending", o)
	}
	if !predatesWrite(svcWith(3, 2, dep("ecs-svc/2", "PRIMARY", "web:2", inProgress, 2, 0)), written) {
		t.Errorf("a different desiredCount is a reading from before the write")
	}
	rolledBack := svcWith(2, 2, withReason(dep("ecs-svc/1", "PRIMARY", "web:1", inProgress, 2, 2), "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1."))
	rolledBack.Events = append(rolledBack.Events, svcEvent("e", time.Unix(0, 0), "(service web) (deployment ecs-svc/2) deployment failed: tasks failed to start."))
	if predatesWrite(rolledBack, written) {
		t.Errorf("a reading whose events name the written deployment is not stale")
	}
	clock.Sleep(t.Context(), visibilityGrace)
	if o := j(stale); o.kind != outcomeFailed {
		t.Fatalf("stale reading after the grace: %+v, want judged (replaced)", o)
	}
}

func withStatus(d types.Deployment, s string) types.Deployment {
	d.Status = &s
	return d
}
