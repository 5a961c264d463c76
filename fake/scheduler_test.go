package fake

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// Service events use ECS's texts, newest first, each with a uuid id and
// createdAt.
func TestServiceEventTexts(t *testing.T) {
	e := newCluster(t, 4)
	td := register(t, e, simpleTD("web", "img:1"))
	created := createSvc(t, e, "web", td, 2, svcOpts{min: 100, max: 200})
	id := aws.ToString(created.Deployments[0].Id)
	e.Advance(time.Minute)
	s := svc(t, e, "web")
	msgs := eventTexts(s)
	started := regexp.MustCompile(`^\(service web\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$`)
	want := []string{plan.SteadyStateEvent("web"), plan.DeploymentCompletedEvent("web", id)}
	if len(msgs) != 3 || msgs[0] != want[0] || msgs[1] != want[1] || !started.MatchString(msgs[2]) {
		t.Fatalf("events (newest first) %q", msgs)
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$`)
	for i, ev := range s.Events {
		if !uuid.MatchString(aws.ToString(ev.Id)) || ev.CreatedAt == nil {
			t.Fatalf("event %d: id %q createdAt %v", i, aws.ToString(ev.Id), ev.CreatedAt)
		}
		if i > 0 && ev.CreatedAt.After(*s.Events[i-1].CreatedAt) {
			t.Fatalf("events not newest first at %d", i)
		}
	}
	// Tasks are stopped with "has stopped N running tasks" and the scaling reason.
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(1)})
	e.Advance(time.Minute)
	s = svc(t, e, "web")
	if !regexp.MustCompile(`^\(service web\) has stopped 1 running tasks: \(task [0-9a-f]{32}\)\.$`).MatchString(findEvent(s, "has stopped")) {
		t.Fatalf("events %q", eventTexts(s))
	}
	for _, tk := range e.Tasks("default") {
		if *tk.LastStatus == "STOPPED" {
			if aws.ToString(tk.StoppedReason) != plan.ScalingReason(id) || tk.StopCode != types.TaskStopCodeServiceSchedulerInitiated {
				t.Fatalf("stopped task: %q %s", aws.ToString(tk.StoppedReason), tk.StopCode)
			}
		}
	}
}

func findEvent(s types.Service, sub string) string {
	for _, m := range eventTexts(s) {
		if strings.Contains(m, sub) {
			return m
		}
	}
	return ""
}

// A service keeps at most 100 events, newest first.
func TestServiceEventsCappedAt100(t *testing.T) {
	e := newCluster(t, 2)
	td := register(t, e, simpleTD("web", "img:1"))
	createSvc(t, e, "web", td, 1, svcOpts{min: 0, max: 100})
	for range 40 { // each round adds started, stopped, completed and steady events
		update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), ForceNewDeployment: true})
		e.Advance(2 * time.Minute)
	}
	s := svc(t, e, "web")
	if len(s.Events) != 100 {
		t.Fatalf("%d events, want 100", len(s.Events))
	}
	if eventTexts(s)[0] != plan.SteadyStateEvent("web") {
		t.Fatalf("newest event %q", eventTexts(s)[0])
	}
}

// The steady-state event is emitted once when the service gets steady, not
// on every tick or call, and repeated only after about six hours.
func TestSteadyStateEventOnce(t *testing.T) {
	e := newCluster(t, 2)
	td := register(t, e, simpleTD("web", "img:1"))
	createSvc(t, e, "web", td, 1, svcOpts{min: 100, max: 200})
	for range 60 {
		e.Advance(time.Minute)
		svc(t, e, "web")
	}
	if n := countEvents(svc(t, e, "web"), "has reached a steady state."); n != 1 {
		t.Fatalf("%d steady-state events in an hour, want 1", n)
	}
	e.Advance(6 * time.Hour)
	if n := countEvents(svc(t, e, "web"), "has reached a steady state."); n != 2 {
		t.Fatalf("%d steady-state events after 7 hours, want 2", n)
	}
}

// Tasks that stop by themselves (crash, lost instance, user StopTask) are
// replaced, keeping desiredCount RUNNING.
func TestReplacesStoppedTasks(t *testing.T) {
	e := newCluster(t, 3)
	td := register(t, e, simpleTD("web", "img:1"))
	createSvc(t, e, "web", td, 3, svcOpts{min: 100, max: 200})
	e.Advance(time.Minute)
	tasks := e.Tasks("default")
	// User stop.
	if _, err := e.StopTask(bg, &ecs.StopTaskInput{Task: tasks[0].TaskArn}); err != nil {
		t.Fatal(err)
	}
	// Lost instance.
	if err := e.LoseInstance(aws.ToString(tasks[1].ContainerInstanceArn)); err != nil {
		t.Fatal(err)
	}
	stepUntil(t, e, time.Second, 5*time.Minute, nil, func() bool {
		s := svc(t, e, "web")
		return s.RunningCount == 3 && countSvcTasks(e, "web").live == 3
	})
	// A crash of an essential container.
	e.InjectFault(Fault{Action: FaultExit, ExitCode: 137, After: time.Minute, Times: 1})
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), ForceNewDeployment: true})
	e.Advance(10 * time.Minute)
	stepUntil(t, e, time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td) && countSvcTasks(e, "web").live == 3 })
	crashed := 0
	for _, tk := range e.Tasks("default") {
		if tk.StopCode == types.TaskStopCodeEssentialContainerExited {
			crashed++
		}
	}
	if crashed != 1 {
		t.Fatalf("%d crashed tasks, want 1", crashed)
	}
}

// A service places a new task where it has fewest tasks: AZ, then instance.
func TestServicePlacementSpreadsOverAZsThenInstances(t *testing.T) {
	e := newCluster(t, 6) // two instances per AZ
	td := register(t, e, simpleTD("web", "img:1"))
	createSvc(t, e, "web", td, 6, svcOpts{min: 100, max: 200})
	e.Advance(time.Minute)
	perAZ, perInst := map[string]int{}, map[string]int{}
	for _, tk := range e.Tasks("default") {
		perAZ[aws.ToString(tk.AvailabilityZone)]++
		perInst[aws.ToString(tk.ContainerInstanceArn)]++
	}
	if len(perAZ) != 3 || len(perInst) != 6 {
		t.Fatalf("spread: per AZ %v, %d instances", perAZ, len(perInst))
	}
	for _, n := range perAZ {
		if n != 2 {
			t.Fatalf("per AZ %v", perAZ)
		}
	}
}

// Fargate services spread over the AZs.
func TestFargateServiceSpreadsOverAZs(t *testing.T) {
	e := newCluster(t, 0)
	td := register(t, e, fargateTD("web", "img:1"))
	createSvc(t, e, "web", td, 6, svcOpts{min: 100, max: 200, launchFargate: true})
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
	perAZ := map[string]int{}
	for _, tk := range e.Tasks("default") {
		perAZ[aws.ToString(tk.AvailabilityZone)]++
		if tk.LaunchType != types.LaunchTypeFargate {
			t.Fatalf("launch type %s", tk.LaunchType)
		}
	}
	if len(perAZ) != 3 || perAZ["us-east-1a"] != 2 {
		t.Fatalf("per AZ %v", perAZ)
	}
}

// Without capacity the scheduler emits "unable to place a task" with the
// closest match's shortfall, not on every retry, and places the task once
// capacity appears.
func TestUnableToPlaceTaskEvents(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cpu, mem int
		want     plan.Resource
	}{
		{"InsufficientMemory", 4096, 256, plan.ResourceMemory},
		{"InsufficientCPU", 128, 4096, plan.ResourceCPU},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newCluster(t, 0)
			arn, err := e.AddInstance("default", InstanceSpec{CPU: tc.cpu, Memory: tc.mem})
			if err != nil {
				t.Fatal(err)
			}
			td := register(t, e, simpleTD("web", "img:1")) // 256 CPU, 512 MiB
			createSvc(t, e, "web", td, 1, svcOpts{min: 100, max: 200})
			e.Advance(2 * time.Minute)
			want := plan.UnableToPlaceEvent("web", arn[strings.LastIndex(arn, "/")+1:], tc.want)
			if n := countEvents(svc(t, e, "web"), want); n != 1 {
				t.Fatalf("want %q once, events %q", want, eventTexts(svc(t, e, "web")))
			}
			e.AddInstance("default", InstanceSpec{CPU: 2048, Memory: 4096})
			stepUntil(t, e, 5*time.Second, 2*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
		})
	}
}

// Tasks that keep failing to start are retried with growing delays and the
// "unable to consistently start tasks successfully" event; a new deployment
// resets the throttle.
func TestStartFailureBackoff(t *testing.T) {
	e := newCluster(t, 2)
	td := register(t, e, simpleTD("web", "img:bad"))
	good := register(t, e, simpleTD("web", "img:good"))
	e.InjectFault(Fault{Image: "img:bad", Action: FaultFailStart})
	createSvc(t, e, "web", td, 1, svcOpts{min: 100, max: 200})
	e.Advance(10 * time.Minute)
	s := svc(t, e, "web")
	if countEvents(s, plan.UnableToStartConsistentlyEvent("web")) == 0 {
		t.Fatalf("no throttle event: %q", eventTexts(s))
	}
	// Without backoff a task would start every 13 s (8 s pull + 5 s stop): 46 in 10 min.
	if n := len(e.Tasks("default")); n >= 20 || n < 4 {
		t.Fatalf("%d start attempts in 10 minutes", n)
	}
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(good)})
	e.Advance(0)
	stepUntil(t, e, time.Second, time.Minute, nil, func() bool { return completed(t, e, "web", good) })
}

// Service tasks on a DRAINING instance are replaced elsewhere within
// minimumHealthyPercent and maximumPercent; the instance gets no new task.
func TestDrainingInstanceTasksReplaced(t *testing.T) {
	e := newCluster(t, 6)
	td := register(t, e, simpleTD("web", "img:1"))
	createSvc(t, e, "web", td, 6, svcOpts{min: 50, max: 150})
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
	drained := aws.ToString(e.Tasks("default")[0].ContainerInstanceArn)
	if _, err := e.UpdateContainerInstancesState(bg, &ecs.UpdateContainerInstancesStateInput{
		ContainerInstances: []string{drained}, Status: types.ContainerInstanceStatusDraining}); err != nil {
		t.Fatal(err)
	}
	check := boundsChecker(t, e, "web", 6, 50, 150)
	stepUntil(t, e, time.Second, 10*time.Minute, check, func() bool {
		for _, tk := range e.Tasks("default") {
			if aws.ToString(tk.ContainerInstanceArn) == drained && *tk.LastStatus != "STOPPED" {
				return false
			}
		}
		return svc(t, e, "web").RunningCount == 6 && countSvcTasks(e, "web").healthy == 6
	})
	for _, tk := range e.Tasks("default") {
		if aws.ToString(tk.ContainerInstanceArn) == drained && *tk.LastStatus != "STOPPED" {
			t.Fatalf("task %s still on the DRAINING instance", *tk.TaskArn)
		}
	}
	if s := svc(t, e, "web"); len(s.Deployments) != 1 || s.Deployments[0].RolloutState != types.DeploymentRolloutStateCompleted {
		t.Fatalf("draining made a deployment: %d", len(s.Deployments))
	}
}

// The scheduler plans a service once per virtual-time instant at which
// something changed, not once per task change (that would be O(n^2)).
func TestSchedulerPlansOncePerInstant(t *testing.T) {
	e := newCluster(t, 10)
	td := register(t, e, simpleTD("web", "img:1"))
	createSvc(t, e, "web", td, 40, svcOpts{min: 100, max: 200})
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
	e.mu.Lock()
	s := e.services[serviceKey{e.clusters["default"], "web"}]
	plans, changes := s.plans, 0
	for _, tk := range e.clusters["default"].tasks {
		changes += len(tk.historyView())
	}
	e.mu.Unlock()
	// 40 tasks went PENDING, ACTIVATING and RUNNING at the same three
	// instants: 120 task changes, a handful of plans (create, the three
	// instants, the 40 s health wake-up).
	if changes < 120 || plans > 8 {
		t.Fatalf("%d plans for %d task changes", plans, changes)
	}
}

// A task lost with its instance is replaced at the instant of the loss,
// even when the next call advances the clock far.
func TestLostTaskReplacedAtOnce(t *testing.T) {
	e := newCluster(t, 3)
	td := register(t, e, simpleTD("web", "img:1"))
	createSvc(t, e, "web", td, 1, svcOpts{min: 100, max: 200})
	e.Advance(10 * time.Minute)
	lostAt := e.Now()
	if err := e.LoseInstance(aws.ToString(e.Tasks("default")[0].ContainerInstanceArn)); err != nil {
		t.Fatal(err)
	}
	e.Advance(30 * time.Minute)
	ts := e.Tasks("default")
	if len(ts) != 2 || !ts[1].CreatedAt.Equal(lostAt) {
		t.Fatalf("%d tasks; replacement created at %v, loss at %v", len(ts), ts[len(ts)-1].CreatedAt, lostAt)
	}
}
