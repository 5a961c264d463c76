// Package faketest starts the fake ECS over loopback HTTP for a test, with
// an aws-sdk-go-v2 *ecs.Client already pointed at it, in the spirit of
// net/http/httptest:
//
//	srv := faketest.NewServer(t, fake.WithRegion("eu-west-1"))
//	out, err := srv.Client.ListClusters(ctx, &ecs.ListClustersInput{})
//	srv.ECS.Advance(time.Minute) // inspect and script the fake in process
//
// The server and the client's idle connections are closed when the test
// ends.
//
// NewEnv is the in-process counterpart for unit tests of deploy code: a
// fake with a cluster and an ecsdeploy.Deployer on its virtual clock whose
// progress goes to the test log, in one call.
package faketest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/internal/sdkbody"
)

// Region is the region the clients of NewServer sign their requests for
// (and so the region of the ARNs the fake hands them).
const Region = "us-east-1"

// Server is a fake ECS served on a loopback port for one test.
type Server struct {
	// URL is the endpoint, e.g. "http://127.0.0.1:38123".
	URL string
	// ECS is the fake behind the server, for inspection and faults.
	ECS *fake.ECS
	// Client is an *ecs.Client configured for URL (BaseEndpoint, static
	// credentials, region Region, the SDK's standard retryer).
	Client *ecs.Client
	// Handler is the fake.Server answering the requests.
	Handler *fake.Server
	// LogsClient is a *cloudwatchlogs.Client for the same endpoint (the
	// fake's CloudWatch Logs), configured like Client.
	LogsClient *cloudwatchlogs.Client

	http *http.Client
}

// NewServer starts a fake built with opts on a loopback port and returns
// it with a ready client. It is closed by t.Cleanup.
func NewServer(t testing.TB, opts ...fake.Option) *Server {
	t.Helper()
	return NewServerFor(t, fake.New(opts...))
}

// NewServerFor serves an existing fake (for example one with a real-time
// clock) on a loopback port; it is closed by t.Cleanup.
func NewServerFor(t testing.TB, e *fake.ECS, opts ...fake.ServerOption) *Server {
	t.Helper()
	h := fake.NewServer(e, opts...)
	ts := httptest.NewServer(h)
	// Keep enough idle connections for parallel clients (the default
	// transport keeps 2 per host, so parallel tests would churn sockets).
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	tr.Proxy = nil
	// sdkbody: the SDK closes request bodies early, which would cut
	// connections and fail calls the fake has done (internal/sdkbody).
	s := &Server{URL: ts.URL, ECS: e, Handler: h, http: &http.Client{Transport: sdkbody.Transport{Next: tr}}}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		ts.Close()
	})
	s.Client = s.NewClient()
	s.LogsClient = s.NewLogsClient()
	return s
}

// NewLogsClient returns another *cloudwatchlogs.Client for the server.
func (s *Server) NewLogsClient(optFns ...func(*cloudwatchlogs.Options)) *cloudwatchlogs.Client {
	base := func(o *cloudwatchlogs.Options) {
		o.BaseEndpoint = aws.String(s.URL)
		o.Region = Region
		o.Credentials = credentials.NewStaticCredentialsProvider("AKIDFAKE", "fake-secret", "")
		o.HTTPClient = s.http
	}
	return cloudwatchlogs.New(cloudwatchlogs.Options{}, append([]func(*cloudwatchlogs.Options){base}, optFns...)...)
}

// NewClient returns another *ecs.Client for the server; optFns adjust its
// options (a faster retryer, another region, ...) after the defaults are
// set.
func (s *Server) NewClient(optFns ...func(*ecs.Options)) *ecs.Client {
	base := func(o *ecs.Options) {
		o.BaseEndpoint = aws.String(s.URL)
		o.Region = Region
		o.Credentials = credentials.NewStaticCredentialsProvider("AKIDFAKE", "fake-secret", "")
		o.HTTPClient = s.http
	}
	return ecs.New(ecs.Options{}, append([]func(*ecs.Options){base}, optFns...)...)
}
