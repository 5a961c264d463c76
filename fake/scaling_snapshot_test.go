package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
)

// TestSnapshotKeepsScaling: a world with a scalable target, a
// target-tracking policy, its alarms and a load, saved mid-scale-out,
// restores to the same state and goes on scaling identically.
func TestSnapshotKeepsScaling(t *testing.T) {
	a := newCluster(t, 6, WithSnapshots())
	td := register(t, a, simpleTD("web", "nginx"))
	createSvc(t, a, "web", td, 2, svcOpts{min: 100, max: 200})
	a.Advance(2 * time.Minute)
	registerTarget(t, a, 2, 10)
	cpuTracking(t, a, 50, nil)
	if err := a.SetLoad("default", "web", Load{CPU: RampLoad(100, 400, a.Now(), 10*time.Minute)}); err != nil {
		t.Fatal(err)
	}
	a.Advance(5 * time.Minute)
	b := restoredCopy(t, a)
	for _, e := range []*ECS{a, b} {
		e.Advance(20 * time.Minute)
	}
	da, db := desiredOf(t, a), desiredOf(t, b)
	if da != 8 || db != da {
		t.Fatalf("desired after the ramp: saved %d, restored %d (want 8 both)", da, db)
	}
	for _, e := range []*ECS{a, b} {
		al, err := e.CloudWatch().DescribeAlarms(bg, &cloudwatch.DescribeAlarmsInput{})
		if err != nil || len(al.MetricAlarms) != 2 {
			t.Fatalf("alarms: %v %d", err, len(al.MetricAlarms))
		}
		acts, err := e.AutoScaling().DescribeScalingActivities(bg, &applicationautoscaling.DescribeScalingActivitiesInput{ServiceNamespace: "ecs", ResourceId: aws.String("service/default/web")})
		if err != nil || len(acts.ScalingActivities) == 0 {
			t.Fatalf("activities: %v %+v", err, acts)
		}
	}
}
