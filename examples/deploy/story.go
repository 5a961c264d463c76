package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// story plays the ECS story on one target.
type story struct {
	t      *target
	o      options
	d      ecsdeploy.Deployer
	w      io.Writer
	step   int
	steps  int                   // numbered steps in all
	render func(ecsdeploy.Event) // the text renderer of events
}

// outcome is what the story did, for its test.
type outcome struct {
	// Revisions are the task definition ARNs registered: the first
	// image, the new image, the broken image.
	Revisions []string
	// Migration is the one-off migration task, with its output.
	Migration *ecsdeploy.StoppedTask
	// OneOff are the one-off tasks as last seen (STOPPED).
	OneOff []types.Task
	// Deployments are the deployment ids of the service, in order: the
	// create, the new image, the forced one, the broken image.
	Deployments []string
	// Broken is the error the broken deployment returned.
	Broken *ecsdeploy.DeploymentFailedError
	// Crashed is the error the crashing release returned (with the
	// containers' last log lines).
	Crashed *ecsdeploy.DeploymentFailedError
	// Final is the service's last status.
	Final *ecsdeploy.Status
	// ScaledTo is the highest desired count the scaler set, and Alarmed
	// the error of the release its deployment alarm failed (fake only;
	// scaling.go).
	ScaledTo int32
	Alarmed  *ecsdeploy.AlarmFailedError
}

// steps is the number of numbered steps the story prints (the fake adds
// scalingSteps).
const steps = 11

func newStory(t *target, o options, w io.Writer) *story {
	r := ecsdeploy.NewTextRenderer(w)
	r.TimeFormat = timeFormat
	var logs ecsdeploy.LogsAPI
	if t.logs != nil {
		logs = t.logs
	}
	opts := []ecsdeploy.Option{ecsdeploy.WithClock(t.clock), ecsdeploy.WithEvents(r.Render),
		ecsdeploy.WithPollInterval(o.poll), ecsdeploy.WithTimeout(o.timeout), ecsdeploy.WithLogs(logs)}
	if t.elb != nil {
		opts = append(opts, ecsdeploy.WithLoadBalancers(t.elb)) // Status counts its targets
	}
	if t.fake != nil {
		opts = append(opts, ecsdeploy.WithScaling(t.fake.AutoScaling()))
	}
	d := ecsdeploy.New(t.api, opts...)
	n := steps
	if t.fake != nil {
		n += scalingSteps
	}
	return &story{t: t, o: o, d: d, w: w, steps: n, render: r.Render}
}

// header prints the next step's title.
func (s *story) header(format string, args ...any) {
	s.step++
	fmt.Fprintf(s.w, "\n== %d/%d %s\n", s.step, s.steps, fmt.Sprintf(format, args...))
}

