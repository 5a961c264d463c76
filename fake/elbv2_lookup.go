package fake

import (
	"context"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// beginTargetGroup is begin followed by the lookup of the target group the
// request names; unlock is valid (and must be deferred) even on error.
func (x *ELBv2) beginTargetGroup(ctx context.Context, op string, in any, arn *string) (now time.Time, tg *targetGroup, unlock func(), err error) {
	now, unlock, err = x.begin(ctx, op, in)
	if err != nil {
		return now, nil, unlock, err
	}
	tg, err = x.e.tgLocked(arn)
	return now, tg, unlock, err
}

// beginListener is begin followed by the lookup of the listener the
// request names; unlock is valid (and must be deferred) even on error.
func (x *ELBv2) beginListener(ctx context.Context, op string, in any, arn *string) (now time.Time, l *listener, unlock func(), err error) {
	now, unlock, err = x.begin(ctx, op, in)
	if err != nil {
		return now, nil, unlock, err
	}
	l, err = x.e.listenerLocked(arn)
	return now, l, unlock, err
}

// beginRule is begin followed by the lookup of the rule the request
// names; unlock is valid (and must be deferred) even on error.
func (x *ELBv2) beginRule(ctx context.Context, op string, in any, arn *string) (now time.Time, r *rule, unlock func(), err error) {
	now, unlock, err = x.begin(ctx, op, in)
	if err != nil {
		return now, nil, unlock, err
	}
	r, err = x.e.ruleLocked(arn)
	return now, r, unlock, err
}

// lbLocked resolves a load balancer ARN (LoadBalancerNotFound otherwise).
func (e *ECS) lbLocked(arn string) (*loadBalancer, error) {
	return lookupOne(e.elb.lbByArn, arn, errLBNotFound)
}

// listenerLocked resolves a listener ARN (ListenerNotFound otherwise).
func (e *ECS) listenerLocked(arn *string) (*listener, error) {
	return lookupOne(e.elb.listeners, aws.ToString(arn), errListenerNotFound)
}

// ruleLocked resolves a rule ARN (RuleNotFound otherwise).
func (e *ECS) ruleLocked(arn *string) (*rule, error) {
	return lookupOne(e.elb.rules, aws.ToString(arn), errRuleNotFound)
}

// lookupOne resolves key in m; a missing key is notFound().
func lookupOne[T any](m map[string]*T, key string, notFound func() error) (*T, error) {
	v := m[key]
	if v == nil {
		return nil, notFound()
	}
	return v, nil
}

// lookupAll resolves every ARN in order; the first unknown one is
// notFound().
func lookupAll[T any](m map[string]*T, arns []string, notFound func() error) ([]*T, error) {
	out := make([]*T, 0, len(arns))
	for _, a := range arns {
		v, err := lookupOne(m, a, notFound)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// lookupNamed resolves every name in order among all (first match); the
// first unknown one is notFound().
func lookupNamed[T any](all []T, names []string, name func(T) string, notFound func() error) ([]T, error) {
	out := make([]T, 0, len(names))
	for _, n := range names {
		i := slices.IndexFunc(all, func(v T) bool { return name(v) == n })
		if i < 0 {
			return nil, notFound()
		}
		out = append(out, all[i])
	}
	return out, nil
}

// elbPageViews is elbPage followed by view of each item of the page (an
// empty page is an empty, non-nil slice, as ELB shows it).
func elbPageViews[T, V any](items []T, marker *string, pageSize *int32, view func(T) V) ([]V, *string, error) {
	page, next, err := elbPage(items, marker, pageSize)
	if err != nil {
		return nil, nil, err
	}
	out := make([]V, 0, len(page))
	for _, v := range page {
		out = append(out, view(v))
	}
	return out, next, nil
}

// tagNewLocked stores the tags a Create* request gave a new resource.
func (e *ECS) tagNewLocked(arn string, tags []elbtypes.Tag) {
	if len(tags) > 0 {
		e.elb.tags[arn] = slices.Clone(tags)
	}
}
