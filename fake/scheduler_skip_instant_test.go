package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy/internal/debugcheck"
)

// A pass skipped without a snapshot (restsAlike) must not hide a change
// made at the instant of an alike lifecycle step: a desiredCount change,
// a task stopped by a call, or a fault injected then. Every virtual second
// of a crash loop gets one of those calls, so each lands at the instant of
// some PENDING to ACTIVATING, DEACTIVATING to STOPPING or STOPPING to
// DEPROVISIONING step; under debugcheck.VerifySnapshots each skipped pass
// is planned all the same and must plan nothing (verifySkippedLocked
// panics otherwise), and the service ends at its last desired count.
func TestSkipWithoutSnapshotSeesChangesAtTheStepsInstant(t *testing.T) {
	verifySnapshotsIn(t)
	skips0 := debugcheck.AlikeRowsVerified.Load()
	e := newCluster(t, 4)
	td := register(t, e, tdWith("loop", 64, aws.Int32(64), nil))
	if err := e.InjectFault(Fault{Family: "loop", Action: FaultExit, ExitCode: 1, After: 20 * time.Second}); err != nil {
		t.Fatal(err)
	}
	createSvc(t, e, "loop", td, 6, svcOpts{min: 100, max: 200})
	desired := int32(6)
	for i := range 240 {
		e.Advance(time.Second)
		switch i % 3 {
		case 0:
			desired = 4 + int32(i%5)
			if _, err := e.UpdateService(bg, &ecs.UpdateServiceInput{Service: aws.String("loop"), DesiredCount: aws.Int32(desired)}); err != nil {
				t.Fatal(err)
			}
		case 1:
			l, err := e.ListTasks(bg, &ecs.ListTasksInput{ServiceName: aws.String("loop")})
			if err != nil {
				t.Fatal(err)
			}
			if len(l.TaskArns) > 0 {
				if _, err := e.StopTask(bg, &ecs.StopTaskInput{Task: aws.String(l.TaskArns[0])}); err != nil {
					t.Fatal(err)
				}
			}
		case 2:
			if err := e.InjectFault(Fault{Family: "loop", Action: FaultExit, ExitCode: 2, After: time.Duration(10+i%7) * time.Second}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if debugcheck.AlikeRowsVerified.Load() == skips0 {
		t.Fatal("no pass was skipped without a snapshot: the test does not reach restsAlike")
	}
	out, err := e.DescribeServices(bg, &ecs.DescribeServicesInput{Services: []string{"loop"}})
	if err != nil || len(out.Services) != 1 {
		t.Fatal(out, err)
	}
	if got := out.Services[0].DesiredCount; got != desired {
		t.Errorf("desired count %d, want %d", got, desired)
	}
}
