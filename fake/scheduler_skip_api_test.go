package fake

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// Every change other than a task's must be planned at its own instant,
// though it leaves every task row as it was: the pass it asks for may not
// be skipped (scheduler_skip.go; touchServiceLocked sets service.mustPlan).
// Each case changes a steady service that could rest (no load balancer,
// alarm or scaling activity), runs the instant of the change, and checks
// that a pass ran there, none was skipped, and the change took effect.
func TestChangesBesidesTasksAreNotSkipped(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, e *ECS, s *service) // called without e.mu
		after  time.Duration                          // virtual time run after the change
		starts int                                    // tasks the pass must start
		check  func(t *testing.T, e *ECS, s *service) // under e.mu; nil: none
	}{
		{name: "UpdateService desiredCount", starts: 2, change: func(t *testing.T, e *ECS, _ *service) {
			update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(6)})
		}},
		{name: "UpdateService taskDefinition", starts: 4, change: func(t *testing.T, e *ECS, _ *service) {
			td := registerT(t, e, benchTD("img:2"))
			update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td)})
		}},
		{name: "UpdateService forceNewDeployment", starts: 4, change: func(t *testing.T, e *ECS, _ *service) {
			update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), ForceNewDeployment: true})
		}},
		{name: "StopTask", starts: 1, change: func(t *testing.T, e *ECS, s *service) {
			if _, err := e.StopTask(bg, &ecs.StopTaskInput{Task: aws.String(firstTaskARN(e, s))}); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "instance DRAINING", starts: 2, change: func(t *testing.T, e *ECS, s *service) {
			if _, err := e.UpdateContainerInstancesState(bg, &ecs.UpdateContainerInstancesStateInput{
				ContainerInstances: []string{firstInstanceARN(e, s)}, Status: types.ContainerInstanceStatusDraining}); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "instance lost", starts: 2, change: func(t *testing.T, e *ECS, s *service) {
			if err := e.LoseInstance(firstInstanceARN(e, s)); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "DeleteService", change: func(t *testing.T, e *ECS, _ *service) {
			if _, err := e.DeleteService(bg, &ecs.DeleteServiceInput{Service: aws.String("web"), Force: aws.Bool(true)}); err != nil {
				t.Fatal(err)
			}
		}, check: func(t *testing.T, _ *ECS, s *service) {
			for _, tk := range s.tasks {
				if tk.desiredStatus != statusStopped {
					t.Errorf("task %s of a deleted service still desired %s", tk.id(), tk.desiredStatus)
				}
			}
		}},
		// Time alone: the steady-state event is repeated at the wake-up
		// the planner asked for.
		{name: "steady-state wake-up", after: plan.SteadyStateRepeat, change: func(*testing.T, *ECS, *service) {},
			check: func(t *testing.T, e *ECS, s *service) {
				if n := steadyEvents(s); n != 2 {
					t.Errorf("%d steady-state events after %v, want 2", n, plan.SteadyStateRepeat)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			verifySnapshotsIn(t)
			e := clusterT(t, 2)
			td := registerT(t, e, benchTD("img:1"))
			createSvc(t, e, "web", td, 4, svcOpts{min: 100, max: 200})
			e.Advance(10 * time.Minute)
			e.mu.Lock()
			s := e.services[serviceKey{e.clusters["default"], "web"}]
			if !s.mayRestLocked() || steadyEvents(s) != 1 {
				e.mu.Unlock()
				t.Fatalf("the service is not a steady one whose passes may be skipped")
			}
			plans0, skipped0, created0 := s.plans, s.skipped, e.created
			e.mu.Unlock()
			tc.change(t, e, s)
			e.Advance(tc.after)
			e.mu.Lock()
			defer e.mu.Unlock()
			if s.plans == plans0 || s.skipped != skipped0 {
				t.Errorf("%d passes planned, %d skipped at the change: want one planned, none skipped", s.plans-plans0, s.skipped-skipped0)
			}
			if n := int(e.created - created0); n != tc.starts {
				t.Errorf("%d tasks started at the change, want %d", n, tc.starts)
			}
			if tc.check != nil {
				tc.check(t, e, s)
			}
		})
	}
}

// firstTaskARN is the ARN of s's first task.
func firstTaskARN(e *ECS, s *service) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return s.tasks[0].arn()
}

// firstInstanceARN is the ARN of the instance s's first task runs on.
func firstInstanceARN(e *ECS, s *service) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return s.tasks[0].inst.arn
}

// steadyEvents counts s's "has reached a steady state." events.
func steadyEvents(s *service) int {
	n := 0
	for _, ev := range s.events {
		if strings.Contains(aws.ToString(ev.Message), "has reached a steady state") {
			n++
		}
	}
	return n
}

// A blue/green service without a load balancer (which may rest otherwise)
// is stepped after every pass (stepBlueGreenLocked: stages, bake, blue
// held), which the skip rule does not cover: no pass of it is skipped.
func TestBlueGreenWithoutLoadBalancerIsNeverSkipped(t *testing.T) {
	e, _, td2 := blueGreenWithoutLoadBalancer(t)
	e.Advance(200 * time.Second) // the first deployment is a plain one (nothing to replace)
	e.mu.Lock()
	s := e.services[serviceKey{e.clusters["default"], "web"}]
	plans0, skipped0 := s.plans, s.skipped
	e.mu.Unlock()
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	e.Advance(10 * time.Minute)
	e.mu.Lock()
	defer e.mu.Unlock()
	if plans, skipped := s.plans-plans0, s.skipped-skipped0; plans == 0 || skipped != 0 {
		t.Fatalf("%d passes planned, %d skipped during the blue/green deployment: want none skipped", plans, skipped)
	}
}
