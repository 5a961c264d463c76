package ecsdeploy

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// schedSvc is a service with our deployment ecs-svc/2 (web:2) and, when
// old > 0, the old deployment ecs-svc/1 running old tasks.
func schedSvc(desired, running, pending, failed, old int32, updated time.Duration, breaker bool) (*types.Service, *types.Deployment) {
	ours := types.Deployment{Id: aws.String("ecs-svc/2"), Status: aws.String("PRIMARY"), TaskDefinition: aws.String("arn:td/web:2"),
		DesiredCount: desired, RunningCount: running, PendingCount: pending, FailedTasks: failed,
		RolloutState: types.DeploymentRolloutStateInProgress, CreatedAt: aws.Time(t0), UpdatedAt: aws.Time(t0.Add(updated))}
	svc := &types.Service{Deployments: []types.Deployment{ours}, DesiredCount: desired,
		DeploymentConfiguration: &types.DeploymentConfiguration{DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: breaker, Rollback: true}}}
	if old > 0 {
		svc.Deployments = append(svc.Deployments, types.Deployment{Id: aws.String("ecs-svc/1"), Status: aws.String("ACTIVE"),
			TaskDefinition: aws.String("arn:td/web:1"), DesiredCount: old, RunningCount: old, RolloutState: types.DeploymentRolloutStateCompleted})
	}
	return svc, &svc.Deployments[0]
}

// hcKnown says whether arn:td/web:2 has a health check.
func hcKnown(has bool) func(string) *bool {
	return func(arn string) *bool {
		if arn != "arn:td/web:2" {
			return nil
		}
		return &has
	}
}

// The poll schedule's rules (docs/deployer.md, "API economy"); the
// 40-second rule is ECS's (API Reference, Deployment; developer guide
// "deployment circuit breaker" for the threshold).
func TestPollScheduleRules(t *testing.T) {
	cfg := defaultConfig()
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	t.Run("quiet start: nothing completes before RUNNING + 40 s", func(t *testing.T) {
		s := newPollSchedule(cfg, hcKnown(false), history{})
		svc, ours := schedSvc(2, 0, 0, 0, 2, 0, true)
		s.prime(svc, ours, t0)
		if got := s.first(); got != 45*time.Second {
			t.Errorf("first read after %v, want 40 s + one poll", got)
		}
	})
	t.Run("unknown task definition: no prediction", func(t *testing.T) {
		s := newPollSchedule(cfg, hcKnown(false), history{})
		svc, ours := schedSvc(2, 0, 0, 0, 2, 0, true)
		ours.TaskDefinition = aws.String("arn:td/other:1")
		s.prime(svc, ours, t0)
		if got := s.first(); got != cfg.poll {
			t.Errorf("first read after %v, want one poll", got)
		}
	})
	t.Run("breaker could trip: no quiet start", func(t *testing.T) {
		s := newPollSchedule(cfg, hcKnown(false), history{})
		svc, ours := schedSvc(6, 0, 0, 0, 6, 0, true) // threshold 3 <= 6 tasks
		s.prime(svc, ours, t0)
		if got := s.first(); got != cfg.poll {
			t.Errorf("first read after %v, want one poll", got)
		}
	})
	t.Run("a COUNT 1 threshold can trip at the first failure: no quiet start", func(t *testing.T) {
		s := newPollSchedule(cfg, hcKnown(false), history{})
		svc, ours := schedSvc(2, 0, 0, 0, 2, 0, true)
		svc.DeploymentConfiguration.DeploymentCircuitBreaker.ThresholdConfiguration = &types.ThresholdConfiguration{Type: types.ThresholdTypeCount, Value: 1}
		s.prime(svc, ours, t0)
		if got := s.first(); got != cfg.poll {
			t.Errorf("first read after %v, want one poll", got)
		}
	})
	t.Run("learned pull and drain", func(t *testing.T) {
		s := newPollSchedule(cfg, hcKnown(false), history{pull: 50 * time.Second, drain: 24 * time.Second})
		svc, ours := schedSvc(2, 0, 0, 0, 2, 0, true)
		s.prime(svc, ours, t0)
		if got, want := s.first(), 40*time.Second+40*time.Second+24*time.Second*4/5+time.Second; got != want {
			t.Errorf("first read after %v, want 4/5 pull + 40 s + 4/5 drain + 1 s = %v", got, want)
		}
	})
	t.Run("all running since updatedAt, old tasks drain after", func(t *testing.T) {
		s := newPollSchedule(cfg, hcKnown(false), history{drain: 24 * time.Second})
		svc, ours := schedSvc(2, 0, 2, 0, 2, 0, true)
		s.prime(svc, ours, t0)
		svc, ours = schedSvc(2, 2, 0, 0, 2, 54*time.Second, true)
		if got, want := s.next(svc, ours, at(60*time.Second)), (54+40+1-60)*time.Second+24*time.Second*4/5; got != want {
			t.Errorf("next read after %v, want at RUNNING + 40 s + 4/5 drain + 1 s (%v)", got, want)
		}
		s = newPollSchedule(cfg, hcKnown(false), history{}) // drain unknown: at the health instant
		svc, ours = schedSvc(2, 0, 2, 0, 2, 0, true)
		s.prime(svc, ours, t0)
		svc, ours = schedSvc(2, 2, 0, 0, 2, 54*time.Second, true)
		if got, want := s.next(svc, ours, at(60*time.Second)), (54+40+1-60)*time.Second; got != want {
			t.Errorf("drain unknown: next read after %v, want at RUNNING + 40 s + 1 s (%v)", got, want)
		}
	})
	t.Run("health check: fast", func(t *testing.T) {
		s := newPollSchedule(cfg, hcKnown(true), history{})
		svc, ours := schedSvc(2, 2, 0, 0, 2, 54*time.Second, true)
		if got := s.next(svc, ours, at(60*time.Second)); got != cfg.poll {
			t.Errorf("next read after %v, want one poll", got)
		}
	})
	t.Run("load balancer: fast", func(t *testing.T) {
		s := newPollSchedule(cfg, hcKnown(false), history{})
		svc, ours := schedSvc(2, 2, 0, 0, 2, 54*time.Second, true)
		svc.LoadBalancers = []types.LoadBalancer{{TargetGroupArn: aws.String("tg")}}
		if got := s.next(svc, ours, at(60*time.Second)); got != cfg.poll {
			t.Errorf("next read after %v, want one poll", got)
		}
	})
	t.Run("failure waves: the next cannot fail much sooner than the first", func(t *testing.T) {
		s := newPollSchedule(cfg, hcKnown(false), history{})
		svc, ours := schedSvc(2, 0, 2, 0, 2, 0, true)
		s.prime(svc, ours, t0)
		s.next(svc, ours, at(45*time.Second))
		svc, ours = schedSvc(2, 0, 2, 2, 2, 150*time.Second, true) // first wave failed, relaunched at 150 s
		if got, want := s.next(svc, ours, at(180*time.Second)), (150+120-180)*time.Second; got != want {
			t.Errorf("next read after %v, want at relaunch + 4/5 of the first wave (%v)", got, want)
		}
		if got := s.next(svc, ours, at(270*time.Second)); got != cfg.poll {
			t.Errorf("past the prediction: next read after %v, want one poll", got)
		}
	})
	t.Run("all RUNNING from the first reading: when is unknown, every poll", func(t *testing.T) {
		s := newPollSchedule(cfg, hcKnown(false), history{})
		svc, ours := schedSvc(2, 2, 0, 0, 0, 0, true)
		s.prime(svc, ours, t0)
		if got := s.next(svc, ours, at(time.Second)); got != cfg.poll {
			t.Errorf("next read after %v, want one poll", got)
		}
	})
	t.Run("no prediction: every poll", func(t *testing.T) {
		s := newPollSchedule(cfg, nil, history{})
		svc, ours := schedSvc(2, 0, 2, 0, 2, 0, true)
		s.prime(svc, ours, t0)
		for i := range 4 {
			if got := s.next(svc, ours, at(time.Duration(i+1)*5*time.Second)); got != cfg.poll {
				t.Fatalf("step %d: %v, want one poll", i, got)
			}
		}
	})
	t.Run("cap: a prediction never exceeds 24 polls", func(t *testing.T) {
		c := cfg
		c.poll = 20 * time.Millisecond // a sped-up fake read on the wall clock
		s := newPollSchedule(c, hcKnown(false), history{})
		svc, ours := schedSvc(2, 0, 0, 0, 2, 0, true)
		s.prime(svc, ours, t0)
		if got := s.first(); got != 24*c.poll {
			t.Errorf("first read after %v, want capped at 24 polls", got)
		}
	})
}

