package ecsdeploy

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// bgSvc is a BLUE_GREEN service (bake 5 min, one load balancer) whose
// deployment ecs-svc/2 (green, created at t0, 2 tasks running) replaces
// ecs-svc/1 (blue) of blueDesired tasks, with events (newest first).
func bgSvc(blueDesired int32, events ...types.ServiceEvent) (*types.Service, *types.Deployment) {
	svc := &types.Service{
		DeploymentConfiguration: &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(5)},
		LoadBalancers:           []types.LoadBalancer{{TargetGroupArn: aws.String("tg-blue")}},
		Deployments: []types.Deployment{
			{Id: aws.String("ecs-svc/2"), Status: aws.String("PRIMARY"), DesiredCount: 2, RunningCount: 2,
				RolloutState: types.DeploymentRolloutStateInProgress, CreatedAt: aws.Time(t0)},
			{Id: aws.String("ecs-svc/1"), Status: aws.String("ACTIVE"), DesiredCount: blueDesired, RunningCount: blueDesired,
				RolloutState: types.DeploymentRolloutStateCompleted, CreatedAt: aws.Time(t0.Add(-time.Hour))},
		},
		Events: events,
	}
	return svc, &svc.Deployments[0]
}

// ev is a service event sec seconds after t0.
func ev(sec int, msg string) types.ServiceEvent {
	return types.ServiceEvent{Message: aws.String(msg), CreatedAt: aws.Time(t0.Add(time.Duration(sec) * time.Second))}
}

