package ecsdeploy

import (
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Event is one progress report: *ServiceEvent, *DeploymentEvent,
// *TaskStoppedEvent, *RollbackEvent, *StageEvent or *ActionEvent.
type Event interface {
	// Time is when it happened (ECS's createdAt/updatedAt when known,
	// otherwise when the Deployer saw it).
	Time() time.Time
	// String is the event as one line of text.
	String() string
}

// ServiceEvent is a new entry in the service's event list (each reported once).
type ServiceEvent struct {
	// Service is the service name.
	Service string
	// ID is ECS's event id.
	ID string
	// At is the event's createdAt.
	At time.Time
	// Message is ECS's text, for example "(service web) has reached a steady state.".
	Message string
}

// Time returns At.
func (e *ServiceEvent) Time() time.Time { return e.At }

// String returns ECS's message.
func (e *ServiceEvent) String() string { return e.Message }

// DeploymentEvent reports a deployment that appeared or changed.
type DeploymentEvent struct {
	// Service is the service name.
	Service string
	// At is when the change was seen.
	At time.Time
	// ID is the deployment id (ecs-svc/...).
	ID string
	// Status is PRIMARY, ACTIVE or INACTIVE ("GONE" when it left the list).
	Status string
	// TaskDefinition is the deployment's task definition ARN.
	TaskDefinition string
	// Desired, Pending, Running and Failed are the deployment's counts.
	Desired, Pending, Running, Failed int32
	// RolloutState is IN_PROGRESS, COMPLETED or FAILED.
	RolloutState types.DeploymentRolloutState
	// RolloutStateReason is ECS's text for the rollout state.
	RolloutStateReason string
}

// Time returns At.
func (e *DeploymentEvent) Time() time.Time { return e.At }

// String is "deployment ID STATUS family:rev desired=.. pending=.. running=.. failed=.. ROLLOUT: reason";
// for a deployment that left the list, "deployment ID GONE family:rev (no longer listed; last seen ...)".
func (e *DeploymentEvent) String() string {
	if e.Status == "GONE" {
		return fmt.Sprintf("deployment %s GONE %s (no longer listed; last seen %s desired=%d running=%d failed=%d)",
			e.ID, shortTD(e.TaskDefinition), orNone(string(e.RolloutState)), e.Desired, e.Running, e.Failed)
	}
	s := fmt.Sprintf("deployment %s %s %s desired=%d pending=%d running=%d failed=%d",
		e.ID, e.Status, shortTD(e.TaskDefinition), e.Desired, e.Pending, e.Running, e.Failed)
	if e.RolloutState != "" {
		s += " " + string(e.RolloutState)
	}
	if e.RolloutStateReason != "" {
		s += ": " + e.RolloutStateReason
	}
	return s
}

// TaskStoppedEvent reports a stopped task with its reason and exit codes.
type TaskStoppedEvent struct {
	// At is when it was seen.
	At time.Time
	// Task is the stopped task.
	Task StoppedTask
}

// Time returns At.
func (e *TaskStoppedEvent) Time() time.Time { return e.At }

// String describes the stopped task (see StoppedTask.String).
func (e *TaskStoppedEvent) String() string { return e.Task.String() }

// RollbackEvent reports a rollback after a failed deployment: when the
// Deployer learns it started (by ECS's circuit breaker or deployment
// alarms, or by the Deployer itself) and when waiting for it ended,
// completed or not.
type RollbackEvent struct {
	// At is when it was seen.
	At time.Time
	// Service is the service name.
	Service string
	// By is "circuit-breaker", "alarm", "outside", "lifecycle-stage" or
	// "deployer", as DeploymentFailedError.RollbackBy.
	By string
	// DeploymentID is the rollback deployment's id.
	DeploymentID string
	// TaskDefinition is the task definition rolled back to.
	TaskDefinition string
	// State is the rollback deployment's rolloutState when last read.
	State types.DeploymentRolloutState
	// Completed reports that the rollback deployment COMPLETED and the
	// service is steady on TaskDefinition.
	Completed bool
}

// Time returns At.
func (e *RollbackEvent) Time() time.Time { return e.At }

// String is "rollback (BY) of service S to family:rev (deployment ID)
// completed" or "... started, STATE".
func (e *RollbackEvent) String() string {
	s := fmt.Sprintf("rollback (%s) of service %s to %s", e.By, e.Service, shortTD(e.TaskDefinition))
	if e.DeploymentID != "" {
		s += " (deployment " + e.DeploymentID + ")"
	}
	if e.Completed {
		return s + " completed"
	}
	return s + " started, " + orNone(string(e.State))
}

// ActionEvent reports something the Deployer did: "registered web:3",
// "updated service web", "rolling back to web:2", "deregistered web:3".
type ActionEvent struct {
	// At is when it was done.
	At time.Time
	// Message describes the action.
	Message string
}

// Time returns At.
func (e *ActionEvent) Time() time.Time { return e.At }

// String returns the message.
func (e *ActionEvent) String() string { return e.Message }

// tracker turns successive DescribeServices results into Events: each
// service event once (only those newer than the start), each deployment
// when it appears, changes or leaves, each stopped task once.
type tracker struct {
	since   time.Time
	primed  bool
	seen    map[string]bool
	deps    map[string]DeploymentEvent
	stopped map[string]bool
	// stage is the last lifecycle stage reported (stage.go) and stageAt
	// when it was read; stageDone holds the service deployments read
	// finished (their status no longer changes), by ARN, as read.
	stage     string
	stageAt   time.Time
	stageDone map[string]*types.ServiceDeployment
}

func newTracker(since time.Time) *tracker {
	return &tracker{since: since, seen: map[string]bool{}, deps: map[string]DeploymentEvent{}, stopped: map[string]bool{}, stageDone: map[string]*types.ServiceDeployment{}}
}

// prime records svc's events and deployments as already known, without
// reporting them (the state before the Deployer acted).
func (t *tracker) prime(svc *types.Service) {
	for _, e := range svc.Events {
		t.seen[valueOf(e.Id)] = true
	}
	for i := range svc.Deployments {
		d := deploymentEvent(valueOf(svc.ServiceName), &svc.Deployments[i], time.Time{})
		t.deps[d.ID] = d
	}
	t.primed = true
}

// observe returns the events that svc shows beyond what was seen before,
// oldest first.
func (t *tracker) observe(svc *types.Service, now time.Time) []Event {
	var out []Event
	name := valueOf(svc.ServiceName)
	// Service events come newest first; report unseen ones oldest first
	// (walking the list backwards keeps ECS's order among equal times).
	var fresh []*ServiceEvent
	for i := len(svc.Events) - 1; i >= 0; i-- {
		e := svc.Events[i]
		id := valueOf(e.Id)
		if t.seen[id] {
			continue
		}
		t.seen[id] = true
		at := valueOf(e.CreatedAt)
		if !t.primed && !at.IsZero() && at.Before(t.since) {
			continue
		}
		fresh = append(fresh, &ServiceEvent{Service: name, ID: id, At: at, Message: valueOf(e.Message)})
	}
	sort.SliceStable(fresh, func(i, j int) bool { return fresh[i].At.Before(fresh[j].At) })
	for _, e := range fresh {
		out = append(out, e)
	}
	// Deployments: new or changed ones, in the order ECS lists them, then
	// the ones that left the list.
	present := map[string]bool{}
	for i := range svc.Deployments {
		d := deploymentEvent(name, &svc.Deployments[i], now)
		present[d.ID] = true
		if old, ok := t.deps[d.ID]; ok && sameDeployment(old, d) {
			continue
		}
		t.deps[d.ID] = d
		dc := d
		out = append(out, &dc)
	}
	var gone []string
	for id := range t.deps {
		if !present[id] {
			gone = append(gone, id)
		}
	}
	sort.Strings(gone)
	for _, id := range gone {
		d := t.deps[id]
		delete(t.deps, id)
		d.Status, d.At = "GONE", now
		out = append(out, &d)
	}
	return out
}

// stoppedTasks returns events for stopped tasks not reported before.
func (t *tracker) stoppedTasks(tasks []StoppedTask, now time.Time) []Event {
	var out []Event
	for _, st := range tasks {
		if t.stopped[st.TaskArn] {
			continue
		}
		t.stopped[st.TaskArn] = true
		out = append(out, &TaskStoppedEvent{At: now, Task: st})
	}
	return out
}

func deploymentEvent(service string, d *types.Deployment, now time.Time) DeploymentEvent {
	return DeploymentEvent{
		Service: service, At: now, ID: valueOf(d.Id), Status: valueOf(d.Status),
		TaskDefinition: valueOf(d.TaskDefinition), Desired: d.DesiredCount, Pending: d.PendingCount,
		Running: d.RunningCount, Failed: d.FailedTasks, RolloutState: d.RolloutState,
		RolloutStateReason: valueOf(d.RolloutStateReason),
	}
}

// sameDeployment compares everything but the time seen.
func sameDeployment(a, b DeploymentEvent) bool {
	a.At, b.At = time.Time{}, time.Time{}
	return a == b
}

func deploymentLine(d *types.Deployment) string {
	e := deploymentEvent("", d, time.Time{})
	return e.String()
}

func orNone(s string) string {
	if s == "" {
		return "no rollout state"
	}
	return s
}
