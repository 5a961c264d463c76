package fake

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func statuses(h []TaskStateChange) []string {
	var out []string
	for _, c := range h {
		if len(out) == 0 || out[len(out)-1] != c.LastStatus {
			out = append(out, c.LastStatus)
		}
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Each lifecycle transition in virtual time, EC2 bridge and Fargate awsvpc.
func TestTaskLifecycleTransitions(t *testing.T) {
	tests := []struct {
		name        string
		fargate     bool
		at          []time.Duration // offsets from launch to check
		want        []string
		wantHistory []string
		stoppedAt   time.Duration
	}{
		{
			name:        "EC2 bridge: PENDING -> ACTIVATING -> RUNNING -> DEACTIVATING -> STOPPING -> STOPPED",
			at:          []time.Duration{0, 8 * time.Second, 10 * time.Second},
			want:        []string{"PENDING", "ACTIVATING", "RUNNING"},
			wantHistory: []string{"PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING", "STOPPED"},
			stoppedAt:   7 * time.Second,
		},
		{
			name:        "Fargate awsvpc: PROVISIONING -> PENDING -> ACTIVATING -> RUNNING -> ... DEPROVISIONING -> STOPPED",
			fargate:     true,
			at:          []time.Duration{0, 10 * time.Second, 18 * time.Second, 20 * time.Second},
			want:        []string{"PROVISIONING", "PENDING", "ACTIVATING", "RUNNING"},
			wantHistory: []string{"PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"},
			stoppedAt:   17 * time.Second,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newCluster(t, 1)
			in := &ecs.RunTaskInput{TaskDefinition: aws.String(register(t, e, simpleTD("web", "nginx")))}
			if tc.fargate {
				in = &ecs.RunTaskInput{TaskDefinition: aws.String(register(t, e, fargateTD("web", "nginx"))), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: netCfg}
			}
			start := e.Now()
			arn := *run(t, e, in).Tasks[0].TaskArn
			for i, off := range tc.at {
				e.Advance(start.Add(off).Sub(e.Now()))
				if got := *describe(t, e, arn).LastStatus; got != tc.want[i] {
					t.Fatalf("at +%v lastStatus = %s, want %s", off, got, tc.want[i])
				}
			}
			tk := describe(t, e, arn)
			if tk.PullStartedAt == nil || tk.PullStoppedAt == nil || tk.StartedAt == nil || !tk.PullStoppedAt.After(*tk.PullStartedAt) {
				t.Fatalf("timestamps: pull %v..%v started %v", tk.PullStartedAt, tk.PullStoppedAt, tk.StartedAt)
			}
			stopAt := e.Now()
			stop, err := e.StopTask(bg, &ecs.StopTaskInput{Task: aws.String(arn)})
			if err != nil {
				t.Fatal(err)
			}
			if *stop.Task.DesiredStatus != "STOPPED" || *stop.Task.LastStatus != "DEACTIVATING" {
				t.Fatalf("after StopTask: desired %s last %s", *stop.Task.DesiredStatus, *stop.Task.LastStatus)
			}
			e.Advance(tc.stoppedAt - time.Second)
			if got := *describe(t, e, arn).LastStatus; got == "STOPPED" {
				t.Fatalf("stopped too early")
			}
			e.Advance(time.Second)
			tk = describe(t, e, arn)
			if *tk.LastStatus != "STOPPED" || tk.StopCode != types.TaskStopCodeUserInitiated || *tk.StoppedReason != "Task stopped by user" {
				t.Fatalf("stopped task: %s %s %v", *tk.LastStatus, tk.StopCode, tk.StoppedReason)
			}
			if !tk.StoppingAt.Equal(stopAt) || !tk.StoppedAt.Equal(stopAt.Add(tc.stoppedAt)) || tk.ExecutionStoppedAt == nil {
				t.Fatalf("stoppingAt %v stoppedAt %v (stop at %v)", tk.StoppingAt, tk.StoppedAt, stopAt)
			}
			if got := statuses(e.TaskHistory(arn)); !equal(got, tc.wantHistory) {
				t.Fatalf("history = %v, want %v", got, tc.wantHistory)
			}
			if tk.Containers[0].ExitCode == nil || *tk.Containers[0].ExitCode != 0 {
				t.Fatalf("container exit code = %v", tk.Containers[0].ExitCode)
			}
		})
	}
}

func TestWithTimingChangesDurations(t *testing.T) {
	e := newCluster(t, 1, WithTiming(Timing{Pull: time.Minute}))
	arn := *run(t, e, &ecs.RunTaskInput{TaskDefinition: aws.String(register(t, e, simpleTD("a", "img")))}).Tasks[0].TaskArn
	e.Advance(59 * time.Second)
	if s := *describe(t, e, arn).LastStatus; s != "PENDING" {
		t.Fatalf("status = %s, want PENDING during a 1 minute pull", s)
	}
	e.Advance(3 * time.Second)
	if s := *describe(t, e, arn).LastStatus; s != "RUNNING" {
		t.Fatalf("status = %s, want RUNNING", s)
	}
}

func TestStopPendingTaskSkipsDeactivating(t *testing.T) {
	e := newCluster(t, 1)
	arn := *run(t, e, &ecs.RunTaskInput{TaskDefinition: aws.String(register(t, e, simpleTD("a", "img")))}).Tasks[0].TaskArn
	e.StopTask(bg, &ecs.StopTaskInput{Task: aws.String(arn), Reason: aws.String("cancel")})
	e.Advance(time.Minute)
	if got, want := statuses(e.TaskHistory(arn)), []string{"PENDING", "STOPPING", "STOPPED"}; !equal(got, want) {
		t.Fatalf("history = %v, want %v", got, want)
	}
	if r := *describe(t, e, arn).StoppedReason; r != "cancel" {
		t.Fatalf("stoppedReason = %q", r)
	}
}

// STOPPED tasks stay describable for about an hour, then are forgotten.
func TestStoppedTaskForgottenAfterRetention(t *testing.T) {
	e := newCluster(t, 1)
	arn := *run(t, e, &ecs.RunTaskInput{TaskDefinition: aws.String(register(t, e, simpleTD("a", "img")))}).Tasks[0].TaskArn
	e.Advance(time.Minute)
	e.StopTask(bg, &ecs.StopTaskInput{Task: aws.String(arn)})
	e.Advance(time.Minute)
	e.Advance(59 * time.Minute)
	if *describe(t, e, arn).LastStatus != "STOPPED" {
		t.Fatal("stopped task not describable within the hour")
	}
	e.Advance(2 * time.Minute)
	out, _ := e.DescribeTasks(bg, &ecs.DescribeTasksInput{Tasks: []string{arn}})
	if len(out.Tasks) != 0 || len(out.Failures) != 1 || *out.Failures[0].Reason != "MISSING" || *out.Failures[0].Arn != arn {
		t.Fatalf("after retention: %+v", out)
	}
	if len(e.Tasks("default")) != 0 || e.TaskHistory(arn) != nil {
		t.Fatal("forgotten task still held")
	}
}

func TestStoppedTaskReleasesResources(t *testing.T) {
	e := newCluster(t, 1)
	td := register(t, e, &ecs.RegisterTaskDefinitionInput{Family: aws.String("big"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("a"), Image: aws.String("i"), Cpu: 2048, Memory: aws.Int32(100)}}})
	first := run(t, e, &ecs.RunTaskInput{TaskDefinition: &td})
	if len(first.Tasks) != 1 {
		t.Fatal(first.Failures)
	}
	if out := run(t, e, &ecs.RunTaskInput{TaskDefinition: &td}); len(out.Failures) != 1 {
		t.Fatal("second task placed on a full instance")
	}
	e.StopTask(bg, &ecs.StopTaskInput{Task: first.Tasks[0].TaskArn})
	e.Advance(time.Minute)
	if out := run(t, e, &ecs.RunTaskInput{TaskDefinition: &td}); len(out.Tasks) != 1 {
		t.Fatalf("resources not released: %v", reasons(out.Failures))
	}
}

