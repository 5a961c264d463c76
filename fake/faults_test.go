package fake

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestFaultFailStart(t *testing.T) {
	e := newCluster(t, 1)
	if err := e.InjectFault(Fault{Image: "web:bad", Action: FaultFailStart}); err != nil {
		t.Fatal(err)
	}
	bad := register(t, e, simpleTD("web", "web:bad"))
	good := register(t, e, simpleTD("ok", "web:good"))
	b := *run(t, e, &ecs.RunTaskInput{TaskDefinition: &bad}).Tasks[0].TaskArn
	g := *run(t, e, &ecs.RunTaskInput{TaskDefinition: &good}).Tasks[0].TaskArn
	e.Advance(time.Minute)
	tk := describe(t, e, b)
	wantReason := "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref web:bad: not found"
	if *tk.LastStatus != "STOPPED" || tk.StopCode != types.TaskStopCodeTaskFailedToStart || *tk.StoppedReason != wantReason {
		t.Fatalf("bad task: %s %s %q", *tk.LastStatus, tk.StopCode, aws.ToString(tk.StoppedReason))
	}
	if aws.ToString(tk.Containers[0].Reason) != wantReason || tk.StartedAt != nil {
		t.Fatalf("container reason %q startedAt %v", aws.ToString(tk.Containers[0].Reason), tk.StartedAt)
	}
	if got := statuses(e.TaskHistory(b)); !equal(got, []string{"PENDING", "STOPPING", "STOPPED"}) {
		t.Fatalf("history %v", got)
	}
	if *describe(t, e, g).LastStatus != "RUNNING" {
		t.Fatal("good image affected")
	}
}

func TestFaultExitEssentialContainer(t *testing.T) {
	e := newCluster(t, 1)
	e.InjectFault(Fault{Image: "job:*", Action: FaultExit, ExitCode: 3, After: 30 * time.Second})
	td := register(t, e, simpleTD("job", "job:1"))
	arn := *run(t, e, &ecs.RunTaskInput{TaskDefinition: &td}).Tasks[0].TaskArn
	e.Advance(10*time.Second + 29*time.Second)
	if s := *describe(t, e, arn).LastStatus; s != "RUNNING" {
		t.Fatalf("status before exit = %s", s)
	}
	e.Advance(time.Minute)
	tk := describe(t, e, arn)
	if *tk.LastStatus != "STOPPED" || tk.StopCode != types.TaskStopCodeEssentialContainerExited || *tk.StoppedReason != "Essential container in task exited" {
		t.Fatalf("task: %s %s %q", *tk.LastStatus, tk.StopCode, aws.ToString(tk.StoppedReason))
	}
	if c := tk.Containers[0]; c.ExitCode == nil || *c.ExitCode != 3 {
		t.Fatalf("exit code = %v", c.ExitCode)
	}
}

func TestFaultExitNonEssentialKeepsTaskRunning(t *testing.T) {
	e := newCluster(t, 1)
	e.InjectFault(Fault{Image: "sidecar", Action: FaultExit, ExitCode: 1, After: time.Second})
	side := containerDef("side", "sidecar", 64)
	side.Essential = aws.Bool(false)
	td := register(t, e, &ecs.RegisterTaskDefinitionInput{Family: aws.String("f"), ContainerDefinitions: []types.ContainerDefinition{containerDef("app", "app", 64), side}})
	arn := *run(t, e, &ecs.RunTaskInput{TaskDefinition: &td}).Tasks[0].TaskArn
	e.Advance(time.Minute)
	tk := describe(t, e, arn)
	if *tk.LastStatus != "RUNNING" || *tk.Containers[1].LastStatus != "STOPPED" || *tk.Containers[1].ExitCode != 1 {
		t.Fatalf("task %s, sidecar %s", *tk.LastStatus, *tk.Containers[1].LastStatus)
	}
}

