package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestGroupReplacesLostInstance: an instance of an Auto Scaling group that
// is lost (terminated) is replaced to keep the group's desired capacity,
// with managed scaling off and nothing waiting (EC2 Auto Scaling replaces
// terminated instances); the replacement registers JoinAfter later.
func TestGroupReplacesLostInstance(t *testing.T) {
	e := New(WithTiming(fastTiming))
	if _, err := e.CreateCluster(bg, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DeclareAutoScalingGroup(AutoScalingGroupSpec{Name: "asg", DesiredCapacity: 3, JoinAfter: time.Minute}); err != nil {
		t.Fatal(err)
	}
	active, _, _ := e.GroupInstances("asg")
	if err := e.LoseInstance(active[1]); err != nil {
		t.Fatal(err)
	}
	after, launching, _ := e.GroupInstances("asg")
	if len(after) != 2 || launching != 1 {
		t.Fatalf("after the loss: %d active, %d launching, want 2 and 1", len(after), launching)
	}
	e.Advance(61 * time.Second)
	after, launching, _ = e.GroupInstances("asg")
	if len(after) != 3 || launching != 0 {
		t.Fatalf("after JoinAfter: %d active, %d launching, want 3 and 0", len(after), launching)
	}
	for _, a := range after {
		if a == active[1] {
			t.Fatalf("lost instance %s still listed in the group", a)
		}
	}
}

// TestManagedScalingReplacementTakesWaitingTasks: with managed scaling,
// tasks of a lost group instance are replaced by the service; they wait
// in PROVISIONING until the group's replacement instance joins and then
// run on it.
func TestManagedScalingReplacementTakesWaitingTasks(t *testing.T) {
	e := scalingCluster(t)
	td := register(t, e, bigTD("web"))
	if _, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(4)}); err != nil {
		t.Fatal(err)
	}
	stepUntil(t, e, 5*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
	active, _, _ := e.GroupInstances("asg")
	if len(active) != 2 {
		t.Fatalf("%d instances, want 2", len(active))
	}
	if err := e.LoseInstance(active[0]); err != nil {
		t.Fatal(err)
	}
	e.Advance(10 * time.Second)
	waiting := lastStatusCounts(e)["PROVISIONING"]
	if _, launching, _ := e.GroupInstances("asg"); waiting != 2 || launching != 1 {
		t.Fatalf("%d tasks waiting, %d instances launching; want 2 and 1 (the replacement)", waiting, launching)
	}
	stepUntil(t, e, 5*time.Second, 10*time.Minute, nil, func() bool { return svc(t, e, "web").RunningCount == 4 })
	if now, launching, _ := e.GroupInstances("asg"); len(now) != 2 || launching != 0 {
		t.Fatalf("after replacement: %d active, %d launching, want 2 and 0", len(now), launching)
	}
}

// TestManagedScalingWaitsForWarmupAndStopsAtMaxSize: a second scale-out
// waits until the instances launched by the first have passed
// instanceWarmupPeriod, and the group never grows past its maximum size:
// tasks beyond it stay in PROVISIONING (Developer Guide, "Amazon ECS
// cluster auto scaling").
func TestManagedScalingWaitsForWarmupAndStopsAtMaxSize(t *testing.T) {
	e := scalingCluster(t) // max 10 instances of two 1024-CPU tasks each
	td := register(t, e, bigTD("web"))
	if _, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	e.Advance(61 * time.Second) // first scale-out: 1 instance
	if _, launching, _ := e.GroupInstances("asg"); launching != 1 {
		t.Fatalf("first scale-out launched %d, want 1", launching)
	}
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(30)})
	e.Advance(3 * time.Minute) // well within the 300 s warm-up of the first launch
	if active, launching, _ := e.GroupInstances("asg"); len(active)+launching != 1 {
		t.Fatalf("scaled out during the warm-up: %d active, %d launching", len(active), launching)
	}
	e.Advance(3 * time.Minute) // past the warm-up: up to the maximum size
	if active, launching, _ := e.GroupInstances("asg"); len(active)+launching != 10 {
		t.Fatalf("after the warm-up: %d active + %d launching, want the maximum size 10", len(active), launching)
	}
	e.Advance(30 * time.Minute)
	counts := lastStatusCounts(e)
	running, waiting := counts["RUNNING"], counts["PROVISIONING"]
	if active, _, _ := e.GroupInstances("asg"); len(active) != 10 || running != 20 || waiting != 10 {
		t.Fatalf("at the maximum size: %d instances, %d running, %d waiting; want 10, 20, 10", len(active), running, waiting)
	}
	if s := svc(t, e, "web"); s.Deployments[0].RolloutState != types.DeploymentRolloutStateInProgress {
		t.Fatalf("rollout %s while tasks wait for capacity", s.Deployments[0].RolloutState)
	}
}

// TestWaitingTasksTakeFreedRoomAtMaxSize: with the group at its maximum
// size, tasks waiting in PROVISIONING take the room other tasks free when
// they stop (ECS places provisioning tasks once capacity is there; managed
// scaling evaluates every minute while tasks wait), without any new
// instance.
func TestWaitingTasksTakeFreedRoomAtMaxSize(t *testing.T) {
	e := scalingCluster(t) // max 10 instances of two 1024-CPU tasks each
	td := register(t, e, bigTD("web"))
	if _, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(20)}); err != nil {
		t.Fatal(err)
	}
	stepUntil(t, e, 10*time.Second, 30*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
	if _, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("jobs"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	e.Advance(5 * time.Minute)
	if s := svc(t, e, "jobs"); s.RunningCount != 0 || s.PendingCount != 2 {
		t.Fatalf("jobs at max size: running %d pending %d, want 0 and 2 waiting", s.RunningCount, s.PendingCount)
	}
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(18)})
	stepUntil(t, e, 10*time.Second, 5*time.Minute, nil, func() bool { return svc(t, e, "jobs").RunningCount == 2 })
	if active, launching, _ := e.GroupInstances("asg"); len(active) != 10 || launching != 0 {
		t.Fatalf("%d active, %d launching, want the 10 there were", len(active), launching)
	}
}

// lastStatusCounts counts the tasks of cluster "default" the fake
// remembers by lastStatus.
func lastStatusCounts(e *ECS) map[string]int {
	n := map[string]int{}
	for _, tk := range e.Tasks("default") {
		n[aws.ToString(tk.LastStatus)]++
	}
	return n
}
