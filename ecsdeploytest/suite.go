package ecsdeploytest

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
)

// Run runs every scenario against b, each as a subtest. Scenarios run one
// after another: against a fake they share its virtual clock.
func Run(t *testing.T, b Backend) {
	t.Helper()
	if b.API == nil || b.Cluster == "" {
		t.Fatal("ecsdeploytest: Backend.API and Backend.Cluster are required")
	}
	s := &suite{b: b.withDefaults()}
	for _, sc := range []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"RegisterRunStopTask", s.registerRunStopTask},
		{"RegisterOnlyIfChangedReusesRevision", s.registerOnlyIfChanged},
		{"RunTaskBatchesByTen", s.runTaskBatches},
		{"RunTaskWaitStoppedExitCodes", s.runTaskExitCodes},
		{"RunTaskFailingImage", s.runTaskFailingImage},
		{"RunTaskPlacementFailure", s.runTaskPlacement},
		{"CreateService", s.createService},
		{"DeployNewImage", s.deployNewImage},
		{"DeployFullTaskDefinition", s.deployFullTaskDefinition},
		{"DeployUnchangedIsNoChange", s.deployUnchanged},
		{"PlanThenDeployServiceDefinition", s.planThenDeployServiceDefinition},
		{"ForceNewDeployment", s.forceNewDeployment},
		{"ScaleUpAndDown", s.scale},
		{"CapacityProviderSplit", s.capacityProviderSplit},
		{"DeleteService", s.deleteService},
		{"CircuitBreakerRollback", s.circuitBreakerRollback},
		{"DeployerRollbackWithoutBreaker", s.deployerRollback},
		{"BreakerWithoutRollbackFailsFast", s.breakerFailsFast},
		{"Timeout", s.timeout},
		{"ContextCancelReturnsLastStatus", s.contextCancel},
		{"RidesOutThrottlingAndServerErrors", s.transient},
		{"NotFoundErrors", s.notFound},
		{"LoadBalancerDeployBehindALB", s.lbDeploy},
		{"LoadBalancerHealthCheckFailureRollsBack", s.lbHealthCheckFailure},
		{"LoadBalancerDrainInRolloutDuration", s.lbDrainDuration},
		{"LoadBalancerDeployDuringDraining", s.lbDeployDuringDraining},
		{"CrashLoopingReleaseShowsLastLogLines", s.crashLoopLogs},
		{"MigrationTaskOutputAndExitCode", s.migrationLogs},
		{"ScaleOutUnderLoadConvergesAndDeployKeepsIt", s.scaleOutConverges}, // scaling.go
		{"DeploymentAlarmRollsBack", s.alarmRollback},
	} {
		t.Run(sc.name, sc.fn)
	}
}

type suite struct {
	b Backend
}

func (s *suite) ctx(t testing.TB) context.Context { return t.Context() }

// deployer returns a Deployer on the backend with the suite's clock, poll
// interval and timeout, plus opts.
func (s *suite) deployer(opts ...ecsdeploy.Option) ecsdeploy.Deployer {
	base := []ecsdeploy.Option{ecsdeploy.WithClock(s.b.Clock), ecsdeploy.WithPollInterval(s.b.PollInterval), ecsdeploy.WithTimeout(s.b.Timeout)}
	return ecsdeploy.New(s.b.API, append(base, opts...)...)
}

func (s *suite) name(t testing.TB, suffix string) string {
	n := s.b.NamePrefix + "-" + suffix
	if len(n) > 255 {
		t.Fatalf("name %q too long", n)
	}
	return n
}

func (s *suite) fargate() bool { return s.b.LaunchType == types.LaunchTypeFargate }

// taskDef returns a minimal valid task definition for the launch type.
func (s *suite) taskDef(family, image string, command []string) *ecs.RegisterTaskDefinitionInput {
	c := types.ContainerDefinition{Name: ptr("app"), Image: ptr(image), Essential: ptr(true), Command: command}
	in := &ecs.RegisterTaskDefinitionInput{Family: ptr(family), ContainerDefinitions: []types.ContainerDefinition{c}}
	if s.fargate() {
		in.NetworkMode = types.NetworkModeAwsvpc
		in.RequiresCompatibilities = []types.Compatibility{types.CompatibilityFargate}
		in.Cpu, in.Memory = ptr("256"), ptr("512")
	} else {
		in.ContainerDefinitions[0].Memory = ptr(int32(128))
	}
	if s.b.ExecutionRoleArn != "" {
		in.ExecutionRoleArn = ptr(s.b.ExecutionRoleArn)
	}
	return in
}

