package ecsdeploy_test

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// The Deployer recognises ECS's rollback shape (developer guide,
// "deployment circuit breaker"): the last COMPLETED deployment is revived
// (same id, IN_PROGRESS, "rolling back to deploymentId <its own id>"), no
// new deployment appears. A crash loop (container exits 5 s after start)
// trips the breaker; Deploy fails with RolledBack by the circuit breaker to
// the old revision, and the service ends on the old deployment's id.
func TestDeployRecognisesRevivedRollbackOfCrashLoop(t *testing.T) {
	f := newFakeEnv(t)
	cb := &types.DeploymentConfiguration{MinimumHealthyPercent: ptr(int32(100)), MaximumPercent: ptr(int32(200)),
		DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}}
	old := f.service("web", "app:1", 2, cb)
	if err := f.e.InjectFault(fake.Fault{Image: "app:crash", Action: fake.FaultExit, ExitCode: 1, After: 5 * time.Second}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "app:1"}); err != nil {
		t.Fatalf("first deploy: %v", err) // waits for the creation to complete
	}
	before, err := f.e.DescribeServices(t.Context(), &ecs.DescribeServicesInput{Cluster: ptr(f.cluster), Services: []string{"web"}})
	if err != nil {
		t.Fatal(err)
	}
	goodID := valueOf(before.Services[0].Deployments[0].Id)
	start := f.e.Now()
	var revivedSeen, rollingBackEvent bool
	events := ecsdeploy.WithEvents(func(ev ecsdeploy.Event) {
		switch e := ev.(type) {
		case *ecsdeploy.DeploymentEvent:
			if e.ID == goodID && e.Status == "PRIMARY" && e.RolloutState == types.DeploymentRolloutStateInProgress &&
				e.RolloutStateReason == "ECS deployment circuit breaker: rolling back to deploymentId "+goodID+"." {
				revivedSeen = true
			}
		case *ecsdeploy.ServiceEvent:
			if e.Message == "(service web) rolling back to deployment "+goodID+"." {
				rollingBackEvent = true
			}
		}
	})
	// WithRollback: Deploy also waits for the breaker's rollback to
	// complete (issue #12.6), and names the revived deployment.
	_, err = f.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "app:crash"}, events, ecsdeploy.WithRollback())
	var df *ecsdeploy.DeploymentFailedError
	if !errors.As(err, &df) {
		t.Fatalf("err = %v, want a DeploymentFailedError", err)
	}
	if !df.RollbackStarted || !df.RolledBack || df.RollbackBy != "circuit-breaker" || df.RollbackTaskDefinition != old ||
		df.RollbackDeploymentID != goodID || df.RollbackState != types.DeploymentRolloutStateCompleted {
		t.Fatalf("rollback started=%v completed=%v (deployment %s %s) by %q to %s, want the circuit breaker's rollback of %s to %s completed",
			df.RollbackStarted, df.RolledBack, df.RollbackDeploymentID, df.RollbackState, df.RollbackBy, df.RollbackTaskDefinition, goodID, old)
	}
	if !revivedSeen || !rollingBackEvent {
		t.Errorf("events: revived deployment reported %v, rolling-back service event %v; want both", revivedSeen, rollingBackEvent)
	}
	if took := f.e.Now().Sub(start); took > 10*time.Minute {
		t.Errorf("crash loop detected after %s", took)
	}
	f.e.Advance(10 * time.Minute)
	after, err := f.e.DescribeServices(t.Context(), &ecs.DescribeServicesInput{Cluster: ptr(f.cluster), Services: []string{"web"}})
	if err != nil {
		t.Fatal(err)
	}
	s := after.Services[0]
	if len(s.Deployments) != 1 || valueOf(s.Deployments[0].Id) != goodID || s.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted {
		t.Fatalf("after the rollback %+v, want the revived %s COMPLETED alone", s.Deployments, goodID)
	}
}

func valueOf(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
