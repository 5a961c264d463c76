package fake

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func taskARNs(ts []types.Task) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = aws.ToString(t.TaskArn)
	}
	return out
}

// runWithToken is the request the idempotency tests repeat.
func runWithToken(tok string, count int32) *ecs.RunTaskInput {
	return &ecs.RunTaskInput{TaskDefinition: aws.String("web"), Count: aws.Int32(count), ClientToken: aws.String(tok)}
}

// liveTasks counts the tasks of cluster the fake remembers.
func liveTasks(e *ECS, cluster string) int { return len(e.Tasks(cluster)) }

func TestRunTaskClientTokenReplaysOriginalResult(t *testing.T) {
	e := newCluster(t, 1) // 4096 MiB: 8 tasks of 512 MiB fit, 2 of 10 fail
	register(t, e, simpleTD("web", "nginx"))
	first := run(t, e, runWithToken("tok-1", 10))
	if len(first.Tasks) != 8 || len(first.Failures) != 2 {
		t.Fatalf("first RunTask: %d tasks, failures %v; want 8 and 2", len(first.Tasks), reasons(first.Failures))
	}
	e.Advance(time.Minute) // the tasks reach RUNNING
	again := run(t, e, runWithToken("tok-1", 10))
	if got, want := taskARNs(again.Tasks), taskARNs(first.Tasks); !slices.Equal(got, want) {
		t.Fatalf("retry answered tasks %v, want the original %v", got, want)
	}
	if !slices.Equal(reasons(again.Failures), reasons(first.Failures)) {
		t.Errorf("retry answered failures %v, want the original %v", reasons(again.Failures), reasons(first.Failures))
	}
	for _, tk := range again.Tasks {
		if aws.ToString(tk.LastStatus) != statusRunning || len(tk.Containers) != 1 || tk.TaskDefinitionArn == nil {
			t.Errorf("retried task %s: lastStatus %s, %d containers; want its current full view (RUNNING)",
				aws.ToString(tk.TaskArn), aws.ToString(tk.LastStatus), len(tk.Containers))
		}
	}
	if n := liveTasks(e, "default"); n != 8 {
		t.Errorf("the cluster has %d tasks after the retry, want 8 (nothing started again)", n)
	}
	e.StopTask(bg, &ecs.StopTaskInput{Task: first.Tasks[0].TaskArn})
	e.StopTask(bg, &ecs.StopTaskInput{Task: first.Tasks[1].TaskArn})
	e.Advance(time.Minute) // first's tasks 0 and 1 STOPPED, their memory free
	// Count omitted is count 1: the same parameters.
	one := run(t, e, &ecs.RunTaskInput{TaskDefinition: aws.String("web"), ClientToken: aws.String("tok-2")})
	if got := taskARNs(run(t, e, runWithToken("tok-2", 1)).Tasks); !slices.Equal(got, taskARNs(one.Tasks)) {
		t.Errorf("count 1 after count omitted answered %v, want %v", got, taskARNs(one.Tasks))
	}

	// A STOPPED task shows only taskArn, lastStatus and desiredStatus.
	stopped := run(t, e, runWithToken("tok-1", 10))
	want := types.Task{TaskArn: first.Tasks[0].TaskArn, LastStatus: aws.String("STOPPED"), DesiredStatus: aws.String("STOPPED")}
	if got := stopped.Tasks[0]; aws.ToString(got.TaskArn) != aws.ToString(want.TaskArn) || aws.ToString(got.LastStatus) != "STOPPED" ||
		aws.ToString(got.DesiredStatus) != "STOPPED" || got.Containers != nil || got.TaskDefinitionArn != nil || got.StoppedAt != nil {
		t.Errorf("retried STOPPED task = %+v, want only taskArn, lastStatus and desiredStatus", got)
	}
	if got := stopped.Tasks[2]; aws.ToString(got.LastStatus) != statusRunning || got.Containers == nil {
		t.Errorf("retried running task = %s with %d containers, want its full view", aws.ToString(got.LastStatus), len(got.Containers))
	}
}

