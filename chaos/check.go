package chaos

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// MaxServiceEvents is how many events ECS keeps per service.
const MaxServiceEvents = 100

// Snapshot is what the checker sees of one cluster at one instant.
type Snapshot struct {
	// Now is the fake's clock.
	Now time.Time
	// Services are the services as DescribeServices returns them.
	Services []types.Service
	// Missing names services DescribeServices reported as failures.
	Missing []string
	// Tasks are every task the fake still remembers in the cluster.
	Tasks []types.Task
	// LoadBalanced is the load-balancer view of the tasks of services
	// with target groups (check_lb.go).
	LoadBalanced []fake.LoadBalancedTask
	// BlueGreen is the traffic view of the blue/green services
	// (check_bg.go).
	BlueGreen []BlueGreenView
}

// Expect is what the driver of a scenario knows must hold.
type Expect struct {
	// Services are the names of every service created (none deleted).
	Services []string
	// LostInstances holds the ARNs of container instances that were lost.
	LostInstances map[string]bool
	// Disturbed names services an injected failure touched since the last
	// check (the min-healthy rule does not hold through those).
	Disturbed map[string]bool
	// DeploymentDeadline bounds how long a deployment may be IN_PROGRESS
	// (0: not checked).
	DeploymentDeadline time.Duration
	// Retention is how long STOPPED tasks may stay remembered, and Slack
	// the allowed lateness of their expiry (0: not checked).
	Retention, Slack time.Duration
	// HealthChecked names services whose task definitions have container
	// health checks: their tasks count healthy only once HEALTHY, those of
	// other services 40 s after RUNNING (healthy, below).
	HealthChecked map[string]bool
}

// serviceMemory is what the checker remembers of a service between checks.
type serviceMemory struct {
	events      map[string]time.Time // event id -> createdAt
	guarded     bool                 // min-healthy applies
	guardSince  time.Time
	lastDesired int32
}

// Checker evaluates the invariants on successive snapshots of one cluster.
// It remembers what it saw (events, steady services) so that it can tell
// a lost event from one the cap dropped, and a deployment's own stops from
// failures. It is not safe for concurrent use.
type Checker struct {
	start    time.Time
	services map[string]*serviceMemory
	overdue  map[string]bool // deployments already reported past deadline
	lbBad    map[string]bool // tasks already reported by checkLoadBalanced
	// lbSettled holds, for tasks behind a load balancer, whether all their
	// targets are healthy (check_lb.go), for the current snapshot.
	lbSettled map[string]bool
	// revived holds, per deployment seen COMPLETED, when it was first seen
	// IN_PROGRESS again (a circuit-breaker rollback revives the last
	// COMPLETED deployment: its deadline runs from then, not createdAt).
	revived map[string]time.Time
	// bgStage is, per blue/green service deployment ARN, the furthest
	// lifecycle stage seen (check_bg.go).
	bgStage map[string]int
	// Checks counts the individual invariant evaluations made.
	Checks int
}

// NewChecker returns a Checker whose violations are timed from start.
func NewChecker(start time.Time) *Checker {
	return &Checker{start: start, services: map[string]*serviceMemory{}, overdue: map[string]bool{}, lbBad: map[string]bool{},
		revived: map[string]time.Time{}, bgStage: map[string]int{}}
}

// Check evaluates every invariant on s and returns the violations.
func (c *Checker) Check(s Snapshot, x Expect) []Violation {
	var out []Violation
	bad := func(inv, subject, format string, args ...any) {
		out = append(out, Violation{At: s.Now.Sub(c.start), Invariant: inv, Subject: subject, Detail: fmt.Sprintf(format, args...)})
	}
	byGroup := map[string][]types.Task{}
	for _, t := range s.Tasks {
		byGroup[aws.ToString(t.Group)] = append(byGroup[aws.ToString(t.Group)], t)
	}
	c.lbSettled = lbSettled(s)
	seen := map[string]bool{}
	for _, svc := range s.Services {
		name := aws.ToString(svc.ServiceName)
		seen[name] = true
		c.checkService(s, x, svc, byGroup["service:"+name], bad)
	}
	for _, name := range x.Services {
		c.Checks++
		if !seen[name] {
			bad("no-loss", name, "service created but not described (failures %v)", s.Missing)
		}
	}
	c.checkBases(s, x, byGroup, bad) // capacity.go
	c.checkTasks(s, x, bad)
	c.checkLoadBalanced(s, bad)
	c.checkBlueGreen(s, bad)
	return out
}

