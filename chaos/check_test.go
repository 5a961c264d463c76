package chaos

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// service builds a described service with one deployment in state rs.
func service(name string, desired, running, pending, minPct, maxPct int32, rs types.DeploymentRolloutState) types.Service {
	return types.Service{
		ServiceName: aws.String(name), Status: aws.String("ACTIVE"), DesiredCount: desired, RunningCount: running, PendingCount: pending,
		DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(minPct), MaximumPercent: aws.Int32(maxPct)},
		Deployments: []types.Deployment{{Id: aws.String("ecs-svc/1"), Status: aws.String("PRIMARY"), RolloutState: rs,
			TaskDefinition: aws.String("td:1"), CreatedAt: aws.Time(t0), DesiredCount: desired, RunningCount: running}},
	}
}

// tasks builds n tasks of service name.
func tasks(name string, n int, last, desired string) []types.Task {
	out := make([]types.Task, n)
	for i := range out {
		out[i] = types.Task{TaskArn: aws.String(fmt.Sprintf("arn:task/%s-%s-%d", name, last, i)), Group: aws.String("service:" + name),
			LastStatus: aws.String(last), DesiredStatus: aws.String(desired), TaskDefinitionArn: aws.String("td:1"),
			ContainerInstanceArn: aws.String("ci-1")}
		if last == "RUNNING" || last == "STOPPING" {
			out[i].StartedAt = aws.Time(t0.Add(-time.Hour)) // long past the 40 s of NoHealthCheckDelay
		}
		if desired == "STOPPED" {
			out[i].StopCode = types.TaskStopCodeServiceSchedulerInitiated
			out[i].StoppedReason = aws.String("Scaling activity initiated by (deployment ecs-svc/1)")
		}
	}
	return out
}

// invariants returns the invariant names of vs.
func invariants(vs []Violation) string {
	var s []string
	for _, v := range vs {
		s = append(s, v.Invariant)
	}
	return strings.Join(s, ",")
}

func TestCheckMaxPercent(t *testing.T) {
	tests := map[string]struct {
		kept int
		want string
	}{
		"at floor(4*150%)=6": {6, ""},
		"one above":          {7, "max-percent"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			svc := service("a", 4, int32(tc.kept), 0, 50, 150, types.DeploymentRolloutStateInProgress)
			s := Snapshot{Now: t0, Services: []types.Service{svc}, Tasks: tasks("a", tc.kept, "RUNNING", "RUNNING")}
			// Tasks already being stopped do not count.
			s.Tasks = append(s.Tasks, tasks("a", 3, "STOPPED", "STOPPED")...)
			if got := invariants(NewChecker(t0).Check(s, Expect{})); got != tc.want {
				t.Fatalf("violations %q, want %q", got, tc.want)
			}
		})
	}
}

