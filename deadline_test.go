package ecsdeploy

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// hangingReads answers the first DescribeServices (the read before the
// update) and then hangs every read until its context is done, like a
// connection that stalls.
type hangingReads struct{ *scripted }

func (h hangingReads) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, o ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	if h.count("hang") == 0 {
		return h.scripted.DescribeServices(ctx, in, o...)
	}
	<-ctx.Done()
	return nil, ctx.Err()
}

// On the wall clock every call carries its wait's deadline in its
// context (issue #17.6): a read that hangs ends with the deadline, and
// Deploy reports the wait's timeout, not a hang or a context error.
func TestDeployCallsCarryTheWaitDeadlineOnTheWallClock(t *testing.T) {
	api := hangingReads{rollout(func(int) (*types.Service, error) {
		return svcWith(2, 2, dep("ecs-svc/2", "PRIMARY", "web:2", inProgress, 2, 0)), nil
	})}
	api.list = func(*ecs.ListTasksInput) (*ecs.ListTasksOutput, error) { return &ecs.ListTasksOutput{}, nil }
	const timeout = 300 * time.Millisecond
	start := time.Now()
	_, err := New(api, WithPollInterval(50*time.Millisecond)).Deploy(t.Context(), DeployInput{Service: "web", Image: "app:2"}, WithTimeout(timeout))
	took := time.Since(start)
	var df *DeploymentFailedError
	if !errors.As(err, &df) || !errors.Is(err, ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a DeploymentFailedError wrapping ErrTimeout", err)
	}
	if took > timeout+reportGrace {
		t.Errorf("Deploy took %v against a %v timeout", took, timeout)
	}
}