type reporter func(inv, subject, format string, args ...any)

// checkService evaluates the per-service invariants.
func (c *Checker) checkService(s Snapshot, x Expect, svc types.Service, tasks []types.Task, bad reporter) {
	name := aws.ToString(svc.ServiceName)
	mem := c.services[name]
	if mem == nil {
		mem = &serviceMemory{events: map[string]time.Time{}, lastDesired: svc.DesiredCount}
		c.services[name] = mem
	}
	c.Checks++
	if st := aws.ToString(svc.Status); st != "ACTIVE" {
		bad("no-loss", name, "status %s, want ACTIVE", st)
	}
	cfg := svc.DeploymentConfiguration
	maxPct, minPct := int32(200), int32(100)
	if cfg != nil {
		maxPct, minPct = aws.ToInt32(cfg.MaximumPercent), aws.ToInt32(cfg.MinimumHealthyPercent)
	}
	desired := svc.DesiredCount

	// counts and max-percent.
	var kept, running, pending, healthy int32
	disturbed := x.Disturbed[name] || desired != mem.lastDesired
	for _, t := range tasks {
		last, want := aws.ToString(t.LastStatus), aws.ToString(t.DesiredStatus)
		switch last {
		case "RUNNING":
			running++
		case "PROVISIONING", "PENDING", "ACTIVATING":
			pending++
		}
		if want == "RUNNING" && last != "STOPPED" {
			kept++
		}
		if c.healthy(t, x.HealthChecked[name], s.Now) {
			healthy++
		}
		if t.HealthStatus == types.HealthStatusUnhealthy {
			disturbed = true
		}
		// A failure (stop code other than the scheduler's or a user's, or
		// a failed health check) seen on a task stopping or stopped since
		// the guard began disturbs the service.
		if want == "STOPPED" && mem.guarded && (t.StoppedAt == nil || !t.StoppedAt.Before(mem.guardSince)) {
			switch t.StopCode {
			case types.TaskStopCodeServiceSchedulerInitiated, types.TaskStopCodeUserInitiated:
				if strings.Contains(aws.ToString(t.StoppedReason), "health") {
					disturbed = true
				}
			default:
				disturbed = true
			}
		}
	}
	c.Checks += 3
	if running != svc.RunningCount || pending != svc.PendingCount {
		bad("counts", name, "runningCount %d pendingCount %d, tasks show %d and %d", svc.RunningCount, svc.PendingCount, running, pending)
	}
	// maximumPercent bounds the tasks RUNNING or PENDING at every check,
	// the step that lowered desiredCount included: the runner checks only
	// after the fake has planned every change (reconcileLocked runs at the
	// end of each instant), and the planner stops the surplus in the same
	// plan, not-yet-healthy tasks first when stopping healthy ones would
	// break minimumHealthyPercent (docs/ecs-semantics.md, "Scale-in order").
	// Tasks whose stop is requested (desiredStatus STOPPED) no longer count.
	// A blue/green deployment starts green at desiredCount beside blue,
	// whatever maximumPercent says: 200% (check_bg.go).
	if cfg != nil && blueGreenFamily(cfg.Strategy) {
		maxPct = 200
	}
	if limit := maxTasks(desired, maxPct); kept > limit {
		bad("max-percent", name, "%d tasks RUNNING or PENDING, bound floor(%d*%d%%) = %d; deployments: %s; tasks: %s",
			kept, desired, maxPct, limit, deploymentsText(svc), taskStates(tasks))
	}

	// min-healthy, only while nothing injected touched the service.
	if disturbed {
		mem.guarded = false
	} else if mem.guarded {
		if floor := minHealthy(desired, minPct); healthy < floor {
			bad("min-healthy", name, "%d healthy RUNNING tasks, bound ceil(%d*%d%%) = %d; stopping: %s", healthy, desired, minPct, floor, stopping(tasks))
		}
	}
	if !mem.guarded && !disturbed && steady(svc) && healthy == desired {
		mem.guarded, mem.guardSince = true, s.Now
	}
	mem.lastDesired = desired

	// deployment-deadline.
	for _, d := range svc.Deployments {
		c.Checks++
		id := aws.ToString(d.Id)
		// Only the PRIMARY rollout must end: a deployment superseded while
		// IN_PROGRESS stays ACTIVE with that state until drained, and a
		// FAILED primary without rollback leaves it so (soak seed 11).
		since := aws.ToTime(d.CreatedAt)
		switch at, seen := c.revived[id]; {
		case d.RolloutState == types.DeploymentRolloutStateCompleted:
			c.revived[id] = time.Time{}
		case seen && d.RolloutState == types.DeploymentRolloutStateInProgress:
			if at.IsZero() {
				at = s.Now
				c.revived[id] = at
			}
			since = at
		}
		if x.DeploymentDeadline > 0 && aws.ToString(d.Status) == "PRIMARY" && d.RolloutState == types.DeploymentRolloutStateInProgress && d.CreatedAt != nil &&
			s.Now.Sub(since) > x.DeploymentDeadline && !c.overdue[id] {
			c.overdue[id] = true
			bad("deployment-deadline", name, "deployment %s (%s) IN_PROGRESS for %v: %s", id,
				aws.ToString(d.TaskDefinition), s.Now.Sub(since), aws.ToString(d.RolloutStateReason))
		}
	}
	c.checkEvents(name, svc.Events, mem, bad)
}

