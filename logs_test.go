package ecsdeploy_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// logsWorld is a fake with cluster "default" and log group /ecs/job.
func logsWorld(t *testing.T) *fake.ECS {
	t.Helper()
	e := fake.New()
	if _, err := e.CreateCluster(t.Context(), &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Logs().CreateLogGroup(t.Context(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: ptr("/ecs/job")}); err != nil {
		t.Fatal(err)
	}
	return e
}

// jobTD is a Fargate task definition "job" with container app on image,
// logging with lc (nil: no logConfiguration).
func jobTD(image string, lc *types.LogConfiguration) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{Family: ptr("job"), NetworkMode: types.NetworkModeAwsvpc,
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate}, Cpu: ptr("256"), Memory: ptr("512"),
		ExecutionRoleArn:     ptr("arn:aws:iam::123456789012:role/ecsTaskExecutionRole"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: ptr("app"), Image: ptr(image), LogConfiguration: lc}}}
}

func runJob(t *testing.T, d ecsdeploy.Deployer) (*ecsdeploy.RunTaskResult, error) {
	t.Helper()
	return d.RunTask(t.Context(), ecsdeploy.RunTaskInput{TaskDefinition: "job", LaunchType: types.LaunchTypeFargate, Wait: ecsdeploy.WaitStopped,
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}})
}

func script(t *testing.T, e *fake.ECS, image string, lines []string, code int32) {
	t.Helper()
	for _, f := range []fake.Fault{
		{Image: image, Action: fake.FaultOutput, Lines: lines, Every: time.Second},
		{Image: image, Action: fake.FaultExit, ExitCode: code, After: time.Duration(len(lines)) * time.Second},
	} {
		if err := e.InjectFault(f); err != nil {
			t.Fatal(err)
		}
	}
}

// ecsdeploy.New(f) on the fake reads the fake's CloudWatch Logs without a
// WithLogs option (f is a LogsProvider), with the last 20 lines by default.
func TestNewFindsTheFakesLogsByItself(t *testing.T) {
	e := logsWorld(t)
	d := ecsdeploy.New(e, ecsdeploy.WithClock(e))
	if _, err := d.Register(t.Context(), jobTD("job:1", ecsdeploy.AWSLogs("/ecs/job", "us-east-1", "job"))); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for i := range 25 {
		lines = append(lines, "line "+string(rune('a'+i)))
	}
	script(t, e, "job:1", lines, 0)
	res, err := runJob(t, d)
	if err != nil {
		t.Fatal(err)
	}
	l := res.Stopped[0].Containers[0].Logs
	if l == nil || len(l.Lines) != ecsdeploy.DefaultLogLines || l.Lines[19].Message != "line y" || l.Lines[0].Message != "line f" {
		t.Fatalf("logs %+v, want the last 20 of 25 lines", l)
	}
	if n := e.CallCount("Logs.GetLogEvents"); n != 1 {
		t.Fatalf("%d GetLogEvents calls for one container, want 1", n)
	}
}

