package chaos

import (
	"context"
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
	for _, seed := range []int64{1, 2, 3, 103, 118} {
		rep, err := Run(context.Background(), smallConfig(seed))
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		t.Logf("%s", rep)
		if len(rep.Violations) > 0 {
			t.Errorf("seed %d: %d violations", seed, len(rep.Violations))
		}
	}
}