// A task is HEALTHY only when its essential containers with health checks
// are HEALTHY; without health checks it stays UNKNOWN.
func TestTaskHealthFromEssentialContainers(t *testing.T) {
	hc := &types.HealthCheck{Command: []string{"CMD-SHELL", "true"}, Interval: aws.Int32(10)}
	tests := []struct {
		name       string
		containers []types.ContainerDefinition
		want       types.HealthStatus
	}{
		{"no health checks -> UNKNOWN", []types.ContainerDefinition{containerDef("a", "i", 64)}, types.HealthStatusUnknown},
		{"essential with check -> HEALTHY after interval", []types.ContainerDefinition{{Name: aws.String("a"), Image: aws.String("i"), Memory: aws.Int32(64), HealthCheck: hc}}, types.HealthStatusHealthy},
		{"only non-essential checked -> UNKNOWN", []types.ContainerDefinition{containerDef("a", "i", 64),
			{Name: aws.String("b"), Image: aws.String("i"), Memory: aws.Int32(64), HealthCheck: hc, Essential: aws.Bool(false)}}, types.HealthStatusUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newCluster(t, 1)
			td := register(t, e, &ecs.RegisterTaskDefinitionInput{Family: aws.String("h"), ContainerDefinitions: tc.containers})
			arn := *run(t, e, &ecs.RunTaskInput{TaskDefinition: &td}).Tasks[0].TaskArn
			e.Advance(10 * time.Second) // RUNNING
			if h := describe(t, e, arn).HealthStatus; h != types.HealthStatusUnknown {
				t.Fatalf("health at start = %s, want UNKNOWN", h)
			}
			e.Advance(10 * time.Second)
			if h := describe(t, e, arn).HealthStatus; h != tc.want {
				t.Fatalf("health = %s, want %s", h, tc.want)
			}
		})
	}
}