func (s *suite) register(t testing.TB, in *ecs.RegisterTaskDefinitionInput) string {
	t.Helper()
	res, err := s.deployer().Register(s.ctx(t), in)
	if err != nil {
		t.Fatalf("Register(%s): %v", *in.Family, err)
	}
	if res.Arn == "" || !strings.Contains(res.Arn, ":task-definition/"+*in.Family+":") {
		t.Fatalf("Register(%s): ARN %q is not a task-definition ARN of the family", *in.Family, res.Arn)
	}
	return res.Arn
}

func (s *suite) runInput(td string) ecsdeploy.RunTaskInput {
	in := ecsdeploy.RunTaskInput{Cluster: s.b.Cluster, TaskDefinition: td, LaunchType: s.b.LaunchType}
	if s.fargate() {
		in.NetworkConfiguration = s.b.NetworkConfiguration
	}
	return in
}

// serviceOpts say how createService configures the circuit breaker.
type breaker int

const (
	noBreaker breaker = iota
	breakerWithRollback
	breakerWithoutRollback
)

// createService registers image under the service's own family, creates
// the service with desired tasks and waits for it to be steady; it
// deletes the service when the test ends. It returns the task definition ARN.
func (s *suite) createService(t *testing.T) { s.createServiceCase(t) }

func (s *suite) newService(t testing.TB, svc string, desired int32, br breaker) string {
	t.Helper()
	td := s.register(t, s.taskDef(svc, s.b.Image, nil))
	in := &ecs.CreateServiceInput{
		Cluster: ptr(s.b.Cluster), ServiceName: ptr(svc), TaskDefinition: ptr(td), DesiredCount: ptr(desired),
		LaunchType: s.b.LaunchType,
		DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: ptr(int32(100)), MaximumPercent: ptr(int32(200)),
			DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: br != noBreaker, Rollback: br == breakerWithRollback}},
	}
	if s.fargate() {
		in.NetworkConfiguration = s.b.NetworkConfiguration
	}
	t.Cleanup(func() { s.cleanupService(t, svc) })
	st, err := s.deployer().CreateService(s.ctx(t), in)
	if err != nil {
		t.Fatalf("CreateService(%s): %v", svc, err)
	}
	s.checkSteady(t, st, td, desired)
	return td
}

// cleanupService deletes svc (scale to 0, wait, delete) when a test ends.
func (s *suite) cleanupService(t testing.TB, svc string) {
	ctx := context.WithoutCancel(s.ctx(t))
	err := s.deployer(ecsdeploy.WithTimeout(s.b.Timeout)).DeleteService(ctx, s.b.Cluster, svc)
	if err != nil && !errors.Is(err, ecsdeploy.ErrServiceNotFound) {
		t.Logf("cleanup: DeleteService(%s): %v", svc, err)
		_, _ = s.b.API.DeleteService(ctx, &ecs.DeleteServiceInput{Cluster: ptr(s.b.Cluster), Service: ptr(svc), Force: ptr(true)})
	}
}

// checkSteady asserts a steady service on td with desired running tasks
// and a single COMPLETED PRIMARY deployment.
func (s *suite) checkSteady(t testing.TB, st *ecsdeploy.Status, td string, desired int32) {
	t.Helper()
	if st == nil {
		t.Fatal("status is nil")
	}
	svc := st.Service
	if got := deref(svc.TaskDefinition); td != "" && got != td {
		t.Errorf("service taskDefinition = %s, want %s", got, td)
	}
	if svc.DesiredCount != desired || svc.RunningCount != desired {
		t.Errorf("service desired/running = %d/%d, want %d/%d", svc.DesiredCount, svc.RunningCount, desired, desired)
	}
	if len(svc.Deployments) != 1 {
		t.Errorf("service has %d deployments, want 1 (steady)", len(svc.Deployments))
	}
	if d := st.Deployment; d == nil {
		t.Error("status has no deployment")
	} else if deref(d.Status) != "PRIMARY" || d.RolloutState != types.DeploymentRolloutStateCompleted {
		t.Errorf("deployment %s status/rolloutState = %s/%s, want PRIMARY/COMPLETED", deref(d.Id), deref(d.Status), d.RolloutState)
	}
}

