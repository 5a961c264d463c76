package chaos

import (
	"context"
	"flag"
	"testing"
)

var (
	sweepSeeds = flag.Int("chaos.seeds", 0, "run this many extra seeds (from 100) of the small scenario")
	soak       = flag.Bool("chaos.soak", false, "run the full-scale scenario (50 services, 2,000 tasks, 200 instances)")
)

// TestSweep runs -chaos.seeds more seeds; each violation names its seed so
// it can become a regression case in TestRunSeeds.
func TestSweep(t *testing.T) {
	if *sweepSeeds == 0 {
		t.Skip("use -chaos.seeds=N")
	}
	for seed := int64(100); seed < 100+int64(*sweepSeeds); seed++ {
		rep, err := Run(context.Background(), smallConfig(seed))
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(rep.Violations) > 0 {
			t.Errorf("%s", rep)
		}
	}
}

// TestSoak runs the full-scale scenario with -chaos.soak.
func TestSoak(t *testing.T) {
	if !*soak {
		t.Skip("use -chaos.soak")
	}
	rep, err := Run(context.Background(), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", rep)
	if len(rep.Violations) > 0 {
		t.Errorf("%d violations", len(rep.Violations))
	}
}
