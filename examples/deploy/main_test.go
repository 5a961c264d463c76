package main

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// playOnFake plays the story on a fresh in-memory fake with default flags.
func playOnFake(t *testing.T, args ...string) (*outcome, *target, string) {
	t.Helper()
	ctx := context.Background()
	o, err := parseFlags(args, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	tgt, err := connect(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	out, err := newStory(tgt, o, &buf).play(ctx)
	if err != nil {
		t.Fatalf("story failed: %v\n%s", err, buf.String())
	}
	return out, tgt, buf.String()
}

func TestRunPlaysTheStoryOnTheFakeAndExitsZero(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit code %d, want 0\nstderr: %s\nstdout:\n%s", code, stderr.String(), stdout.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr not empty: %s", stderr.String())
	}
	for _, want := range []string{
		"== 1/13 Build a task definition", "== 13/13 Final status",
		"== 11/13 Auto scaling: keep CPU at 50% with 2 to 6 tasks", "deployment alarm web-5xx went to ALARM",
		" migrations done\n",
		"      | FATAL: environment variable DATABASE_URL is not set",
		"rolled back by the ",
		"PROVISIONING -> PENDING", "ACTIVATING -> RUNNING", "-> STOPPED",
		"has reached a steady state.",
		"deployment failed: tasks failed to start.",
		"rolling back to deployment ecs-svc/",
		"registered 2 targets in (target-group arn:aws:elasticloadbalancing:",
		"deregistered 1 targets in (target-group arn:aws:elasticloadbalancing:",
		"targetgroup/web/", ": 2 healthy",
		"is unhealthy in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/",
		"why: the load balancer's target group marked the task unhealthy",
		"load balancer: 3 tasks failed ELB health checks in", "Target.ResponseCodeMismatch (Health checks failed with these codes: [502])",
		"health check HTTP port traffic-port path / expecting 200",
		"The story ended as expected: web runs web:2 again after the rollback.",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestStoryRegistersFourRevisions(t *testing.T) {
	out, _, _ := playOnFake(t)
	want := []string{"web:1", "web:2", "web:3", "web:4"}
	if len(out.Revisions) != len(want) {
		t.Fatalf("revisions %v, want %v", out.Revisions, want)
	}
	for i, arn := range out.Revisions {
		if !strings.HasSuffix(arn, "task-definition/"+want[i]) {
			t.Errorf("revision %d = %s, want .../%s", i, arn, want[i])
		}
	}
}

func TestStoryOneOffTasksStoppedByUser(t *testing.T) {
	out, tgt, _ := playOnFake(t)
	if len(out.OneOff) != 2 {
		t.Fatalf("%d one-off tasks, want 2", len(out.OneOff))
	}
	for _, task := range out.OneOff {
		if aws.ToString(task.LastStatus) != "STOPPED" || task.StopCode != types.TaskStopCodeUserInitiated {
			t.Errorf("task %s: %s %s, want STOPPED UserInitiated", aws.ToString(task.TaskArn), aws.ToString(task.LastStatus), task.StopCode)
		}
		// The task really went PENDING -> RUNNING before it was stopped.
		var states []string
		for _, h := range tgt.fake.TaskHistory(aws.ToString(task.TaskArn)) {
			states = append(states, h.LastStatus)
		}
		got := strings.Join(states, " ")
		if !strings.Contains(got, "PENDING") || !strings.Contains(got, "RUNNING") || !strings.HasSuffix(got, "STOPPED") {
			t.Errorf("task history %q lacks PENDING, RUNNING, then STOPPED", got)
		}
	}
}

func TestStoryBrokenReleaseFailsELBHealthChecksAndRollsBack(t *testing.T) {
	out, _, _ := playOnFake(t)
	b := out.Broken
	if b == nil {
		t.Fatal("no DeploymentFailedError for the broken image")
	}
	if !b.RolledBack || b.RollbackBy != "circuit-breaker" || b.RollbackTaskDefinition != out.Revisions[1] {
		t.Errorf("rolled back %v by %q to %s; want true by circuit-breaker to %s", b.RolledBack, b.RollbackBy, b.RollbackTaskDefinition, out.Revisions[1])
	}
	// ECS's rolloutStateReason, or the deployment-failed event's text.
	if !strings.HasSuffix(b.Reason, "tasks failed to start.") {
		t.Errorf("reason %q", b.Reason)
	}
	// On the fake the broken release fails the load balancer's health
	// checks (a pull failure is what it does on AWS).
	elb := 0
	for _, st := range b.StoppedTasks {
		if st.StopCode == types.TaskStopCodeServiceSchedulerInitiated && strings.HasPrefix(st.StoppedReason, "Task failed ELB health checks in (target-group ") {
			elb++
		}
	}
	// desired 2: circuit breaker threshold max(3, ceil(0.5*2)) = 3.
	if elb < 3 {
		t.Errorf("%d tasks failed ELB health checks, want at least the threshold 3: %v", elb, b.StoppedTasks)
	}
	if len(b.LoadBalancer) != 1 || b.LoadBalancer[0].Reason != "Target.ResponseCodeMismatch" || b.LoadBalancer[0].Hint == "" {
		t.Errorf("load balancer explanation %+v", b.LoadBalancer)
	}
}

// TestStoryScalesOutAndAnAlarmRollsBack: on the fake the service scales
// out to its max (6) under the ramp, and the release whose error alarm
// fires fails with *AlarmFailedError and is rolled back by ECS.
func TestStoryScalesOutAndAnAlarmRollsBack(t *testing.T) {
	out, _, stdout := playOnFake(t)
	if out.ScaledTo != 6 {
		t.Errorf("scaled to %d, want 6", out.ScaledTo)
	}
	if out.Alarmed == nil || out.Alarmed.Alarm != "web-5xx" || !out.Alarmed.Deployment.RollbackStarted || out.Alarmed.Deployment.RollbackBy != "alarm" {
		t.Errorf("alarmed release: %+v", out.Alarmed)
	}
	for _, want := range []string{"desired 6, running 6", "desired 2, running 2", "Setting desired count to 6.", "monitor alarm TargetTracking-service/demo/web-AlarmHigh-"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestStoryEndsOnRevisionTwoSteady(t *testing.T) {
	out, tgt, _ := playOnFake(t)
	svc := out.Final.Service
	if aws.ToString(svc.TaskDefinition) != out.Revisions[1] || svc.RunningCount != 2 || svc.DesiredCount != 2 {
		t.Errorf("final: %s running %d/%d, want %s 2/2", aws.ToString(svc.TaskDefinition), svc.RunningCount, svc.DesiredCount, out.Revisions[1])
	}
	// create, new image, forced, broken, crashing: five distinct deployments.
	if len(out.Deployments) != 5 {
		t.Errorf("deployments %v: want 5 distinct ecs-svc/ ids", out.Deployments)
	}
	seen := map[string]bool{}
	for _, id := range out.Deployments {
		if !strings.HasPrefix(id, "ecs-svc/") || seen[id] {
			t.Errorf("deployments %v: want 5 distinct ecs-svc/ ids", out.Deployments)
		}
		seen[id] = true
	}
	// The calls a user would expect: 5 registrations (4 plus the release
	// the alarm fails), one RunTask for the migration and one for 2 tasks,
	// 2 StopTask, 1 CreateService, 6 UpdateService (3 deploys, the crashing
	// release and its rollback, the alarmed release: ECS rolls it back), one
	// log group, one GetLogEvents per crashed container, per container of
	// the broken release (its tasks ran, then failed ELB health checks) and
	// for the migration; the scaling chapter registers one scalable target
	// and puts one policy.
	calls := tgt.fake.CallCounts()
	for op, n := range map[string]int{"RegisterTaskDefinition": 5, "RunTask": 2, "StopTask": 2, "CreateService": 1, "UpdateService": 6,
		"Logs.CreateLogGroup": 1, "Logs.GetLogEvents": 1 + len(out.Crashed.StoppedTasks) + len(out.Broken.StoppedTasks),
		"AutoScaling.RegisterScalableTarget": 1, "AutoScaling.PutScalingPolicy": 1} {
		if calls[op] != n {
			t.Errorf("%s called %d times, want %d", op, calls[op], n)
		}
	}
}

func TestRunExitCodes(t *testing.T) {
	noAWS(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"help", []string{"-h"}, exitOK, "usage: deploy"},
		{"unknown flag", []string{"-bogus"}, exitUsage, "flag provided but not defined"},
		{"stray argument", []string{"now"}, exitUsage, "unexpected arguments: now"},
		{"negative speed", []string{"-speed", "-1"}, exitUsage, "-speed must be >= 0"},
		{"speed with aws", []string{"-aws", "-speed", "10"}, exitUsage, "-speed applies to the fake only"},
		{"aws without credentials", []string{"-aws", "-cluster", "demo", "-subnets", "subnet-1", "-region", "eu-west-1"}, exitFailed, "no AWS credentials found"},
		{"aws without credentials or flags", []string{"-aws"}, exitFailed, "also missing: -cluster"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr.String(), tt.code, tt.stderr)
			}
		})
	}
}

