package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/ecsdeploy/ecsdeploy/internal/awsjson"
)

// lbDump renders target health and the service as JSON, for comparing
// two worlds.
func lbDump(t *testing.T, e *ECS, tg string) string {
	t.Helper()
	h, err := e.ELBv2().DescribeTargetHealth(bg, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(tg)})
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.DescribeServices(bg, &ecs.DescribeServicesInput{Services: []string{"web"}})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := awsjson.Marshal(h)
	b, _ := awsjson.Marshal(s)
	return string(a) + "\n" + string(b)
}

// The snapshot has an ELBv2 section: load balancers, target groups,
// targets and their health (with a flapping health fault) are restored
// and continue exactly as in the original world.
func TestSnapshotKeepsLoadBalancers(t *testing.T) {
	a := New(WithSnapshots(), WithSeed(3))
	if _, err := a.CreateCluster(bg, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	s := newALB(t, a.ELBv2(), elbtypes.TargetTypeEnumIp)
	td := register(t, a, webFargateTD("web:1"))
	if err := a.ELBv2().InjectHealthFault(TargetHealthFault{Family: "web", Flap: 40 * time.Second, Times: 2}); err != nil {
		t.Fatal(err)
	}
	lbService(t, a, td, 4, s.tg, svcOpts{min: 50, max: 200})
	a.Advance(2 * time.Minute)
	td2 := register(t, a, webFargateTD("web:2"))
	if _, err := a.UpdateService(bg, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: &td2}); err != nil {
		t.Fatal(err)
	}
	a.Advance(30 * time.Second)
	b := restoredCopy(t, a)
	for step := range 20 {
		for _, e := range []*ECS{a, b} {
			e.Advance(20 * time.Second)
		}
		if da, db := lbDump(t, a, s.tg), lbDump(t, b, s.tg); da != db {
			t.Fatalf("step %d: diverged:\noriginal %s\nrestored %s", step, da, db)
		}
	}
}

// Orphaned service tasks leave their target groups and drain (API
// Reference, DeregisterContainerInstance, force: "Any containers in
// orphaned service tasks that are registered with ... an Application Load
// Balancer target group are deregistered. They begin connection
// draining").
func TestOrphanedTasksLeaveTheirTargetGroups(t *testing.T) {
	e := clusterT(t, 2)
	s := newALB(t, e.ELBv2(), elbtypes.TargetTypeEnumIp)
	in := webFargateTD("web:1")
	in.RequiresCompatibilities = nil
	in.ContainerDefinitions[0].Memory = aws.Int32(128)
	td := register(t, e, in)
	if _, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: &td, DesiredCount: aws.Int32(4),
		LaunchType: types.LaunchTypeEc2, NetworkConfiguration: netCfg,
		PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeSpread, Field: aws.String("instanceId")}},
		LoadBalancers:     []types.LoadBalancer{{TargetGroupArn: aws.String(s.tg), ContainerName: aws.String("web"), ContainerPort: aws.Int32(80)}}}); err != nil {
		t.Fatal(err)
	}
	e.Advance(5 * time.Minute)
	if got := states(health(t, e.ELBv2(), s.tg)); got[elbtypes.TargetHealthStateEnumHealthy] != 4 {
		t.Fatalf("before: %v, want 4 healthy", got)
	}
	inst := e.clusters["default"].instances[0]
	if _, err := e.DeregisterContainerInstance(bg, &ecs.DeregisterContainerInstanceInput{ContainerInstance: &inst.arn, Force: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	got := states(health(t, e.ELBv2(), s.tg))
	if got[elbtypes.TargetHealthStateEnumDraining] != 2 {
		t.Errorf("right after force-deregistering: %v, want the 2 orphans' targets draining", got)
	}
	e.Advance(10 * time.Minute)
	got = states(health(t, e.ELBv2(), s.tg))
	if got[elbtypes.TargetHealthStateEnumHealthy] != 4 || got[elbtypes.TargetHealthStateEnumDraining] != 0 {
		t.Errorf("10 min later: %v, want 4 healthy replacements and the orphans gone", got)
	}
}
