package ecsdeploy

import (
	"context"
	"time"
)

// reportGrace is how long after a wait's deadline the Deployer may still
// spend reading why a deployment failed (its stopped tasks): a Deploy
// returns at most its timeout plus reportGrace after it started, on the
// Deployer's clock (docs/reliability.md, "The Deployer over an SDK
// client").
const reportGrace = 5 * time.Second

// waitDeadlineKey carries, in a call's context, the deadline (on the
// Deployer's clock) of the wait the call belongs to.
type waitDeadlineKey struct{}

// withDeadline returns ctx carrying deadline, the end of the wait the
// calls made with it belong to: the Deployer's retries never sleep past
// it. On the wall clock (RealClock) ctx also gets the deadline itself, so
// an API call in flight ends with it; the returned cancel must be called.
func withDeadline(ctx context.Context, c Clock, deadline time.Time) (context.Context, context.CancelFunc) {
	ctx = context.WithValue(ctx, waitDeadlineKey{}, deadline)
	if _, ok := c.(RealClock); ok {
		return context.WithDeadline(ctx, deadline)
	}
	return ctx, func() {}
}

// deadlineOf returns the wait deadline ctx carries, if any.
func deadlineOf(ctx context.Context) (time.Time, bool) {
	d, ok := ctx.Value(waitDeadlineKey{}).(time.Time)
	return d, ok
}

// pastDeadline reports whether the wait ctx belongs to has reached its
// deadline on clock c (a derived context that expired counts too, while
// the caller's own ctx is still live).
func pastDeadline(ctx context.Context, c Clock) bool {
	d, ok := deadlineOf(ctx)
	return ok && !c.Now().Before(d)
}