func TestRunTaskClientTokenConflict(t *testing.T) {
	e := newCluster(t, 1)
	register(t, e, simpleTD("web", "nginx"))
	first := run(t, e, runWithToken("tok", 2))
	for name, in := range map[string]*ecs.RunTaskInput{
		"count":     runWithToken("tok", 3),
		"startedBy": {TaskDefinition: aws.String("web"), Count: aws.Int32(2), ClientToken: aws.String("tok"), StartedBy: aws.String("me")},
		"revision":  {TaskDefinition: aws.String("web:1"), Count: aws.Int32(2), ClientToken: aws.String("tok")},
	} {
		_, err := e.RunTask(bg, in)
		var ce *types.ConflictException
		if !errors.As(err, &ce) {
			t.Fatalf("%s differs: error %v, want ConflictException", name, err)
		}
		if !slices.Equal(ce.ResourceIds, taskARNs(first.Tasks)) {
			t.Errorf("%s differs: resourceIds %v, want the token's tasks %v", name, ce.ResourceIds, taskARNs(first.Tasks))
		}
		if !strings.Contains(aws.ToString(ce.Message), "clientToken is already in use with a different RunTask request") {
			t.Errorf("%s differs: message %q", name, aws.ToString(ce.Message))
		}
	}
	if n := liveTasks(e, "default"); n != 2 {
		t.Errorf("%d tasks after the conflicts, want 2", n)
	}
	// The original parameters still answer the original tasks.
	if got := taskARNs(run(t, e, runWithToken("tok", 2)).Tasks); !slices.Equal(got, taskARNs(first.Tasks)) {
		t.Errorf("retry after conflicts answered %v, want %v", got, taskARNs(first.Tasks))
	}
}

