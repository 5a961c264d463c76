package ecsdeploy_test

import (
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// TestDeployerOverSDKKeepsItsConnection: over an *ecs.Client with a plain
// net/http client, no request write of the Deployer's calls fails and one
// connection serves them all. The SDK closes a request body as soon as
// the answer's headers are back; net/http, still checking the body, took
// that as a failed write and cut the connection, at times before the
// answer was read, and the Deployer retried a call the server had done
// (internal/sdkbody).
func TestDeployerOverSDKKeepsItsConnection(t *testing.T) {
	e := fake.New()
	srv := faketest.NewServerFor(t, e)
	if _, err := e.CreateCluster(t.Context(), &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	client := srv.NewClient(func(o *ecs.Options) { o.HTTPClient = &http.Client{Transport: tr} })
	d := ecsdeploy.New(client, ecsdeploy.WithClock(e))
	var failed, dials atomic.Int64
	ctx := httptrace.WithClientTrace(t.Context(), &httptrace.ClientTrace{
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err != nil {
				failed.Add(1)
			}
		},
		ConnectStart: func(string, string) { dials.Add(1) },
	})
	if _, err := d.Register(ctx, taskDef("job", "busybox:1")); err != nil {
		t.Fatal(err)
	}
	for range 100 {
		if _, err := d.RunTask(ctx, ecsdeploy.RunTaskInput{TaskDefinition: "job", LaunchType: types.LaunchTypeFargate,
			NetworkConfiguration: awsvpc}); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.CallCount("RunTask"); got != 100 {
		t.Errorf("RunTask reached the fake %d times, want 100", got)
	}
	if failed.Load() != 0 || dials.Load() != 1 {
		t.Errorf("%d request writes failed and %d connections were dialled; want 0 and 1", failed.Load(), dials.Load())
	}
}
