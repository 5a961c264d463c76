package ecsdeploytest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
)

// logsReady skips the test unless the backend has the log hooks.
func (s *suite) logsReady(t *testing.T) {
	if s.b.Logs == nil || s.b.LogGroup == "" || s.b.PrintingContainer == nil {
		t.Skip("backend has no Logs, LogGroup or PrintingContainer")
	}
}

// logTaskDef is taskDef with the container logging to LogGroup through
// awslogs (stream prefix "ecsdeploytest"). Fargate needs an execution
// role for awslogs: a placeholder one is used when the backend has none.
func (s *suite) logTaskDef(family, image string, command []string) *ecs.RegisterTaskDefinitionInput {
	in := s.taskDef(family, image, command)
	in.ContainerDefinitions[0].LogConfiguration = ecsdeploy.AWSLogs(s.b.LogGroup, s.b.LogRegion, "ecsdeploytest")
	if in.ExecutionRoleArn == nil && s.fargate() {
		in.ExecutionRoleArn = ptr("arn:aws:iam::123456789012:role/ecsTaskExecutionRole")
	}
	return in
}

func messages(ls []ecsdeploy.LogLine) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Message
	}
	return out
}

// crashLoopLogs: a release whose container prints a few lines and exits 1
// right after starting never completes; the deployment fails at its
// deadline and the Deployer rolls back; every stopped task of the
// DeploymentFailedError carries the container's last lines, the renderer
// prints them under the stop reason, and reading them costs at most one
// GetLogEvents per failed container.
func (s *suite) crashLoopLogs(t *testing.T) {
	s.logsReady(t)
	svc := s.name(t, "crashlogs")
	old := s.newService(t, svc, 1, noBreaker)
	lines := []string{"booting release 2", "reading config", "panic: DATABASE_URL is not set"}
	image, cmd := s.b.PrintingContainer(t, lines, 1)
	before := s.calls()
	rec := newRecorder()
	_, err := s.deployer(ecsdeploy.WithEvents(rec.add), ecsdeploy.WithLogs(s.b.Logs), ecsdeploy.WithLogLines(2),
		ecsdeploy.WithTimeout(s.b.FailureTimeout), ecsdeploy.WithRollback()).Deploy(s.ctx(t),
		ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, TaskDefinition: s.logTaskDef(svc, image, cmd)})
	df := checkFailed(t, err, svc)
	if len(df.StoppedTasks) == 0 {
		t.Fatalf("DeploymentFailedError has no stopped tasks: %v", err)
	}
	failed := 0
	for _, st := range df.StoppedTasks {
		c := st.Containers[0]
		failed++
		if c.Logs == nil {
			t.Fatalf("task %s: container %s has no Logs", st.TaskArn, c.Name)
		}
		got := messages(c.Logs.Lines)
		if strings.Join(got, "|") != "reading config|panic: DATABASE_URL is not set" {
			t.Errorf("task %s: last 2 lines %q (no lines: %q), want the last two printed", st.TaskArn, got, c.Logs.NoLines)
			continue
		}
		if id := st.TaskArn[strings.LastIndex(st.TaskArn, "/")+1:]; c.Logs.Lines[1].TaskID != id || c.Logs.Lines[1].Container != "app" ||
			c.Logs.Stream != "ecsdeploytest/app/"+id || c.Logs.Group != s.b.LogGroup {
			t.Errorf("task %s: line %+v in %s %s, want task %s container app", st.TaskArn, c.Logs.Lines[1], c.Logs.Group, c.Logs.Stream, id)
		}
	}
	if out := rec.buf.String(); !strings.Contains(out, "Essential container in task exited") || !strings.Contains(out, "      | panic: DATABASE_URL is not set\n") {
		t.Errorf("rendered progress lacks the stop reason with the last lines under it:\n%s", out)
	}
	if before != nil {
		if n := delta(before, s.calls(), "Logs.GetLogEvents"); n > failed {
			t.Errorf("%d GetLogEvents calls for %d failed containers, want at most one each", n, failed)
		}
	}
	if !df.RolledBack || df.RollbackTaskDefinition != old {
		t.Errorf("RolledBack=%v to %s, want rolled back to %s", df.RolledBack, df.RollbackTaskDefinition, old)
	}
	s.checkBackOn(t, svc, old)
}

// migrationLogs: a one-off task (a migration) run with WaitStopped
// returns its output and exit code; a failing one returns them in the
// *TaskFailedError; Logs streams the same lines with the task ID.
func (s *suite) migrationLogs(t *testing.T) {
	s.logsReady(t)
	d := s.deployer(ecsdeploy.WithLogs(s.b.Logs))
	lines := []string{"applying 001_init", "applying 002_users", "migrations done"}
	for _, code := range []int32{0, 2} {
		image, cmd := s.b.PrintingContainer(t, lines, code)
		td := s.register(t, s.logTaskDef(s.name(t, "migrate"+itoa(code)), image, cmd))
		in := s.runInput(td)
		in.Wait = ecsdeploy.WaitStopped
		res, err := d.RunTask(s.ctx(t), in)
		var tf *ecsdeploy.TaskFailedError
		switch {
		case code == 0 && err != nil:
			t.Fatalf("exit 0: RunTask: %v", err)
		case code != 0 && !errors.As(err, &tf):
			t.Fatalf("exit %d: err = %v, want *TaskFailedError", code, err)
		}
		if res == nil || len(res.Stopped) != 1 {
			t.Fatalf("exit %d: no stopped task in %+v", code, res)
		}
		stopped := res.Stopped[0]
		if tf != nil {
			stopped = tf.Tasks[0]
		}
		c := stopped.Containers[0]
		if c.ExitCode == nil || *c.ExitCode != code {
			t.Errorf("exit %d: container exit code %v", code, c.ExitCode)
		}
		if c.Logs == nil || strings.Join(messages(c.Logs.Lines), "|") != strings.Join(lines, "|") {
			t.Fatalf("exit %d: output %+v, want %q", code, c.Logs, lines)
		}
		var streamed []ecsdeploy.LogLine
		if err := d.Logs(s.ctx(t), ecsdeploy.LogsInput{Cluster: s.b.Cluster, Task: stopped.TaskArn}, func(l ecsdeploy.LogLine) { streamed = append(streamed, l) }); err != nil {
			t.Fatalf("Logs(task): %v", err)
		}
		if strings.Join(messages(streamed), "|") != strings.Join(lines, "|") || streamed[0].TaskID != stopped.TaskArn[strings.LastIndex(stopped.TaskArn, "/")+1:] {
			t.Errorf("Logs(task) streamed %+v", streamed)
		}
	}
	// A task that never started has no lines, and says why.
	if s.b.FailingImage != nil {
		td := s.register(t, s.logTaskDef(s.name(t, "neverstarts"), s.b.FailingImage(t), nil))
		in := s.runInput(td)
		in.Wait = ecsdeploy.WaitStopped
		_, err := d.RunTask(context.WithoutCancel(s.ctx(t)), in)
		var tf *ecsdeploy.TaskFailedError
		if !errors.As(err, &tf) || tf.Tasks[0].StopCode != types.TaskStopCodeTaskFailedToStart {
			t.Fatalf("failing image: %v", err)
		}
		if l := tf.Tasks[0].Containers[0].Logs; l == nil || len(l.Lines) != 0 || !strings.Contains(l.NoLines, "failed to start") {
			t.Errorf("never-started container logs %+v, want a reason", l)
		}
	}
}
