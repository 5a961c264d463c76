package ecsdeploy_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// The adaptive schedule's predictions across task timings (image pulls
// from instant to a minute, slow and fast drains, short failing pulls
// with a short service throttle) and service sizes (issue #18.2):
// completions and failures are detected within 5 s of ECS reporting them
// in every case. (Until the failure prediction followed the replacement
// tasks' launches, a failure was detected up to 13.6 s late here: the
// next wave was predicted from the previous failure, which includes the
// failed task's stop.) Calls are logged, not asserted: the targets are for
// the default timings (TestDeployEconomyTargets).
func TestDeployDetectionAcrossTimings(t *testing.T) {
	timings := []struct {
		name   string
		timing fake.Timing
	}{
		{"default", fake.Timing{}},
		{"instant pull", fake.Timing{Provisioning: time.Second, Pull: time.Second}},
		{"slow pull, slow drain", fake.Timing{Pull: 60 * time.Second, Deprovisioning: 45 * time.Second}},
		{"fast drain", fake.Timing{Deactivating: time.Second, Stopping: time.Second, Deprovisioning: time.Second}},
		{"short failing pull", fake.Timing{PullFailure: 10 * time.Second, ThrottleBase: 10 * time.Second}},
	}
	for _, c := range timings {
		for _, desired := range []int32{1, 2, 5} {
			t.Run(fmt.Sprintf("%s/desired=%d", c.name, desired), func(t *testing.T) {
				e := fake.New(fake.WithTiming(c.timing))
				if _, err := e.CreateCluster(context.Background(), &ecs.CreateClusterInput{ClusterName: aws.String("prod")}); err != nil {
					t.Fatal(err)
				}
				w := economyWorld{e: e, d: ecsdeploy.New(e, ecsdeploy.WithClock(e))}
				for _, r := range runEconomyDesired(t.Context(), t, w, desired) {
					t.Logf("%-24s %2d calls, detected after %v, took %v", r.scenario, r.total(), r.detect, r.took)
					if r.detect < 0 || r.detect > 5*time.Second {
						t.Errorf("%s: returned %v after the outcome, want within 5 s", r.scenario, r.detect)
					}
				}
			})
		}
	}
}
