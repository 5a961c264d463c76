package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Found by chaos seeds 103 and 118: a deployment FAILED by the circuit
// breaker without rollback leaves the older deployment running; lowering
// desiredCount afterwards must still bring the tasks within
// floor(desired*maximumPercent/100) (the scheduler stops older tasks, but
// never healthy ones below the minimum).
func TestFailedDeploymentScaleDownStaysWithinMaximumPercent(t *testing.T) {
	e := newCluster(t, 8)
	td1 := register(t, e, simpleTD("web", "img:good"))
	td2 := register(t, e, simpleTD("web", "img:bad"))
	if err := e.InjectFault(Fault{Image: "img:bad", Action: FaultFailStart}); err != nil {
		t.Fatal(err)
	}
	createSvc(t, e, "web", td1, 9, svcOpts{min: 100, max: 150, breaker: true})
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	stepUntil(t, e, 5*time.Second, time.Hour, nil, func() bool {
		return primaryOf(t, svc(t, e, "web")).RolloutState == types.DeploymentRolloutStateFailed
	})
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(5)})
	limit := 5 * 150 / 100
	stepUntil(t, e, 5*time.Second, 10*time.Minute, func() {
		if c := countSvcTasks(e, "web"); c.healthy < 5 {
			t.Fatalf("%d healthy tasks, minimum 5", c.healthy)
		}
	}, func() bool { return countSvcTasks(e, "web").live <= limit })
	// And it stays there: nothing restarts the surplus.
	e.Advance(10 * time.Minute)
	if c := countSvcTasks(e, "web"); c.live > limit || c.live < 5 {
		t.Fatalf("%d live tasks after scale-down, want 5..%d", c.live, limit)
	}
}

// Found by TestConcurrentOperationsKeepInvariants: two deployments created
// at the same virtual instant (UpdateService twice without the clock
// moving) must keep their order; the later one is PRIMARY and the service
// converges on its task definition, whatever the random deployment ids.
func TestSameInstantDeploymentsKeepTheirOrder(t *testing.T) {
	e := newCluster(t, 8)
	for i := range 12 {
		name := "web" + string(rune('a'+i))
		td1 := register(t, e, simpleTD(name, "img:1"))
		td2 := register(t, e, simpleTD(name, "img:2"))
		td3 := register(t, e, simpleTD(name, "img:3"))
		createSvc(t, e, name, td1, 2, svcOpts{min: 50, max: 200})
		update(t, e, &ecs.UpdateServiceInput{Service: aws.String(name), TaskDefinition: aws.String(td2)})
		update(t, e, &ecs.UpdateServiceInput{Service: aws.String(name), TaskDefinition: aws.String(td3)})
		update(t, e, &ecs.UpdateServiceInput{Service: aws.String(name), ForceNewDeployment: true})
		stepUntil(t, e, 5*time.Second, 30*time.Minute, nil, func() bool { return completed(t, e, name, td3) })
	}
}