// The blue/green schedule's rules (poll_bluegreen.go; docs/deployer.md,
// "Blue/green, linear and canary deployments").
func TestPollScheduleBlueGreen(t *testing.T) {
	cfg := defaultConfig()
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	t.Run("clean-up seen: its stop events, the groups drained, nothing before", func(t *testing.T) {
		s := newPollSchedule(cfg, nil, history{})
		s.lastAt = at(480 * time.Second)
		svc, ours := bgSvc(2, ev(484, "(service web) deregistered 2 targets in (target-group tg-blue)"))
		if _, _, ok := s.cleanup(svc, ours); ok || s.cleanupBegun(svc, ours) {
			t.Fatal("clean-up seen while blue keeps its desired count")
		}
		svc, ours = bgSvc(0, ev(484, "(service web) has stopped 2 running tasks: (task a) (task b)."),
			ev(484, "(service web) deregistered 2 targets in (target-group tg-blue)"),
			ev(-60, "(service web) deregistered 1 targets in (target-group tg-old)"))
		c, groups, ok := s.cleanup(svc, ours)
		if !ok || !c.Equal(at(484*time.Second)) || len(groups) != 1 || groups[0] != "tg-blue" {
			t.Fatalf("cleanup = %v %v %v, want +484s [tg-blue]", c.Sub(t0), groups, ok)
		}
		// The next reading is scanned afresh (the events of one reading
		// are scanned once, eventScan).
		svc, ours = bgSvc(0, ev(490, "(service web) deregistered 2 targets in (target-group tg-blue-2)"))
		if c, groups, ok := s.cleanup(svc, ours); !ok || !c.Equal(at(490*time.Second)) || len(groups) != 1 || groups[0] != "tg-blue-2" {
			t.Fatalf("cleanup of the next reading = %v %v %v, want +490s [tg-blue-2]", c.Sub(t0), groups, ok)
		}
		svc, ours = bgSvc(0) // no event: from the previous read
		if c, _, ok := s.cleanup(svc, ours); !ok || !c.Equal(at(480*time.Second)) {
			t.Fatalf("cleanup without events = %v, want the previous read", c.Sub(t0))
		}
	})
	t.Run("clean-up shown without its events: from the read before the first that showed it", func(t *testing.T) {
		// The last clean-up took 30 s (no group named: 4/5 of it, 24 s).
		s := newPollSchedule(cfg, nil, history{drain: 30 * time.Second})
		svc, ours := bgSvc(2)
		s.next(svc, ours, at(480*time.Second)) // blue still at its desired count
		for _, c := range []struct {
			read, want time.Duration // after t0
		}{
			{485 * time.Second, 480*time.Second + 24*time.Second + predictionMargin}, // begun after +480, not at +485
			{490 * time.Second, 480*time.Second + 24*time.Second + predictionMargin}, // still from +480
		} {
			svc, ours = bgSvc(0)
			if got, want := s.next(svc, ours, at(c.read)), c.want-c.read; got != want {
				t.Errorf("read at +%v: next after %v, want %v (completion at +480 s + 24 s + 1 s)", c.read, got, want)
			}
		}
		svc, ours = bgSvc(0, ev(483, "(service web) has stopped 2 running tasks: (task a) (task b)."))
		if got, want := s.next(svc, ours, at(495*time.Second)), (483+24+1-495)*time.Second; got != want {
			t.Errorf("with the stop event: next after %v, want %v (from the event)", got, want)
		}
		// A wait whose first read shows the clean-up knows only that it
		// began after green's creation and bakes (5 min): long before.
		s = newPollSchedule(cfg, nil, history{drain: 30 * time.Second})
		svc, ours = bgSvc(0)
		if got := s.next(svc, ours, at(600*time.Second)); got != cfg.poll {
			t.Errorf("first read of a wait: next after %v, want one poll (completion may be due)", got)
		}
	})
	t.Run("completion: clean-up start + delay, + 4/5 of what the last clean-up took beyond it", func(t *testing.T) {
		for _, c := range []struct {
			name    string
			learned time.Duration
			delay   time.Duration
			read    bool
			want    time.Duration // read at, after t0 (0: one fast step)
		}{
			{"first deploy: the delay", 0, 300 * time.Second, true, 484*time.Second + 300*time.Second + time.Second},
			{"second deploy: and 4/5 of the 24 s beyond it", 324 * time.Second, 300 * time.Second, true, 484*time.Second + 319200*time.Millisecond + time.Second},
			{"delay unreadable: 4/5 of the last clean-up", 324 * time.Second, 0, false, 484*time.Second + 259200*time.Millisecond + time.Second},
			{"nothing known: every step", 0, 0, false, 0},
		} {
			s := newPollSchedule(cfg, nil, history{drain: c.learned})
			svc, ours := bgSvc(0, ev(484, "(service web) deregistered 2 targets in (target-group tg-blue)"))
			s.lastAt = at(480 * time.Second)
			if got := s.wantsDelay(svc, ours); len(got) != 1 || got[0] != "tg-blue" {
				t.Fatalf("%s: wantsDelay = %v", c.name, got)
			}
			s.noteDelay("tg-blue", c.delay, c.read)
			if got := s.wantsDelay(svc, ours); len(got) != 0 {
				t.Fatalf("%s: wantsDelay after the read = %v, want none (once per wait)", c.name, got)
			}
			now := at(485 * time.Second)
			want := now.Add(cfg.poll)
			if c.want > 0 {
				want = at(c.want)
			}
			if got := s.blueGreenRead(svc, ours, now); !got.Equal(want) {
				t.Errorf("%s: read at +%v, want +%v", c.name, got.Sub(t0), want.Sub(t0))
			}
		}
	})
	t.Run("before the clean-up: the stage read predicts its start; the watch caps every wait", func(t *testing.T) {
		s := newPollSchedule(cfg, nil, history{})
		svc, ours := bgSvc(2)
		ours.UpdatedAt = aws.Time(at(54 * time.Second))
		s.prime(svc, ours, t0)
		if !s.wantsStage(svc, ours, at(185*time.Second)) {
			t.Fatal("the stage is not wanted while green scales up")
		}
		s.noteStage("sd-1", types.ServiceDeploymentLifecycleStageScaleUp, at(5*time.Second), ours, at(65*time.Second))
		if got := s.next(svc, ours, at(65*time.Second)); got != s.watch() {
			t.Errorf("scaling up, nothing predicted: next read in %v, want the watch %v", got, s.watch())
		}
		// BAKE_TIME, stamped at +184 s: the clean-up begins at +484 s.
		s.noteStage("sd-1", types.ServiceDeploymentLifecycleStageBakeTime, at(184*time.Second), ours, at(185*time.Second))
		if s.wantsStage(svc, ours, at(185*time.Second)) || s.stageMayChange(svc, ours, at(400*time.Second)) || !s.stageMayChange(svc, ours, at(484*time.Second)) {
			t.Error("with the bake's start known the stage is wanted, or may change before the bake ends")
		}
		if got := s.blueGreenRead(svc, ours, at(185*time.Second)); !got.Equal(at(485 * time.Second)) {
			t.Errorf("in the bake: completion read at +%v, want just after the clean-up's start (+485s)", got.Sub(t0))
		}
		if got := s.next(svc, ours, at(185*time.Second)); got != s.watch() {
			t.Errorf("in the bake: next read in %v, want the watch %v", got, s.watch())
		}
		if got := s.next(svc, ours, at(445*time.Second)); got != 40*time.Second {
			t.Errorf("40 s before the clean-up: next read in %v, want 40 s", got)
		}
	})
	t.Run("the watch interval: 12 polls, or WithWatchInterval's, at least one poll", func(t *testing.T) {
		for _, c := range []struct {
			opts []Option
			want time.Duration
		}{
			{nil, time.Minute},
			{[]Option{WithPollInterval(2 * time.Second)}, 24 * time.Second},
			{[]Option{WithWatchInterval(20 * time.Second)}, 20 * time.Second},
			{[]Option{WithWatchInterval(2 * time.Minute)}, 2 * time.Minute},
			{[]Option{WithWatchInterval(time.Second)}, 5 * time.Second},
			{[]Option{WithWatchInterval(20 * time.Second), WithWatchInterval(0)}, 20 * time.Second},
			{[]Option{WithWatchInterval(-time.Minute)}, time.Minute},
			{[]Option{WithWatchInterval(20 * time.Second), WithWatchInterval(-time.Second)}, 20 * time.Second},
		} {
			s := newPollSchedule(cfg.with(c.opts), nil, history{})
			svc, ours := bgSvc(2)
			svc.DeploymentConfiguration.Alarms = &types.DeploymentAlarms{Enable: true, AlarmNames: []string{"a"}}
			s.noteStage("sd-1", types.ServiceDeploymentLifecycleStageBakeTime, at(184*time.Second), ours, at(185*time.Second))
			// In a 5-minute bake with alarms on: the next read comes after
			// the watch interval (nothing is predicted sooner).
			if got := s.next(svc, ours, at(185*time.Second)); got != c.want || s.watch() != c.want {
				t.Errorf("%d options: next read in %v (watch %v), want %v", len(c.opts), got, s.watch(), c.want)
			}
		}
	})
	t.Run("a clean-up the service does not show is learned from the stage", func(t *testing.T) {
		s := newPollSchedule(cfg, nil, history{})
		svc, ours := bgSvc(2, ev(484, "(service web) deregistered 2 targets in (target-group tg-blue)"))
		s.noteStage("sd-1", types.ServiceDeploymentLifecycleStageBakeTime, at(184*time.Second), ours, at(185*time.Second))
		if s.wantsStage(svc, ours, at(480*time.Second)) || !s.wantsStage(svc, ours, at(490*time.Second)) {
			t.Fatal("the stage is not wanted once the clean-up should have begun, or wanted before")
		}
		s.noteStage("sd-1", types.ServiceDeploymentLifecycleStageCleanUp, at(484*time.Second), ours, at(490*time.Second))
		s.noteDelay("tg-blue", 300*time.Second, true)
		if c, groups, ok := s.cleanup(svc, ours); !ok || !c.Equal(at(484*time.Second)) || len(groups) != 1 || s.wantsStage(svc, ours, at(495*time.Second)) {
			t.Fatalf("cleanup = %v %v %v, want from the stage's start, blue's group, and no more stage reads", c.Sub(t0), groups, ok)
		}
		if got := s.blueGreenRead(svc, ours, at(490*time.Second)); !got.Equal(at(785 * time.Second)) {
			t.Errorf("completion read at +%v, want +785s", got.Sub(t0))
		}
	})
	t.Run("a canary's stage may change when its canary bake ends, and not in CLEAN_UP", func(t *testing.T) {
		s := newPollSchedule(cfg, nil, history{})
		svc, ours := bgSvc(2)
		svc.DeploymentConfiguration.Strategy = types.DeploymentStrategyCanary
		svc.DeploymentConfiguration.CanaryConfiguration = &types.CanaryConfiguration{CanaryPercent: aws.Float64(10), CanaryBakeTimeInMinutes: aws.Int32(2)}
		// PRODUCTION_TRAFFIC_SHIFT, stamped at +184 s: BAKE_TIME begins
		// after the canary's 2-minute bake (+304 s), the clean-up 5
		// minutes later (+604 s).
		s.noteStage("sd-1", types.ServiceDeploymentLifecycleStageProductionTrafficShift, at(184*time.Second), ours, at(185*time.Second))
		if s.stageMayChange(svc, ours, at(303*time.Second)) || !s.stageMayChange(svc, ours, at(304*time.Second)) {
			t.Error("in the production shift the stage may change before the canary bake ends, or not once it did")
		}
		if c, ok := s.predictedCleanup(svc); !ok || !c.Equal(at(604*time.Second)) {
			t.Errorf("predicted clean-up at +%v (%v), want +604s", c.Sub(t0), ok)
		}
		s.noteStage("sd-1", types.ServiceDeploymentLifecycleStageCleanUp, at(604*time.Second), ours, at(605*time.Second))
		if s.stageMayChange(svc, ours, at(700*time.Second)) {
			t.Error("CLEAN_UP's stage may change: it ends with the completion, which the service shows")
		}
	})
	t.Run("alarms and a scaled-up breaker are watched at the interval; rolling is not", func(t *testing.T) {
		svc, ours := bgSvc(2)
		svc.DeploymentConfiguration.Alarms = &types.DeploymentAlarms{Enable: true, AlarmNames: []string{"a"}}
		s := newPollSchedule(cfg, nil, history{})
		if got := s.failureRead(svc, ours, nil, t0); !got.Equal(t0.Add(s.watch())) {
			t.Errorf("blue/green alarm: read at +%v, want the watch", got.Sub(t0))
		}
		svc.DeploymentConfiguration.Strategy = types.DeploymentStrategyRolling
		if got := s.failureRead(svc, ours, nil, t0); !got.Equal(t0.Add(cfg.poll)) {
			t.Errorf("rolling alarm: read at +%v, want one poll", got.Sub(t0))
		}
		svc, ours = bgSvc(2)
		ours.DesiredCount, ours.RunningCount = 6, 6 // six running tasks could trip a threshold of 3 at once
		svc.DeploymentConfiguration.DeploymentCircuitBreaker = &types.DeploymentCircuitBreaker{Enable: true}
		if got := s.failureRead(svc, ours, nil, t0); !got.Equal(t0.Add(cfg.poll)) {
			t.Errorf("breaker while green scales up: read at +%v, want one poll", got.Sub(t0))
		}
		s.noteStage("sd-1", types.ServiceDeploymentLifecycleStageBakeTime, t0, ours, t0)
		if got := s.failureRead(svc, ours, nil, t0); !got.Equal(t0.Add(s.watch())) {
			t.Errorf("breaker in the bake: read at +%v, want the watch", got.Sub(t0))
		}
		ours.RunningCount, ours.PendingCount = 5, 1 // a task was replaced: the rolling rules again
		if got := s.failureRead(svc, ours, nil, t0); !got.Equal(t0.Add(cfg.poll)) {
			t.Errorf("breaker in the bake with a task starting: read at +%v, want one poll", got.Sub(t0))
		}
	})
}