// runningTasks lists the service's tasks with desiredStatus RUNNING.
func (s *suite) runningTasks(t *testing.T, svc string) []string {
	t.Helper()
	out, err := s.b.API.ListTasks(s.ctx(t), &ecs.ListTasksInput{Cluster: ptr(s.b.Cluster), ServiceName: ptr(svc), DesiredStatus: types.DesiredStatusRunning})
	if err != nil {
		t.Fatalf("ListTasks(%s): %v", svc, err)
	}
	return out.TaskArns
}

// describeTD returns the registered task definition.
func (s *suite) describeTD(t *testing.T, td string) *types.TaskDefinition {
	t.Helper()
	out, err := s.b.API.DescribeTaskDefinition(s.ctx(t), &ecs.DescribeTaskDefinitionInput{TaskDefinition: ptr(td)})
	if err != nil {
		t.Fatalf("DescribeTaskDefinition(%s): %v", td, err)
	}
	return out.TaskDefinition
}

// recorder collects Events and renders them.
type recorder struct {
	events []ecsdeploy.Event
	buf    bytes.Buffer
	r      *ecsdeploy.TextRenderer
}

func newRecorder() *recorder {
	rec := &recorder{}
	rec.r = ecsdeploy.NewTextRenderer(&rec.buf)
	return rec
}

func (r *recorder) add(e ecsdeploy.Event) { r.events = append(r.events, e); r.r.Render(e) }

// checkNoRepeats asserts each service event was reported once and no
// rendered line repeats.
func (r *recorder) checkNoRepeats(t *testing.T) {
	t.Helper()
	ids := map[string]bool{}
	for _, e := range r.events {
		if se, ok := e.(*ecsdeploy.ServiceEvent); ok {
			if ids[se.ID] {
				t.Errorf("service event %s (%q) reported twice", se.ID, se.Message)
			}
			ids[se.ID] = true
		}
	}
	lines := strings.Split(strings.TrimSpace(r.buf.String()), "\n")
	for i := 1; i < len(lines); i++ {
		if lines[i] == lines[i-1] {
			t.Errorf("rendered line repeated: %q", lines[i])
		}
	}
}

// deploymentReached reports whether a DeploymentEvent for id reached state.
func (r *recorder) deploymentReached(id string, state types.DeploymentRolloutState) bool {
	for _, e := range r.events {
		if de, ok := e.(*ecsdeploy.DeploymentEvent); ok && de.ID == id && de.RolloutState == state {
			return true
		}
	}
	return false
}

// serviceEventSays reports whether a ServiceEvent contains text.
func (r *recorder) serviceEventSays(text string) bool {
	for _, e := range r.events {
		if se, ok := e.(*ecsdeploy.ServiceEvent); ok && strings.Contains(se.Message, text) {
			return true
		}
	}
	return false
}

// calls snapshots the backend's call counts (nil when unsupported).
func (s *suite) calls() map[string]int {
	if s.b.Calls == nil {
		return nil
	}
	m := map[string]int{}
	for k, v := range s.b.Calls() {
		m[k] = v
	}
	return m
}

func delta(before, after map[string]int, op string) int { return after[op] - before[op] }

// waitTaskStopped polls DescribeTasks (through the backend clock) until
// the task is STOPPED and returns it.
func (s *suite) waitTaskStopped(t *testing.T, arn string) types.Task {
	t.Helper()
	deadline := s.b.Clock.Now().Add(s.b.Timeout)
	for {
		out, err := s.b.API.DescribeTasks(s.ctx(t), &ecs.DescribeTasksInput{Cluster: ptr(s.b.Cluster), Tasks: []string{arn}})
		if err != nil {
			t.Fatalf("DescribeTasks: %v", err)
		}
		if len(out.Tasks) != 1 {
			t.Fatalf("DescribeTasks(%s): %d tasks, failures %v", arn, len(out.Tasks), out.Failures)
		}
		if deref(out.Tasks[0].LastStatus) == "STOPPED" {
			return out.Tasks[0]
		}
		if !s.b.Clock.Now().Before(deadline) {
			t.Fatalf("task %s not STOPPED after %s (lastStatus %s)", arn, s.b.Timeout, deref(out.Tasks[0].LastStatus))
		}
		if err := s.b.Clock.Sleep(s.ctx(t), s.b.PollInterval); err != nil {
			t.Fatal(err)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }

// elapsed returns the backend-clock time since start.
func (s *suite) elapsed(start time.Time) time.Duration { return s.b.Clock.Now().Sub(start) }
