package plan

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"pgregory.net/rapid"
)

// drawSnapshot draws an arbitrary (even inconsistent) snapshot.
func drawSnapshot(t *rapid.T) Snapshot {
	s := Snapshot{Now: t0, Service: Service{
		Name:                   "web",
		DesiredCount:           rapid.IntRange(0, 12).Draw(t, "desired"),
		MinimumHealthyPercent:  rapid.IntRange(0, 100).Draw(t, "min"),
		MaximumPercent:         rapid.IntRange(100, 200).Draw(t, "max"),
		HealthCheckGracePeriod: time.Duration(rapid.IntRange(0, 120).Draw(t, "grace")) * time.Second,
		CircuitBreaker:         CircuitBreaker{Enable: rapid.Bool().Draw(t, "cb"), Rollback: rapid.Bool().Draw(t, "rollback")},
		Marks:                  ServiceMarks{Steady: rapid.Bool().Draw(t, "steady"), Blocked: rapid.Bool().Draw(t, "blocked")},
	}}
	states := []types.DeploymentRolloutState{types.DeploymentRolloutStateInProgress, types.DeploymentRolloutStateCompleted, types.DeploymentRolloutStateFailed}
	nd := rapid.IntRange(0, 4).Draw(t, "deployments")
	for i := range nd {
		s.Deployments = append(s.Deployments, Deployment{
			ID: fmt.Sprintf("ecs-svc/%019d", i), Status: StatusActive, TaskDefinition: fmt.Sprintf("td:%d", i),
			RolloutState:   rapid.SampledFrom(states).Draw(t, "rolloutState"),
			FailedTasks:    rapid.IntRange(0, 10).Draw(t, "failedTasks"),
			CreatedAt:      t0.Add(time.Duration(i-nd) * time.Hour),
			HasHealthCheck: rapid.Bool().Draw(t, "hc"), ReachedRunning: rapid.Bool().Draw(t, "reached"),
			PlacementFailures: rapid.IntRange(0, 3).Draw(t, "unplaced"),
			Backoff:           Backoff{Failures: rapid.IntRange(0, 6).Draw(t, "backoff"), NotBefore: t0.Add(time.Duration(rapid.IntRange(-60, 60).Draw(t, "notBefore")) * time.Second)},
		})
	}
	// Sometimes an older deployment was revived by a rollback: it is then
	// the primary (newest RevivedAt).
	if nd > 1 && rapid.Bool().Draw(t, "revived") {
		i := rapid.IntRange(0, nd-2).Draw(t, "revivedIndex")
		s.Deployments[i].RevivedAt = t0.Add(-time.Minute)
	}
	statuses := []string{TaskPending, TaskRunning, TaskStopped, "PROVISIONING", "DEACTIVATING"}
	healths := []types.HealthStatus{types.HealthStatusHealthy, types.HealthStatusUnhealthy, types.HealthStatusUnknown}
	for i := range rapid.IntRange(0, 30).Draw(t, "tasks") {
		tk := Task{
			ID: fmt.Sprintf("%032x", i), DeploymentID: fmt.Sprintf("ecs-svc/%019d", rapid.IntRange(0, nd).Draw(t, "dep")),
			LastStatus: rapid.SampledFrom(statuses).Draw(t, "last"), DesiredStatus: rapid.SampledFrom([]string{TaskRunning, TaskStopped}).Draw(t, "desiredStatus"),
			Health: rapid.SampledFrom(healths).Draw(t, "health"), AZ: rapid.SampledFrom([]string{"a", "b", "c"}).Draw(t, "az"),
			ContainerInstance: fmt.Sprintf("i-%d", rapid.IntRange(0, 4).Draw(t, "inst")),
			FailureCounted:    rapid.Bool().Draw(t, "fc"), HealthyCounted: rapid.Bool().Draw(t, "hcount"),
		}
		if tk.LastStatus == TaskRunning || rapid.Bool().Draw(t, "everRan") {
			tk.StartedAt = t0.Add(-time.Duration(rapid.IntRange(0, 120).Draw(t, "runFor")) * time.Second)
		}
		if tk.LastStatus == TaskStopped {
			tk.StoppedBeforeRunning = tk.StartedAt.IsZero()
			tk.StopCode = rapid.SampledFrom([]types.TaskStopCode{types.TaskStopCodeTaskFailedToStart, types.TaskStopCodeServiceSchedulerInitiated, types.TaskStopCodeEssentialContainerExited}).Draw(t, "stopCode")
		}
		s.Tasks = append(s.Tasks, tk)
	}
	return s
}

// TestPropertyAnySnapshot checks, for arbitrary snapshots, that Compute is
// deterministic, stops only schedulable tasks once each, starts only for the
// newest deployment within maximumPercent, and never stops healthy tasks
// below minimumHealthyPercent.
func TestPropertyAnySnapshot(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := drawSnapshot(t)
		p := Compute(s)
		if q := Compute(s); !reflect.DeepEqual(p, q) {
			t.Fatalf("not deterministic")
		}
		byID := map[string]Task{}
		live, healthyN := 0, 0
		deps := map[string]*Deployment{}
		for i := range s.Deployments {
			deps[s.Deployments[i].ID] = &s.Deployments[i]
		}
		isHealthy := func(tk Task) bool {
			c, _ := classify(&tk, deps[tk.DeploymentID], s.Service.HealthCheckGracePeriod, s.Now)
			return c == condHealthy
		}
		for _, tk := range s.Tasks {
			byID[tk.ID] = tk
			if tk.LastStatus != TaskStopped && tk.DesiredStatus != TaskStopped {
				live++
			}
			if isHealthy(tk) {
				healthyN++
			}
		}
		seen := map[string]bool{}
		healthyStopped := 0
		for _, st := range p.Stops {
			tk, ok := byID[st.TaskID]
			if !ok || seen[st.TaskID] || tk.DesiredStatus == TaskStopped || tk.LastStatus == TaskStopped {
				t.Fatalf("bad stop %+v of task %+v", st, tk)
			}
			seen[st.TaskID] = true
			if isHealthy(tk) {
				healthyStopped++
			}
		}
		if minH := MinHealthy(s.Service.DesiredCount, s.Service.MinimumHealthyPercent); healthyStopped > 0 && healthyN-healthyStopped < minH {
			t.Fatalf("stopped %d of %d healthy, min %d", healthyStopped, healthyN, minH)
		}
		starts := 0
		for _, st := range p.Starts {
			starts += st.Count
			if st.DeploymentID != newestDeployment(s.Deployments).ID || st.Count <= 0 {
				t.Fatalf("bad start %+v", st)
			}
		}
		if starts > 0 && live+starts > MaxTasks(s.Service.DesiredCount, s.Service.MaximumPercent) {
			t.Fatalf("%d live + %d starts above max", live, starts)
		}
		if p.RolledBackTo != "" && (len(p.Starts) > 0 || len(p.Stops) > 0) {
			t.Fatalf("a rollback plan must not start or stop")
		}
	})
}

// newestDeployment is the test's own reading of "the primary": the latest of
// CreatedAt and RevivedAt, the later one in the slice on a tie.
func newestDeployment(ds []Deployment) *Deployment {
	var best *Deployment
	var at time.Time
	for i := range ds {
		since := ds[i].CreatedAt
		if ds[i].RevivedAt.After(since) {
			since = ds[i].RevivedAt
		}
		if best == nil || !since.Before(at) {
			best, at = &ds[i], since
		}
	}
	return best
}
