package ecsdeploy

import (
	"fmt"
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

// started is the service event of n tasks started sec seconds after t0.
func started(sec, n int) types.ServiceEvent {
	return types.ServiceEvent{Message: aws.String(fmt.Sprintf("(service web) has started %d tasks: (task x).", n)), CreatedAt: aws.Time(t0.Add(time.Duration(sec) * time.Second))}
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
		svc, ours := schedSvc(2, 0, 2, 0, 2, 0, false)
		s.prime(svc, ours, t0)
		svc, ours = schedSvc(2, 2, 0, 0, 2, 54*time.Second, false)
		if got, want := s.next(svc, ours, at(60*time.Second)), (54+40+1-60)*time.Second+24*time.Second*4/5; got != want {
			t.Errorf("next read after %v, want at RUNNING + 40 s + 4/5 drain + 1 s (%v)", got, want)
		}
		s = newPollSchedule(cfg, hcKnown(false), history{}) // drain unknown: the health instant only bounds completion
		svc, ours = schedSvc(2, 0, 2, 0, 2, 0, false)
		s.prime(svc, ours, t0)
		svc, ours = schedSvc(2, 2, 0, 0, 2, 54*time.Second, false)
		if got, want := s.next(svc, ours, at(60*time.Second)), (54+40+5-60)*time.Second; got != want {
			t.Errorf("drain unknown: next read after %v, want one poll after RUNNING + 40 s (%v)", got, want)
		}
		s = newPollSchedule(cfg, hcKnown(false), history{}) // no old set: completion expected at the health instant
		svc, ours = schedSvc(2, 0, 2, 0, 0, 0, false)
		s.prime(svc, ours, t0)
		svc, ours = schedSvc(2, 2, 0, 0, 0, 54*time.Second, false)
		if got, want := s.next(svc, ours, at(60*time.Second)), (54+40+1-60)*time.Second; got != want {
			t.Errorf("no old tasks: next read after %v, want at RUNNING + 40 s + 1 s (%v)", got, want)
		}
	})
	t.Run("running tasks that could all crash and trip the breaker: every poll", func(t *testing.T) {
		s := newPollSchedule(cfg, hcKnown(false), history{drain: 24 * time.Second})
		svc, ours := schedSvc(5, 0, 5, 0, 5, 0, true) // threshold 3 <= 5 running tasks
		s.prime(svc, ours, t0)
		svc, ours = schedSvc(5, 5, 0, 0, 5, 54*time.Second, true)
		if got := s.next(svc, ours, at(60*time.Second)); got != cfg.poll {
			t.Errorf("next read after %v, want one poll", got)
		}
		s = newPollSchedule(cfg, hcKnown(false), history{drain: 24 * time.Second}) // 2 tasks: a third must launch and fail first
		svc, ours = schedSvc(2, 0, 2, 0, 2, 0, true)
		s.prime(svc, ours, t0)
		svc, ours = schedSvc(2, 2, 0, 0, 2, 54*time.Second, true)
		if got, want := s.next(svc, ours, at(60*time.Second)), 40*time.Second+cfg.poll; got != want {
			t.Errorf("2 tasks: next read after %v, want 40 s + one poll (a replacement cannot fail sooner)", got)
		}
	})
	t.Run("deployment alarms can fail it at any time: every poll", func(t *testing.T) {
		s := newPollSchedule(cfg, hcKnown(false), history{})
		svc, ours := schedSvc(2, 0, 2, 0, 2, 0, true)
		svc.DeploymentConfiguration.Alarms = &types.DeploymentAlarms{Enable: true, AlarmNames: []string{"errors"}}
		s.prime(svc, ours, t0)
		if got := s.next(svc, ours, at(45*time.Second)); got != cfg.poll {
			t.Errorf("next read after %v, want one poll", got)
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
	t.Run("failure waves: predicted from the replacements' launches", func(t *testing.T) {
		// Two tasks launched at 0 give up at 132 s (replacements launched
		// then) and are counted failed at 154 s: the replacements are
		// expected to fail at 132 + 154 s (less one poll).
		s := newPollSchedule(cfg, hcKnown(false), history{})
		svc, ours := schedSvc(2, 0, 2, 0, 2, 0, true)
		svc.Events = []types.ServiceEvent{started(0, 2)}
		s.prime(svc, ours, t0)
		s.next(svc, ours, at(45*time.Second))
		svc, ours = schedSvc(2, 0, 2, 2, 2, 154*time.Second, true)
		svc.Events = []types.ServiceEvent{started(132, 2), started(0, 2)}
		if got := s.next(svc, ours, at(180*time.Second)); got != 45*time.Second {
			t.Errorf("next read after %v, want 40 s + one poll (a pending task could still run and complete)", got)
		}
		if got, want := s.next(svc, ours, at(270*time.Second)), (132+154-5+1-270)*time.Second; got != want {
			t.Errorf("next read after %v, want at relaunch + the first wave's failure time - one poll + 1 s (%v)", got, want)
		}
		if got := s.next(svc, ours, at(282*time.Second)); got != cfg.poll {
			t.Errorf("past the prediction: next read after %v, want one poll", got)
		}
	})
	t.Run("failure waves: throttled, no task launched yet", func(t *testing.T) {
		s := newPollSchedule(cfg, hcKnown(true), history{}) // health check: completion would not wait 40 s
		svc, ours := schedSvc(1, 0, 1, 0, 1, 0, true)
		svc.Events = []types.ServiceEvent{started(0, 1)}
		s.prime(svc, ours, t0)
		s.next(svc, ours, at(100*time.Second))
		svc, ours = schedSvc(1, 0, 0, 1, 1, 154*time.Second, true)
		svc.Events = []types.ServiceEvent{started(0, 1)}
		if got := s.next(svc, ours, at(160*time.Second)); got != cfg.poll {
			t.Errorf("health check: next read after %v, want one poll (completion is not bounded)", got)
		}
		s = newPollSchedule(cfg, hcKnown(false), history{})
		svc, ours = schedSvc(1, 0, 1, 0, 1, 0, true)
		svc.Events = []types.ServiceEvent{started(0, 1)}
		s.prime(svc, ours, t0)
		s.next(svc, ours, at(100*time.Second))
		svc, ours = schedSvc(1, 0, 0, 2, 1, 154*time.Second, true) // two failed (threshold 3), the next launch throttled
		svc.Events = []types.ServiceEvent{started(0, 1)}
		if got := s.next(svc, ours, at(160*time.Second)); got != 45*time.Second {
			t.Errorf("next read after %v, want 40 s + one poll (completion bound)", got)
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

// launches reads the tasks ECS started since a deployment's creation from
// the service's "has started N tasks" events, one instant per task.
func TestLaunchesFromServiceEvents(t *testing.T) {
	svc := &types.Service{Events: []types.ServiceEvent{
		started(300, 1),
		{Message: aws.String("(service web) has reached a steady state."), CreatedAt: aws.Time(t0.Add(250 * time.Second))},
		started(132, 2),
		{Message: aws.String("(service web) has started many tasks: (task x)."), CreatedAt: aws.Time(t0.Add(100 * time.Second))},
		started(10, 2),
		started(-5, 3), // before the deployment
	}}
	got := launches(svc, t0)
	want := []time.Duration{10, 10, 132, 132, 300}
	if len(got) != len(want) {
		t.Fatalf("launches = %v, want %v seconds after t0", got, want)
	}
	for i, w := range want {
		if got[i] != t0.Add(w*time.Second) {
			t.Errorf("launch %d at %v, want %v s after t0", i, got[i].Sub(t0), w)
		}
	}
}

// failureModel: the first failure's launch-to-count time predicts the
// next failures from their own launches; tasks not launched yet fail no
// sooner than now + that; before any failure, 40 s (or 4/5 of the pull).
func TestFailureModelEarliest(t *testing.T) {
	const fast = 5 * time.Second
	at := func(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }
	launched := []time.Time{at(0), at(0), at(132), at(132)}
	var m failureModel
	if got, est := m.earliest(at(60), 0, 3, 2, launched[:2], 0, fast); got != at(100) || est {
		t.Errorf("nothing failed, 2 of 3 in flight: %v (estimate %v), want a task launched now failing 40 s later, a bound", got.Sub(t0), est)
	}
	if got, _ := m.earliest(at(60), 0, 3, 2, launched[:2], 100*time.Second, fast); got != at(140) {
		t.Errorf("nothing failed, pull 100 s: %v, want now + 4/5 of the pull", got.Sub(t0))
	}
	if got, _ := m.earliest(at(150), 0, 3, 4, launched, 0, fast); got != at(172) {
		t.Errorf("nothing failed, 4 launched: %v, want the third earliest launch + 40 s", got.Sub(t0))
	}
	m.alive(at(100), 0, 2, launched[:2]) // both in flight at 100 s
	m.alive(at(140), 0, 2, launched)     // 4 launched, 2 in flight: two gave up, uncounted yet
	if m.survived != 100*time.Second {
		t.Fatalf("survived %v, want 100 s (the reading at 140 s shows tasks that gave up)", m.survived)
	}
	if got, _ := m.earliest(at(140), 0, 3, 2, launched, 0, fast); got != at(132+95) {
		t.Errorf("after surviving 100 s: %v, want the replacements' launch + 100 s - one poll", got.Sub(t0))
	}
	m.observe(0, 2, at(154), launched)
	if m.after != 154*time.Second {
		t.Fatalf("learned %v, want 154 s", m.after)
	}
	if got, est := m.earliest(at(180), 2, 3, 2, launched, 0, fast); got != at(132+154-5) || !est {
		t.Errorf("next wave: %v (estimate %v), want its launch + 154 s - one poll, an estimate", got.Sub(t0), est)
	}
	if got, _ := m.earliest(at(180), 2, 3, 0, launched[:2], 0, fast); got != at(180+154-5) {
		t.Errorf("throttled (nothing launched): %v, want now + 154 s - one poll", got.Sub(t0))
	}
	if got, _ := m.earliest(at(180), 2, 3, 3, launched[:2], 0, fast); got != at(180) {
		t.Errorf("in flight but not in the events: %v, want now", got.Sub(t0))
	}
	if got, _ := m.earliest(at(180), 3, 3, 0, launched, 0, fast); got != at(180) {
		t.Errorf("threshold reached: %v, want now", got.Sub(t0))
	}
	m.observe(2, 3, at(270), launched)
	if m.after != 138*time.Second {
		t.Errorf("a faster later failure: learned %v, want the shortest (138 s)", m.after)
	}
}