// TestCheckMinHealthy: the checker counts a task healthy as the service
// scheduler does (ECS Developer Guide, "Deploy Amazon ECS services by
// replacing tasks"): without container health checks 40 s after it is
// RUNNING, with them once HEALTHY (load-balanced tasks: TestCheckLoadBalanced).
func TestCheckMinHealthy(t *testing.T) {
	steadyTasks := tasks("a", 4, "RUNNING", "RUNNING")
	second := t0.Add(time.Minute) // the instant of the second snapshot
	// replacing is a rollout step of 4 tasks, bound ceil(4*75%) = 3: 2 old
	// settled tasks (HEALTHY when checked), 1 old task being stopped by the
	// scheduler and a replacement RUNNING for age with the given health.
	// The replacement alone decides whether the bound holds.
	replacing := func(age time.Duration, health types.HealthStatus, checked bool) []types.Task {
		ts := append(tasks("a", 4, "RUNNING", "RUNNING"), tasks("a", 1, "STOPPED", "STOPPED")...)
		for i := range ts {
			if checked {
				ts[i].HealthStatus = types.HealthStatusHealthy
			}
		}
		ts[0].TaskArn, ts[0].StartedAt, ts[0].HealthStatus = aws.String("arn:task/a-replacement"), aws.Time(second.Add(-age)), health
		ts[1].TaskArn, ts[1].DesiredStatus = aws.String("arn:task/a-stopping"), aws.String("STOPPED")
		ts[1].StopCode, ts[1].StoppedReason = types.TaskStopCodeServiceSchedulerInitiated, aws.String("Scaling activity initiated by (deployment ecs-svc/1)")
		return ts
	}
	tests := map[string]struct {
		second    []types.Task
		checked   bool // the service's containers have health checks
		disturbed bool
		want      string
	}{
		"replacement RUNNING 39 s without health checks is not yet healthy": {second: replacing(39*time.Second, types.HealthStatusUnknown, false), want: "min-healthy"},
		"replacement RUNNING 40 s without health checks counts":             {second: replacing(40*time.Second, types.HealthStatusUnknown, false)},
		"with health checks, UNKNOWN after 10 minutes is not healthy":       {second: replacing(10*time.Minute, types.HealthStatusUnknown, true), checked: true, want: "min-healthy"},
		"with health checks, HEALTHY counts at once":                        {second: replacing(time.Second, types.HealthStatusHealthy, true), checked: true},
		"deployment keeps 3 of 4 healthy (min 75%)":                         {second: append(tasks("a", 3, "RUNNING", "RUNNING"), tasks("a", 1, "STOPPING", "STOPPED")...)},
		"deployment drops to 2 of 4":                                        {second: append(tasks("a", 2, "RUNNING", "RUNNING"), tasks("a", 2, "STOPPING", "STOPPED")...), want: "min-healthy"},
		"injected failure excuses the drop":                                 {second: append(tasks("a", 2, "RUNNING", "RUNNING"), tasks("a", 2, "STOPPING", "STOPPED")...), disturbed: true},
		"crashed task excuses the drop": {second: func() []types.Task {
			ts := append(tasks("a", 2, "RUNNING", "RUNNING"), tasks("a", 2, "STOPPING", "STOPPED")...)
			ts[2].StopCode = types.TaskStopCodeEssentialContainerExited
			return ts
		}()},
		"unhealthy task excuses the drop": {second: func() []types.Task {
			ts := tasks("a", 4, "RUNNING", "RUNNING")
			ts[0].HealthStatus, ts[1].HealthStatus = types.HealthStatusUnhealthy, types.HealthStatusUnhealthy
			return ts
		}()},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := NewChecker(t0)
			x := Expect{HealthChecked: map[string]bool{"a": tc.checked}}
			first := Snapshot{Now: t0, Services: []types.Service{service("a", 4, 4, 0, 75, 200, types.DeploymentRolloutStateCompleted)}, Tasks: steadyTasks}
			if tc.checked {
				first.Tasks = append([]types.Task(nil), steadyTasks...)
				for i := range first.Tasks {
					first.Tasks[i].HealthStatus = types.HealthStatusHealthy
				}
			}
			if vs := c.Check(first, x); len(vs) > 0 {
				t.Fatal(vs)
			}
			svc := service("a", 4, int32(len(tc.second)), 0, 75, 200, types.DeploymentRolloutStateInProgress)
			svc.RunningCount = 0
			for _, tk := range tc.second {
				if aws.ToString(tk.LastStatus) == "RUNNING" {
					svc.RunningCount++
				}
			}
			x.Disturbed = map[string]bool{"a": tc.disturbed}
			got := invariants(c.Check(Snapshot{Now: second, Services: []types.Service{svc}, Tasks: tc.second}, x))
			if got != tc.want {
				t.Fatalf("violations %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCheckLostInstance(t *testing.T) {
	ts := append(tasks("a", 1, "STOPPED", "STOPPED"), tasks("a", 1, "RUNNING", "RUNNING")...)
	s := Snapshot{Now: t0, Services: []types.Service{service("a", 1, 1, 0, 100, 200, types.DeploymentRolloutStateCompleted)}, Tasks: ts}
	got := NewChecker(t0).Check(s, Expect{LostInstances: map[string]bool{"ci-1": true}})
	if invariants(got) != "lost-instance" || got[0].Subject != "arn:task/a-RUNNING-0" {
		t.Fatalf("got %v", got)
	}
}

func TestCheckDeploymentDeadline(t *testing.T) {
	c := NewChecker(t0)
	svc := service("a", 1, 1, 0, 100, 200, types.DeploymentRolloutStateInProgress)
	x := Expect{DeploymentDeadline: time.Hour}
	at := func(d time.Duration) Snapshot {
		return Snapshot{Now: t0.Add(d), Services: []types.Service{svc}, Tasks: tasks("a", 1, "RUNNING", "RUNNING")}
	}
	if got := invariants(c.Check(at(time.Hour), x)); got != "" {
		t.Fatalf("at the deadline: %q", got)
	}
	if got := invariants(c.Check(at(time.Hour+time.Second), x)); got != "deployment-deadline" {
		t.Fatalf("past the deadline: %q", got)
	}
	if got := invariants(c.Check(at(2*time.Hour), x)); got != "" {
		t.Fatalf("reported twice: %q", got)
	}
	// A superseded (ACTIVE) deployment may stay IN_PROGRESS.
	svc.Deployments[0].Status, svc.Deployments[0].Id = aws.String("ACTIVE"), aws.String("ecs-svc/2")
	if got := invariants(c.Check(at(3*time.Hour), x)); got != "" {
		t.Fatalf("ACTIVE deployment: %q", got)
	}
}

func TestCheckCounts(t *testing.T) {
	s := Snapshot{Now: t0, Services: []types.Service{service("a", 2, 2, 0, 100, 200, types.DeploymentRolloutStateCompleted)},
		Tasks: append(tasks("a", 1, "RUNNING", "RUNNING"), tasks("a", 1, "PENDING", "RUNNING")...)}
	if got := invariants(NewChecker(t0).Check(s, Expect{})); got != "counts" {
		t.Fatalf("got %q", got)
	}
}

func TestCheckNoLoss(t *testing.T) {
	s := Snapshot{Now: t0, Services: []types.Service{service("a", 0, 0, 0, 100, 200, types.DeploymentRolloutStateCompleted)}, Missing: []string{"b MISSING"}}
	got := NewChecker(t0).Check(s, Expect{Services: []string{"a", "b"}})
	if invariants(got) != "no-loss" || got[0].Subject != "b" {
		t.Fatalf("got %v", got)
	}
	s.Services[0].Status = aws.String("DRAINING")
	if got := invariants(NewChecker(t0).Check(s, Expect{Services: []string{"a"}})); got != "no-loss" {
		t.Fatalf("DRAINING service: %q", got)
	}
}

// events builds n events, newest first, ids from first down.
func events(first, n int) []types.ServiceEvent {
	out := make([]types.ServiceEvent, n)
	for i := range out {
		k := first - i
		out[i] = types.ServiceEvent{Id: aws.String(fmt.Sprint(k)), CreatedAt: aws.Time(t0.Add(time.Duration(k) * time.Second)), Message: aws.String("m")}
	}
	return out
}

// sameTime gives the second event the first one's createdAt.
func sameTime(evs []types.ServiceEvent) []types.ServiceEvent {
	evs[1].CreatedAt = evs[0].CreatedAt
	return evs
}

func TestCheckEvents(t *testing.T) {
	tests := map[string]struct {
		before, after []types.ServiceEvent
		want          string
	}{
		"new events added":             {events(10, 10), events(12, 12), ""},
		"cap drops the oldest":         {events(100, 100), events(105, 100), ""},
		"event lost below the cap":     {events(10, 10), append(events(12, 3), events(8, 8)...), "events"},
		"event lost in a full list":    {events(100, 100), append(events(101, 50), events(49, 50)...), "events"},
		"more than 100 kept":           {events(10, 10), events(101, 101), "events"},
		"not newest first":             {nil, append(events(1, 1), events(2, 1)...), "events"},
		"repeated id":                  {nil, append(events(2, 1), events(2, 1)...), "events"},
		"two events share a createdAt": {nil, sameTime(events(3, 3)), "events"},
		"same list again is no event":  {events(5, 5), events(5, 5), ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := NewChecker(t0)
			snap := func(evs []types.ServiceEvent) Snapshot {
				svc := service("a", 0, 0, 0, 100, 200, types.DeploymentRolloutStateCompleted)
				svc.Events = evs
				return Snapshot{Now: t0, Services: []types.Service{svc}}
			}
			if vs := c.Check(snap(tc.before), Expect{}); len(vs) > 0 {
				t.Fatal(vs)
			}
			if got := invariants(c.Check(snap(tc.after), Expect{})); !strings.HasPrefix(got, tc.want) || (tc.want == "" && got != "") {
				t.Fatalf("violations %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCheckStoppedExpiry(t *testing.T) {
	ts := tasks("a", 2, "STOPPED", "STOPPED")
	ts[0].StoppedAt = aws.Time(t0.Add(-time.Hour - time.Minute))
	ts[1].StoppedAt = aws.Time(t0.Add(-time.Hour - 2*time.Minute))
	s := Snapshot{Now: t0, Services: []types.Service{service("a", 0, 0, 0, 100, 200, types.DeploymentRolloutStateCompleted)}, Tasks: ts}
	got := NewChecker(t0).Check(s, Expect{Retention: time.Hour, Slack: time.Minute})
	if invariants(got) != "stopped-expiry" || got[0].Subject != aws.ToString(ts[1].TaskArn) {
		t.Fatalf("got %v", got)
	}
}

func TestCheckConverged(t *testing.T) {
	ok := service("a", 2, 2, 0, 100, 200, types.DeploymentRolloutStateCompleted)
	tests := map[string]struct {
		svc   types.Service
		tasks []types.Task
		want  string
	}{
		"converged": {ok, tasks("a", 2, "RUNNING", "RUNNING"), ""},
		"wrong revision": {func() types.Service {
			s := ok
			s.Deployments = []types.Deployment{ok.Deployments[0]}
			s.Deployments[0].TaskDefinition = aws.String("td:2")
			return s
		}(),
			tasks("a", 2, "RUNNING", "RUNNING"), "converged"},
		"short of desired": {service("a", 2, 1, 0, 100, 200, types.DeploymentRolloutStateCompleted), tasks("a", 1, "RUNNING", "RUNNING"), "converged"},
		"still deploying":  {service("a", 2, 2, 0, 100, 200, types.DeploymentRolloutStateInProgress), tasks("a", 2, "RUNNING", "RUNNING"), "converged"},
		"stray task of another revision": {ok, func() []types.Task {
			ts := tasks("a", 3, "RUNNING", "RUNNING")
			ts[2].TaskDefinitionArn = aws.String("td:0")
			return ts
		}(), "converged"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := Snapshot{Now: t0, Services: []types.Service{tc.svc}, Tasks: tc.tasks}
			if got := invariants(NewChecker(t0).CheckConverged(s, map[string]string{"a": "td:1"})); got != tc.want {
				t.Fatalf("violations %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFeasible(t *testing.T) {
	tests := []struct {
		desired, min, max int32
		want              bool
	}{
		{4, 50, 200, true}, {2, 75, 200, true}, {3, 100, 125, false}, {1, 100, 150, false}, {1, 75, 150, false}, {2, 100, 150, true}, {5, 0, 100, true},
	}
	for _, tc := range tests {
		if got := feasible(tc.desired, tc.min, tc.max); got != tc.want {
			t.Errorf("feasible(%d, %d, %d) = %v", tc.desired, tc.min, tc.max, got)
		}
	}
}

// TestCheckMaxPercentAfterScaleDown: the runner checks only after the fake
// has planned the change, and the planner stops a surplus in the plan that
// follows the decrease (not-yet-healthy tasks first, docs/ecs-semantics.md
// "Scale-in order"), so no surplus is allowed at any check, not even in the
// step in which desiredCount was lowered. Tasks whose stop is requested do
// not count, whatever their last status.
func TestCheckMaxPercentAfterScaleDown(t *testing.T) {
	// Before: desired 6 at maximumPercent 150 (bound 9), 4 old tasks
	// healthy and 4 new ones just started. After: desired 4 (bound 6,
	// minimum ceil(4*100%) = 4): stopping healthy tasks would break the
	// minimum, stopping 2 of the new ones does not.
	old := func() []types.Task { return tasks("a", 4, "RUNNING", "RUNNING") }
	starting := func(n int, last, desired string) []types.Task {
		ts := tasks("a", n, last, desired)
		for i := range ts {
			ts[i].TaskArn = aws.String(fmt.Sprintf("arn:task/a-new-%s-%s-%d", last, desired, i))
			if last == "RUNNING" {
				ts[i].StartedAt = aws.Time(t0.Add(time.Minute))
			}
		}
		return ts
	}
	cat := func(parts ...[]types.Task) []types.Task {
		var out []types.Task
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	tests := map[string]struct {
		after []types.Task
		want  string
	}{
		// 4 old + 4 new kept against a bound of 6: the step that lowered
		// desiredCount is not exempt (the 10-minute grace this replaced
		// allowed it, the minimum forbidding healthy stops).
		"surplus kept in the step of the decrease": {cat(old(), starting(4, "RUNNING", "RUNNING")), "max-percent"},
		// A task waiting for capacity takes room under maximumPercent.
		"surplus waiting in PROVISIONING": {cat(old(), starting(2, "RUNNING", "RUNNING"), starting(1, "PROVISIONING", "RUNNING")), "max-percent"},
		"surplus PENDING":                 {cat(old(), starting(2, "RUNNING", "RUNNING"), starting(1, "PENDING", "RUNNING")), "max-percent"},
		// Legal: at the bound, 2 of the new tasks' stops requested in the
		// same plan, at any stage of stopping.
		"at the bound":       {cat(old(), starting(2, "RUNNING", "RUNNING")), ""},
		"new tasks stopping": {cat(old(), starting(2, "RUNNING", "RUNNING"), starting(2, "RUNNING", "STOPPED")), ""},
		"stopping at every stage": {cat(old(), starting(2, "RUNNING", "RUNNING"), starting(1, "PROVISIONING", "STOPPED"), starting(1, "DEACTIVATING", "STOPPED"),
			starting(1, "STOPPING", "STOPPED"), starting(1, "DEPROVISIONING", "STOPPED"), starting(1, "STOPPED", "STOPPED")), ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := NewChecker(t0)
			before := Snapshot{Now: t0.Add(time.Minute), Services: []types.Service{service("a", 6, 8, 0, 100, 150, types.DeploymentRolloutStateInProgress)},
				Tasks: cat(old(), starting(4, "RUNNING", "RUNNING"))}
			if vs := c.Check(before, Expect{}); len(vs) > 0 { // 8 within floor(6*150%) = 9
				t.Fatal(vs)
			}
			var running, pending int32
			for _, tk := range tc.after {
				switch aws.ToString(tk.LastStatus) {
				case "RUNNING":
					running++
				case "PROVISIONING", "PENDING", "ACTIVATING":
					pending++
				}
			}
			after := Snapshot{Now: t0.Add(90 * time.Second), Services: []types.Service{service("a", 4, running, pending, 100, 150, types.DeploymentRolloutStateInProgress)},
				Tasks: tc.after}
			if got := invariants(c.Check(after, Expect{})); got != tc.want {
				t.Fatalf("violations %q, want %q", got, tc.want)
			}
		})
	}
}
