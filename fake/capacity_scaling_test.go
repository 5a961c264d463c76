package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// scalingCluster returns a fake with cluster "default" (no instances) and
// an empty group "asg" (instances of 2048 CPU / 4096 MiB, joining 90 s
// after launch, max 10) behind provider "cp" with managed scaling on.
func scalingCluster(t testing.TB) *ECS {
	t.Helper()
	e := New(WithTiming(fastTiming))
	if _, err := e.CreateCluster(bg, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	arn, err := e.DeclareAutoScalingGroup(AutoScalingGroupSpec{Name: "asg", MaxSize: 10, Instance: InstanceSpec{CPU: 2048, Memory: 4096}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.CreateCapacityProvider(bg, &ecs.CreateCapacityProviderInput{Name: aws.String("cp"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{
		AutoScalingGroupArn: aws.String(arn), ManagedScaling: &types.ManagedScaling{Status: types.ManagedScalingStatusEnabled, TargetCapacity: aws.Int32(100)},
		ManagedTerminationProtection: types.ManagedTerminationProtectionEnabled}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.PutClusterCapacityProviders(bg, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("default"), CapacityProviders: []string{"cp"},
		DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{cpItem("cp", 0, 1)}}); err != nil {
		t.Fatal(err)
	}
	return e
}

// bigTD needs 1024 CPU: two fit on a group instance.
func bigTD(family string) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{Family: aws.String(family),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx"), Memory: aws.Int32(512), Cpu: 1024,
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}}}}}
}

// TestManagedScalingTasksWaitInProvisioningThenScaleOutAndIn: with managed
// scaling on and no instances, a service's tasks wait in PROVISIONING (no
// placement failure, no failed tasks); one metric period later the group
// gets ceil(M x 100 / targetCapacity) instances (4 tasks of 1024 CPU on
// 2048-CPU instances: 2), which register after their warm-up and take the
// waiting tasks; scaled to 0, the idle instances are terminated 15 minutes
// after the metric fell below the target (Developer Guide, "Amazon ECS
// cluster auto scaling").
func TestManagedScalingTasksWaitInProvisioningThenScaleOutAndIn(t *testing.T) {
	e := scalingCluster(t)
	td := register(t, e, bigTD("web"))
	if _, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(4),
		DeploymentConfiguration: &types.DeploymentConfiguration{DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}}}); err != nil {
		t.Fatal(err)
	}
	e.Advance(30 * time.Second)
	s := svc(t, e, "web")
	if s.PendingCount != 4 || s.Deployments[0].FailedTasks != 0 || countEvents(s, "unable to place") != 0 {
		t.Fatalf("pending %d failed %d events %q, want 4 tasks waiting and no failure", s.PendingCount, s.Deployments[0].FailedTasks, eventTexts(s))
	}
	for _, tk := range e.Tasks("default") {
		if aws.ToString(tk.LastStatus) != "PROVISIONING" || tk.ContainerInstanceArn != nil || aws.ToString(tk.CapacityProviderName) != "cp" {
			t.Fatalf("waiting task: %s on %v provider %q", aws.ToString(tk.LastStatus), tk.ContainerInstanceArn, aws.ToString(tk.CapacityProviderName))
		}
	}
	e.Advance(31 * time.Second) // the first metric period ends: scale out
	if active, launching, _ := e.GroupInstances("asg"); len(active) != 0 || launching != 2 {
		t.Fatalf("after the first evaluation: %d active, %d launching, want 0 and 2", len(active), launching)
	}
	stepUntil(t, e, 5*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
	if active, launching, _ := e.GroupInstances("asg"); len(active) != 2 || launching != 0 {
		t.Fatalf("steady: %d active, %d launching, want 2 and 0", len(active), launching)
	}
	if s := svc(t, e, "web"); s.Deployments[0].FailedTasks != 0 {
		t.Fatalf("failedTasks %d while scaling out", s.Deployments[0].FailedTasks)
	}
	// Scale in: desired 1 keeps one instance busy; the other is idle.
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(1)})
	e.Advance(10 * time.Minute)
	if active, _, _ := e.GroupInstances("asg"); len(active) != 2 {
		t.Fatalf("scaled in before 15 minutes: %d active", len(active))
	}
	e.Advance(10 * time.Minute)
	active, _, _ := e.GroupInstances("asg")
	if len(active) != 1 {
		t.Fatalf("after the scale-in window: %d active, want 1 (the busy one kept)", len(active))
	}
	for _, tk := range e.Tasks("default") {
		if aws.ToString(tk.LastStatus) == "RUNNING" && aws.ToString(tk.ContainerInstanceArn) != active[0] {
			t.Fatalf("running task on a terminated instance")
		}
	}
}

// TestManagedScalingWaitingTaskStopsStraightAway: a task waiting for
// capacity that is stopped never had an instance: it is STOPPED at once.
func TestManagedScalingWaitingTaskStopsStraightAway(t *testing.T) {
	e := scalingCluster(t)
	td := register(t, e, bigTD("job"))
	out := run(t, e, &ecs.RunTaskInput{TaskDefinition: aws.String(td)})
	if len(out.Tasks) != 1 || aws.ToString(out.Tasks[0].LastStatus) != "PROVISIONING" || len(out.Failures) != 0 {
		t.Fatalf("RunTask: %d tasks %v failures", len(out.Tasks), reasons(out.Failures))
	}
	if _, err := e.StopTask(bg, &ecs.StopTaskInput{Task: out.Tasks[0].TaskArn, Reason: aws.String("no longer needed")}); err != nil {
		t.Fatal(err)
	}
	if tk := describe(t, e, aws.ToString(out.Tasks[0].TaskArn)); aws.ToString(tk.LastStatus) != "STOPPED" {
		t.Fatalf("stopped waiting task is %s", aws.ToString(tk.LastStatus))
	}
	e.Advance(5 * time.Minute)
	if active, launching, _ := e.GroupInstances("asg"); len(active)+launching != 0 {
		t.Fatalf("scaled out for a stopped task: %d active %d launching", len(active), launching)
	}
}
