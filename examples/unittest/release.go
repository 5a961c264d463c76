// Package unittest shows how to unit-test your own deploy code with the
// in-memory fake ECS: scripted faults, virtual time, and assertions on the
// Deployer's events and on the API calls the code made.
//
// release.go is the code under test, the kind of deploy step a platform
// team writes: run the database migration as a one-off task, deploy the
// new image only when the migration succeeded, and tell people what went
// wrong when something did. release_test.go tests it; run it with
//
//	go test ./examples/unittest
//
// The pattern:
//
//	e := fake.New()                                   // an in-memory ECS, manual virtual clock
//	d := ecsdeploy.New(e)                             // the fake is its clock: every wait advances it
//	e.InjectFault(fake.Fault{Image: "*:broken", Action: fake.FaultFailStart})
//	err := yourCode(ctx, d)                           // runs in milliseconds of wall time
//	e.CallCount("UpdateService"), e.Tasks("prod"), ... // assert on what happened
package unittest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
)

// Pipeline releases a new image of one service.
type Pipeline struct {
	// Deployer does the ECS work (over AWS in production, the fake in tests).
	Deployer ecsdeploy.Deployer
	// Cluster and Service name the service.
	Cluster, Service string
	// Migration is the task definition (family or family:revision) of the
	// migration task; empty skips the migration.
	Migration string
	// Network is the awsvpc configuration of the migration task.
	Network *types.NetworkConfiguration
	// Notify receives one message per failed release (chat, pager, ...).
	Notify func(msg string)
}

// ErrMigrationFailed is returned (wrapped) when the migration task failed;
// the service was not touched.
var ErrMigrationFailed = errors.New("migration failed")

// Release runs the migration to completion, then deploys image to the
// service and waits until the deployment completed. On failure it calls
// Notify with the reason and the distinct stopped-task reasons, and says
// whether the service still serves the previous revision.
func (p *Pipeline) Release(ctx context.Context, image string) (*ecsdeploy.DeployResult, error) {
	if p.Migration != "" {
		if err := p.migrate(ctx); err != nil {
			p.notify("release %s of %s stopped before deploying: %v", image, p.Service, err)
			return nil, err
		}
	}
	// WithRollback: wait for a rollback to finish (ECS's circuit breaker's,
	// or the Deployer's own), so the notification can say where the
	// service really is.
	res, err := p.Deployer.Deploy(ctx, ecsdeploy.DeployInput{Cluster: p.Cluster, Service: p.Service, Image: image}, ecsdeploy.WithRollback())
	var df *ecsdeploy.DeploymentFailedError
	switch {
	case errors.As(err, &df):
		state := "NOT rolled back: the service may be degraded"
		switch {
		case df.RolledBack:
			state = "rolled back to " + afterSlash(df.RollbackTaskDefinition) + ": the service still serves the previous revision"
		case df.RollbackStarted:
			state = fmt.Sprintf("rollback to %s started but not completed (%s): the service may be degraded", afterSlash(df.RollbackTaskDefinition), df.RollbackState)
		}
		p.notify("release %s of %s failed: %s; %s; stopped tasks: %s", image, p.Service, df.Reason, state, reasons(df.StoppedTasks))
		return res, err
	case err != nil:
		p.notify("release %s of %s failed: %v", image, p.Service, err)
		return res, err
	}
	return res, nil
}

// migrate runs the migration task and waits until it stopped; a non-zero
// exit code or a task that never started is ErrMigrationFailed.
func (p *Pipeline) migrate(ctx context.Context) error {
	_, err := p.Deployer.RunTask(ctx, ecsdeploy.RunTaskInput{
		Cluster: p.Cluster, TaskDefinition: p.Migration, Count: 1, LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: p.Network, StartedBy: "release-pipeline", Wait: ecsdeploy.WaitStopped,
	})
	var tf *ecsdeploy.TaskFailedError
	if errors.As(err, &tf) {
		return fmt.Errorf("%w: %s", ErrMigrationFailed, reasons(tf.Tasks))
	}
	return err
}

func (p *Pipeline) notify(format string, args ...any) {
	if p.Notify != nil {
		p.Notify(fmt.Sprintf(format, args...))
	}
}

// reasons lists the distinct reasons of stopped tasks with counts, most
// frequent first, including container exit codes.
func reasons(tasks []ecsdeploy.StoppedTask) string {
	count := map[string]int{}
	for _, t := range tasks {
		r := t.StoppedReason
		for _, c := range t.Containers {
			if c.ExitCode != nil {
				r += fmt.Sprintf(" (container %s exit %d)", c.Name, *c.ExitCode)
			}
		}
		count[r]++
	}
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if count[keys[i]] != count[keys[j]] {
			return count[keys[i]] > count[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%dx %s", count[k], k)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "; ")
}

func afterSlash(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		return arn[i+1:]
	}
	return arn
}
