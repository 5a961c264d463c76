package ecsdeploy

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Limits of the ECS API.
const (
	runTaskBatch       = 10  // RunTask count limit
	describeTasksBatch = 100 // DescribeTasks tasks limit
)

// newClientToken returns a fresh RunTask client token: 26 random
// characters (crypto/rand, so Deployers in separate processes never share
// one), within ECS's limit of 64 ASCII characters in 33-126.
func newClientToken() string { return rand.Text() }

// batches splits n into RunTask counts of at most size.
func batches(n, size int) []int {
	var out []int
	for n > 0 {
		c := min(n, size)
		out = append(out, c)
		n -= c
	}
	return out
}

// RunTask starts in.Count tasks in batches of 10; placement failures come
// back as a *PlacementError with ECS's reasons (the started tasks are
// still returned and, when waiting, waited for). With WaitRunning it
// waits until all are RUNNING; with WaitStopped until all are STOPPED,
// returning exit codes, and a *TaskFailedError when a task failed to
// start or an essential container exited non-zero. Each batch carries its
// own client token, the same on every retry of the batch, so a retry
// after a call that started tasks but failed on the way back (a 5xx, a
// reset connection) answers those tasks instead of starting more, over
// any API, not only an *ecs.Client (whose SDK fills in a token itself).
func (d *deployer) RunTask(ctx context.Context, in RunTaskInput, opts ...Option) (*RunTaskResult, error) {
	cfg := d.cfg.with(opts)
	if in.TaskDefinition == "" {
		return nil, &ValidationError{Field: "TaskDefinition", Rule: "is required"}
	}
	if err := validateRunTaskLaunch(in); err != nil { // capacity.go
		return nil, err
	}
	count := in.Count
	if count == 0 {
		count = 1
	}
	if count < 0 {
		return nil, &ValidationError{Field: "Count", Rule: "must be >= 1"}
	}
	res := &RunTaskResult{}
	var failures []types.Failure
	for _, n := range batches(count, runTaskBatch) {
		out, err := d.api.RunTask(ctx, &ecs.RunTaskInput{
			Cluster: optional(in.Cluster), TaskDefinition: &in.TaskDefinition, Count: ptr(int32(n)),
			LaunchType: in.LaunchType, CapacityProviderStrategy: in.CapacityProviderStrategy,
			NetworkConfiguration: in.NetworkConfiguration, Overrides: in.Overrides,
			StartedBy: optional(in.StartedBy), Group: optional(in.Group),
			ClientToken: ptr(newClientToken()),
		})
		if err != nil {
			if len(res.Tasks) > 0 {
				return res, fmt.Errorf("started %d of %d tasks: %w", len(res.Tasks), count, wrapAPI("RunTask", err))
			}
			return nil, wrapAPI("RunTask", err)
		}
		res.Tasks = append(res.Tasks, out.Tasks...)
		failures = append(failures, out.Failures...)
	}
	d.action(cfg, "started %d task(s) of %s", len(res.Tasks), in.TaskDefinition)
	var perr error
	if len(failures) > 0 {
		pe := &PlacementError{Requested: count, Placed: len(res.Tasks)}
		for _, f := range failures {
			r := valueOf(f.Reason)
			if f.Detail != nil {
				r += ": " + *f.Detail
			}
			if f.Arn != nil {
				r += " (" + *f.Arn + ")"
			}
			pe.Reasons = append(pe.Reasons, r)
		}
		perr = pe
	}
	if in.Wait == WaitNone || cfg.noWait || len(res.Tasks) == 0 {
		return res, perr
	}
	if err := d.waitTasks(ctx, cfg, in, res); err != nil {
		return res, err
	}
	return res, perr
}

// waitTasks polls DescribeTasks (100 per call) until the tasks reach the
// goal of in.Wait.
func (d *deployer) waitTasks(ctx context.Context, cfg config, in RunTaskInput, res *RunTaskResult) error {
	arns := make([]string, len(res.Tasks))
	for i, t := range res.Tasks {
		arns[i] = valueOf(t.TaskArn)
	}
	goal := "RUNNING"
	if in.Wait == WaitStopped {
		goal = "STOPPED"
	}
	start := cfg.clock.Now()
	deadline := start.Add(cfg.timeout)
	tr := newTracker(start)
	for {
		tasks, err := d.describeTasks(ctx, in.Cluster, arns)
		now := cfg.clock.Now()
		switch {
		case err != nil && ctx.Err() != nil:
			return &WaitError{Op: "tasks to be " + goal, Waited: now.Sub(start), Err: ctx.Err()}
		case err != nil && !isTransient(err):
			return err
		case err == nil && len(tasks) < len(arns):
			// Some tasks are not visible yet (ECS reads lag RunTask;
			// consistency.go): poll again.
		case err == nil:
			res.Tasks = tasks
			done, ferr := d.judgeTasks(ctx, cfg, tr, in.Wait, res)
			if done || ferr != nil {
				return ferr
			}
		}
		if !now.Before(deadline) {
			return &WaitError{Op: "tasks to be " + goal, Waited: now.Sub(start), Err: ErrTimeout}
		}
		if err := sleepStep(ctx, cfg.clock, cfg.poll, deadline); err != nil {
			return &WaitError{Op: "tasks to be " + goal, Waited: cfg.clock.Now().Sub(start), Err: err}
		}
	}
}

