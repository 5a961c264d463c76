package chaos

import (
	"context"
	"testing"

	"github.com/ecsdeploy/ecsdeploy/internal/debugcheck"
)

// TestSelfChecksRunUnderChaos runs one small scenario with the fake's
// self-checks on and checks that they ran: incremental snapshots were
// verified, task storage was reused and checked unreachable after every
// step, and nothing was found.
func TestSelfChecksRunUnderChaos(t *testing.T) {
	debugcheck.VerifySnapshots.Store(true)
	debugcheck.FreedTaskStorage.Store(true)
	t.Cleanup(func() {
		debugcheck.VerifySnapshots.Store(*selfCheck)
		debugcheck.FreedTaskStorage.Store(*selfCheck)
	})
	snaps, freed, reused := debugcheck.SnapshotsVerified.Load(), freedChecks.Load(), storagesReused.Load()
	rep, err := Run(context.Background(), smallConfig(1))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range rep.Violations {
		t.Errorf("%s", v)
	}
	snaps, freed, reused = debugcheck.SnapshotsVerified.Load()-snaps, freedChecks.Load()-freed, storagesReused.Load()-reused
	t.Logf("%d incremental snapshots verified, %d free-storage checks, %d task storages reused", snaps, freed, reused)
	if snaps == 0 || freed != int64(rep.Steps) || reused == 0 {
		t.Fatalf("%d snapshots verified, %d free-storage checks in %d steps, %d storages reused: want the checks run on every step, on reused storage", snaps, freed, rep.Steps, reused)
	}
}
