package ecsdeploy

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/smithy-go"

	"github.com/ecsdeploy/ecsdeploy/internal/sdkbody"
)

// DefaultRetryAttempts is how many times the Deployer tries each call
// (an *ecs.Client's own retryer is set to one attempt per call, see
// withRetry). It is higher than the SDK's 3 because an API can be told to
// fail a third of all calls; retries never go past the deadline of the
// wait a call belongs to.
const DefaultRetryAttempts = 10

// maxRetryBackoff caps the delay between two attempts.
const maxRetryBackoff = 20 * time.Second

// retryables decides which errors are retried: the SDK's own rules
// (throttling codes such as ThrottlingException and LimitExceededException,
// HTTP 5xx, connection errors, never a cancelled context) plus API errors
// of server fault: an in-process API has no HTTP status, so its
// ServerException is recognised by its fault instead of its 500.
var retryables = retry.IsErrorRetryables(append(slices.Clone(retry.DefaultRetryables),
	retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorFault() == smithy.FaultServer {
			return aws.TrueTernary
		}
		return aws.UnknownTernary
	})))

// retryAPI retries transient errors of every call, sleeping through the
// Deployer's clock (so with the fake, backoff is virtual time). New wraps
// every API that is not an *ecs.Client in it.
type retryAPI struct {
	next     API
	clock    Clock
	attempts int
	backoff  retry.BackoffDelayer
	// sdk is set when next is an *ecs.Client (see sdkOneAttempt).
	sdk bool
}

// withRetry wraps api unless retries are off. An *ecs.Client is wrapped
// too: each of its calls is made with one SDK attempt (sdkOneAttempt), and
// the retries happen here, on the Deployer's clock and within the deadline
// of the wait the call belongs to, instead of in the SDK's retryer, whose
// backoff sleeps on the wall clock and knows no deadline (issue #17.6:
// three SDK attempts let 8 of 40 deploys fail under 30% throttling, ten
// let one run 28.5 s against a 3 s timeout).
func withRetry(api API, cfg config) API {
	if cfg.retryAttempts <= 1 {
		return api
	}
	_, sdk := api.(*ecs.Client)
	return &retryAPI{next: api, clock: cfg.clock, attempts: cfg.retryAttempts, sdk: sdk,
		backoff: newBackoff(cfg, maxRetryBackoff)}
}

// sdkOneAttempt makes an *ecs.Client call a single attempt (the retryer
// the client was configured with still classifies errors and keeps its
// other settings), and hands the client's HTTP client plain request
// bodies: the SDK closes a body while net/http may still read it, which
// can cut the connection before the answer is read and fail a call the
// server has done, which would then be retried (internal/sdkbody).
func sdkOneAttempt(o *ecs.Options) {
	o.RetryMaxAttempts = 1
	if o.HTTPClient != nil {
		o.HTTPClient = sdkbody.Client{Next: o.HTTPClient}
	}
}

// opts returns optFns with sdkOneAttempt first when the API is an SDK
// client, so that a caller's own option still wins.
func (r *retryAPI) opts(optFns []func(*ecs.Options)) []func(*ecs.Options) {
	if !r.sdk {
		return optFns
	}
	return append([]func(*ecs.Options){sdkOneAttempt}, optFns...)
}

// call runs fn until it succeeds, fails with an error that is not
// retryable, the attempts run out, the next backoff would end past the
// deadline of the wait ctx belongs to (see withDeadline), or ctx is done
// (then ctx's error is returned at once).
func call[T any](ctx context.Context, r *retryAPI, fn func() (T, error)) (T, error) {
	for attempt := 1; ; attempt++ {
		out, err := fn()
		if err == nil || attempt >= r.attempts || ctx.Err() != nil ||
			retryables.IsErrorRetryable(err) != aws.TrueTernary {
			return out, err
		}
		delay, berr := r.backoff.BackoffDelay(attempt, err)
		if berr != nil {
			return out, err
		}
		if d, ok := deadlineOf(ctx); ok && r.clock.Now().Add(delay).After(d) {
			return out, err // the wait this call belongs to ends first
		}
		if serr := r.clock.Sleep(ctx, delay); serr != nil {
			return out, serr
		}
	}
}

// RegisterTaskDefinition calls the wrapped API with retries.
func (r *retryAPI) RegisterTaskDefinition(ctx context.Context, in *ecs.RegisterTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error) {
	return call(ctx, r, func() (*ecs.RegisterTaskDefinitionOutput, error) {
		return r.next.RegisterTaskDefinition(ctx, in, r.opts(optFns)...)
	})
}