func TestRunAWSMissingFlagsIsUsage(t *testing.T) {
	noAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-aws"}, &stdout, &stderr)
	for _, want := range []string{"-cluster", "-subnets", "AWS region"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q does not name %s", stderr.String(), want)
		}
	}
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
}

// noAWS hides every source of AWS configuration and credentials.
func noAWS(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECS"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", dir+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", dir+"/credentials")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// Step 3: the migration's output and exit code come back from RunTask.
func TestStoryMigrationPrintsOutputAndExitCode(t *testing.T) {
	out, _, text := playOnFake(t)
	m := out.Migration
	if m == nil || len(m.Containers) != 1 || m.Containers[0].ExitCode == nil || *m.Containers[0].ExitCode != 0 {
		t.Fatalf("migration %+v, want one container with exit code 0", m)
	}
	l := m.Containers[0].Logs
	if l == nil || len(l.Lines) != 3 || l.Lines[2].Message != "migrations done" || l.Group != "/ecs/web" {
		t.Fatalf("migration output %+v", l)
	}
	if ok, _ := regexp.MatchString(`container web: exit code 0\n  \d\d:\d\d:\d\d applying migration 001_create_orders\n`, text); !ok {
		t.Errorf("story output lacks the migration's exit code and lines:\n%s", text)
	}
}

// Step 10: every crashed task of the failed release carries the
// container's last lines, and the Deployer rolled back.
func TestStoryCrashingReleaseShowsLastLogLines(t *testing.T) {
	out, _, _ := playOnFake(t)
	c := out.Crashed
	// The Deployer rolls back at its deadline unless the circuit breaker,
	// which counts crash loops too, did first.
	if c == nil || !c.RolledBack || (c.RollbackBy != "deployer" && c.RollbackBy != "circuit-breaker") || c.RollbackTaskDefinition != out.Revisions[1] {
		t.Fatalf("crashed release %+v, want rolled back to %s", c, out.Revisions[1])
	}
	if len(c.StoppedTasks) == 0 {
		t.Fatal("no stopped tasks")
	}
	for _, st := range c.StoppedTasks {
		l := st.Containers[0].Logs
		if l == nil || len(l.Lines) != 3 || l.Lines[2].Message != "FATAL: environment variable DATABASE_URL is not set" {
			t.Errorf("task %s logs %+v", st.TaskArn, l)
		}
	}
}
