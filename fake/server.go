// # Over HTTP
//
// Server serves the fake over the ECS wire protocol (AWS JSON 1.1: `POST /`
// with X-Amz-Target AmazonEC2ContainerServiceV20141113.<Operation>), so the
// AWS CLI, boto3 and the SDKs can use it as a local ECS endpoint (see
// cmd/ecsfake, and package faketest for tests). Any SigV4 signature is
// accepted; its credential-scope region goes into the ARNs. Errors are
// {"__type", "message"} with HTTP 400 (500 for ServerException); request
// bodies over 1 MiB get 413. Requests for services or operations the
// server does not serve (a tool pointing every AWS service at it) get
// UnknownOperationException in their own protocol's error shape (AWS
// JSON, Query XML, EC2 XML), logged once per kind (WithUnservedLog).
//
// The fake's controls are JSON endpoints under /_fake/v1/. Errors are
// {"message": "..."} with HTTP 400 (bad input, naming the field), 404
// (unknown control or cluster), 405 (wrong method) or 413 (body over 1 MiB).
//
//	POST   /_fake/v1/advance   {"duration": "90s"} (or seconds as a number; at most 744h)
//	                           moves virtual time; answers {"now", "epochSeconds"}
//	GET    /_fake/v1/time      {"now", "epochSeconds"}
//	POST   /_fake/v1/faults    a task fault, the JSON form of Fault:
//	                           {"image": "web:bad", "action": "fail-start", "reason": "CannotPullContainerError: pull access denied"}
//	                           {"family", "action": "exit", "exitCode": 1, "after": "30s", "times", "probability"}
//	                           or an operation fault (FailOperation):
//	                           {"operation": "DescribeServices", "error": "ThrottlingException", "times": 3, "probability": 0.3}
//	GET    /_fake/v1/faults    {"faults": [{"taskFault" | "operation", "error", "fired", "exhausted"}]}:
//	                           every fault in force and how often it fired (Faults)
//	DELETE /_fake/v1/faults    removes every fault
//	POST   /_fake/v1/instances {"cluster", "cpu", "memory", "az", "instanceType", "attributes", "count"}
//	                           registers EC2 container instances (AddInstance); answers {"containerInstanceArns"}
//	POST   /_fake/v1/lose-instance {"containerInstance": "<ARN or ID>"}
//	                           the instance's EC2 host is gone (LoseInstance): INACTIVE, its tasks STOPPED
//	                           (InfrastructureHealth); answers {"containerInstanceArn", "stoppedTaskArns"}
//	GET    /_fake/v1/calls     {"calls": [{"seq", "operation", "at", "input", "error"}], "nextAfter", "counts": {"RunTask": 2}};
//	                           ?operation=RunTask keeps only those calls; inputs are bounded summaries in
//	                           wire form (see Call); pages of ?limit= calls (default 100, at most 1000)
//	                           after ?after=<seq>; "nextAfter" is the next page's after
//	POST   /_fake/v1/reset     Reset, then the WithResetHook function
//	POST   /_fake/v1/target-health-faults  a TargetHealthFault (control_elbv2.go):
//	                           {"image": "web:bad", "code": 503, "after": "2m", "flap": "5m"}
//	DELETE /_fake/v1/target-health-faults  removes every target health fault
//
// Elastic Load Balancing v2 is served on the same endpoint over the AWS
// Query protocol (a form-encoded POST with Action=...&Version=2015-12-01,
// XML answers; see internal/awsquery).
//
// ControlClient is the Go client of these controls, and RemoteClock gives a
// Deployer the virtual time of a server running with manual time.
package fake

import (
	"context"
	"log"
	"net/http"
	"strings"

	"github.com/ecsdeploy/ecsdeploy/internal/awsjson"
	"github.com/ecsdeploy/ecsdeploy/internal/awsquery"
)

// ControlPrefix is the path under which Server serves the fake's controls
// (advance, faults, instances, calls, reset); see the package doc.
const ControlPrefix = "/_fake/v1/"

// MaxRequestBytes is the largest request body Server accepts, on the ECS
// endpoint and on the controls alike (1 MiB). Larger bodies are answered
// with HTTP 413.
const MaxRequestBytes = 1 << 20

// Server serves an *ECS over HTTP: every operation *ECS implements over the
// ECS wire protocol (AWS JSON 1.1, `POST /` with X-Amz-Target), and the
// fake's controls under ControlPrefix. It is an http.Handler; it is safe
// for any number of concurrent clients.
type Server struct {
	ecs *ECS
	api http.Handler
	// query serves ELBv2 over the Query protocol (server_query.go).
	query   *awsquery.Handler
	logs    http.Handler // CloudWatch Logs (server_logs.go)
	onReset func(context.Context, *ECS) error
	// unserved answers, in their protocol's error shape, requests for
	// services and operations not served (server_unserved.go).
	unserved unserved
	// scaling serves Application Auto Scaling (server_autoscaling.go) and
	// CloudWatch (server_cloudwatch.go).
	autoscaling, cloudwatch, cloudwatchJSON http.Handler

	// log and still: the -speed 0 polling hint (server_standstill.go).
	log   *log.Logger
	still standstill
}

// ServerOption configures NewServer.
type ServerOption func(*Server)

// WithResetHook sets a function run after every POST /_fake/v1/reset to
// rebuild a starting state (cmd/ecsfake uses it to recreate cluster
// "default" and its instances). An error it returns is answered as 500.
func WithResetHook(f func(ctx context.Context, e *ECS) error) ServerOption {
	return func(s *Server) { s.onReset = f }
}

// NewServer returns a Server for e. Requests signed with SigV4 build ARNs
// in the region of their credential scope (any signature is accepted);
// unsigned requests use e's region.
func NewServer(e *ECS, opts ...ServerOption) *Server {
	s := &Server{ecs: e}
	for _, o := range opts {
		o(s)
	}
	s.api = s.unservedFirst(awsjson.NewHandler(e, awsjson.WithContext(func(ctx context.Context, region string) context.Context {
		if region == "" {
			return ctx
		}
		return ContextWithRegion(ctx, region)
	})))
	s.query = newQueryHandler(e)
	if s.unserved.logf == nil && s.log != nil {
		s.unserved.logf = s.log.Printf
	}
	s.logs = newLogsHandler(e)
	s.autoscaling = newAutoScalingHandler(e)
	s.cloudwatch = newCloudWatchHandler(e)
	s.cloudwatchJSON = newCloudWatchJSONHandler(e)
	return s
}

// ECS returns the fake the server serves, for inspection and faults in
// process.
func (s *Server) ECS() *ECS { return s.ecs }

// Operations lists, sorted, the ECS operations the server answers.
func (s *Server) Operations() []string { return awsjson.Operations(s.ecs) }

// ServeHTTP answers ECS API calls at `/` and the controls under
// ControlPrefix.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, ControlPrefix) || r.URL.Path == strings.TrimSuffix(ControlPrefix, "/") {
		s.serveControl(w, r)
		return
	}
	var h http.Handler
	switch {
	case isQueryRequest(r) && !otherQueryService(r):
		h = s.query
	case isLogsRequest(r):
		h = s.logs
	case isAutoScalingRequest(r):
		h = s.autoscaling
	case isCloudWatchRequest(r):
		h = s.cloudwatch
	case isCloudWatchJSONRequest(r):
		h = s.cloudwatchJSON
	default:
		s.hintStandstill(w, r)
		h = s.api
	}
	h.ServeHTTP(w, r)
}
