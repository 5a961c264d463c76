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
)

// DefaultRetryAttempts is how many times the Deployer tries each call on
// an API that is not an *ecs.Client (which has the SDK's own retryer).
// It is higher than the SDK's 3 because an in-process fake can be told
// to fail a third of all calls.
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
}

// withRetry wraps api unless it is an *ecs.Client or retries are off.
func withRetry(api API, cfg config) API {
	if _, ok := api.(*ecs.Client); ok || cfg.retryAttempts <= 1 {
		return api
	}
	return &retryAPI{next: api, clock: cfg.clock, attempts: cfg.retryAttempts,
		backoff: newBackoff(cfg, maxRetryBackoff)}
}

// call runs fn until it succeeds, fails with an error that is not
// retryable, the attempts run out or ctx is done (then ctx's error is
// returned at once).
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
		if serr := r.clock.Sleep(ctx, delay); serr != nil {
			return out, serr
		}
	}
}

// RegisterTaskDefinition calls the wrapped API with retries.
func (r *retryAPI) RegisterTaskDefinition(ctx context.Context, in *ecs.RegisterTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error) {
	return call(ctx, r, func() (*ecs.RegisterTaskDefinitionOutput, error) {
		return r.next.RegisterTaskDefinition(ctx, in, optFns...)
	})
}

// DescribeTaskDefinition calls the wrapped API with retries.
func (r *retryAPI) DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	return call(ctx, r, func() (*ecs.DescribeTaskDefinitionOutput, error) {
		return r.next.DescribeTaskDefinition(ctx, in, optFns...)
	})
}

// DeregisterTaskDefinition calls the wrapped API with retries.
func (r *retryAPI) DeregisterTaskDefinition(ctx context.Context, in *ecs.DeregisterTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.DeregisterTaskDefinitionOutput, error) {
	return call(ctx, r, func() (*ecs.DeregisterTaskDefinitionOutput, error) {
		return r.next.DeregisterTaskDefinition(ctx, in, optFns...)
	})
}

// ListTaskDefinitions calls the wrapped API with retries.
func (r *retryAPI) ListTaskDefinitions(ctx context.Context, in *ecs.ListTaskDefinitionsInput, optFns ...func(*ecs.Options)) (*ecs.ListTaskDefinitionsOutput, error) {
	return call(ctx, r, func() (*ecs.ListTaskDefinitionsOutput, error) { return r.next.ListTaskDefinitions(ctx, in, optFns...) })
}

// RunTask calls the wrapped API with retries.
func (r *retryAPI) RunTask(ctx context.Context, in *ecs.RunTaskInput, optFns ...func(*ecs.Options)) (*ecs.RunTaskOutput, error) {
	return call(ctx, r, func() (*ecs.RunTaskOutput, error) { return r.next.RunTask(ctx, in, optFns...) })
}

// StopTask calls the wrapped API with retries.
func (r *retryAPI) StopTask(ctx context.Context, in *ecs.StopTaskInput, optFns ...func(*ecs.Options)) (*ecs.StopTaskOutput, error) {
	return call(ctx, r, func() (*ecs.StopTaskOutput, error) { return r.next.StopTask(ctx, in, optFns...) })
}

// DescribeTasks calls the wrapped API with retries.
func (r *retryAPI) DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error) {
	return call(ctx, r, func() (*ecs.DescribeTasksOutput, error) { return r.next.DescribeTasks(ctx, in, optFns...) })
}

// ListTasks calls the wrapped API with retries.
func (r *retryAPI) ListTasks(ctx context.Context, in *ecs.ListTasksInput, optFns ...func(*ecs.Options)) (*ecs.ListTasksOutput, error) {
	return call(ctx, r, func() (*ecs.ListTasksOutput, error) { return r.next.ListTasks(ctx, in, optFns...) })
}

// CreateService calls the wrapped API with retries.
func (r *retryAPI) CreateService(ctx context.Context, in *ecs.CreateServiceInput, optFns ...func(*ecs.Options)) (*ecs.CreateServiceOutput, error) {
	return call(ctx, r, func() (*ecs.CreateServiceOutput, error) { return r.next.CreateService(ctx, in, optFns...) })
}

// UpdateService calls the wrapped API with retries.
func (r *retryAPI) UpdateService(ctx context.Context, in *ecs.UpdateServiceInput, optFns ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	return call(ctx, r, func() (*ecs.UpdateServiceOutput, error) { return r.next.UpdateService(ctx, in, optFns...) })
}

// DescribeServices calls the wrapped API with retries.
func (r *retryAPI) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	return call(ctx, r, func() (*ecs.DescribeServicesOutput, error) { return r.next.DescribeServices(ctx, in, optFns...) })
}

// DeleteService calls the wrapped API with retries.
func (r *retryAPI) DeleteService(ctx context.Context, in *ecs.DeleteServiceInput, optFns ...func(*ecs.Options)) (*ecs.DeleteServiceOutput, error) {
	return call(ctx, r, func() (*ecs.DeleteServiceOutput, error) { return r.next.DeleteService(ctx, in, optFns...) })
}

// DescribeClusters calls the wrapped API with retries.
func (r *retryAPI) DescribeClusters(ctx context.Context, in *ecs.DescribeClustersInput, optFns ...func(*ecs.Options)) (*ecs.DescribeClustersOutput, error) {
	return call(ctx, r, func() (*ecs.DescribeClustersOutput, error) { return r.next.DescribeClusters(ctx, in, optFns...) })
}
