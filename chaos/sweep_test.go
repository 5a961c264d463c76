package chaos

import (
	"context"
	"flag"
	"testing"
)

var (
	sweepSeeds = flag.Int("chaos.seeds", 0, "run this many extra seeds (from 100) of the small scenario")
	soakSeeds  = flag.Int("chaos.soak", 0, "run this many seeds (from 1) of the full-scale scenario (50 services, 2,000 tasks, 200 instances)")
)

// TestSweep runs -chaos.seeds more seeds; each violation names its seed so
// it can become a regression case in TestRunSeeds.
func TestSweep(t *testing.T) {
	if *sweepSeeds == 0 {
		t.Skip("use -chaos.seeds=N")
	}
	var checks, violations int
	faults := map[string]int{}
	for seed := int64(100); seed < 100+int64(*sweepSeeds); seed++ {
		rep, err := Run(context.Background(), smallConfig(seed))
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(rep.Violations) > 0 {
			t.Errorf("%s", rep)
		}
		checks, violations = checks+rep.Checks, violations+len(rep.Violations)
		for k, v := range rep.Faults {
			faults[k] += v
		}
	}
	t.Logf("TOTAL %d seeds from 100: %d invariant checks, %d violations; faults %s", *sweepSeeds, checks, violations, counts(faults))
}

// TestSoak runs the full-scale scenario with -chaos.soak=N seeds
// and logs the totals for docs/reliability.md.
func TestSoak(t *testing.T) {
	if *soakSeeds == 0 {
		t.Skip("use -chaos.soak=N")
	}
	var total Report
	total.Faults = map[string]int{}
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
		total.VirtualTime += rep.VirtualTime
		total.Steps += rep.Steps
		total.Checks += rep.Checks
		total.Deployments += rep.Deployments
		total.Completed += rep.Completed
		total.Failed += rep.Failed
		for k, v := range rep.Faults {
			total.Faults[k] += v
		}
	}
	t.Logf("TOTAL %d seeds: %.0f virtual hours, %d steps, %d invariant checks, %d faults %s, %d deployments (%d completed, %d failed)",
		*soakSeeds, total.VirtualTime.Hours(), total.Steps, total.Checks, total.FaultTotal(), counts(total.Faults),
		total.Deployments, total.Completed, total.Failed)
}
