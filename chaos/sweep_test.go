package chaos

import (
	"context"
	"flag"
	"fmt"
	"testing"

	"github.com/ecsdeploy/ecsdeploy/internal/debugcheck"
)

var (
	sweepSeeds = flag.Int("chaos.seeds", 0, "run this many extra seeds (from 100) of the small scenario")
	soakSeeds  = flag.Int("chaos.soak", 0, "run this many seeds (from 1) of the full-scale scenario (50 services, 2,000 tasks, 200 instances)")
	selfCheck  = flag.Bool("chaos.selfcheck", false, "turn on the fake's self-checks: incremental planner snapshots verified against a full rebuild, reused task storage checked unreachable after every step")
)

// selfChecks turns the fake's self-checks on for t when -chaos.selfcheck
// is set, and logs how many ran when t ends.
func selfChecks(t *testing.T) {
	if !*selfCheck {
		return
	}
	debugcheck.VerifySnapshots.Store(true)
	debugcheck.FreedTaskStorage.Store(true)
	snaps, skips, freed, reused := debugcheck.SnapshotsVerified.Load(), debugcheck.SkippedPassesVerified.Load(), freedChecks.Load(), storagesReused.Load()
	t.Cleanup(func() {
		debugcheck.VerifySnapshots.Store(false)
		debugcheck.FreedTaskStorage.Store(false)
		t.Logf("self-checks: %d incremental snapshots verified, %d skipped planner passes verified, %d free-storage checks, %d task storages reused",
			debugcheck.SnapshotsVerified.Load()-snaps, debugcheck.SkippedPassesVerified.Load()-skips, freedChecks.Load()-freed, storagesReused.Load()-reused)
	})
}

// TestSweep runs -chaos.seeds more seeds; each violation names its seed so
// it can become a regression case in TestRunSeeds.
func TestSweep(t *testing.T) {
	if *sweepSeeds == 0 {
		t.Skip("use -chaos.seeds=N")
	}
	selfChecks(t)
	total := Report{Faults: map[string]int{}}
	for seed := int64(100); seed < 100+int64(*sweepSeeds); seed++ {
		rep, err := Run(context.Background(), smallConfig(seed))
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(rep.Violations) > 0 {
			t.Errorf("%s", rep)
		}
		total.add(rep)
	}
	t.Logf("TOTAL %d seeds from 100: %s", *sweepSeeds, total.totals())
}

// TestSoak runs the full-scale scenario with -chaos.soak=N seeds
// and logs the totals for docs/reliability.md.
func TestSoak(t *testing.T) {
	if *soakSeeds == 0 {
		t.Skip("use -chaos.soak=N")
	}
	selfChecks(t)
	total := Report{Faults: map[string]int{}}
	for seed := int64(1); seed <= int64(*soakSeeds); seed++ {
		cfg := DefaultConfig()
		cfg.Seed = seed
		rep, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s", rep)
		if len(rep.Violations) > 0 {
			t.Errorf("seed %d: %d violations", seed, len(rep.Violations))
		}
		total.add(rep)
	}
	t.Logf("TOTAL %d seeds: %s", *soakSeeds, total.totals())
}

// add sums rep's counts into r (violations kept).
func (r *Report) add(rep *Report) {
	r.VirtualTime += rep.VirtualTime
	r.Steps += rep.Steps
	r.Checks += rep.Checks
	r.Deployments += rep.Deployments
	r.Completed += rep.Completed
	r.Failed += rep.Failed
	r.BlueGreen.Deployments += rep.BlueGreen.Deployments
	r.BlueGreen.Completed += rep.BlueGreen.Completed
	r.BlueGreen.RolledBack += rep.BlueGreen.RolledBack
	r.BlueGreen.Split += rep.BlueGreen.Split
	r.BlueGreen.Fargate += rep.BlueGreen.Fargate
	r.Violations = append(r.Violations, rep.Violations...)
	for k, v := range rep.Faults {
		r.Faults[k] += v
	}
	if r.Actions == nil {
		r.Actions = map[string]int{}
	}
	for k, v := range rep.Actions {
		r.Actions[k] += v
	}
}

// totals is the one-line summary of summed reports the sweep and soak log.
func (r *Report) totals() string {
	return fmt.Sprintf("%.0f virtual hours, %d steps, %d invariant checks, %d violations, %d faults %s, %d deployments (%d completed, %d failed), blue/green %d (%d completed, %d rolled back, production split at %d checks; %d services on Fargate, %d desiredCount changes)",
		r.VirtualTime.Hours(), r.Steps, r.Checks, len(r.Violations), r.FaultTotal(), counts(r.Faults), r.Deployments, r.Completed, r.Failed,
		r.BlueGreen.Deployments, r.BlueGreen.Completed, r.BlueGreen.RolledBack, r.BlueGreen.Split, r.BlueGreen.Fargate, r.Actions["bg-scale"])
}
