package ecsdeploy

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// UpdateService with forceNewDeployment is the one call of a deploy that
// is not idempotent and takes no client token (ECS API Reference,
// "Ensuring idempotency", lists CreateService, CreateTaskSet and RunTask
// only): every call starts a deployment. An answer lost after ECS did the
// update (a 5xx from a front end, a connection cut once the work was
// done) would make a plain retry start a second deployment, which
// replaces the first. So before retrying a forced update the service is
// read: a PRIMARY deployment other than the one before the update means
// the lost attempt was done, and the service read is its answer.

// forcedFromKey is the context key of the PRIMARY deployment a forced
// update replaces.
type forcedFromKey struct{}

// withForcedFrom returns ctx for a forced UpdateService of before (the
// service as read before the update): retries of that call check first
// whether it was done. A service without a PRIMARY deployment gives no
// check.
func withForcedFrom(ctx context.Context, before *types.Service) context.Context {
	if before == nil {
		return ctx
	}
	p := findPrimary(before.Deployments)
	if p == nil || valueOf(p.Id) == "" {
		return ctx
	}
	return context.WithValue(ctx, forcedFromKey{}, valueOf(p.Id))
}

// forcedFrom returns the PRIMARY deployment id withForcedFrom put in ctx,
// or "" when there is none.
func forcedFrom(ctx context.Context) string {
	id, _ := ctx.Value(forcedFromKey{}).(string)
	return id
}

// forcedUpdateDone reads the service in updates and reports whether its
// PRIMARY deployment is no longer prev, with the service as the update's
// answer. An error of the read is returned as the attempt's: call retries
// it like any other, and reads again before updating.
func (r *retryAPI) forcedUpdateDone(ctx context.Context, in *ecs.UpdateServiceInput, prev string) (*ecs.UpdateServiceOutput, bool, error) {
	out, err := r.next.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: in.Cluster, Services: []string{valueOf(in.Service)}}, r.opts(nil)...)
	if err != nil {
		return nil, false, err
	}
	if len(out.Services) == 0 {
		return nil, false, nil // let the update itself say what is wrong
	}
	svc := out.Services[0]
	if p := findPrimary(svc.Deployments); p != nil && valueOf(p.Id) != prev {
		return &ecs.UpdateServiceOutput{Service: &svc}, true, nil
	}
	return nil, false, nil
}