// NoHealthCheckDelay is how long a task without container health checks
// (and without a load balancer) must be RUNNING before the service
// scheduler counts it healthy; the fake's planner uses the same figure
// (fake/internal/plan.NoHealthCheckDelay).
const NoHealthCheckDelay = 40 * time.Second

// healthy reports whether the service scheduler counts t healthy at now,
// for minimumHealthyPercent (ECS Developer Guide, "Deploy Amazon ECS
// services by replacing tasks": without container health checks or a load
// balancer a task is healthy once RUNNING, and the scheduler waits 40 s
// before treating it so; with container health checks, once its health
// status is HEALTHY; behind a load balancer, once its targets pass the
// target group's health checks, which chaos reads from the fake's
// load-balancer view, check_lb.go). A task being stopped is never healthy.
func (c *Checker) healthy(t types.Task, checked bool, now time.Time) bool {
	if aws.ToString(t.DesiredStatus) != "RUNNING" || aws.ToString(t.LastStatus) != "RUNNING" || t.HealthStatus == types.HealthStatusUnhealthy {
		return false
	}
	if ok, behind := c.lbSettled[aws.ToString(t.TaskArn)]; behind {
		return ok && (!checked || t.HealthStatus == types.HealthStatusHealthy)
	}
	if checked {
		return t.HealthStatus == types.HealthStatusHealthy
	}
	return t.StartedAt != nil && !now.Before(t.StartedAt.Add(NoHealthCheckDelay))
}

// checkEvents verifies the event cap, order, uniqueness and that no event
// vanished except the oldest ones pushed out by the cap.
func (c *Checker) checkEvents(name string, events []types.ServiceEvent, mem *serviceMemory, bad reporter) {
	c.Checks += 3
	if len(events) > MaxServiceEvents {
		bad("events", name, "%d events kept, cap %d", len(events), MaxServiceEvents)
	}
	now := make(map[string]time.Time, len(events))
	var oldest time.Time
	for i, ev := range events {
		id, at := aws.ToString(ev.Id), aws.ToTime(ev.CreatedAt)
		if _, dup := now[id]; dup || id == "" {
			bad("events", name, "event id %q empty or repeated", id)
		}
		now[id] = at
		// Strictly: each event has its own createdAt, in the order the
		// events happened (tools print only events newer than the last).
		if i > 0 && !at.Before(aws.ToTime(events[i-1].CreatedAt)) {
			bad("events", name, "event %d (%v) not older than event %d (%v): not strictly newest first", i, at, i-1, aws.ToTime(events[i-1].CreatedAt))
		}
		oldest = at
	}
	full := len(events) >= MaxServiceEvents
	for id, at := range mem.events {
		if _, ok := now[id]; ok {
			continue
		}
		if !full || at.After(oldest) {
			bad("events", name, "event %s of %v lost (%d kept, oldest %v)", id, at, len(events), oldest)
			break
		}
	}
	mem.events = now
}

