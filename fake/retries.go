package fake

import (
	"context"
	"errors"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"

	"github.com/ecsdeploy/ecsdeploy/internal/jitter"
)

// WithStandardRetries makes the fake retry the transient faults injected
// with FailOperation (ThrottlingException, LimitExceededException,
// ServerException, ...) the way aws-sdk-go-v2's standard retryer would
// have retried them in front of real ECS: up to retry.DefaultMaxAttempts
// (3) attempts, the SDK's exponential jitter backoff (1 s base for
// throttles, 50 ms otherwise, at most 20 s) drawn from the fake's seed and
// spent in virtual time, and the SDK's retry token bucket (500 tokens, 5
// per retry). Every attempt is recorded as a call, as ECS would see it.
//
// Use it when the code under test calls *fake.ECS directly where
// production calls an *ecs.Client (which has that retryer): without it the
// code sees every injected throttle raw. Leave it off to test how code
// handles the error itself, behind ecsdeploy.New (whose Deployer retries
// any API that is not an *ecs.Client) and over HTTP (the client's own
// retryer retries).
func WithStandardRetries() Option { return func(c *config) { c.sdkRetries = true } }

// sdkRetryer is the SDK's retry.Standard with a seeded backoff.
type sdkRetryer struct {
	std *retry.Standard
}

// serverFault retries in-process server faults: over HTTP ServerException
// arrives as a 500, which the SDK retries; in process there is no status.
var serverFault = retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorFault() == smithy.FaultServer {
		return aws.TrueTernary
	}
	return aws.UnknownTernary
})

func newSDKRetryer(seed int64) *sdkRetryer {
	std := retry.NewStandard(func(o *retry.StandardOptions) {
		o.Retryables = append(slices.Clone(o.Retryables), serverFault)
		o.Backoff = jitter.Standard{Max: o.MaxBackoff, Rand: jitter.NewSource(uint64(seed)),
			Throttle: retry.IsErrorThrottles(o.Throttles)}
	})
	return &sdkRetryer{std: std}
}

// opFaultRetriedLocked applies the operation faults to one call of op and,
// with WithStandardRetries, retries a transient one as the SDK would:
// backoff in virtual time, each new attempt recorded as a call of op.
func (e *ECS) opFaultRetriedLocked(ctx context.Context, op string, in any, faultErr faultErrorFunc) error {
	err := e.opFaultLocked(op, faultErr)
	r := e.retryer
	if r == nil {
		return err
	}
	if err == nil {
		if release, terr := r.std.GetAttemptToken(ctx); terr == nil {
			_ = release(nil) // a first-attempt success refills the bucket
		}
		return nil
	}
	for attempt := 1; attempt < r.std.MaxAttempts() && r.std.IsErrorRetryable(err); attempt++ {
		release, terr := r.std.GetRetryToken(ctx, err)
		if terr != nil {
			return err // retry quota exhausted: the SDK gives up with the error
		}
		delay, derr := r.std.RetryDelay(attempt, err)
		if derr != nil {
			return err
		}
		if serr := e.passLocked(ctx, delay); serr != nil {
			return serr
		}
		e.recordCallLocked(op, in, e.catchUpLocked())
		if err = e.opFaultLocked(op, faultErr); err == nil {
			_ = release(nil) // a successful retry refunds its cost
			return nil
		}
	}
	return err
}
