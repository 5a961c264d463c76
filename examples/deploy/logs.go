package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	lt "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// logsClient is the CloudWatch Logs the story uses: the Deployer's reads
// plus CreateLogGroup. *cloudwatchlogs.Client and the fake's *fake.Logs
// satisfy it.
type logsClient interface {
	ecsdeploy.LogsAPI
	CreateLogGroup(ctx context.Context, in *cloudwatchlogs.CreateLogGroupInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogGroupOutput, error)
}

// migrationStartedBy marks the one-off migration task.
const migrationStartedBy = "ecsdeploy-migration"

// What the migration and the crashing release print: on AWS their shell
// commands echo these lines, on the fake scripted output faults do.
var (
	migrationLines = []string{"applying migration 001_create_orders", "applying migration 002_add_status", "migrations done"}
	crashLines     = []string{"starting web 3.0", "loading configuration", "FATAL: environment variable DATABASE_URL is not set"}
)

// logGroup is where every container of the story logs (awslogs).
func (s *story) logGroup() string { return "/ecs/" + s.o.family }

// ensureLogGroup creates the story's log group unless it exists: with
// the awslogs driver a missing group makes tasks fail to start with a
// ResourceInitializationError.
func (s *story) ensureLogGroup(ctx context.Context) error {
	if s.t.logs == nil {
		return nil
	}
	_, err := s.t.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(s.logGroup())})
	var exists *lt.ResourceAlreadyExistsException
	switch {
	case errors.As(err, &exists):
		fmt.Fprintf(s.w, "log group %s exists\n", s.logGroup())
	case err != nil:
		return fmt.Errorf("creating log group %s: %w", s.logGroup(), err)
	default:
		fmt.Fprintf(s.w, "created log group %s (containers log there with the awslogs driver)\n", s.logGroup())
	}
	return nil
}

// scriptFake tells the fake what the migration and the crashing release
// print (on AWS their commands do it): a fake ECS runs no containers.
func scriptFake(f *fake.ECS, o options) error {
	migration := func(t fake.FaultTarget) bool { return t.StartedBy == migrationStartedBy }
	for _, fl := range []fake.Fault{
		{Match: migration, Action: fake.FaultOutput, Lines: migrationLines, Every: time.Second},
		{Match: migration, Action: fake.FaultExit, ExitCode: 0, After: 3 * time.Second},
		{Image: o.crashImage, Action: fake.FaultOutput, Lines: crashLines, Every: 200 * time.Millisecond},
		{Image: o.crashImage, Action: fake.FaultExit, ExitCode: 1, After: time.Second},
	} {
		if err := f.InjectFault(fl); err != nil {
			return err
		}
	}
	return nil
}

// shell is a container command printing lines, then exiting with code.
func shell(lines []string, code int) []string {
	script := ""
	for _, l := range lines {
		script += fmt.Sprintf("echo '%s'; ", l)
	}
	return []string{"sh", "-c", script + fmt.Sprintf("exit %d", code)}
}

// runMigration is step 3: a one-off task (a database migration) run to
// completion; the story prints its output and exit code.
func (s *story) runMigration(ctx context.Context, td string) (*ecsdeploy.StoppedTask, error) {
	s.header("Run a one-off migration task of %s and print its output", afterSlash(td))
	res, err := s.d.RunTask(ctx, ecsdeploy.RunTaskInput{Cluster: s.t.cluster, TaskDefinition: td, LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: s.t.network, StartedBy: migrationStartedBy, Wait: ecsdeploy.WaitStopped,
		Overrides: ecsdeploy.ContainerOverride("web", shell(migrationLines, 0), nil)})
	var tf *ecsdeploy.TaskFailedError
	switch {
	case errors.As(err, &tf):
		s.printOutput(tf.Tasks[0])
		return &tf.Tasks[0], fmt.Errorf("the migration failed: %w", err)
	case err != nil:
		return nil, fmt.Errorf("running the migration: %w", err)
	}
	st := res.Stopped[0]
	s.printOutput(st)
	return &st, nil
}

// printOutput prints a stopped one-off task's exit codes and output.
func (s *story) printOutput(st ecsdeploy.StoppedTask) {
	for _, c := range st.Containers {
		code := "no exit code"
		if c.ExitCode != nil {
			code = fmt.Sprintf("exit code %d", *c.ExitCode)
		}
		fmt.Fprintf(s.w, "task %s container %s: %s\n", afterSlash(st.TaskArn), c.Name, code)
		if c.Logs == nil {
			continue
		}
		if len(c.Logs.Lines) == 0 {
			fmt.Fprintf(s.w, "  (no output: %s)\n", c.Logs.NoLines)
		}
		for _, l := range c.Logs.Lines {
			fmt.Fprintf(s.w, "  %s %s\n", l.At.UTC().Format(timeFormat), l.Message)
		}
	}
}

// deployCrashing is step 10: a release whose container starts, prints a
// few lines and exits 1. It never completes; the Deployer gives up at its
// deadline, rolls back (unless the circuit breaker did), and every stopped
// task comes with the container's last lines, printed under its reason.
func (s *story) deployCrashing(ctx context.Context) (*ecsdeploy.DeploymentFailedError, error) {
	s.header("Deploy a release that crashes on start (%s) and read its last log lines", s.o.crashImage)
	if s.t.fake != nil {
		fmt.Fprintf(s.w, "(fake: scripted output: containers of %s print %d lines and exit 1)\n", s.o.crashImage, len(crashLines))
	}
	td, err := s.taskDefinition(s.o.crashImage, shell(crashLines, 1))
	if err != nil {
		return nil, err
	}
	// The rollback gets the step's timeout: a new deployment, which ECS
	// bakes under the service's deployment alarms before it completes.
	res, err := s.d.Deploy(ctx, ecsdeploy.DeployInput{Cluster: s.t.cluster, Service: s.o.service, TaskDefinition: td},
		ecsdeploy.WithTimeout(min(s.o.timeout, s.o.crashWait)), ecsdeploy.WithRollback(), ecsdeploy.WithRollbackTimeout(s.o.timeout),
		ecsdeploy.WithLogLines(5))
	var df *ecsdeploy.DeploymentFailedError
	if !errors.As(err, &df) {
		if err == nil {
			return nil, fmt.Errorf("the crashing release succeeded (deployment %s)", res.DeploymentID)
		}
		return nil, fmt.Errorf("deploying the crashing release: %w", err)
	}
	fmt.Fprintf(s.w, "\ndeployment %s of %s FAILED: %s\n", df.DeploymentID, afterSlash(df.TaskDefinition), df.Reason)
	if len(df.StoppedTasks) > 0 {
		st := df.StoppedTasks[len(df.StoppedTasks)-1]
		fmt.Fprintf(s.w, "the last crashed task, %s:\n%s", st, st.LogText())
	}
	if !df.RolledBack {
		return df, fmt.Errorf("the crashing release was not rolled back: %w", df)
	}
	fmt.Fprintf(s.w, "rolled back by the %s to %s\n", df.RollbackBy, afterSlash(df.RollbackTaskDefinition))
	if _, err := s.d.Wait(ctx, s.t.cluster, s.o.service); err != nil {
		return df, fmt.Errorf("waiting for the rollback: %w", err)
	}
	return df, nil
}
