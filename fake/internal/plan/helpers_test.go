package plan

import (
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

var t0 = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

// svc is a service named "web" with the given counts and percents.
func svc(desired, minPct, maxPct int) Service {
	return Service{Name: "web", DesiredCount: desired, MinimumHealthyPercent: minPct, MaximumPercent: maxPct}
}

// dep is a deployment created age before t0.
func dep(id, td string, age time.Duration, st DeploymentStatus, rs types.DeploymentRolloutState) Deployment {
	return Deployment{ID: id, TaskDefinition: td, Status: st, RolloutState: rs, CreatedAt: t0.Add(-age)}
}

// healthy returns n RUNNING tasks of deployment d, RUNNING for an hour,
// spread over AZs a, b, c.
func healthy(d string, n int) []Task {
	var ts []Task
	for i := range n {
		ts = append(ts, Task{
			ID: fmt.Sprintf("%s-h%02d", d, i), DeploymentID: d, LastStatus: TaskRunning, DesiredStatus: TaskRunning,
			Health: types.HealthStatusUnknown, StartedAt: t0.Add(-time.Hour),
			AZ: string(rune('a' + i%3)), ContainerInstance: fmt.Sprintf("i-%d", i),
		})
	}
	return ts
}

// pending returns n PENDING tasks of deployment d.
func pending(d string, n int) []Task {
	var ts []Task
	for i := range n {
		ts = append(ts, Task{ID: fmt.Sprintf("%s-p%02d", d, i), DeploymentID: d, LastStatus: TaskPending, DesiredStatus: TaskRunning, AZ: "a"})
	}
	return ts
}

// failedStart returns n tasks of d that stopped before reaching RUNNING.
func failedStart(d string, n int) []Task {
	var ts []Task
	for i := range n {
		ts = append(ts, Task{ID: fmt.Sprintf("%s-f%02d", d, i), DeploymentID: d, LastStatus: TaskStopped, DesiredStatus: TaskStopped,
			StoppedBeforeRunning: true, StopCode: types.TaskStopCodeTaskFailedToStart, StoppedAt: t0.Add(-time.Second), AZ: "a"})
	}
	return ts
}

func join(lists ...[]Task) []Task { return slices.Concat(lists...) }

// started is the number of tasks the plan starts for deployment id.
func started(p Plan, id string) int {
	n := 0
	for _, s := range p.Starts {
		if s.DeploymentID == id {
			n += s.Count
		}
	}
	return n
}

// stoppedOf is the number of stopped tasks whose id starts with prefix.
func stoppedOf(p Plan, prefix string) int {
	n := 0
	for _, s := range p.Stops {
		if len(s.TaskID) >= len(prefix) && s.TaskID[:len(prefix)] == prefix {
			n++
		}
	}
	return n
}

func update(p Plan, id string) (DeploymentUpdate, bool) {
	for _, u := range p.Deployments {
		if u.ID == id {
			return u, true
		}
	}
	return DeploymentUpdate{}, false
}

func hasEvent(p Plan, msg string) bool { return slices.Contains(p.Events, msg) }

const (
	oldID = "ecs-svc/1000000000000000001"
	midID = "ecs-svc/1000000000000000002"
	newID = "ecs-svc/1000000000000000003"
)

// rollout is a snapshot with an old COMPLETED deployment having oldTasks and
// a new IN_PROGRESS primary having newTasks.
func rollout(s Service, oldTasks, newTasks []Task) Snapshot {
	return Snapshot{
		Service: s,
		Deployments: []Deployment{
			dep(oldID, "td:1", 2*time.Hour, StatusActive, types.DeploymentRolloutStateCompleted),
			dep(newID, "td:2", time.Minute, StatusPrimary, types.DeploymentRolloutStateInProgress),
		},
		Tasks: join(oldTasks, newTasks),
		Now:   t0,
	}
}