// checkTasks evaluates the per-task invariants: lost instances and the
// expiry of STOPPED tasks.
func (c *Checker) checkTasks(s Snapshot, x Expect, bad reporter) {
	for _, t := range s.Tasks {
		c.Checks += 2
		arn, last := aws.ToString(t.TaskArn), aws.ToString(t.LastStatus)
		if x.LostInstances[aws.ToString(t.ContainerInstanceArn)] && last != "STOPPED" {
			bad("lost-instance", arn, "task on lost instance %s is %s", aws.ToString(t.ContainerInstanceArn), last)
		}
		if x.Retention > 0 && last == "STOPPED" && t.StoppedAt != nil && s.Now.Sub(*t.StoppedAt) > x.Retention+x.Slack {
			bad("stopped-expiry", arn, "STOPPED %v ago, retention %v", s.Now.Sub(*t.StoppedAt), x.Retention)
		}
	}
}

// CheckConverged verifies that every service runs desiredCount tasks of its
// intended task definition ARN, in a single COMPLETED deployment.
func (c *Checker) CheckConverged(s Snapshot, intended map[string]string) []Violation {
	var out []Violation
	bad := func(subject, format string, args ...any) {
		out = append(out, Violation{At: s.Now.Sub(c.start), Invariant: "converged", Subject: subject, Detail: fmt.Sprintf(format, args...)})
	}
	tds := map[string]map[string]int{}
	for _, t := range s.Tasks {
		if aws.ToString(t.LastStatus) == "RUNNING" {
			g := aws.ToString(t.Group)
			if tds[g] == nil {
				tds[g] = map[string]int{}
			}
			tds[g][aws.ToString(t.TaskDefinitionArn)]++
		}
	}
	for _, svc := range s.Services {
		c.Checks++
		name := aws.ToString(svc.ServiceName)
		want := intended[name]
		switch {
		case !steady(svc):
			bad(name, "not steady: running %d of %d, %d deployments, %s", svc.RunningCount, svc.DesiredCount, len(svc.Deployments), deploymentsText(svc))
		case aws.ToString(svc.Deployments[0].TaskDefinition) != want:
			bad(name, "runs %s, want %s", aws.ToString(svc.Deployments[0].TaskDefinition), want)
		case tds["service:"+name][want] != int(svc.DesiredCount) || len(tds["service:"+name]) != 1:
			bad(name, "RUNNING tasks by task definition %v, want %d of %s", tds["service:"+name], svc.DesiredCount, want)
		}
	}
	return out
}

// steady reports whether a service has one COMPLETED deployment running
// desiredCount tasks with none pending.
func steady(svc types.Service) bool {
	return len(svc.Deployments) == 1 && svc.Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted &&
		svc.RunningCount == svc.DesiredCount && svc.PendingCount == 0
}

func deploymentsText(svc types.Service) string {
	var parts []string
	for _, d := range svc.Deployments {
		parts = append(parts, fmt.Sprintf("%s %s %s run %d/%d failed %d", aws.ToString(d.Id), aws.ToString(d.Status),
			d.RolloutState, d.RunningCount, d.DesiredCount, d.FailedTasks))
	}
	return strings.Join(parts, "; ")
}

// maxTasks is floor(desired * maximumPercent / 100).
func maxTasks(desired, maxPct int32) int32 { return desired * maxPct / 100 }

// minHealthy is ceil(desired * minimumHealthyPercent / 100).
func minHealthy(desired, minPct int32) int32 { return (desired*minPct + 99) / 100 }

// stopping describes the tasks being stopped, for a min-healthy violation.
func stopping(tasks []types.Task) string {
	var parts []string
	for _, t := range tasks {
		if aws.ToString(t.DesiredStatus) == "STOPPED" && aws.ToString(t.LastStatus) != "STOPPED" {
			parts = append(parts, fmt.Sprintf("%s %s %q", aws.ToString(t.LastStatus), t.StopCode, aws.ToString(t.StoppedReason)))
		}
	}
	return strings.Join(parts, "; ")
}

// taskStates counts the tasks by startedBy, desired and last status.
func taskStates(tasks []types.Task) string {
	n := map[string]int{}
	var keys []string
	for _, t := range tasks {
		if aws.ToString(t.LastStatus) == "STOPPED" {
			continue
		}
		k := fmt.Sprintf("%s %s->%s %s", aws.ToString(t.StartedBy), aws.ToString(t.LastStatus), aws.ToString(t.DesiredStatus), t.HealthStatus)
		if n[k] == 0 {
			keys = append(keys, k)
		}
		n[k]++
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d× %s", n[k], k)
	}
	return strings.Join(parts, "; ")
}