func TestFaultUnhealthy(t *testing.T) {
	e := newCluster(t, 1)
	e.InjectFault(Fault{Image: "web", Action: FaultUnhealthy, After: 90 * time.Second})
	c := containerDef("app", "web", 64)
	c.HealthCheck = &types.HealthCheck{Command: []string{"CMD", "true"}, Interval: aws.Int32(30)}
	td := register(t, e, &ecs.RegisterTaskDefinitionInput{Family: aws.String("f"), ContainerDefinitions: []types.ContainerDefinition{c}})
	arn := *run(t, e, &ecs.RunTaskInput{TaskDefinition: &td}).Tasks[0].TaskArn
	e.Advance(10*time.Second + 30*time.Second)
	if h := describe(t, e, arn).HealthStatus; h != types.HealthStatusHealthy {
		t.Fatalf("health = %s, want HEALTHY before the fault", h)
	}
	e.Advance(60 * time.Second)
	tk := describe(t, e, arn)
	if tk.HealthStatus != types.HealthStatusUnhealthy || tk.Containers[0].HealthStatus != types.HealthStatusUnhealthy {
		t.Fatalf("health = %s, want UNHEALTHY", tk.HealthStatus)
	}
	h := e.TaskHistory(arn)
	if last := h[len(h)-1]; last.HealthStatus != "UNHEALTHY" || !strings.Contains(last.Reason, "health check") {
		t.Fatalf("history tail %+v", last)
	}
}

func TestFaultTimesAndPredicate(t *testing.T) {
	e := newCluster(t, 3)
	e.InjectFault(Fault{Match: func(ft FaultTarget) bool { return ft.Family == "a" }, Action: FaultFailStart, Reason: "boom", Times: 2})
	a := register(t, e, simpleTD("a", "img"))
	b := register(t, e, simpleTD("b", "img"))
	out := run(t, e, &ecs.RunTaskInput{TaskDefinition: &a, Count: aws.Int32(3)})
	other := run(t, e, &ecs.RunTaskInput{TaskDefinition: &b})
	e.Advance(time.Minute)
	failed := 0
	for _, tk := range out.Tasks {
		if got := describe(t, e, *tk.TaskArn); *got.LastStatus == "STOPPED" && *got.StoppedReason == "boom" {
			failed++
		}
	}
	if failed != 2 {
		t.Fatalf("failed = %d, want 2 (Times)", failed)
	}
	if *describe(t, e, *other.Tasks[0].TaskArn).LastStatus != "RUNNING" {
		t.Fatal("predicate matched family b")
	}
}

func TestFaultProbabilityIsSeeded(t *testing.T) {
	count := func() int {
		e := newCluster(t, 10, WithSeed(42))
		e.InjectFault(Fault{Action: FaultFailStart, Probability: 0.5})
		td := register(t, e, simpleTD("a", "img"))
		var arns []string
		for range 5 {
			for _, tk := range run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(10)}).Tasks {
				arns = append(arns, *tk.TaskArn)
			}
		}
		e.Advance(time.Minute)
		n := 0
		for _, a := range arns {
			if *describe(t, e, a).LastStatus == "STOPPED" {
				n++
			}
		}
		return n
	}
	n1, n2 := count(), count()
	if n1 != n2 || n1 < 10 || n1 > 40 {
		t.Fatalf("failed %d and %d of 50 tasks at p=0.5", n1, n2)
	}
}

func TestInjectFaultRejectsUnknownAction(t *testing.T) {
	if err := New().InjectFault(Fault{Action: "explode"}); err == nil || !strings.Contains(err.Error(), "action") {
		t.Fatalf("err = %v", err)
	}
}

func TestFailOperation(t *testing.T) {
	tests := []struct {
		code, wantCode, wantMsg string
	}{
		{"ThrottlingException", "ThrottlingException", "Rate exceeded"},
		{"ServerException", "ServerException", ""},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			e := newCluster(t, 1)
			td := register(t, e, simpleTD("a", "img"))
			e.FailOperation("RunTask", tc.code, 2, 0)
			for range 2 {
				_, err := e.RunTask(bg, &ecs.RunTaskInput{TaskDefinition: &td})
				apiErr(t, err, tc.wantCode, tc.wantMsg)
			}
			if n := len(e.Tasks("default")); n != 0 {
				t.Fatalf("failed calls started %d tasks", n)
			}
			if out := run(t, e, &ecs.RunTaskInput{TaskDefinition: &td}); len(out.Tasks) != 1 {
				t.Fatal("third call should succeed")
			}
			if e.CallCount("RunTask") != 3 || e.CallCounts()["RegisterTaskDefinition"] != 1 {
				t.Fatalf("counts = %v", e.CallCounts())
			}
		})
	}
}