// play runs every step and checks that the story ended as it should: the
// service back on revision 2 after the circuit breaker's rollback, with
// every desired task running.
func (s *story) play(ctx context.Context) (out *outcome, err error) {
	out = &outcome{}
	fmt.Fprintf(s.w, "Playing the ECS story on %s: cluster %s, service %s, family %s\n", s.t.where, s.t.cluster, s.o.service, s.o.family)
	created := false
	if s.t.fake == nil && !s.o.keep {
		defer func() {
			if created {
				s.cleanup(ctx)
			}
		}()
	}
	td, err := s.buildTaskDefinition()
	if err != nil {
		return out, err
	}
	rev1, err := s.register(ctx, td)
	if err != nil {
		return out, err
	}
	out.Revisions = append(out.Revisions, rev1)
	if out.Migration, err = s.runMigration(ctx, rev1); err != nil {
		return out, err
	}
	if out.OneOff, err = s.runTasks(ctx, rev1); err != nil {
		return out, err
	}
	st, err := s.createService(ctx, rev1)
	// Created unless CreateService itself failed (a wait may fail after it).
	var apiErr *ecsdeploy.APIError
	created = err == nil || !(errors.As(err, &apiErr) && apiErr.Op == "CreateService")
	if err != nil {
		return out, err
	}
	out.Deployments = append(out.Deployments, primaryID(st))

	s.header("Deploy revision 2 with image %s (rolling: min 50%%, max 200%%)", s.o.newImage)
	res, err := s.d.Deploy(ctx, ecsdeploy.DeployInput{Cluster: s.t.cluster, Service: s.o.service, Image: s.o.newImage})
	if err != nil {
		return out, fmt.Errorf("deploying %s: %w", s.o.newImage, err)
	}
	fmt.Fprintf(s.w, "changes: %s\n", res.Diff)
	s.deployed(res)
	rev2 := res.TaskDefinitionArn
	out.Revisions = append(out.Revisions, rev2)
	out.Deployments = append(out.Deployments, res.DeploymentID)

	s.header("Force a new deployment of %s (same revision, fresh tasks)", afterSlash(rev2))
	res, err = s.d.Deploy(ctx, ecsdeploy.DeployInput{Cluster: s.t.cluster, Service: s.o.service, ForceNewDeployment: true})
	if err != nil {
		return out, fmt.Errorf("forcing a new deployment: %w", err)
	}
	s.deployed(res)
	out.Deployments = append(out.Deployments, res.DeploymentID)

	if out.Broken, err = s.deployBroken(ctx); err != nil {
		return out, err
	}
	out.Revisions = append(out.Revisions, out.Broken.TaskDefinition)
	out.Deployments = append(out.Deployments, out.Broken.DeploymentID)

	if out.Crashed, err = s.deployCrashing(ctx); err != nil {
		return out, err
	}
	out.Revisions = append(out.Revisions, out.Crashed.TaskDefinition)
	out.Deployments = append(out.Deployments, out.Crashed.DeploymentID)

	if s.t.fake != nil { // scaling.go: needs the fake's load control
		if out.ScaledTo, err = s.scaleOut(ctx); err != nil {
			return out, err
		}
		if out.Alarmed, err = s.alarmRelease(ctx); err != nil {
			return out, err
		}
	}

	s.header("Final status")
	if out.Final, err = s.d.Status(ctx, s.t.cluster, s.o.service); err != nil {
		return out, err
	}
	out.Final.PrintTable(s.w)
	if err := checkFinal(out.Final, rev2); err != nil {
		return out, err
	}
	fmt.Fprintf(s.w, "The story ended as expected: %s runs %s again after the rollback.\n", s.o.service, afterSlash(rev2))
	return out, nil
}

// taskDefinition builds the story's Fargate task definition: container
// web on image (with command, when set), logging to the story's log group.
func (s *story) taskDefinition(image string, command []string) (*ecs.RegisterTaskDefinitionInput, error) {
	c := ecsdeploy.NewContainer("web", image).Port(80).Env("GREETING", "hello from ecsdeploy").
		Logs(ecsdeploy.AWSLogs(s.logGroup(), s.t.region, "demo"))
	if len(command) > 0 {
		c.Command(command...)
	}
	b := ecsdeploy.NewTaskDefinition(s.o.family).Fargate().CPU(256).Memory(512).Container(c)
	if s.t.executionRole != "" {
		b.ExecutionRole(s.t.executionRole)
	}
	td, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("building the task definition: %w", err)
	}
	return td, nil
}

// buildTaskDefinition is step 1: a Fargate task definition from an image.
func (s *story) buildTaskDefinition() (*ecs.RegisterTaskDefinitionInput, error) {
	s.header("Build a task definition from the image %s", s.o.image)
	td, err := s.taskDefinition(s.o.image, nil)
	if err != nil {
		return nil, err
	}
	js, err := ecsdeploy.MarshalTaskDefinitionJSON(td)
	if err != nil {
		return nil, err
	}
	s.w.Write(js)
	return td, nil
}

// register is step 2.
func (s *story) register(ctx context.Context, td *ecs.RegisterTaskDefinitionInput) (string, error) {
	s.header("Register the task definition")
	if err := s.ensureLogGroup(ctx); err != nil {
		return "", err
	}
	reg, err := s.d.Register(ctx, td)
	if err != nil {
		return "", fmt.Errorf("registering %s: %w", s.o.family, err)
	}
	fmt.Fprintf(s.w, "registered %s (revision %d)\n", reg.Arn, reg.TaskDefinition.Revision)
	return reg.Arn, nil
}

