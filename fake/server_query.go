package fake

import (
	"context"
	"net/http"

	"github.com/ecsdeploy/ecsdeploy/internal/awsquery"
)

// newQueryHandler serves the world's ELBv2 over the AWS Query protocol
// (form-encoded `POST /` with Action=<Operation>&Version=2015-12-01, XML
// responses), on the same endpoint as ECS; requests signed with SigV4 build
// ARNs in their credential scope's region.
func newQueryHandler(e *ECS) *awsquery.Handler {
	return awsquery.NewHandler(e.ELBv2(), awsquery.ELBv2, awsquery.WithContext(func(ctx context.Context, region string) context.Context {
		if region == "" {
			return ctx
		}
		return ContextWithRegion(ctx, region)
	}))
}

// isQueryRequest reports whether r is an AWS Query call (ELBv2).
func isQueryRequest(r *http.Request) bool { return awsquery.IsQueryRequest(r) }

// ELBv2Operations lists, sorted, the Elastic Load Balancing v2 operations
// the server answers over the Query protocol.
func (s *Server) ELBv2Operations() []string { return s.query.Operations() }
