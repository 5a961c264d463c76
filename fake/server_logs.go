package fake

import (
	"context"
	"net/http"
	"strings"

	"github.com/ecsdeploy/ecsdeploy/internal/awsjson"
)

// logsHandler serves the Logs view over AWS JSON 1.1 (X-Amz-Target
// Logs_20140328.<Operation>), with the same SigV4-region rule as ECS.
func newLogsHandler(e *ECS) http.Handler {
	return awsjson.NewHandler(e.Logs(), awsjson.WithPrefix(LogsTargetPrefix),
		awsjson.WithContext(func(ctx context.Context, region string) context.Context {
			if region == "" {
				return ctx
			}
			return ContextWithRegion(ctx, region)
		}))
}

// isLogsRequest reports whether a request is for CloudWatch Logs.
func isLogsRequest(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("X-Amz-Target"), LogsTargetPrefix+".")
}

// LogsOperations lists, sorted, the CloudWatch Logs operations the server
// answers.
func (s *Server) LogsOperations() []string { return awsjson.Operations(s.ecs.Logs()) }