// DescribeTaskDefinition calls the wrapped API with retries.
func (r *retryAPI) DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	return call(ctx, r, func() (*ecs.DescribeTaskDefinitionOutput, error) {
		return r.next.DescribeTaskDefinition(ctx, in, r.opts(optFns)...)
	})
}

// DeregisterTaskDefinition calls the wrapped API with retries.
func (r *retryAPI) DeregisterTaskDefinition(ctx context.Context, in *ecs.DeregisterTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.DeregisterTaskDefinitionOutput, error) {
	return call(ctx, r, func() (*ecs.DeregisterTaskDefinitionOutput, error) {
		return r.next.DeregisterTaskDefinition(ctx, in, r.opts(optFns)...)
	})
}

// ListTaskDefinitions calls the wrapped API with retries.
func (r *retryAPI) ListTaskDefinitions(ctx context.Context, in *ecs.ListTaskDefinitionsInput, optFns ...func(*ecs.Options)) (*ecs.ListTaskDefinitionsOutput, error) {
	return call(ctx, r, func() (*ecs.ListTaskDefinitionsOutput, error) {
		return r.next.ListTaskDefinitions(ctx, in, r.opts(optFns)...)
	})
}

// RunTask calls the wrapped API with retries.
func (r *retryAPI) RunTask(ctx context.Context, in *ecs.RunTaskInput, optFns ...func(*ecs.Options)) (*ecs.RunTaskOutput, error) {
	return call(ctx, r, func() (*ecs.RunTaskOutput, error) { return r.next.RunTask(ctx, in, r.opts(optFns)...) })
}

// StopTask calls the wrapped API with retries.
func (r *retryAPI) StopTask(ctx context.Context, in *ecs.StopTaskInput, optFns ...func(*ecs.Options)) (*ecs.StopTaskOutput, error) {
	return call(ctx, r, func() (*ecs.StopTaskOutput, error) { return r.next.StopTask(ctx, in, r.opts(optFns)...) })
}

// DescribeTasks calls the wrapped API with retries.
func (r *retryAPI) DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error) {
	return call(ctx, r, func() (*ecs.DescribeTasksOutput, error) { return r.next.DescribeTasks(ctx, in, r.opts(optFns)...) })
}

// ListTasks calls the wrapped API with retries.
func (r *retryAPI) ListTasks(ctx context.Context, in *ecs.ListTasksInput, optFns ...func(*ecs.Options)) (*ecs.ListTasksOutput, error) {
	return call(ctx, r, func() (*ecs.ListTasksOutput, error) { return r.next.ListTasks(ctx, in, r.opts(optFns)...) })
}

// CreateService calls the wrapped API with retries.
func (r *retryAPI) CreateService(ctx context.Context, in *ecs.CreateServiceInput, optFns ...func(*ecs.Options)) (*ecs.CreateServiceOutput, error) {
	return call(ctx, r, func() (*ecs.CreateServiceOutput, error) { return r.next.CreateService(ctx, in, r.opts(optFns)...) })
}

// UpdateService calls the wrapped API with retries. A forced new
// deployment whose ctx says which deployment it replaces
// (withForcedFrom) is retried only after a read shows it was not done
// (forced_update.go).
func (r *retryAPI) UpdateService(ctx context.Context, in *ecs.UpdateServiceInput, optFns ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	prev := forcedFrom(ctx)
	guarded := prev != "" && in.ForceNewDeployment
	tried := false
	return call(ctx, r, func() (*ecs.UpdateServiceOutput, error) {
		if guarded && tried {
			if out, done, err := r.forcedUpdateDone(ctx, in, prev); err != nil || done {
				return out, err
			}
		}
		tried = true
		return r.next.UpdateService(ctx, in, r.opts(optFns)...)
	})
}

// DescribeServices calls the wrapped API with retries.
func (r *retryAPI) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	return call(ctx, r, func() (*ecs.DescribeServicesOutput, error) {
		return r.next.DescribeServices(ctx, in, r.opts(optFns)...)
	})
}

// DeleteService calls the wrapped API with retries.
func (r *retryAPI) DeleteService(ctx context.Context, in *ecs.DeleteServiceInput, optFns ...func(*ecs.Options)) (*ecs.DeleteServiceOutput, error) {
	return call(ctx, r, func() (*ecs.DeleteServiceOutput, error) { return r.next.DeleteService(ctx, in, r.opts(optFns)...) })
}

// DescribeClusters calls the wrapped API with retries.
func (r *retryAPI) DescribeClusters(ctx context.Context, in *ecs.DescribeClustersInput, optFns ...func(*ecs.Options)) (*ecs.DescribeClustersOutput, error) {
	return call(ctx, r, func() (*ecs.DescribeClustersOutput, error) {
		return r.next.DescribeClusters(ctx, in, r.opts(optFns)...)
	})
}