func TestRunTaskClientTokenPerCluster(t *testing.T) {
	e := newCluster(t, 1)
	if _, err := e.CreateCluster(bg, &ecs.CreateClusterInput{ClusterName: aws.String("other")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.AddInstance("other", InstanceSpec{CPU: 2048, Memory: 4096}); err != nil {
		t.Fatal(err)
	}
	register(t, e, simpleTD("web", "nginx"))
	a := run(t, e, runWithToken("shared", 1))
	in := runWithToken("shared", 1)
	in.Cluster = aws.String("other")
	b := run(t, e, in)
	if aws.ToString(a.Tasks[0].TaskArn) == aws.ToString(b.Tasks[0].TaskArn) || !strings.Contains(aws.ToString(b.Tasks[0].ClusterArn), "cluster/other") {
		t.Fatalf("the token in another cluster answered %s, want a new task there", aws.ToString(b.Tasks[0].TaskArn))
	}
	// The cluster named by ARN is the same scope as by name.
	in = runWithToken("shared", 1)
	in.Cluster = a.Tasks[0].ClusterArn
	if got := run(t, e, in); aws.ToString(got.Tasks[0].TaskArn) != aws.ToString(a.Tasks[0].TaskArn) {
		t.Errorf("the cluster by ARN answered %s, want %s", aws.ToString(got.Tasks[0].TaskArn), aws.ToString(a.Tasks[0].TaskArn))
	}
	if liveTasks(e, "default") != 1 || liveTasks(e, "other") != 1 {
		t.Errorf("tasks: default %d, other %d; want 1 and 1", liveTasks(e, "default"), liveTasks(e, "other"))
	}
}

func TestRunTaskClientTokenTTL(t *testing.T) {
	e := newCluster(t, 2)
	register(t, e, simpleTD("web", "nginx"))

	t.Run("24HoursWhileRunning", func(t *testing.T) {
		first := run(t, e, runWithToken("long", 1))
		e.Advance(24*time.Hour - time.Second)
		if got := run(t, e, runWithToken("long", 1)); aws.ToString(got.Tasks[0].TaskArn) != aws.ToString(first.Tasks[0].TaskArn) {
			t.Fatalf("just under 24 h: answered %s, want the original", aws.ToString(got.Tasks[0].TaskArn))
		}
		e.Advance(time.Second)
		if got := run(t, e, runWithToken("long", 1)); aws.ToString(got.Tasks[0].TaskArn) == aws.ToString(first.Tasks[0].TaskArn) {
			t.Fatal("at 24 h the token still answered the original task, want a new one")
		}
	})

	t.Run("OneHourAfterLastStop", func(t *testing.T) {
		first := run(t, e, runWithToken("short", 2))
		e.Advance(time.Minute)
		e.StopTask(bg, &ecs.StopTaskInput{Task: first.Tasks[0].TaskArn})
		e.Advance(10 * time.Minute)
		e.StopTask(bg, &ecs.StopTaskInput{Task: first.Tasks[1].TaskArn})
		e.Advance(time.Minute)
		last := describe(t, e, aws.ToString(first.Tasks[1].TaskArn))
		if aws.ToString(last.LastStatus) != "STOPPED" {
			t.Fatalf("task not STOPPED: %s", aws.ToString(last.LastStatus))
		}
		e.Advance(last.StoppedAt.Add(time.Hour - time.Second).Sub(e.Now()))
		if got := run(t, e, runWithToken("short", 2)); !slices.Equal(taskARNs(got.Tasks), taskARNs(first.Tasks)) {
			t.Fatalf("1 s before the last task's STOPPED + 1 h: answered %v, want the original", taskARNs(got.Tasks))
		}
		e.Advance(time.Second)
		got := run(t, e, runWithToken("short", 2))
		if slices.ContainsFunc(taskARNs(got.Tasks), func(a string) bool { return slices.Contains(taskARNs(first.Tasks), a) }) {
			t.Fatalf("at STOPPED + 1 h the token answered %v, want new tasks", taskARNs(got.Tasks))
		}
	})

	t.Run("OneHourWithoutTasks", func(t *testing.T) {
		big := simpleTD("big", "nginx")
		big.ContainerDefinitions[0].Memory = aws.Int32(8192)
		register(t, e, big)
		in := &ecs.RunTaskInput{TaskDefinition: aws.String("big"), ClientToken: aws.String("none")}
		first := run(t, e, in)
		if len(first.Tasks) != 0 || len(first.Failures) == 0 {
			t.Fatalf("big: %d tasks, failures %v; want none placed", len(first.Tasks), reasons(first.Failures))
		}
		e.Advance(59 * time.Minute)
		_, err := e.RunTask(bg, &ecs.RunTaskInput{TaskDefinition: aws.String("big"), Count: aws.Int32(2), ClientToken: aws.String("none")})
		var ce *types.ConflictException
		if !errors.As(err, &ce) || len(ce.ResourceIds) != 0 {
			t.Fatalf("other parameters within the hour: %v, want ConflictException without resourceIds", err)
		}
		e.Advance(time.Minute)
		if _, err := e.RunTask(bg, &ecs.RunTaskInput{TaskDefinition: aws.String("big"), Count: aws.Int32(2), ClientToken: aws.String("none")}); err != nil {
			t.Fatalf("after the hour the token is free: %v", err)
		}
	})
}

// With a retention shorter than an hour a task can be forgotten while its
// token lives: the retry still answers it, STOPPED.
func TestRunTaskClientTokenOutlivesShortRetention(t *testing.T) {
	timing := fastTiming
	timing.Retention = 10 * time.Minute
	e := newCluster(t, 1, WithTiming(timing))
	register(t, e, simpleTD("web", "nginx"))
	first := run(t, e, runWithToken("tok", 1))
	e.StopTask(bg, &ecs.StopTaskInput{Task: first.Tasks[0].TaskArn})
	e.Advance(30 * time.Minute)
	if liveTasks(e, "default") != 0 {
		t.Fatal("the task is not forgotten yet")
	}
	got := run(t, e, runWithToken("tok", 1))
	if len(got.Tasks) != 1 || aws.ToString(got.Tasks[0].TaskArn) != aws.ToString(first.Tasks[0].TaskArn) ||
		aws.ToString(got.Tasks[0].LastStatus) != "STOPPED" || got.Tasks[0].Containers != nil {
		t.Fatalf("retry after the task was forgotten = %+v, want its ARN, STOPPED, nothing else", got.Tasks)
	}
	e.Advance(2 * time.Hour)
	if got := run(t, e, runWithToken("tok", 1)); aws.ToString(got.Tasks[0].TaskArn) == aws.ToString(first.Tasks[0].TaskArn) {
		t.Fatal("2 h later the token still answered the forgotten task")
	}
}

func TestRunTaskClientTokenInvalid(t *testing.T) {
	e := newCluster(t, 1)
	register(t, e, simpleTD("web", "nginx"))
	const msg = "clientToken: up to 64 ASCII characters in the range 33-126 (inclusive) are allowed."
	for name, tok := range map[string]string{
		"65 characters": strings.Repeat("a", 65),
		"space":         "a b",
		"DEL":           "a\x7f",
		"tab":           "a\tb",
		"non-ASCII":     "tok-é",
		"bad UTF-8":     "tok-\xff",
		"huge":          strings.Repeat("x", 1<<20),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.RunTask(bg, runWithToken(tok, 1))
			apiErr(t, err, "InvalidParameterException", msg)
		})
	}
	if n := liveTasks(e, "default"); n != 0 {
		t.Fatalf("%d tasks started by bad tokens, want none", n)
	}
	var all strings.Builder
	for c := byte(33); c <= 126 && all.Len() < 64; c++ {
		all.WriteByte(c)
	}
	tok := all.String()[:64]
	first := run(t, e, runWithToken(tok, 1))
	if got := run(t, e, runWithToken(tok, 1)); aws.ToString(got.Tasks[0].TaskArn) != aws.ToString(first.Tasks[0].TaskArn) {
		t.Error("a 64-character token of the allowed range was not idempotent")
	}
}

