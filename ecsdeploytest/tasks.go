package ecsdeploytest

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
)

// registerRunStopTask: register, run one task until RUNNING, stop it; the
// task ends STOPPED with reason "Task stopped by user"-style text we gave.
func (s *suite) registerRunStopTask(t *testing.T) {
	d := s.deployer()
	td := s.register(t, s.taskDef(s.name(t, "run"), s.b.Image, nil))
	in := s.runInput(td)
	in.Wait = ecsdeploy.WaitRunning
	res, err := d.RunTask(s.ctx(t), in)
	if err != nil {
		t.Fatalf("RunTask: %v", err)
	}
	if len(res.Tasks) != 1 {
		t.Fatalf("RunTask started %d tasks, want 1", len(res.Tasks))
	}
	task := res.Tasks[0]
	if got := deref(task.LastStatus); got != "RUNNING" {
		t.Errorf("task lastStatus = %s, want RUNNING", got)
	}
	if got := deref(task.TaskDefinitionArn); got != td {
		t.Errorf("task taskDefinitionArn = %s, want %s", got, td)
	}
	stopped, err := d.StopTask(s.ctx(t), s.b.Cluster, deref(task.TaskArn), "ecsdeploytest done")
	if err != nil {
		t.Fatalf("StopTask: %v", err)
	}
	if got := deref(stopped.DesiredStatus); got != "STOPPED" {
		t.Errorf("after StopTask desiredStatus = %s, want STOPPED", got)
	}
	final := s.waitTaskStopped(t, deref(task.TaskArn))
	if got := deref(final.StoppedReason); got != "ecsdeploytest done" {
		t.Errorf("stoppedReason = %q, want the reason given to StopTask", got)
	}
	if final.StopCode != types.TaskStopCodeUserInitiated {
		t.Errorf("stopCode = %s, want UserInitiated", final.StopCode)
	}
}

// registerOnlyIfChanged: an identical definition reuses the latest
// ACTIVE revision; a changed one registers the next revision.
func (s *suite) registerOnlyIfChanged(t *testing.T) {
	d := s.deployer()
	fam := s.name(t, "reuse")
	first := s.register(t, s.taskDef(fam, s.b.Image, nil))
	again, err := d.Register(s.ctx(t), s.taskDef(fam, s.b.Image, nil), ecsdeploy.WithOnlyIfChanged())
	if err != nil {
		t.Fatalf("Register unchanged: %v", err)
	}
	if again.Registered || again.Arn != first || again.Diff != "" {
		t.Errorf("unchanged Register = {Registered:%v Arn:%s Diff:%q}, want reuse of %s", again.Registered, again.Arn, again.Diff, first)
	}
	changed, err := d.Register(s.ctx(t), s.taskDef(fam, s.b.OtherImage, nil), ecsdeploy.WithOnlyIfChanged())
	if err != nil {
		t.Fatalf("Register changed: %v", err)
	}
	if !changed.Registered || changed.Diff == "" {
		t.Errorf("changed Register = {Registered:%v Diff:%q}, want a new revision with a diff", changed.Registered, changed.Diff)
	}
	if got, want := changed.TaskDefinition.Revision, s.describeTD(t, first).Revision+1; got != want {
		t.Errorf("new revision = %d, want %d", got, want)
	}
}

// runTaskBatchesByTen: 12 tasks go out as RunTask calls of 10 and 2.
func (s *suite) runTaskBatches(t *testing.T) {
	d := s.deployer()
	td := s.register(t, s.taskDef(s.name(t, "batch"), s.b.Image, nil))
	before := s.calls()
	in := s.runInput(td)
	in.Count = 12
	res, err := d.RunTask(s.ctx(t), in)
	if err != nil {
		t.Fatalf("RunTask(12): %v", err)
	}
	if len(res.Tasks) != 12 {
		t.Errorf("RunTask(12) started %d tasks", len(res.Tasks))
	}
	if before != nil {
		if n := delta(before, s.calls(), "RunTask"); n != 2 {
			t.Errorf("RunTask(12) made %d RunTask calls, want 2 (10 + 2)", n)
		}
	}
	for _, task := range res.Tasks {
		if _, err := d.StopTask(s.ctx(t), s.b.Cluster, deref(task.TaskArn), "batch done"); err != nil {
			t.Errorf("StopTask: %v", err)
		}
	}
}