// judgeTasks decides whether the task wait is over and whether it failed.
func (d *deployer) judgeTasks(ctx context.Context, cfg config, tr *tracker, wait TaskWait, res *RunTaskResult) (bool, error) {
	var stopped []types.Task
	running := 0
	for _, t := range res.Tasks {
		switch valueOf(t.LastStatus) {
		case "STOPPED":
			stopped = append(stopped, t)
		case "RUNNING":
			running++
		}
	}
	if wait == WaitRunning {
		if len(stopped) > 0 {
			st := d.toStopped(ctx, cfg, stopped)
			d.emit(cfg, tr.stoppedTasks(st, cfg.clock.Now())...)
			return true, &TaskFailedError{Tasks: st}
		}
		return running == len(res.Tasks), nil
	}
	if len(stopped) < len(res.Tasks) {
		return false, nil
	}
	res.Stopped = d.toStopped(ctx, cfg, stopped)
	d.emit(cfg, tr.stoppedTasks(res.Stopped, cfg.clock.Now())...)
	var failed []StoppedTask
	for _, st := range res.Stopped {
		if taskFailed(st) {
			failed = append(failed, st)
		}
	}
	if len(failed) > 0 {
		return true, &TaskFailedError{Tasks: failed}
	}
	return true, nil
}

// taskFailed: it never started (TaskFailedToStart), or an essential
// container has no exit code or a non-zero one.
func taskFailed(t StoppedTask) bool {
	if t.StopCode == types.TaskStopCodeTaskFailedToStart {
		return true
	}
	for _, c := range t.Containers {
		if c.Essential && (c.ExitCode == nil || *c.ExitCode != 0) {
			return true
		}
	}
	return false
}

// toStopped converts tasks, marking essential containers from their task
// definitions (essential defaults to true; unknown definitions count all
// containers as essential), with the essential containers' last log
// lines (see addLogs).
func (d *deployer) toStopped(ctx context.Context, cfg config, tasks []types.Task) []StoppedTask {
	cache := taskDefs{}
	out := make([]StoppedTask, 0, len(tasks))
	for _, t := range tasks {
		var ess map[string]bool
		if defs := d.containerDefs(ctx, cache, valueOf(t.TaskDefinitionArn)); defs != nil {
			ess = map[string]bool{}
			for name, c := range defs {
				ess[name] = c.Essential == nil || *c.Essential
			}
		}
		out = append(out, stoppedTask(t, ess))
	}
	d.addLogs(ctx, cfg, tasks, out, cache)
	return out
}

// stoppedTask converts a task; ess maps container name to essential (nil:
// unknown, all essential).
func stoppedTask(t types.Task, ess map[string]bool) StoppedTask {
	st := StoppedTask{TaskArn: valueOf(t.TaskArn), StopCode: t.StopCode, StoppedReason: valueOf(t.StoppedReason)}
	for _, c := range t.Containers {
		e := true
		if ess != nil {
			if v, ok := ess[valueOf(c.Name)]; ok {
				e = v
			}
		}
		st.Containers = append(st.Containers, ContainerExit{Name: valueOf(c.Name), ExitCode: c.ExitCode, Reason: valueOf(c.Reason), Essential: e})
	}
	return st
}

// describeTasks describes arns, 100 per call, in the order given.
func (d *deployer) describeTasks(ctx context.Context, cluster string, arns []string) ([]types.Task, error) {
	var tasks []types.Task
	for i := 0; i < len(arns); i += describeTasksBatch {
		out, err := d.api.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: optional(cluster), Tasks: arns[i:min(i+describeTasksBatch, len(arns))]})
		if err != nil {
			return nil, wrapAPI("DescribeTasks", err)
		}
		tasks = append(tasks, out.Tasks...)
	}
	return tasks, nil
}

// stoppedTasks lists (ListTasks startedBy=deploymentID, desiredStatus
// STOPPED) and describes the stopped tasks of a deployment, at most
// cfg.maxStoppedSeen of them.
func (d *deployer) stoppedTasks(ctx context.Context, cfg config, cluster, deploymentID string) ([]StoppedTask, error) {
	in := &ecs.ListTasksInput{Cluster: optional(cluster), StartedBy: &deploymentID, DesiredStatus: types.DesiredStatusStopped}
	var arns []string
	for len(arns) < cfg.maxStoppedSeen {
		out, err := d.api.ListTasks(ctx, in)
		if err != nil {
			return nil, wrapAPI("ListTasks", err)
		}
		arns = append(arns, out.TaskArns...)
		if out.NextToken == nil || *out.NextToken == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	if len(arns) > cfg.maxStoppedSeen {
		arns = arns[:cfg.maxStoppedSeen]
	}
	if len(arns) == 0 {
		return nil, nil
	}
	tasks, err := d.describeTasks(ctx, cluster, arns)
	if err != nil {
		return nil, err
	}
	out := make([]StoppedTask, len(tasks))
	for i, t := range tasks {
		out[i] = stoppedTask(t, nil)
	}
	d.addLogs(ctx, cfg, tasks, out, taskDefs{})
	return out, nil
}

// StopTask stops a task with reason.
func (d *deployer) StopTask(ctx context.Context, cluster, task, reason string) (*types.Task, error) {
	if task == "" {
		return nil, &ValidationError{Field: "task", Rule: "is required"}
	}
	out, err := d.api.StopTask(ctx, &ecs.StopTaskInput{Cluster: optional(cluster), Task: &task, Reason: optional(reason)})
	if err != nil {
		return nil, wrapAPI("StopTask", err)
	}
	d.action(d.cfg, "stopped task %s", taskID(task))
	return out.Task, nil
}