// When a container's output is not in CloudWatch Logs, or reading it is
// denied, the result says why and the operation's own outcome stands.
func TestStoppedTasksSayWhyThereAreNoLogLines(t *testing.T) {
	cases := []struct {
		name  string
		lc    *types.LogConfiguration
		setup func(e *fake.ECS)
		opts  []ecsdeploy.Option
		want  string
		calls int
	}{
		{name: "splunk driver", lc: &types.LogConfiguration{LogDriver: types.LogDriverSplunk}, want: "the container logs with the splunk driver, not awslogs"},
		{name: "no logConfiguration", want: "the container has no logConfiguration, so its output is not in CloudWatch Logs"},
		{name: "access denied", lc: ecsdeploy.AWSLogs("/ecs/job", "us-east-1", "job"), calls: 1,
			setup: func(e *fake.ECS) { e.FailOperation("Logs.GetLogEvents", "AccessDeniedException", 0, 0) },
			want:  "access denied reading CloudWatch Logs (logs:GetLogEvents): User: arn:aws:sts::123456789012:assumed-role/ecsdeploy/session is not authorized to perform this action"},
		{name: "fetching off", lc: ecsdeploy.AWSLogs("/ecs/job", "us-east-1", "job"), opts: []ecsdeploy.Option{ecsdeploy.WithLogLines(0)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := logsWorld(t)
			d := ecsdeploy.New(e, append([]ecsdeploy.Option{ecsdeploy.WithClock(e)}, c.opts...)...)
			if _, err := d.Register(t.Context(), jobTD("job:1", c.lc)); err != nil {
				t.Fatal(err)
			}
			script(t, e, "job:1", []string{"boom"}, 1)
			if c.setup != nil {
				c.setup(e)
			}
			_, err := runJob(t, d)
			var tf *ecsdeploy.TaskFailedError
			if !errors.As(err, &tf) || *tf.Tasks[0].Containers[0].ExitCode != 1 {
				t.Fatalf("err = %v, want the task's own *TaskFailedError (exit 1)", err)
			}
			l := tf.Tasks[0].Containers[0].Logs
			switch {
			case c.want == "" && l != nil:
				t.Fatalf("logs %+v, want none fetched", l)
			case c.want != "" && (l == nil || len(l.Lines) != 0 || l.NoLines != c.want):
				t.Fatalf("logs %+v, want no lines because %q", l, c.want)
			}
			if n := e.CallCount("Logs.GetLogEvents"); n != c.calls {
				t.Fatalf("%d GetLogEvents calls, want %d", n, c.calls)
			}
		})
	}
}

// Logs follows a service's tasks (every line once, oldest first, with
// its task ID) and ends with nil when the caller cancels.
func TestLogsFollowsAServiceUntilCancelled(t *testing.T) {
	e := logsWorld(t)
	d := ecsdeploy.New(e, ecsdeploy.WithClock(e), ecsdeploy.WithPollInterval(10*time.Second))
	td := jobTD("web:1", ecsdeploy.AWSLogs("/ecs/job", "us-east-1", "web"))
	if err := e.InjectFault(fake.Fault{Image: "web:1", Action: fake.FaultOutput, Lines: []string{"GET /", "GET /health"}, Every: time.Second, Repeat: true}); err != nil {
		t.Fatal(err)
	}
	_, err := d.CreateService(t.Context(), &ecs.CreateServiceInput{ServiceName: ptr("web"), TaskDefinition: ptr(register(t, d, td)), DesiredCount: ptr(int32(2)),
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var got []ecsdeploy.LogLine
	seen := map[string]bool{}
	since := e.Now()
	err = d.Logs(ctx, ecsdeploy.LogsInput{Service: "web", Since: since, Follow: true}, func(l ecsdeploy.LogLine) {
		key := l.TaskID + l.At.String()
		if seen[key] {
			t.Errorf("line %+v streamed twice", l)
		}
		seen[key] = true
		got = append(got, l)
		if len(got) == 100 {
			cancel()
		}
	})
	if err != nil {
		t.Fatalf("Logs after cancel = %v, want nil", err)
	}
	tasks := map[string]bool{}
	for i, l := range got {
		tasks[l.TaskID] = true
		if l.At.Before(since) || i > 0 && l.At.Before(got[i-1].At) || l.Container != "app" || !strings.HasPrefix(l.Message, "GET /") {
			t.Fatalf("line %d %+v out of order or wrong", i, l)
		}
	}
	if len(got) != 100 || len(tasks) != 2 {
		t.Fatalf("%d lines from %d tasks, want 100 from 2", len(got), len(tasks))
	}
	err = d.Logs(t.Context(), ecsdeploy.LogsInput{Service: "nope"}, func(ecsdeploy.LogLine) {})
	if !errors.Is(err, ecsdeploy.ErrServiceNotFound) {
		t.Fatalf("Logs of a missing service = %v, want ErrServiceNotFound", err)
	}
}

func register(t *testing.T, d ecsdeploy.Deployer, in *ecs.RegisterTaskDefinitionInput) string {
	t.Helper()
	res, err := d.Register(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	return res.Arn
}