// A request that failed remembers nothing: the token is free for the next.
func TestRunTaskClientTokenFailedRequestNotRemembered(t *testing.T) {
	e := newCluster(t, 1)
	if _, err := e.RunTask(bg, runWithToken("tok", 1)); err == nil {
		t.Fatal("RunTask of an unregistered family succeeded")
	}
	register(t, e, simpleTD("web", "nginx"))
	if out := run(t, e, runWithToken("tok", 1)); len(out.Tasks) != 1 {
		t.Fatalf("after a failed request the token started %d tasks, want 1", len(out.Tasks))
	}
}

func TestRunTaskClientTokensBounded(t *testing.T) {
	e := newCluster(t, 2)
	register(t, e, simpleTD("web", "nginx"))
	for i := range 300 {
		out := run(t, e, runWithToken(fmt.Sprintf("t%03d", i), 1))
		e.StopTask(bg, &ecs.StopTaskInput{Task: out.Tasks[0].TaskArn})
		e.Advance(time.Minute)
	}
	// 300 tokens over 5 h, each task stopped within a minute: about 60 live.
	if n := len(e.runTokens.m); n > 2*70 {
		t.Errorf("%d tokens remembered, want at most twice the ~60 live ones", n)
	}
	e.Advance(25 * time.Hour)
	for i := range minRunTokenSweep {
		run(t, e, runWithToken(fmt.Sprintf("late%03d", i), 1))
	}
	if n := len(e.runTokens.m); n > minRunTokenSweep {
		t.Errorf("%d tokens remembered a day later, want only the %d new ones", n, minRunTokenSweep)
	}
}

func TestRunTaskClientTokenSurvivesRestore(t *testing.T) {
	e := newCluster(t, 1, WithSnapshots())
	register(t, e, simpleTD("web", "nginx"))
	first := run(t, e, runWithToken("tok", 2))
	r := restoredCopy(t, e)
	if got := run(t, r, runWithToken("tok", 2)); !slices.Equal(taskARNs(got.Tasks), taskARNs(first.Tasks)) {
		t.Errorf("restored world answered %v, want %v", taskARNs(got.Tasks), taskARNs(first.Tasks))
	}
	if n := liveTasks(r, "default"); n != 2 {
		t.Errorf("restored world has %d tasks, want 2", n)
	}
}

// BenchmarkRunTaskClientToken: what a token costs a RunTask of 10 Fargate
// tasks (fingerprint, record, sweeps), against the same call without one.
func BenchmarkRunTaskClientToken(b *testing.B) {
	for _, withToken := range []bool{false, true} {
		name := "without"
		if withToken {
			name = "with"
		}
		b.Run(name, func(b *testing.B) {
			e := New(WithTiming(fastTiming))
			if _, err := e.CreateCluster(bg, &ecs.CreateClusterInput{}); err != nil {
				b.Fatal(err)
			}
			register(b, e, fargateTD("job", "busybox"))
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				in := &ecs.RunTaskInput{TaskDefinition: aws.String("job"), Count: aws.Int32(10), LaunchType: types.LaunchTypeFargate,
					NetworkConfiguration: netCfg}
				if withToken {
					in.ClientToken = aws.String(fmt.Sprintf("tok-%d", i))
				}
				run(b, e, in)
				if i%100 == 99 {
					e.Advance(2 * time.Hour) // the tasks run on; tokens live up to 24 h
				}
			}
		})
	}
}
