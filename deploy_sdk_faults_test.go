package ecsdeploy_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// overrunBound is how far past its timeout a Deploy may return, on the
// Deployer's clock: the time it may spend reading a timed-out deployment's
// stopped tasks (docs/reliability.md, "The Deployer over an SDK client").
const overrunBound = 5 * time.Second

// TestDeployOverSDKRidesOutThrottlingWithinTimeout (issue #17.6): the
// real SDK client over HTTP against the fake, which throttles 30% of all
// calls and answers 5% with ServerException (HTTP 500). Of 40 deploys,
// none fails with a retryable error (the Deployer retries on its own clock,
// each SDK call being one attempt), and none returns later than its
// timeout plus overrunBound: 30 deploy a good image (default timeout, they
// complete), 10 an image that never starts without a circuit breaker
// (3-minute timeout, they time out).
func TestDeployOverSDKRidesOutThrottlingWithinTimeout(t *testing.T) {
	e := fake.New(fake.WithSeed(17))
	srv := faketest.NewServerFor(t, e)
	ctx := t.Context()
	if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	if err := e.InjectFault(fake.Fault{Image: "nginx:never*", Action: fake.FaultFailStart}); err != nil {
		t.Fatal(err)
	}
	d := ecsdeploy.New(srv.Client, ecsdeploy.WithClock(e))
	reg, err := d.Register(ctx, taskDef("web", "nginx:1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String("prod"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(reg.Arn), DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: awsvpc}); err != nil {
		t.Fatal(err)
	}
	e.FailOperation("*", "ThrottlingException", 0, 0.30)
	e.FailOperation("*", "ServerException", 0, 0.05)
	const timeout = 3 * time.Minute
	var worst time.Duration
	completed, timedOut := 0, 0
	for i := range 40 {
		stuck := i%4 == 3
		image, opts := fmt.Sprintf("nginx:%d", i+2), []ecsdeploy.Option(nil)
		if stuck {
			image, opts = fmt.Sprintf("nginx:never-%d", i), []ecsdeploy.Option{ecsdeploy.WithTimeout(timeout)}
		}
		start := e.Now()
		res, err := d.Deploy(ctx, ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: image}, opts...)
		took := e.Now().Sub(start)
		var ae *ecsdeploy.APIError
		var api smithy.APIError
		if errors.As(err, &ae) || errors.As(err, &api) {
			t.Fatalf("deploy %d (%s): an API error reached the caller: %v", i, image, err)
		}
		switch {
		case !stuck && err != nil:
			t.Fatalf("deploy %d (%s): %v", i, image, err)
		case !stuck:
			if d := res.Status.Deployment; d == nil || d.RolloutState != types.DeploymentRolloutStateCompleted {
				t.Fatalf("deploy %d: last status %v, want COMPLETED", i, res.Status)
			}
			completed++
		case !errors.Is(err, ecsdeploy.ErrTimeout):
			t.Fatalf("deploy %d (%s): err = %v, want a timeout", i, image, err)
		default:
			timedOut++
			if over := took - timeout; over > worst {
				worst = over
			}
			if took > timeout+overrunBound {
				t.Errorf("deploy %d: returned %v after its start, timeout %v + bound %v", i, took, timeout, overrunBound)
			}
		}
	}
	calls := 0
	for _, n := range e.CallCounts() {
		calls += n
	}
	t.Logf("%d completed, %d timed out, worst overrun %v; %d calls in all", completed, timedOut, worst, calls)
}
