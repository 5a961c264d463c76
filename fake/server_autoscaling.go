package fake

import (
	"context"
	"net/http"
	"strings"

	"github.com/ecsdeploy/ecsdeploy/internal/awsjson"
)

// newAutoScalingHandler serves the AutoScaling view over AWS JSON 1.1
// (X-Amz-Target AnyScaleFrontendService.<Operation>), with the same
// SigV4-region rule as ECS.
func newAutoScalingHandler(e *ECS) http.Handler {
	return awsjson.NewHandler(e.AutoScaling(), awsjson.WithPrefix(AutoScalingTargetPrefix),
		awsjson.WithContext(func(ctx context.Context, region string) context.Context {
			if region == "" {
				return ctx
			}
			return ContextWithRegion(ctx, region)
		}))
}

// isAutoScalingRequest reports whether a request is for Application Auto
// Scaling.
func isAutoScalingRequest(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("X-Amz-Target"), AutoScalingTargetPrefix+".")
}

// AutoScalingOperations lists, sorted, the Application Auto Scaling
// operations the server answers.
func (s *Server) AutoScalingOperations() []string { return awsjson.Operations(s.ecs.AutoScaling()) }
