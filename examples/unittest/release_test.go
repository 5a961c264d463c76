package unittest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

func contains(list []string, sub string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.Contains(s, sub) })
}

// The happy path: the migration exits 0, the deployment completes, nobody
// is paged; and it all takes a few virtual minutes, milliseconds of wall time.
func TestReleaseDeploysAfterMigration(t *testing.T) {
	w := newWorld(t)
	w.migrationExits(t, 0)
	start, runs, updates := w.e.Now(), w.e.CallCount("RunTask"), w.e.CallCount("UpdateService")

	res, err := w.p.Release(context.Background(), "registry.example/api:2")
	if err != nil {
		t.Fatal(err)
	}
	if got := afterSlash(res.TaskDefinitionArn); got != "api:2" || !res.Registered {
		t.Errorf("deployed %s (registered %v), want a new api:2", got, res.Registered)
	}
	if n := w.e.CallCount("RunTask") - runs; n != 1 {
		t.Errorf("RunTask called %d times, want 1 (the migration)", n)
	}
	if n := w.e.CallCount("UpdateService") - updates; n != 1 {
		t.Errorf("UpdateService called %d times, want 1", n)
	}
	if !contains(messages[*ecsdeploy.ServiceEvent](w), "deployment completed.") {
		t.Errorf("no 'deployment completed' service event in %q", messages[*ecsdeploy.ServiceEvent](w))
	}
	if len(w.notified) != 0 {
		t.Errorf("notified on success: %q", w.notified)
	}
	if took := w.e.Now().Sub(start); took < 30*time.Second || took > 10*time.Minute {
		t.Errorf("release took %s of virtual time, want between the migration's 30s and 10m", took)
	}
}

// A failed migration stops the release before the service is touched.
func TestReleaseMigrationFailureLeavesServiceAlone(t *testing.T) {
	w := newWorld(t)
	w.migrationExits(t, 3)
	updates := w.e.CallCount("UpdateService")

	_, err := w.p.Release(context.Background(), "registry.example/api:2")
	if !errors.Is(err, ErrMigrationFailed) {
		t.Fatalf("err = %v, want ErrMigrationFailed", err)
	}
	if n := w.e.CallCount("UpdateService") - updates; n != 0 {
		t.Errorf("UpdateService called %d times after a failed migration", n)
	}
	if len(w.notified) != 1 || !strings.Contains(w.notified[0], "(container migrate exit 3)") {
		t.Errorf("notifications %q, want one naming exit 3", w.notified)
	}
	if got := afterSlash(aws.ToString(w.service(t).TaskDefinition)); got != "api:1" {
		t.Errorf("service runs %s, want api:1", got)
	}
}

// An image that cannot be pulled: the circuit breaker fails the deployment
// and rolls back; the notification says why and that the service is safe.
func TestReleaseBrokenImageRollsBackAndNotifies(t *testing.T) {
	w := newWorld(t)
	w.migrationExits(t, 0)
	if err := w.e.InjectFault(fake.Fault{Image: "*:broken", Action: fake.FaultFailStart}); err != nil {
		t.Fatal(err)
	}
	_, err := w.p.Release(context.Background(), "registry.example/api:broken")
	var df *ecsdeploy.DeploymentFailedError
	if !errors.As(err, &df) || !df.RolledBack || afterSlash(df.RollbackTaskDefinition) != "api:1" {
		t.Fatalf("err = %v, want a DeploymentFailedError rolled back to api:1", err)
	}
	if len(w.notified) != 1 {
		t.Fatalf("notifications %q, want 1", w.notified)
	}
	t.Logf("notified: %s", w.notified[0])
	for _, want := range []string{"rolled back to api:1", "CannotPullContainerError"} {
		if !strings.Contains(w.notified[0], want) {
			t.Errorf("notification %q lacks %q", w.notified[0], want)
		}
	}
	if !contains(messages[*ecsdeploy.ServiceEvent](w), "rolling back to deployment") {
		t.Errorf("no rollback service event in %q", messages[*ecsdeploy.ServiceEvent](w))
	}
	if !contains(messages[*ecsdeploy.TaskStoppedEvent](w), "[TaskFailedToStart]") {
		t.Errorf("no TaskFailedToStart stopped-task event in %q", messages[*ecsdeploy.TaskStoppedEvent](w))
	}
	// The rollback deployment finishes on api:1.
	st, err := w.d.Wait(context.Background(), "prod", "api")
	if err != nil || afterSlash(aws.ToString(st.Service.TaskDefinition)) != "api:1" || st.Service.RunningCount != 2 {
		t.Errorf("after the rollback: %v, %v", st, err)
	}
}