func TestDeterministicWithSameSeed(t *testing.T) {
	arns := func(seed int64) []string {
		e := newCluster(t, 3, WithSeed(seed))
		td := register(t, e, simpleTD("a", "img"))
		var out []string
		for _, tk := range run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(5)}).Tasks {
			out = append(out, *tk.TaskArn+"@"+*tk.ContainerInstanceArn)
		}
		return out
	}
	a, b, c := arns(7), arns(7), arns(8)
	if !equal(a, b) {
		t.Fatal("same seed gave different results")
	}
	if equal(a, c) {
		t.Fatal("different seeds gave identical results")
	}
	if id := a[0][len("arn:aws:ecs:us-east-1:123456789012:task/default/"):]; len(id) < 32 {
		t.Fatalf("task id %q", id)
	}
}

// TaskHistory finds a task by its ID or its own ARN; the same ARN with
// another account names no task of ours (homeMatches), as in DescribeTasks.
func TestTaskHistoryIgnoresARNsOfAnotherAccount(t *testing.T) {
	e := newCluster(t, 1)
	arn := *run(t, e, &ecs.RunTaskInput{TaskDefinition: aws.String(register(t, e, simpleTD("a", "img")))}).Tasks[0].TaskArn
	e.Advance(time.Minute)
	id := arn[strings.LastIndex(arn, "/")+1:]
	foreign := strings.Replace(arn, ":"+e.cfg.account+":", ":999999999999:", 1)
	if foreign == arn {
		t.Fatalf("ARN %s has no account field to replace", arn)
	}
	if len(e.TaskHistory(arn)) == 0 || len(e.TaskHistory(id)) == 0 {
		t.Fatalf("no history by ARN %s or ID %s", arn, id)
	}
	if h := e.TaskHistory(foreign); h != nil {
		t.Fatalf("TaskHistory(%s) = %v, want nil (another account's ARN)", foreign, statuses(h))
	}
}