// A blue/green service's first deployment (the only one listed) follows
// the blue/green schedule: read at the watch interval while green scales
// up, then just after the bake the stage read predicts; it has no blue,
// so the clean-up is known from the stage only, and no group's
// deregistration delay is wanted. A rolling service's lone deployment
// does not.
func TestPollScheduleFirstBlueGreen(t *testing.T) {
	cfg := defaultConfig()
	first := func() (*types.Service, *types.Deployment) {
		svc, ours := bgSvc(0)
		svc.Deployments = svc.Deployments[:1]
		return svc, ours
	}
	svc, ours := first()
	if !blueGreenActive(svc, ours) || !firstBlueGreen(svc, ours) {
		t.Fatal("a first BLUE_GREEN deployment is not scheduled as blue/green")
	}
	rolling, rours := first()
	rolling.DeploymentConfiguration.Strategy = types.DeploymentStrategyRolling
	if blueGreenActive(rolling, rours) {
		t.Fatal("a rolling service's first deployment scheduled as blue/green")
	}
	s := newPollSchedule(cfg, nil, history{})
	now := t0.Add(65 * time.Second)
	if !s.wantsStage(svc, ours, now) {
		t.Fatal("the stage is not wanted while green may be scaling up")
	}
	if d := s.next(svc, ours, now); d != s.watch() {
		t.Fatalf("next while green scales up = %v, want the watch interval %v", d, s.watch())
	}
	bake := t0.Add(3 * time.Minute)
	s.noteStage("sd-1", types.ServiceDeploymentLifecycleStageBakeTime, bake, ours, t0.Add(185*time.Second))
	now = t0.Add(7*time.Minute + 30*time.Second)
	if got, want := s.next(svc, ours, now), bake.Add(5*time.Minute+predictionMargin).Sub(now); got != want {
		t.Fatalf("next in the bake's last minute = %v, want just after its end (%v)", got, want)
	}
	s.noteStage("sd-1", types.ServiceDeploymentLifecycleStageCleanUp, bake.Add(5*time.Minute), ours, bake.Add(5*time.Minute+time.Second))
	if _, groups, ok := s.cleanup(svc, ours); !ok || len(groups) != 0 || s.wantsDelay(svc, ours) != nil {
		t.Fatalf("clean-up from the stage = %v %v, delays wanted %v: want it known, no groups", ok, groups, s.wantsDelay(svc, ours))
	}
}
