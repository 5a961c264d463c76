package plan

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"pgregory.net/rapid"
)

// sim is a tiny in-test ECS: it applies plans the way the fake will, and
// moves tasks along: PENDING for pendingSteps steps, then RUNNING (or STOPPED
// before RUNNING for a failing task definition), HEALTHY 20 s after RUNNING
// when the definition has a health check.
type sim struct {
	t            *rapid.T
	snap         Snapshot
	failing      map[string]bool
	hc           bool
	pendingSteps int
	age          map[string]int
	launched     map[string]int  // tasks launched per deployment
	sick         map[string]bool // tasks that fail their health checks
	nextID       int
	wake         time.Time
}

const step = 10 * time.Second

func newSim(t *rapid.T, s Service, hc bool) *sim {
	return &sim{t: t, snap: Snapshot{Service: s, Now: t0}, failing: map[string]bool{}, hc: hc, pendingSteps: 2,
		age: map[string]int{}, launched: map[string]int{}, sick: map[string]bool{}}
}

// deploy creates a new PRIMARY deployment the way CreateService/UpdateService do.
func (m *sim) deploy(td string, rollback bool, reason string) {
	for i := range m.snap.Deployments {
		if m.snap.Deployments[i].Status == StatusPrimary {
			m.snap.Deployments[i].Status = StatusActive
		}
	}
	m.nextID++
	id := fmt.Sprintf("ecs-svc/%019d", m.nextID)
	if reason == "" {
		reason = InProgressReason(id)
	}
	m.snap.Deployments = append(m.snap.Deployments, Deployment{
		ID: id, Status: StatusPrimary, TaskDefinition: td, DesiredCount: m.snap.Service.DesiredCount,
		RolloutState: types.DeploymentRolloutStateInProgress, RolloutStateReason: reason,
		CreatedAt: m.snap.Now.Add(time.Duration(m.nextID) * time.Nanosecond), HasHealthCheck: m.hc,
	})
}

func (m *sim) primary() *Deployment {
	var p *Deployment
	for i := range m.snap.Deployments {
		if m.snap.Deployments[i].Status == StatusPrimary {
			p = &m.snap.Deployments[i]
		}
	}
	return p
}

func (m *sim) deployment(id string) *Deployment {
	for i := range m.snap.Deployments {
		if m.snap.Deployments[i].ID == id {
			return &m.snap.Deployments[i]
		}
	}
	return nil
}

// progress advances the clock and moves tasks along.
func (m *sim) progress() {
	m.snap.Now = m.snap.Now.Add(step)
	now := m.snap.Now
	for i := range m.snap.Tasks {
		tk := &m.snap.Tasks[i]
		switch {
		case tk.LastStatus == TaskStopped:
		case tk.DesiredStatus == TaskStopped:
			tk.LastStatus, tk.StoppedAt, tk.StoppedBeforeRunning = TaskStopped, now, tk.StartedAt.IsZero()
		case tk.LastStatus == TaskPending:
			m.age[tk.ID]++
			if m.age[tk.ID] < m.pendingSteps {
				continue
			}
			if m.failing[m.deployment(tk.DeploymentID).TaskDefinition] {
				tk.LastStatus, tk.DesiredStatus, tk.StoppedAt, tk.StoppedBeforeRunning = TaskStopped, TaskStopped, now, true
				tk.StopCode, tk.StoppedReason = types.TaskStopCodeTaskFailedToStart, "CannotPullContainerError"
				continue
			}
			tk.LastStatus, tk.StartedAt = TaskRunning, now
		case tk.LastStatus == TaskRunning && m.sick[tk.ID]:
			tk.Health = types.HealthStatusUnhealthy
		case tk.LastStatus == TaskRunning && m.hc && now.Sub(tk.StartedAt) >= 20*time.Second:
			tk.Health = types.HealthStatusHealthy
		}
	}
}

// crash stops the i-th running task as if its essential container exited,
// or, with a health check and sick set, makes it fail its health checks.
func (m *sim) crash(i int, sick bool) {
	var running []int
	for j, tk := range m.snap.Tasks {
		if tk.LastStatus == TaskRunning && tk.DesiredStatus == TaskRunning {
			running = append(running, j)
		}
	}
	if len(running) == 0 {
		return
	}
	tk := &m.snap.Tasks[running[i%len(running)]]
	if sick && m.hc {
		m.sick[tk.ID] = true
		return
	}
	tk.LastStatus, tk.DesiredStatus, tk.StoppedAt = TaskStopped, TaskStopped, m.snap.Now
	tk.StopCode, tk.StoppedReason = types.TaskStopCodeEssentialContainerExited, "Essential container in task exited"
}

