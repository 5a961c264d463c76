package fake

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// firstMoves counts, at the instant of an update, the tasks of the new
// definition started and the tasks of the old one asked to stop.
func firstMoves(e *ECS, name, newTD string) (started, stopped int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, t := range e.clusters["default"].tasks {
		if t.forgotten || t.group != "service:"+name {
			continue
		}
		switch {
		case t.td.arn == newTD:
			started++
		case t.desiredStatus == statusStopped:
			stopped++
		}
	}
	return started, stopped
}

// boundsChecker returns a check that fails the test when live tasks exceed
// floor(desired*max/100) or healthy RUNNING tasks drop below
// ceil(desired*min/100) (once that minimum has been reached: scaling up
// raises the minimum before the new tasks can be healthy).
func boundsChecker(t *testing.T, e *ECS, name string, desired, min, max int) func() {
	reached := false
	return func() {
		t.Helper()
		c := countSvcTasks(e, name)
		if hi := plan.MaxTasks(desired, max); c.live > hi {
			t.Fatalf("at %v: %d tasks RUNNING+PENDING, above floor(%d*%d/100) = %d", e.Now(), c.live, desired, max, hi)
		}
		lo := plan.MinHealthy(desired, min)
		reached = reached || c.healthy >= lo
		if reached && c.healthy < lo {
			t.Fatalf("at %v: %d healthy RUNNING tasks, below ceil(%d*%d/100) = %d", e.Now(), c.healthy, desired, min, lo)
		}
	}
}

// The worked examples of the ECS Developer Guide ("Deploy Amazon ECS
// services by replacing tasks"), end to end through the fake's API: the
// first moves of the scheduler at the instant of UpdateService, the bounds
// at every second of the rollout, and the final state.
func TestRollingDeploymentWorkedExamples(t *testing.T) {
	for _, tc := range []struct {
		name                string
		desired, min, max   int
		wantStart, wantStop int
		blocked             bool
	}{
		{"desired4_min50_max200_starts4_stops2", 4, 50, 200, 4, 2, false},
		{"desired2_min75_nothing_old_stopped_first", 2, 75, 200, 2, 0, false},
		{"desired3_max125_nothing_new_started_first", 3, 50, 125, 0, 1, false},
		{"min0_max100_stops_all_first", 4, 0, 100, 0, 4, false},
		{"min100_max100_unable_to_stop_or_start", 4, 100, 100, 0, 0, true},
		{"defaults_min100_max200", 6, 100, 200, 6, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newCluster(t, 8)
			td1 := register(t, e, simpleTD("web", "img:1"))
			td2 := register(t, e, simpleTD("web", "img:2"))
			createSvc(t, e, "web", td1, int32(tc.desired), svcOpts{min: int32(tc.min), max: int32(tc.max)})
			stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
			out := update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
			if p := primaryOf(t, out); aws.ToString(p.TaskDefinition) != td2 || len(out.Deployments) != 2 {
				t.Fatalf("UpdateService output: primary %s, %d deployments", aws.ToString(p.TaskDefinition), len(out.Deployments))
			}
			e.Advance(0)
			if st, sp := firstMoves(e, "web", td2); st != tc.wantStart || sp != tc.wantStop {
				t.Fatalf("first moves: started %d stopped %d, want %d and %d", st, sp, tc.wantStart, tc.wantStop)
			}
			blockedEv := plan.DeploymentBlockedEvent("web")
			if tc.blocked {
				e.Advance(10 * time.Minute)
				s := svc(t, e, "web")
				if n := countEvents(s, blockedEv); n != 1 {
					t.Fatalf("%d blocked events, want 1: %q", n, eventTexts(s))
				}
				if p := primaryOf(t, s); p.RolloutState != types.DeploymentRolloutStateInProgress || p.RunningCount != 0 {
					t.Fatalf("blocked deployment: %s running %d", p.RolloutState, p.RunningCount)
				}
				return
			}
			check := boundsChecker(t, e, "web", tc.desired, tc.min, tc.max)
			stepUntil(t, e, time.Second, 10*time.Minute, check, func() bool { return completed(t, e, "web", td2) })
			s := svc(t, e, "web")
			if countEvents(s, blockedEv) != 0 {
				t.Fatalf("unexpected blocked event: %q", eventTexts(s))
			}
			if c := countSvcTasks(e, "web"); c.runningByTD[td2] != tc.desired || c.live != tc.desired {
				t.Fatalf("after rollout: %v live %d", c.runningByTD, c.live)
			}
		})
	}
}

// desiredCount alone rescales without a new deployment.
func TestUpdateDesiredCountOnlyMakesNoNewDeployment(t *testing.T) {
	e := newCluster(t, 8)
	td := register(t, e, simpleTD("web", "img:1"))
	created := createSvc(t, e, "web", td, 2, svcOpts{min: 100, max: 200})
	id := aws.ToString(created.Deployments[0].Id)
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
	out := update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(5)})
	if len(out.Deployments) != 1 || aws.ToString(out.Deployments[0].Id) != id || out.Deployments[0].DesiredCount != 5 {
		t.Fatalf("after scaling: %d deployments, desired %d", len(out.Deployments), out.Deployments[0].DesiredCount)
	}
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { s := svc(t, e, "web"); return s.RunningCount == 5 })
	// The same task definition without forceNewDeployment is no deployment either.
	out = update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1)})
	if len(out.Deployments) != 1 || aws.ToString(out.Deployments[0].Id) != id {
		t.Fatalf("same task definition made a deployment: %d", len(out.Deployments))
	}
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool {
		s := svc(t, e, "web")
		return s.RunningCount == 1 && countSvcTasks(e, "web").live == 1
	})
}