// Tasks that start but crash: ECS's circuit breaker counts them too.
func TestReleaseCrashingTasksRollBack(t *testing.T) {
	w := newWorld(t)
	w.migrationExits(t, 0)
	if err := w.e.InjectFault(fake.Fault{Image: "*:crashy", Action: fake.FaultExit, ExitCode: 137, After: 5 * time.Second, Reason: "OutOfMemoryError: Container killed due to memory usage"}); err != nil {
		t.Fatal(err)
	}
	_, err := w.p.Release(context.Background(), "registry.example/api:crashy")
	var df *ecsdeploy.DeploymentFailedError
	if !errors.As(err, &df) {
		t.Fatalf("err = %v, want a DeploymentFailedError", err)
	}
	if len(w.notified) != 1 || !strings.Contains(w.notified[0], "exit 137") {
		t.Errorf("notifications %q, want the exit code 137", w.notified)
	}
}

// Throttling on the reads is ridden out: the release still succeeds, at
// the price of extra calls.
func TestReleaseRidesOutThrottling(t *testing.T) {
	w := newWorld(t)
	w.migrationExits(t, 0)
	w.e.FailOperation("DescribeServices", "ThrottlingException", 3, 0)
	describes := w.e.CallCount("DescribeServices")
	if _, err := w.p.Release(context.Background(), "registry.example/api:2"); err != nil {
		t.Fatalf("release failed under throttling: %v", err)
	}
	if n := w.e.CallCount("DescribeServices") - describes; n < 4 {
		t.Errorf("DescribeServices called %d times, want the 3 throttled calls and more", n)
	}
}

// A deployment that never finishes hits the Deployer's timeout, measured
// in virtual time: 20 virtual minutes pass in milliseconds.
func TestReleaseTimesOutInVirtualTime(t *testing.T) {
	w := newWorld(t, ecsdeploy.WithTimeout(20*time.Minute))
	w.p.Migration = ""
	// Turn the circuit breaker off so that failing tasks are retried forever.
	if _, err := w.e.UpdateService(context.Background(), &ecs.UpdateServiceInput{Cluster: aws.String("prod"), Service: aws.String("api"),
		DeploymentConfiguration: &types.DeploymentConfiguration{DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{}}}); err != nil {
		t.Fatal(err)
	}
	if err := w.e.InjectFault(fake.Fault{Image: "*:broken", Action: fake.FaultFailStart}); err != nil {
		t.Fatal(err)
	}
	start := w.e.Now()
	wall := time.Now()
	_, err := w.p.Release(context.Background(), "registry.example/api:broken")
	if !errors.Is(err, ecsdeploy.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if v := w.e.Now().Sub(start); v < 20*time.Minute {
		t.Errorf("only %s of virtual time passed, want the 20m timeout", v)
	}
	if time.Since(wall) > 20*time.Second {
		t.Errorf("took %s of wall time", time.Since(wall))
	}
	if !contains(messages[*ecsdeploy.ServiceEvent](w), "is unable to consistently start tasks successfully.") {
		t.Errorf("no 'unable to consistently start tasks' event in %q", messages[*ecsdeploy.ServiceEvent](w))
	}
}

// The same code runs in a testing/synctest bubble on a real-time clock:
// the fake follows the bubble's synthetic time, so waits cost nothing.
func TestReleaseInSynctestBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		e := fake.New(fake.WithClock(fake.RealTime(1)))
		d := ecsdeploy.New(e) // the Deployer's own wall clock: time.Sleep is synthetic here
		if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("prod")}); err != nil {
			t.Fatal(err)
		}
		td, err := ecsdeploy.NewTaskDefinition("api").Fargate().CPU(256).Memory(512).
			Container(ecsdeploy.NewContainer("api", "registry.example/api:1")).Build()
		if err != nil {
			t.Fatal(err)
		}
		reg, err := d.Register(ctx, td)
		if err != nil {
			t.Fatal(err)
		}
		svc, err := ecsdeploy.NewService("api").Cluster("prod").TaskDefinition(reg.Arn).DesiredCount(2).Fargate().
			Network([]string{"subnet-1"}, nil, false).Build()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.CreateService(ctx, svc); err != nil {
			t.Fatal(err)
		}
		p := &Pipeline{Deployer: d, Cluster: "prod", Service: "api"}
		start := time.Now()
		res, err := p.Release(ctx, "registry.example/api:2")
		if err != nil || afterSlash(res.TaskDefinitionArn) != "api:2" {
			t.Fatalf("release: %v %v", res, err)
		}
		if took := time.Since(start); took < time.Minute {
			t.Errorf("synthetic time passed %s, want the rollout's minutes", took)
		}
	})
}