// healthyTask is the test's own reading of the healthy rule.
func (m *sim) healthyTask(tk Task) bool {
	if tk.LastStatus != TaskRunning || tk.DesiredStatus != TaskRunning {
		return false
	}
	if m.deployment(tk.DeploymentID).HasHealthCheck {
		return tk.Health == types.HealthStatusHealthy
	}
	return m.snap.Now.Sub(tk.StartedAt) >= 40*time.Second
}

// tick computes a plan, checks the bounds and applies it.
func (m *sim) tick() Plan {
	p := Compute(m.snap)
	svc := m.snap.Service
	live, healthyN, healthyStopped := 0, 0, 0
	stops := map[string]bool{}
	for _, st := range p.Stops {
		stops[st.TaskID] = true
	}
	for _, tk := range m.snap.Tasks {
		if tk.LastStatus != TaskStopped && tk.DesiredStatus != TaskStopped {
			live++ // maximumPercent bounds tasks kept RUNNING or PENDING
		}
		if m.healthyTask(tk) {
			healthyN++
			if stops[tk.ID] {
				healthyStopped++
			}
		}
	}
	starts := 0
	for _, s := range p.Starts {
		starts += s.Count
	}
	if maxT := MaxTasks(svc.DesiredCount, svc.MaximumPercent); starts > 0 && live+starts > maxT {
		m.t.Fatalf("at %v: %d live + %d started > max %d", m.snap.Now, live, starts, maxT)
	}
	if minH := MinHealthy(svc.DesiredCount, svc.MinimumHealthyPercent); healthyStopped > 0 && healthyN-healthyStopped < minH {
		m.t.Fatalf("at %v: stopping %d of %d healthy tasks leaves fewer than min %d", m.snap.Now, healthyStopped, healthyN, minH)
	}
	m.apply(p)
	return p
}

// apply performs a plan exactly as the fake's applier must.
func (m *sim) apply(p Plan) {
	for _, u := range p.Deployments {
		d := m.deployment(u.ID)
		d.Status, d.DesiredCount, d.RolloutState, d.RolloutStateReason = u.Status, u.DesiredCount, u.RolloutState, u.RolloutStateReason
		d.FailedTasks, d.ReachedRunning, d.Backoff = u.FailedTasks, u.ReachedRunning, u.Backoff
		d.RevivedAt, d.PlacementFailures, d.BakeUntil = u.RevivedAt, u.PlacementFailures, u.BakeUntil
	}
	idx := map[string]int{}
	for i, tk := range m.snap.Tasks {
		idx[tk.ID] = i
	}
	for _, mk := range p.Marks {
		tk := &m.snap.Tasks[idx[mk.TaskID]]
		tk.FailureCounted = tk.FailureCounted || mk.FailureCounted
		tk.HealthyCounted = tk.HealthyCounted || mk.HealthyCounted
	}
	m.snap.Service.Marks = p.Service
	for _, st := range p.Stops {
		tk := &m.snap.Tasks[idx[st.TaskID]]
		tk.DesiredStatus, tk.StopCode, tk.StoppedReason = TaskStopped, st.StopCode, st.Reason
	}
	for _, s := range p.Starts {
		for range s.Count {
			m.nextID++
			id := fmt.Sprintf("%032x", m.nextID)
			m.launched[s.DeploymentID]++
			m.snap.Tasks = append(m.snap.Tasks, Task{ID: id, DeploymentID: s.DeploymentID, LastStatus: TaskPending,
				DesiredStatus: TaskRunning, Health: types.HealthStatusUnknown, AZ: string(rune('a' + m.nextID%3)),
				ContainerInstance: fmt.Sprintf("i-%d", m.nextID%5)})
		}
	}
	m.wake = p.NextWakeup
}

// steady reports whether the primary is COMPLETED with desiredCount healthy
// tasks of definition td and no other live task.
func (m *sim) steady(td string) bool {
	p := m.primary()
	if p.RolloutState != types.DeploymentRolloutStateCompleted || p.TaskDefinition != td {
		return false
	}
	n := 0
	for _, tk := range m.snap.Tasks {
		if tk.LastStatus == TaskStopped {
			continue
		}
		if tk.DeploymentID != p.ID || !m.healthyTask(tk) {
			return false
		}
		n++
	}
	return n == m.snap.Service.DesiredCount
}

// run ticks until done or the step budget is spent; it then recomputes at
// once when the plan asked for it (a rollback).
func (m *sim) run(steps int, done func() bool, fault func(int)) bool {
	for i := range steps {
		if done() {
			return true
		}
		m.progress()
		if fault != nil {
			fault(i)
		}
		for {
			p := m.tick()
			if p.RolledBackTo == "" {
				break
			}
		}
	}
	return done()
}

