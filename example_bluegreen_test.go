package ecsdeploy_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// A blue/green deploy on the fake: the service (2 tasks behind two target
// groups and an ALB's production and test listener rules) deploys with
// the BLUE_GREEN strategy and a 5-minute bake. Deploy returns once the
// new revision took production, the bake passed and the old revision was
// cleaned up; the lifecycle stages are reported as StageEvents.
func Example_blueGreenDeploy() {
	ctx := context.Background()
	e := fake.New()
	_, _ = e.CreateCluster(ctx, nil)
	alb, err := makeBlueGreenALB(e.ELBv2())
	if err != nil {
		panic(err)
	}
	d := ecsdeploy.New(e, ecsdeploy.WithClock(e), ecsdeploy.WithEvents(func(ev ecsdeploy.Event) {
		if s, ok := ev.(*ecsdeploy.StageEvent); ok {
			fmt.Println("stage", s.Stage, s.Status)
		}
	}))
	td := webTD("nginx:1")
	in, err := ecsdeploy.NewService("web").ForTaskDefinition(td).DesiredCount(2).Fargate().
		Network([]string{"subnet-0123456789abcdef0"}, nil, false).
		BlueGreenLoadBalancer(alb.blue, "app", 80, ecsdeploy.BlueGreenRouting{
			AlternateTargetGroupArn: alb.green, ProductionListenerRule: alb.prod, TestListenerRule: alb.test,
			RoleArn: "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers"}).
		BlueGreen(5).Build()
	if err != nil {
		panic(err)
	}
	if _, err := d.Register(ctx, td); err != nil {
		panic(err)
	}
	if _, err := d.CreateService(ctx, in); err != nil { // the first deployment is a blue/green one too (Deploy waits for it)
		panic(err)
	}
	start := e.Now()
	res, err := d.Deploy(ctx, ecsdeploy.DeployInput{Service: "web", Image: "nginx:2"})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Status.Deployment.RolloutState, "after", e.Now().Sub(start).Truncate(time.Minute))
	// Output:
	// stage SCALE_UP IN_PROGRESS
	// stage BAKE_TIME IN_PROGRESS
	// stage CLEAN_UP SUCCESSFUL
	// stage SCALE_UP IN_PROGRESS
	// stage BAKE_TIME IN_PROGRESS
	// stage CLEAN_UP IN_PROGRESS
	// stage CLEAN_UP SUCCESSFUL
	// COMPLETED after 13m0s
}