// forceNewDeployment replaces every task with the same task definition.
func TestForceNewDeploymentMakesNewDeployment(t *testing.T) {
	e := newCluster(t, 8)
	td := register(t, e, simpleTD("web", "img:1"))
	created := createSvc(t, e, "web", td, 3, svcOpts{min: 100, max: 200})
	oldID := aws.ToString(created.Deployments[0].Id)
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
	out := update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), ForceNewDeployment: true})
	p := primaryOf(t, out)
	if len(out.Deployments) != 2 || aws.ToString(p.Id) == oldID || p.RolloutState != types.DeploymentRolloutStateInProgress {
		t.Fatalf("force: %d deployments, primary %s %s", len(out.Deployments), aws.ToString(p.Id), p.RolloutState)
	}
	if want := plan.InProgressReason(aws.ToString(p.Id)); aws.ToString(p.RolloutStateReason) != want {
		t.Fatalf("reason %q, want %q", aws.ToString(p.RolloutStateReason), want)
	}
	check := boundsChecker(t, e, "web", 3, 100, 200)
	stepUntil(t, e, time.Second, 5*time.Minute, check, func() bool { return completed(t, e, "web", td) })
	s := svc(t, e, "web")
	d := s.Deployments[0]
	if aws.ToString(d.Id) != aws.ToString(p.Id) || aws.ToString(d.RolloutStateReason) != plan.CompletedReason(aws.ToString(p.Id)) ||
		!d.UpdatedAt.After(*d.CreatedAt) {
		t.Fatalf("completed deployment: %s %q created %v updated %v", aws.ToString(d.Id), aws.ToString(d.RolloutStateReason), d.CreatedAt, d.UpdatedAt)
	}
	for _, tk := range e.Tasks("default") {
		if *tk.LastStatus != "STOPPED" && aws.ToString(tk.StartedBy) != aws.ToString(p.Id) {
			t.Fatalf("task %s of %s still live", *tk.TaskArn, aws.ToString(tk.StartedBy))
		}
		if *tk.Group != "service:web" {
			t.Fatalf("group %s", *tk.Group)
		}
	}
}

// desiredCount 0 stops every task; the deployment completes with none.
func TestDesiredZeroStopsAllTasks(t *testing.T) {
	e := newCluster(t, 4)
	td := register(t, e, simpleTD("web", "img:1"))
	createSvc(t, e, "web", td, 3, svcOpts{min: 100, max: 200})
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(0)})
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return countSvcTasks(e, "web").live == 0 })
	s := svc(t, e, "web")
	if s.RunningCount != 0 || s.PendingCount != 0 || len(s.Deployments) != 1 || s.Deployments[0].DesiredCount != 0 {
		t.Fatalf("after desired 0: running %d pending %d deployments %d", s.RunningCount, s.PendingCount, len(s.Deployments))
	}
	if countEvents(s, "has stopped 3 running tasks") != 1 {
		t.Fatalf("events %q", eventTexts(s))
	}
}

// Scaling up during a rollout: the new deployment takes the new desiredCount.
func TestScalingDuringRollout(t *testing.T) {
	e := newCluster(t, 10)
	td1 := register(t, e, simpleTD("web", "img:1"))
	td2 := register(t, e, simpleTD("web", "img:2"))
	createSvc(t, e, "web", td1, 4, svcOpts{min: 50, max: 200})
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	e.Advance(15 * time.Second)
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(6)})
	check := boundsChecker(t, e, "web", 6, 50, 200)
	stepUntil(t, e, time.Second, 10*time.Minute, check, func() bool { return completed(t, e, "web", td2) })
	if c := countSvcTasks(e, "web"); c.runningByTD[td2] != 6 || c.live != 6 {
		t.Fatalf("after scaled rollout: %v live %d", c.runningByTD, c.live)
	}
}

// A second deployment during a rollout supersedes it: the service ends on
// the third definition with no task of the first two.
func TestSecondDeploymentDuringRollout(t *testing.T) {
	e := newCluster(t, 10)
	var tds []string
	for i := range 3 {
		tds = append(tds, register(t, e, simpleTD("web", fmt.Sprintf("img:%d", i))))
	}
	createSvc(t, e, "web", tds[0], 4, svcOpts{min: 50, max: 200})
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", tds[0]) })
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(tds[1])})
	e.Advance(20 * time.Second)
	out := update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(tds[2])})
	if len(out.Deployments) != 3 {
		t.Fatalf("%d deployments during the second rollout, want 3", len(out.Deployments))
	}
	check := boundsChecker(t, e, "web", 4, 50, 200)
	stepUntil(t, e, time.Second, 10*time.Minute, check, func() bool { return completed(t, e, "web", tds[2]) })
	if c := countSvcTasks(e, "web"); c.runningByTD[tds[2]] != 4 || c.live != 4 {
		t.Fatalf("after two rollouts: %v live %d", c.runningByTD, c.live)
	}
}