func drawService(t *rapid.T) Service {
	desired := rapid.IntRange(1, 8).Draw(t, "desired")
	s := Service{Name: "web", DesiredCount: desired,
		MinimumHealthyPercent: rapid.IntRange(0, 100).Draw(t, "min"), MaximumPercent: rapid.IntRange(100, 200).Draw(t, "max"),
		HealthCheckGracePeriod: time.Duration(rapid.IntRange(0, 3).Draw(t, "graceSteps")) * step}
	unblock(&s)
	return s
}

// unblock raises maximumPercent of a configuration that cannot roll at all
// (that case is covered by the worked examples).
func unblock(s *Service) {
	if MaxTasks(s.DesiredCount, s.MaximumPercent) <= s.DesiredCount && MinHealthy(s.DesiredCount, s.MinimumHealthyPercent) >= s.DesiredCount {
		s.MaximumPercent = 200
	}
}

func TestPropertyHealthyRolloutConverges(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := newSim(t, drawService(t), rapid.Bool().Draw(t, "healthCheck"))
		m.snap.Service.CircuitBreaker = CircuitBreaker{Enable: rapid.Bool().Draw(t, "breaker"), Rollback: true}
		m.deploy("td:1", false, "")
		if !m.run(200, func() bool { return m.steady("td:1") }, nil) {
			t.Fatalf("service creation did not reach steady state: %+v", m.snap.Deployments)
		}
		m.snap.Service.DesiredCount = rapid.IntRange(0, 8).Draw(t, "newDesired")
		unblock(&m.snap.Service)
		m.deploy("td:2", false, "")
		crashAt := rapid.IntRange(-1, 30).Draw(t, "crashAt")
		crashWhich := rapid.IntRange(0, 7).Draw(t, "crashWhich")
		sick := rapid.Bool().Draw(t, "unhealthyInsteadOfCrash")
		fault := func(i int) {
			if i == crashAt {
				m.crash(crashWhich, sick)
			}
		}
		if !m.run(400, func() bool { return m.steady("td:2") }, fault) {
			t.Fatalf("rollout did not converge: %+v tasks %+v", m.snap.Deployments, m.snap.Tasks)
		}
		for _, d := range m.snap.Deployments {
			if d.ID != m.primary().ID && d.Status != StatusInactive {
				t.Fatalf("old deployment %s is %s after the rollout", d.ID, d.Status)
			}
		}
	})
}

func TestPropertyFailingRolloutTripsTheBreaker(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := newSim(t, drawService(t), rapid.Bool().Draw(t, "healthCheck"))
		rollback := rapid.Bool().Draw(t, "rollback")
		m.snap.Service.CircuitBreaker = CircuitBreaker{Enable: true, Rollback: rollback}
		m.deploy("td:1", false, "")
		if !m.run(200, func() bool { return m.steady("td:1") }, nil) {
			t.Fatalf("service creation did not reach steady state")
		}
		good := m.primary().ID
		m.failing["td:bad"] = true
		m.deploy("td:bad", false, "")
		bad := m.primary().ID
		threshold := BreakerThreshold(m.snap.Service.DesiredCount)
		failed := func() bool { return m.deployment(bad).RolloutState == types.DeploymentRolloutStateFailed }
		if !m.run(600, failed, nil) {
			t.Fatalf("failing deployment did not fail: %+v", m.deployment(bad))
		}
		d := m.deployment(bad)
		if d.FailedTasks < threshold || d.RolloutStateReason != CircuitBreakerFailedReason {
			t.Fatalf("failed deployment %+v, want failedTasks >= %d and the breaker reason", d, threshold)
		}
		if maxLaunch := threshold - 1 + MaxTasks(m.snap.Service.DesiredCount, m.snap.Service.MaximumPercent); m.launched[bad] > maxLaunch {
			t.Fatalf("launched %d tasks of the failing deployment, want at most %d", m.launched[bad], maxLaunch)
		}
		if !rollback {
			launched := m.launched[bad]
			m.run(20, func() bool { return false }, nil)
			if m.launched[bad] != launched {
				t.Fatalf("a FAILED deployment kept launching")
			}
			return
		}
		if !m.run(400, func() bool { return m.steady("td:1") }, nil) {
			t.Fatalf("rollback did not converge on td:1: %+v", m.snap.Deployments)
		}
		if p := m.primary(); p.RevivedAt.IsZero() || p.ID != good {
			t.Fatalf("primary %+v is not the revived deployment %s", p, good)
		}
		if len(m.snap.Deployments) != 2 {
			t.Fatalf("rollback created a deployment: %+v", m.snap.Deployments)
		}
	})
}