// runTasks is steps 3 and 4: two one-off tasks, started, watched until
// RUNNING, stopped and watched until STOPPED.
func (s *story) runTasks(ctx context.Context, td string) (tasks []types.Task, err error) {
	s.header("Run 2 tasks of %s and watch them start", afterSlash(td))
	run, err := s.d.RunTask(ctx, ecsdeploy.RunTaskInput{Cluster: s.t.cluster, TaskDefinition: td, Count: 2,
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: s.t.network, StartedBy: "ecsdeploy-demo"})
	if err != nil {
		return nil, fmt.Errorf("running tasks: %w", err)
	}
	arns := make([]string, len(run.Tasks))
	for i, t := range run.Tasks {
		arns[i] = aws.ToString(t.TaskArn)
	}
	stopped := false
	defer func() {
		if err != nil && !stopped {
			// Do not leave one-off tasks running (and billed) after a failure.
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			for _, arn := range arns {
				s.d.StopTask(sctx, s.t.cluster, arn, "ecsdeploy demo: the story failed")
			}
		}
	}()
	tw := taskWatch{api: s.t.api, clock: s.t.clock, cluster: s.t.cluster, poll: min(s.o.poll, taskPoll), timeout: s.o.timeout, w: s.w}
	if _, err := tw.until(ctx, arns, "RUNNING"); err != nil {
		return nil, err
	}
	s.header("Stop the 2 tasks")
	stopped = true
	for _, arn := range arns {
		if _, err := s.d.StopTask(ctx, s.t.cluster, arn, "ecsdeploy demo: one-off tasks done"); err != nil {
			return nil, err
		}
	}
	tasks, err = tw.until(ctx, arns, "STOPPED")
	if err != nil {
		return tasks, err
	}
	for _, t := range tasks {
		fmt.Fprintf(s.w, "task %s stopped [%s]: %s\n", afterSlash(aws.ToString(t.TaskArn)), t.StopCode, aws.ToString(t.StoppedReason))
	}
	return tasks, nil
}

// createService is step 5.
func (s *story) createService(ctx context.Context, td string) (*ecsdeploy.Status, error) {
	behind := ""
	if s.t.targetGroup != "" {
		behind = " behind target group " + afterSlash(s.t.targetGroup)
	}
	s.header("Create service %s%s: desired 2, min 50%%, max 200%%, circuit breaker with rollback", s.o.service, behind)
	a := s.t.network.AwsvpcConfiguration
	b := ecsdeploy.NewService(s.o.service).Cluster(s.t.cluster).TaskDefinition(td).DesiredCount(2).Fargate().
		Network(a.Subnets, a.SecurityGroups, a.AssignPublicIp == types.AssignPublicIpEnabled).
		Deployment(50, 200).CircuitBreaker(true)
	if s.t.fake != nil { // scaling.go: the alarm the last release trips
		if err := s.createErrorAlarm(ctx); err != nil {
			return nil, err
		}
		b.DeploymentAlarms(true, s.errorAlarm())
	}
	if s.t.targetGroup != "" {
		b.LoadBalancer(s.t.targetGroup, "web", 80)
	}
	in, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("building the service: %w", err)
	}
	st, err := s.d.CreateService(ctx, in)
	if err != nil {
		return st, fmt.Errorf("creating service %s: %w", s.o.service, err)
	}
	st.PrintTable(s.w)
	return st, nil
}