// runTaskExitCodes: waiting for STOPPED returns exit codes; a zero exit
// is success, a non-zero exit of the essential container is a
// *TaskFailedError carrying the code.
func (s *suite) runTaskExitCodes(t *testing.T) {
	if s.b.ExitingContainer == nil {
		t.Skip("backend has no ExitingContainer hook")
	}
	d := s.deployer()
	for _, code := range []int32{0, 3} {
		image, cmd := s.b.ExitingContainer(t, code)
		td := s.register(t, s.taskDef(s.name(t, "job"+itoa(code)), image, cmd))
		in := s.runInput(td)
		in.Wait = ecsdeploy.WaitStopped
		res, err := d.RunTask(s.ctx(t), in)
		if code == 0 {
			if err != nil {
				t.Fatalf("exit 0: RunTask: %v", err)
			}
		} else {
			var tf *ecsdeploy.TaskFailedError
			if !errors.As(err, &tf) {
				t.Fatalf("exit %d: err = %v, want *TaskFailedError", code, err)
			}
			if len(tf.Tasks) != 1 || !strings.Contains(err.Error(), "exit "+itoa(code)) {
				t.Errorf("exit %d: error %q should name the one task and its exit code", code, err)
			}
		}
		if res == nil || len(res.Stopped) != 1 || len(res.Stopped[0].Containers) != 1 {
			t.Fatalf("exit %d: result has no stopped task with one container: %+v", code, res)
		}
		c := res.Stopped[0].Containers[0]
		if c.ExitCode == nil || *c.ExitCode != code || !c.Essential {
			t.Errorf("exit %d: container = %+v, want essential with exit code %d", code, c, code)
		}
	}
}

// runTaskFailingImage: a task whose image cannot start stops before
// RUNNING; waiting for RUNNING returns a *TaskFailedError with its reason.
func (s *suite) runTaskFailingImage(t *testing.T) {
	if s.b.FailingImage == nil {
		t.Skip("backend has no FailingImage hook")
	}
	d := s.deployer()
	td := s.register(t, s.taskDef(s.name(t, "badrun"), s.b.FailingImage(t), nil))
	in := s.runInput(td)
	in.Wait = ecsdeploy.WaitRunning
	_, err := d.RunTask(s.ctx(t), in)
	var tf *ecsdeploy.TaskFailedError
	if !errors.As(err, &tf) {
		t.Fatalf("err = %v, want *TaskFailedError", err)
	}
	if len(tf.Tasks) != 1 || tf.Tasks[0].StoppedReason == "" {
		t.Errorf("TaskFailedError = %+v, want one task with a stoppedReason", tf.Tasks)
	}
}

// runTaskPlacement (EC2): a task bigger than any instance comes back as a
// *PlacementError naming RESOURCE:MEMORY; after adding capacity it runs.
func (s *suite) runTaskPlacement(t *testing.T) {
	if s.b.AddCapacity == nil || s.fargate() {
		t.Skip("needs EC2 and an AddCapacity hook")
	}
	d := s.deployer()
	in := s.taskDef(s.name(t, "big"), s.b.Image, nil)
	in.ContainerDefinitions[0].Memory = ptr(int32(30000))
	td := s.register(t, in)
	run := s.runInput(td)
	_, err := d.RunTask(s.ctx(t), run)
	var pe *ecsdeploy.PlacementError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want *PlacementError", err)
	}
	if pe.Placed != 0 || pe.Requested != 1 || !strings.Contains(err.Error(), "RESOURCE:MEMORY") {
		t.Errorf("PlacementError = %+v (%q), want 0 of 1 placed with RESOURCE:MEMORY", pe, err)
	}
	s.b.AddCapacity(t, 4096, 32768)
	run.Wait = ecsdeploy.WaitRunning
	res, err := d.RunTask(s.ctx(t), run)
	if err != nil {
		t.Fatalf("RunTask after AddCapacity: %v", err)
	}
	for _, task := range res.Tasks {
		_, _ = s.b.API.StopTask(s.ctx(t), &ecs.StopTaskInput{Cluster: ptr(s.b.Cluster), Task: task.TaskArn})
	}
}
