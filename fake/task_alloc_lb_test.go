package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// TestLoadBalancedTaskStorageReused crash-loops a service behind a target
// group and checks, every virtual minute, that no reused task storage is
// still referred to (by a target above all), that a forgotten task's
// storage is reused once its targets are removed, and that the group
// keeps describing exactly its live targets.
func TestLoadBalancedTaskStorageReused(t *testing.T) {
	e := newCluster(t, 0)
	x := e.ELBv2()
	s := newALB(t, x, elbtypes.TargetTypeEnumIp)
	if _, err := x.ModifyTargetGroupAttributes(bg, &elbv2.ModifyTargetGroupAttributesInput{TargetGroupArn: aws.String(s.tg),
		Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String("5")}}}); err != nil {
		t.Fatal(err)
	}
	td := register(t, e, webFargateTD("web:1"))
	if err := e.InjectFault(Fault{Family: "web", Action: FaultExit, ExitCode: 1, After: 30 * time.Second}); err != nil {
		t.Fatal(err)
	}
	lbService(t, e, td, 10, s.tg, svcOpts{min: 100, max: 200})
	for minute := range 150 {
		e.Advance(time.Minute)
		if bad := freedTasksReachable(e); len(bad) > 0 {
			t.Fatalf("minute %d: reused task storage still referred to by %v", minute, bad[:min(len(bad), 5)])
		}
		if n := len(health(t, x, s.tg)); n > 10 {
			t.Fatalf("minute %d: %d targets described, want at most the service's 10", minute, n)
		}
	}
	e.mu.Lock()
	reused := e.taskFree.reused
	e.mu.Unlock()
	t.Logf("%d task storages reused", reused)
	if reused < 100 {
		t.Fatalf("%d task storages reused, want the forgotten load-balanced tasks' reused", reused)
	}
}