// deployBroken is step 8: a broken release (on AWS an image that cannot be
// pulled; on the fake one that fails the load balancer's health checks).
// The deployment circuit breaker must fail it and roll back; the story
// explains why the tasks stopped and waits until the rollback is steady.
func (s *story) deployBroken(ctx context.Context) (*ecsdeploy.DeploymentFailedError, error) {
	s.header("Deploy a broken image %s and watch the circuit breaker", s.o.brokenImage)
	if s.t.fake != nil {
		// On AWS the image cannot be pulled; on the fake the broken
		// release starts but answers the load balancer's health checks
		// with HTTP 502, the other common way a deploy fails.
		if err := s.t.fake.ELBv2().InjectHealthFault(fake.TargetHealthFault{Image: s.o.brokenImage, Code: 502}); err != nil {
			return nil, err
		}
		fmt.Fprintf(s.w, "(fake: scripted fault: tasks with image %s run but answer the load balancer's health checks with HTTP 502)\n", s.o.brokenImage)
	}
	// WithRollback: after the failure, wait for the breaker's rollback to
	// finish (bounded by the timeout) and report whether it completed.
	res, err := s.d.Deploy(ctx, ecsdeploy.DeployInput{Cluster: s.t.cluster, Service: s.o.service, Image: s.o.brokenImage}, ecsdeploy.WithRollback())
	var df *ecsdeploy.DeploymentFailedError
	if !errors.As(err, &df) {
		if err == nil {
			return nil, fmt.Errorf("deploying the broken image %s succeeded (deployment %s); expected the circuit breaker to fail it", s.o.brokenImage, res.DeploymentID)
		}
		return nil, fmt.Errorf("deploying the broken image: %w", err)
	}
	fmt.Fprintf(s.w, "\ndeployment %s of %s FAILED: %s\n", df.DeploymentID, afterSlash(df.TaskDefinition), df.Reason)
	s.explainStopped(df.StoppedTasks)
	for _, f := range df.LoadBalancer {
		fmt.Fprintf(s.w, "load balancer: %s\n", f)
	}
	switch {
	case df.RolledBack:
		fmt.Fprintf(s.w, "rolled back by the %s to %s: rollback deployment %s COMPLETED\n", df.RollbackBy, afterSlash(df.RollbackTaskDefinition), df.RollbackDeploymentID)
		return df, nil
	case df.RollbackStarted:
		return df, fmt.Errorf("the rollback started but did not complete (%s): %w", df.RollbackState, df)
	}
	return df, fmt.Errorf("the deployment failed but was not rolled back: %w", df)
}

// explainStopped groups stopped tasks by reason and says what each means.
func (s *story) explainStopped(tasks []ecsdeploy.StoppedTask) {
	count := map[string]int{}
	for _, t := range tasks {
		count[t.StoppedReason]++
	}
	reasons := make([]string, 0, len(count))
	for r := range count {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool {
		return count[reasons[i]] > count[reasons[j]] || (count[reasons[i]] == count[reasons[j]] && reasons[i] < reasons[j])
	})
	for _, r := range reasons {
		fmt.Fprintf(s.w, "%d stopped task(s): %s\n", count[r], r)
		if why := explain(r); why != "" {
			fmt.Fprintf(s.w, "  why: %s\n", why)
		}
	}
}

// deployed prints the result of a successful deployment.
func (s *story) deployed(res *ecsdeploy.DeployResult) {
	fmt.Fprintf(s.w, "deployment %s COMPLETED: service runs %s\n", res.DeploymentID, afterSlash(res.TaskDefinitionArn))
	if res.Status != nil {
		res.Status.PrintTable(s.w)
	}
}

// cleanup deletes the service the story created on AWS, even after
// Ctrl-C (bounded by -timeout).
func (s *story) cleanup(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.o.timeout)
	defer cancel()
	fmt.Fprintf(s.w, "\nDeleting service %s (pass -keep to keep it)\n", s.o.service)
	if err := s.d.DeleteService(ctx, s.t.cluster, s.o.service); err != nil {
		fmt.Fprintf(s.w, "deleting service %s: %v\n", s.o.service, err)
	}
}

// checkFinal says how the final status differs from the expected end.
func checkFinal(st *ecsdeploy.Status, want string) error {
	var problems []string
	svc := st.Service
	if got := aws.ToString(svc.TaskDefinition); got != want {
		problems = append(problems, fmt.Sprintf("runs %s, want %s", afterSlash(got), afterSlash(want)))
	}
	if svc.RunningCount != svc.DesiredCount || svc.DesiredCount != 2 {
		problems = append(problems, fmt.Sprintf("runs %d of %d tasks, want 2 of 2", svc.RunningCount, svc.DesiredCount))
	}
	if len(svc.Deployments) != 1 || svc.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted {
		problems = append(problems, fmt.Sprintf("has %d deployments, want 1 COMPLETED", len(svc.Deployments)))
	}
	if len(problems) > 0 {
		return fmt.Errorf("the story did not end as expected: service %s %s", aws.ToString(svc.ServiceName), strings.Join(problems, "; "))
	}
	return nil
}

func primaryID(st *ecsdeploy.Status) string {
	if st == nil || st.Deployment == nil {
		return ""
	}
	return aws.ToString(st.Deployment.Id)
}