// learnHistory reads the previous successful deployment from the events;
// a rollback's completion is skipped for an older one.
func TestLearnHistoryFromServiceEvents(t *testing.T) {
	ev := func(sec int, msg string) types.ServiceEvent {
		return types.ServiceEvent{Message: aws.String(msg), CreatedAt: aws.Time(t0.Add(time.Duration(sec) * time.Second))}
	}
	deploy := []types.ServiceEvent{ // newest first
		ev(268, "(service web) has reached a steady state."),
		ev(268, "(service web) (deployment ecs-svc/2) deployment completed."),
		ev(244, "(service web) has stopped 2 running tasks: (task a) (task b)."),
		ev(150, "(service web) has started 2 tasks: (task c) (task d)."),
	}
	if h := learnHistory(&types.Service{Events: deploy}); h.pull != 54*time.Second || h.drain != 24*time.Second {
		t.Errorf("after a replacing deploy: %+v, want pull 54s drain 24s", h)
	}
	create := []types.ServiceEvent{ev(94, "(service web) (deployment ecs-svc/1) deployment completed."), ev(0, "(service web) has started 2 tasks: (task a) (task b).")}
	if h := learnHistory(&types.Service{Events: create}); h.pull != 54*time.Second || h.drain != 0 {
		t.Errorf("after a create: %+v, want pull 54s, no drain", h)
	}
	rolledBack := append([]types.ServiceEvent{
		ev(600, "(service web) (deployment ecs-svc/2) deployment completed."),
		ev(600, "(service web) rolling back to deployment ecs-svc/2."),
		ev(600, "(service web) (deployment ecs-svc/3) deployment failed: tasks failed to start."),
		ev(300, "(service web) has started 2 tasks: (task e) (task f)."),
	}, deploy...)
	if h := learnHistory(&types.Service{Events: rolledBack}); h.pull != 54*time.Second || h.drain != 24*time.Second {
		t.Errorf("after a rollback: %+v, want the deploy before it (pull 54s drain 24s)", h)
	}
	if h := learnHistory(&types.Service{}); h != (history{}) {
		t.Errorf("no events: %+v", h)
	}
}
