package chaos

import (
	"context"
	"errors"
	"testing"
	"time"
)

// smallConfig is a scenario scaled so the race-enabled suite stays fast.
func smallConfig(seed int64) Config {
	return Config{Seed: seed, Services: 10, Tasks: 100, Instances: 16,
		Duration: 3 * time.Hour, Quiet: time.Hour, Step: 30 * time.Second,
		ActionsPerStep: 0.6, FaultsPerStep: 0.4, ThrottleRate: 0.3, ServerErrorRate: 0.05}
}

func TestRunSeeds(t *testing.T) {
	// 103 and 118 are regressions: max-percent after a FAILED deployment and a
	// scale-down (TestFailedDeploymentScaleDownStaysWithinMaximumPercent).
	for _, seed := range []int64{1, 103, 118} {
		rep, err := Run(context.Background(), smallConfig(seed))
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		t.Logf("%s", rep)
		if len(rep.Violations) > 0 {
			t.Errorf("seed %d: %d violations", seed, len(rep.Violations))
		}
		// The run really injected every kind of fault and acted.
		for _, kind := range []string{"instance-lost", "instance-drained", "task-crash", "health-check-flap", "fail-start",
			"image-pull", "api:ThrottlingException", "api:ServerException", "target-health-flap", "target-unhealthy"} {
			if rep.Faults[kind] == 0 {
				t.Errorf("seed %d: no %s fault injected", seed, kind)
			}
		}
		if rep.Actions["deploy"] == 0 || rep.Actions["scale"] == 0 || rep.Actions["force-deploy"] == 0 || rep.Failed == 0 || rep.Completed == 0 {
			t.Errorf("seed %d: actions %v, %d completed and %d failed deployments: want every kind", seed, rep.Actions, rep.Completed, rep.Failed)
		}
		if rep.VirtualTime < 4*time.Hour || rep.MaxEvents > MaxServiceEvents {
			t.Errorf("seed %d: %v virtual, %d events max", seed, rep.VirtualTime, rep.MaxEvents)
		}
	}
}

// TestRunIsReproducible: a seed is a pure description of a run.
func TestRunIsReproducible(t *testing.T) {
	cfg := smallConfig(5)
	cfg.Duration, cfg.Quiet = time.Hour, 30*time.Minute
	a, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Fatalf("same seed, different runs:\n%s\n%s", a, b)
	}
}

// TestRunStopsWithContext: a cancelled context ends the run with its error.
func TestRunStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, smallConfig(1)); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// TestRunFargateSpot: with Spot services (every fifth, by default), Spot
// interruptions and shortages among the faults, and a service on a
// managed-scaling Auto Scaling group provider, every invariant holds,
// including the strategy's base staying on FARGATE whenever a Spot service
// has settled (capacity-base), and the group scales out and in and
// replaces the instances faults take from it. The group scales in within
// three hours in about one seed of four (3 of seeds 1-12): seed 7 did
// until round 6 redrew the fake's identifiers (the scheduler orders equal
// tasks by ID), 8 did before and does since.
func TestRunFargateSpot(t *testing.T) {
	for _, seed := range []int64{8} {
		cfg := smallConfig(seed)
		// Without the blue/green services, whose tasks keep the group's
		// instances busy: seed 8 scales in without them, not with them.
		cfg.BlueGreenEvery = -1
		rep, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		t.Logf("%s", rep)
		for _, v := range rep.Violations {
			t.Errorf("seed %d: %v", seed, v)
		}
		if rep.Faults["spot-interruption"] == 0 || rep.Faults["spot-shortage"] == 0 {
			t.Errorf("seed %d: faults %v, want Spot interruptions and shortages", seed, rep.Faults)
		}
		if rep.Actions["managed-scale-out"] == 0 || rep.Actions["managed-scale-in"] == 0 {
			t.Errorf("seed %d: actions %v, want the managed-scaling group to scale out and in", seed, rep.Actions)
		}
		if rep.Faults["group-instance-lost"] == 0 {
			t.Errorf("seed %d: faults %v, want instances of the managed-scaling group lost (and replaced)", seed, rep.Faults)
		}
	}
}

// TestRunBlueGreen: blue/green services (one per five by default, the
// second a CANARY or LINEAR one, the first on Fargate) deploy and scale
// under the faults, some to completion and some rolled back, and every
// invariant holds, the blue/green ones (check_bg.go) included.
func TestRunBlueGreen(t *testing.T) {
	rep, err := Run(context.Background(), smallConfig(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", rep)
	for _, v := range rep.Violations {
		t.Error(v)
	}
	if bg := rep.BlueGreen; bg.Completed == 0 || bg.RolledBack == 0 || bg.Split == 0 || rep.Actions["bg-deploy"] == 0 || rep.Actions["bg-force-deploy"] == 0 ||
		rep.Actions["bg-scale"] == 0 || bg.Fargate == 0 {
		t.Errorf("blue/green %+v, actions %v: want deployments completed and rolled back, a partial production shift seen, desiredCount changes and a service on Fargate", bg, rep.Actions)
	}
}
