package fake

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// quotaScalingCluster is scalingCluster with ContainerInstancesPerCluster
// set to quota and two instances outside the group (returned) filling two
// of its places.
func quotaScalingCluster(t *testing.T, quota int) (*ECS, []string) {
	t.Helper()
	e := New(WithTiming(fastTiming), WithQuotas(Quotas{ContainerInstancesPerCluster: quota}))
	if _, err := e.CreateCluster(bg, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	var others []string
	for range 2 {
		arn, err := e.AddInstance("default", InstanceSpec{CPU: 256, Memory: 256})
		if err != nil {
			t.Fatal(err)
		}
		others = append(others, arn)
	}
	arn, err := e.DeclareAutoScalingGroup(AutoScalingGroupSpec{Name: "asg", MaxSize: 10, Instance: InstanceSpec{CPU: 2048, Memory: 4096}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.CreateCapacityProvider(bg, &ecs.CreateCapacityProviderInput{Name: aws.String("cp"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{
		AutoScalingGroupArn: aws.String(arn), ManagedScaling: &types.ManagedScaling{Status: types.ManagedScalingStatusEnabled, TargetCapacity: aws.Int32(100)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.PutClusterCapacityProviders(bg, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("default"), CapacityProviders: []string{"cp"},
		DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{cpItem("cp", 0, 1)}}); err != nil {
		t.Fatal(err)
	}
	return e, others
}

// registeredCount counts the cluster's container instances that are not
// INACTIVE, as the quota does.
func registeredCount(t *testing.T, e *ECS) int {
	t.Helper()
	out, err := e.ListContainerInstances(bg, &ecs.ListContainerInstancesInput{MaxResults: aws.Int32(100)})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.ContainerInstanceArns)
}

// TestGroupInstancesRegisterWithinInstanceQuota: the instances a capacity
// provider's managed scaling launches register through the cluster's
// ContainerInstancesPerCluster quota like any other. With a quota of 3 and
// two instances already registered, a scale-out of 2 registers one; the
// other runs in the group unregistered (its agent refused with
// LimitExceededException), takes no task, is not replaced, and the group
// does not grow past its desired capacity while tasks wait; once an
// instance is deregistered it registers at the agent's next retry and
// the waiting tasks run.
func TestGroupInstancesRegisterWithinInstanceQuota(t *testing.T) {
	e, others := quotaScalingCluster(t, 3)
	td := register(t, e, bigTD("web"))
	if _, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(4)}); err != nil {
		t.Fatal(err)
	}
	e.Advance(61 * time.Second) // the first evaluation: 2 instances launched
	if st, _ := e.DescribeGroup("asg"); st.Launching != 2 {
		t.Fatalf("after the first evaluation: %+v, want 2 launching", st)
	}
	e.Advance(fastTiming.Provisioning + 90*time.Second) // they try to register
	st, err := e.DescribeGroup("asg")
	if err != nil {
		t.Fatal(err)
	}
	if len(st.ContainerInstanceArns) != 1 || st.Unregistered != 1 || st.Launching != 0 ||
		!strings.Contains(st.RegistrationError, "Container instances per cluster is 3") {
		t.Fatalf("after joining: %+v, want 1 registered and 1 refused with the quota's error", st)
	}
	if n := registeredCount(t, e); n != 3 {
		t.Fatalf("%d container instances in the cluster, want the quota's 3", n)
	}
	// Hours later nothing has grown: two tasks still wait, the refused
	// instance is neither replaced nor joined by more.
	e.Advance(6 * time.Hour)
	st, _ = e.DescribeGroup("asg")
	if n := registeredCount(t, e); n != 3 || st.Unregistered != 1 || st.DesiredCapacity != 2 || st.Launching != 0 {
		t.Fatalf("6 hours later: %d registered, group %+v, want 3 registered, desired 2 with 1 unregistered", n, st)
	}
	if s := svc(t, e, "web"); s.RunningCount != 2 || s.PendingCount != 2 {
		t.Fatalf("running %d pending %d, want 2 and 2 (two waiting for the refused instance)", s.RunningCount, s.PendingCount)
	}
	// Room frees: the refused agent registers at its next retry (at most
	// 192 s later) and the waiting tasks run on it.
	if _, err := e.DeregisterContainerInstance(bg, &ecs.DeregisterContainerInstanceInput{ContainerInstance: aws.String(others[0])}); err != nil {
		t.Fatal(err)
	}
	stepUntil(t, e, 5*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
	st, _ = e.DescribeGroup("asg")
	if len(st.ContainerInstanceArns) != 2 || st.Unregistered != 0 || st.RegistrationError != "" {
		t.Fatalf("after room freed: %+v, want 2 registered and none refused", st)
	}
	if n := registeredCount(t, e); n != 3 {
		t.Fatalf("%d container instances, want 3", n)
	}
}

// TestGroupRetriesOnTheAgentBackoff: a refused group instance's agent
// retries 3 s, 6 s, 12 s ... after, up to every 192 s (the ECS agent's
// RegisterContainerInstance backoff), one event per group: a day of
// refusals costs a bounded number of events, not one per tick or per
// instance.
func TestGroupRetriesOnTheAgentBackoff(t *testing.T) {
	e := New(WithTiming(fastTiming), WithQuotas(Quotas{ContainerInstancesPerCluster: 1}))
	if _, err := e.CreateCluster(bg, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DeclareAutoScalingGroup(AutoScalingGroupSpec{Name: "asg", DesiredCapacity: 1, MaxSize: 10, JoinAfter: time.Minute}); err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	g := e.asgs["asg"]
	g.desired = 5 // as a scale-out would
	e.fillGroupLocked(g, e.simNow)
	e.mu.Unlock()
	e.Advance(time.Minute)
	st, _ := e.DescribeGroup("asg")
	if len(st.ContainerInstanceArns) != 1 || st.Unregistered != 4 {
		t.Fatalf("after joining: %+v, want 1 registered and 4 refused", st)
	}
	e.mu.Lock()
	seq := e.seq
	e.mu.Unlock()
	e.Advance(24 * time.Hour)
	e.mu.Lock()
	events := e.seq - seq
	wait := g.retryWait
	e.mu.Unlock()
	// 3+6+...+96 s, then every 192 s: about 450 retries in a day.
	if events > 24*3600/192+10 || wait != registerRetryMax {
		t.Fatalf("a day of refusals: %d events, backoff %s; want at most %d and %s", events, wait, 24*3600/192+10, registerRetryMax)
	}
	if st, _ := e.DescribeGroup("asg"); st.Unregistered != 4 || registeredCount(t, e) != 1 {
		t.Fatalf("after a day: %+v, %d registered", st, registeredCount(t, e))
	}
}

// TestDeclareGroupRefusedPastInstanceQuotaChangesNothing: a group whose
// desired capacity does not fit the cluster's quota is refused whole with
// LimitExceededException, and neither the state nor the random source
// changes.
func TestDeclareGroupRefusedPastInstanceQuotaChangesNothing(t *testing.T) {
	e := New(WithQuotas(Quotas{ContainerInstancesPerCluster: 3}))
	if _, err := e.CreateCluster(bg, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.AddInstance("default", InstanceSpec{}); err != nil {
		t.Fatal(err)
	}
	before := ControlStateForTest(e)
	_, err := e.DeclareAutoScalingGroup(AutoScalingGroupSpec{Name: "asg", DesiredCapacity: 3})
	var limit *types.LimitExceededException
	if !errors.As(err, &limit) {
		t.Fatalf("group of 3 with 1 of 3 used: %v, want LimitExceededException", err)
	}
	if after := ControlStateForTest(e); after != before {
		t.Fatalf("a refused group changed the state:\n%s\nwant\n%s", after, before)
	}
	if _, err := e.DeclareAutoScalingGroup(AutoScalingGroupSpec{Name: "asg", DesiredCapacity: 2}); err != nil {
		t.Fatalf("group of 2 with 1 of 3 used: %v", err)
	}
}

// TestGroupScaleInTerminatesRefusedInstancesFirst: when the tasks that
// wanted them are gone, managed scaling's scale-in terminates the
// group's instances whose agent was refused before the registered ones
// (they hold nothing), and their retries stop.
func TestGroupScaleInTerminatesRefusedInstancesFirst(t *testing.T) {
	e, _ := quotaScalingCluster(t, 3)
	td := register(t, e, bigTD("web"))
	if _, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(4)}); err != nil {
		t.Fatal(err)
	}
	e.Advance(5 * time.Minute)
	if st, _ := e.DescribeGroup("asg"); len(st.ContainerInstanceArns) != 1 || st.Unregistered != 1 {
		t.Fatalf("group %+v, want 1 registered and 1 refused", st)
	}
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(0)})
	e.Advance(20 * time.Minute)
	st, _ := e.DescribeGroup("asg")
	if st.DesiredCapacity != 0 || st.Unregistered != 0 || len(st.ContainerInstanceArns) != 0 || st.RegistrationError != "" {
		t.Fatalf("after the scale-in window: %+v, want an empty group", st)
	}
	e.mu.Lock()
	seq := e.seq
	e.mu.Unlock()
	e.Advance(time.Hour)
	e.mu.Lock()
	later := e.seq
	e.mu.Unlock()
	if later-seq > 1 {
		t.Fatalf("retries go on after the refused instances were terminated: %d events in an hour", later-seq)
	}
}