func TestFailOperationProbability(t *testing.T) {
	e := newCluster(t, 0, WithSeed(3))
	e.FailOperation("*", "ThrottlingException", 0, 0.3)
	fails := 0
	for range 200 {
		if _, err := e.ListClusters(bg, nil); err != nil {
			fails++
		}
	}
	if fails < 30 || fails > 90 {
		t.Fatalf("%d of 200 calls failed at p=0.3", fails)
	}
	e.ClearFaults()
	if _, err := e.ListClusters(bg, nil); err != nil {
		t.Fatal(err)
	}
}

func TestCallsRecorded(t *testing.T) {
	e := New()
	in := &ecs.CreateClusterInput{ClusterName: aws.String("x")}
	e.CreateCluster(bg, in)
	calls := e.Calls()
	if len(calls) != 1 || calls[0].Op != "CreateCluster" || string(calls[0].Request) != `{"clusterName":"x"}` {
		t.Fatalf("calls = %+v", calls)
	}
}

func TestLoseInstance(t *testing.T) {
	e := newCluster(t, 2)
	td := register(t, e, simpleTD("a", "img"))
	out := run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(4), PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeSpread, Field: aws.String("instanceId")}}})
	e.Advance(time.Minute)
	lost := *out.Tasks[0].ContainerInstanceArn
	if err := e.LoseInstance(lost); err != nil {
		t.Fatal(err)
	}
	running, stopped := 0, 0
	for _, tk := range e.Tasks("default") {
		if *tk.ContainerInstanceArn == lost {
			if *tk.LastStatus != "STOPPED" || tk.StopCode != types.TaskStopCodeInfrastructureHealth || !strings.Contains(*tk.StoppedReason, "terminated") {
				t.Fatalf("task on lost instance: %s %s", *tk.LastStatus, tk.StopCode)
			}
			stopped++
		} else if *tk.LastStatus == "RUNNING" {
			running++
		}
	}
	if stopped != 2 || running != 2 {
		t.Fatalf("stopped %d running %d", stopped, running)
	}
	ci, _ := e.DescribeContainerInstances(bg, &ecs.DescribeContainerInstancesInput{ContainerInstances: []string{lost}})
	if ci.ContainerInstances[0].AgentConnected || *ci.ContainerInstances[0].Status != "INACTIVE" {
		t.Fatal("lost instance still connected")
	}
	// New tasks avoid the lost instance.
	for _, tk := range run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(4)}).Tasks {
		if *tk.ContainerInstanceArn == lost {
			t.Fatal("placed on a lost instance")
		}
	}
}

func TestFaultJSON(t *testing.T) {
	var f Fault
	if err := json.Unmarshal([]byte(`{"image":"web:bad","action":"exit","exitCode":2,"after":"1m30s","times":1}`), &f); err != nil {
		t.Fatal(err)
	}
	if f.Image != "web:bad" || f.Action != FaultExit || f.ExitCode != 2 || f.After != 90*time.Second || f.Times != 1 {
		t.Fatalf("decoded %+v", f)
	}
	b, _ := json.Marshal(f)
	if !strings.Contains(string(b), `"after":"1m30s"`) {
		t.Fatalf("encoded %s", b)
	}
	if err := json.Unmarshal([]byte(`{"action":"exit","after":5}`), &f); err != nil || f.After != 5*time.Second {
		t.Fatalf("seconds form: %v %v", f.After, err)
	}
	if err := json.Unmarshal([]byte(`{"action":"exit","after":"soon"}`), &f); err == nil {
		t.Fatal("bad duration accepted")
	}
}

func TestFaultUnhealthyNeedsHealthCheck(t *testing.T) {
	e := newCluster(t, 1)
	e.InjectFault(Fault{Action: FaultUnhealthy, After: time.Second})
	td := register(t, e, simpleTD("a", "img")) // no health check
	arn := *run(t, e, &ecs.RunTaskInput{TaskDefinition: &td}).Tasks[0].TaskArn
	e.Advance(time.Minute)
	if h := describe(t, e, arn).HealthStatus; h != types.HealthStatusUnknown {
		t.Fatalf("health = %s, want UNKNOWN without a health check", h)
	}
}
