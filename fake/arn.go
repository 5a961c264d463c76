package fake

import (
	"context"
	"fmt"
	"strings"
)

type regionKey struct{}

// ContextWithRegion returns a context whose requests build ARNs in region
// (the HTTP server sets it from the SigV4 credential scope).
func ContextWithRegion(ctx context.Context, region string) context.Context {
	return context.WithValue(ctx, regionKey{}, region)
}

// regionFor returns the request's region: the one in ctx, else the fake's.
func (e *ECS) regionFor(ctx context.Context) string {
	if ctx != nil {
		if r, ok := ctx.Value(regionKey{}).(string); ok && r != "" {
			return r
		}
	}
	return e.cfg.region
}

// arn builds every ARN the fake hands out, in ECS's long format:
// arn:aws:ecs:<region>:<account>:<resource>.
func (e *ECS) arn(region, resource string) string {
	return fmt.Sprintf("arn:aws:ecs:%s:%s:%s", region, e.cfg.account, resource)
}

// arnResource splits an ECS ARN into resource type and the rest
// ("task", "cluster/id"). ok is false when s is not an ECS ARN.
func arnResource(s string) (kind, rest string, ok bool) {
	if !strings.HasPrefix(s, "arn:") {
		return "", "", false
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) < 6 || parts[2] != "ecs" {
		return "", "", false
	}
	kind, rest, _ = strings.Cut(parts[5], "/")
	return kind, rest, true
}

// hexID returns n random lowercase hex digits from the seeded source.
func (e *ECS) hexID(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[e.rng.IntN(16)]
	}
	return string(b)
}

// uuid returns a random (seeded) UUID-shaped string.
func (e *ECS) uuid() string {
	h := e.hexID(32)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}
