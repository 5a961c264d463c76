package fake

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strings"

	"github.com/ecsdeploy/ecsdeploy/internal/awscbor"
	"github.com/ecsdeploy/ecsdeploy/internal/awsjson"
)

// newCloudWatchHandler serves the CloudWatch view over Smithy RPC v2 CBOR,
// the protocol aws-sdk-go-v2's service/cloudwatch (v1.76) speaks.
func newCloudWatchHandler(e *ECS) *awscbor.Handler {
	return awscbor.NewHandler(e.CloudWatch(), "GraniteServiceVersion20100801", "com.amazonaws.cloudwatch",
		func(ctx context.Context, region string) context.Context {
			if region == "" {
				return ctx
			}
			return ContextWithRegion(ctx, region)
		},
		func(r *http.Request) string { return awsjson.RegionFromAuthorization(r.Header.Get("Authorization")) })
}

// CloudWatchTargetPrefix is CloudWatch's X-Amz-Target prefix for AWS JSON
// 1.0, the protocol botocore 1.43 (the AWS CLI v1 and boto3 here) picks
// for CloudWatch.
const CloudWatchTargetPrefix = "GraniteServiceVersion20100801"

// newCloudWatchJSONHandler serves the CloudWatch view over AWS JSON 1.0
// (gzip request bodies accepted, as botocore compresses large
// PutMetricData calls).
func newCloudWatchJSONHandler(e *ECS) http.Handler {
	return gunzipRequests(awsjson.NewHandler(e.CloudWatch(), awsjson.WithPrefix(CloudWatchTargetPrefix),
		awsjson.WithContext(func(ctx context.Context, region string) context.Context {
			if region == "" {
				return ctx
			}
			return ContextWithRegion(ctx, region)
		})))
}

// gunzipRequests decompresses a request body sent with Content-Encoding
// gzip before h reads it (h's own body limit applies to the result).
func gunzipRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
			h.ServeHTTP(w, r)
			return
		}
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, "Content-Encoding gzip: "+err.Error(), http.StatusBadRequest)
			return
		}
		defer zr.Close()
		r2 := r.Clone(r.Context())
		r2.Body = io.NopCloser(zr)
		r2.Header.Del("Content-Encoding")
		r2.ContentLength = -1
		h.ServeHTTP(w, r2)
	})
}

// isCloudWatchJSONRequest reports whether a request is a CloudWatch AWS
// JSON 1.0 call.
func isCloudWatchJSONRequest(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("X-Amz-Target"), CloudWatchTargetPrefix+".")
}

// isCloudWatchRequest reports whether a request is a CloudWatch RPC v2
// CBOR call.
func isCloudWatchRequest(r *http.Request) bool { return awscbor.IsRequest(r) }

// CloudWatchOperations lists, sorted, the CloudWatch operations the server
// answers.
func (s *Server) CloudWatchOperations() []string {
	return s.cloudwatch.(*awscbor.Handler).Operations()
}
