package fake

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// The SDK's own ServicesStableWaiter, given *fake.ECS, returns after a
// 10-task rolling deployment; inside a synctest bubble with the RealTime
// clock its 15 s+ sleeps are synthetic, so no real time passes.
func TestServicesStableWaiterAfterRollingDeployment(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newCluster(t, 10, WithClock(RealTime(1)))
		td1 := register(t, e, simpleTD("web", "img:1"))
		td2 := register(t, e, simpleTD("web", "img:2"))
		createSvc(t, e, "web", td1, 10, svcOpts{min: 50, max: 200})
		w := ecs.NewServicesStableWaiter(e)
		in := &ecs.DescribeServicesInput{Services: []string{"web"}}
		if err := w.Wait(context.Background(), in, 10*time.Minute); err != nil {
			t.Fatal(err)
		}
		e.Advance(time.Minute) // let the first deployment complete
		update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
		start := e.Now()
		if err := w.Wait(context.Background(), in, 10*time.Minute); err != nil {
			t.Fatal(err)
		}
		s := svc(t, e, "web")
		if len(s.Deployments) != 1 || aws.ToString(s.Deployments[0].TaskDefinition) != td2 || s.RunningCount != 10 {
			t.Fatalf("after waiter: %d deployments on %s, %d running", len(s.Deployments), aws.ToString(s.TaskDefinition), s.RunningCount)
		}
		if d := e.Now().Sub(start); d < 50*time.Second {
			t.Fatalf("waiter returned after %v of virtual time; a rollout takes at least 50 s", d)
		}
	})
}

// A circuit-breaker failure is detected and rolled back: the waiter returns
// once the rollback deployment is steady, on the old task definition.
func TestServicesStableWaiterAfterCircuitBreakerRollback(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newCluster(t, 10, WithClock(RealTime(1)))
		td1 := register(t, e, simpleTD("web", "img:1"))
		td2 := register(t, e, simpleTD("web", "img:broken"))
		e.InjectFault(Fault{Image: "img:broken", Action: FaultFailStart})
		createSvc(t, e, "web", td1, 4, svcOpts{min: 100, max: 200, breaker: true, rollback: true})
		w := ecs.NewServicesStableWaiter(e)
		in := &ecs.DescribeServicesInput{Services: []string{"web"}}
		if err := w.Wait(context.Background(), in, 10*time.Minute); err != nil {
			t.Fatal(err)
		}
		e.Advance(time.Minute) // let the first deployment complete
		update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
		if err := w.Wait(context.Background(), in, 20*time.Minute); err != nil {
			t.Fatal(err)
		}
		s := svc(t, e, "web")
		p := primaryOf(t, s)
		if aws.ToString(p.TaskDefinition) != td1 || countEvents(s, "rolling back to deployment") != 1 ||
			p.RolloutState != types.DeploymentRolloutStateCompleted || s.RunningCount != 4 {
			t.Fatalf("after rollback: %s %s %q running %d", aws.ToString(p.TaskDefinition), p.RolloutState, aws.ToString(p.RolloutStateReason), s.RunningCount)
		}
		if countEvents(s, "deployment failed: tasks failed to start.") != 1 {
			t.Fatalf("events %q", eventTexts(s))
		}
	})
}

// The waiter fails at once for a DRAINING service.
func TestServicesStableWaiterFailsOnDraining(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newCluster(t, 2, WithClock(RealTime(1)))
		td := register(t, e, simpleTD("web", "img:1"))
		createSvc(t, e, "web", td, 2, svcOpts{min: 100, max: 200})
		e.DeleteService(bg, &ecs.DeleteServiceInput{Service: aws.String("web"), Force: aws.Bool(true)})
		err := ecs.NewServicesStableWaiter(e).Wait(context.Background(), &ecs.DescribeServicesInput{Services: []string{"web"}}, 10*time.Minute)
		if err == nil {
			t.Fatal("waiter succeeded on a DRAINING service")
		}
	})
}

// The SDK's ServicesInactiveWaiter returns once a deleted service's tasks
// have stopped and it turned INACTIVE.
func TestServicesInactiveWaiterAfterDelete(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newCluster(t, 2, WithClock(RealTime(1)))
		td := register(t, e, simpleTD("web", "img:1"))
		createSvc(t, e, "web", td, 2, svcOpts{min: 100, max: 200})
		e.Advance(time.Minute)
		if _, err := e.DeleteService(bg, &ecs.DeleteServiceInput{Service: aws.String("web"), Force: aws.Bool(true)}); err != nil {
			t.Fatal(err)
		}
		in := &ecs.DescribeServicesInput{Services: []string{"web"}}
		if err := ecs.NewServicesInactiveWaiter(e).Wait(context.Background(), in, 10*time.Minute); err != nil {
			t.Fatal(err)
		}
		if c := countSvcTasks(e, "web"); c.runningByTD[td] != 0 {
			t.Fatalf("INACTIVE with running tasks: %v", c.runningByTD)
		}
	})
}
