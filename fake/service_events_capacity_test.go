package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestEmptyCapacityProviderEvent: a service on an Auto Scaling group
// provider whose group has no instance (managed scaling off) gets ECS's
// "unable to place a task" event with the capacity provider's reason, not
// the cluster's; once the group has instances the tasks run.
func TestEmptyCapacityProviderEvent(t *testing.T) {
	e := asgCluster(t, 0) // groups without instances, providers without managed scaling
	td := register(t, e, simpleTD("web", "nginx"))
	if _, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td),
		DesiredCount: aws.Int32(2), CapacityProviderStrategy: []types.CapacityProviderStrategyItem{cpItem("cp-a", 0, 1)}}); err != nil {
		t.Fatal(err)
	}
	e.Advance(10 * time.Second)
	want := "(service web) was unable to place a task because no container instance met all of its requirements. Reason: No Container Instances were found in your capacity provider."
	s := svc(t, e, "web")
	if countEvents(s, want) != 1 || countEvents(s, "in your cluster") != 0 {
		t.Fatalf("events %q, want exactly one %q", eventTexts(s), want)
	}
	// The cluster has an instance outside the group: still none for the
	// provider's tasks, and still the provider's reason.
	if s.RunningCount != 0 || s.PendingCount != 0 {
		t.Fatalf("running %d pending %d, want none placed outside the group", s.RunningCount, s.PendingCount)
	}
}

// TestCapacityProviderEventOnlyWhenTheGroupIsEmpty: a group that has
// instances but no room gives the usual closest-instance reason.
func TestCapacityProviderEventOnlyWhenTheGroupIsEmpty(t *testing.T) {
	e := asgCluster(t, 1)
	td := register(t, e, bigTD("web")) // 1024 CPU: two fit on an instance of the group
	if _, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td),
		DesiredCount: aws.Int32(3), CapacityProviderStrategy: []types.CapacityProviderStrategyItem{cpItem("cp-a", 0, 1)}}); err != nil {
		t.Fatal(err)
	}
	e.Advance(10 * time.Second)
	s := svc(t, e, "web")
	if countEvents(s, "capacity provider") != 0 || countEvents(s, "insufficient CPU units") != 1 {
		t.Fatalf("events %q, want the closest instance's CPU reason", eventTexts(s))
	}
}
