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
	return awsjson.NewHandler(e.Logs(), awsjson.WithPrefix(LogsTargetPrefix), awsjson.WithMaxBodyBytes(LogsMaxRequestBytes),
		awsjson.WithContext(func(ctx context.Context, region string) context.Context {
			if region == "" {
				return ctx
			}
			return ContextWithRegion(ctx, region)
		}))
}

// LogsMaxRequestBytes is the largest CloudWatch Logs request body Server
// accepts (8 MiB): a full PutLogEvents batch is 1,048,576 bytes of
// messages, which JSON framing and escaping make larger than the 1 MiB
// limit of ECS requests.
const LogsMaxRequestBytes = 8 << 20

// isLogsRequest reports whether a request is for CloudWatch Logs.
func isLogsRequest(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("X-Amz-Target"), LogsTargetPrefix+".")
}

// LogsOperations lists, sorted, the CloudWatch Logs operations the server
// answers.
func (s *Server) LogsOperations() []string { return awsjson.Operations(s.ecs.Logs()) }
