package ecsdeploy_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// lostRunTask is an API whose first RunTask attempt of each batch reaches
// the fake, which starts the tasks, and whose answer is then lost: the
// caller sees a ServerException, as after a 5xx from a front end or a
// connection reset once the work was done.
type lostRunTask struct {
	ecsdeploy.API
	tokens []string // the clientToken of every attempt
	lost   map[string]bool
}

func (l *lostRunTask) RunTask(ctx context.Context, in *ecs.RunTaskInput, optFns ...func(*ecs.Options)) (*ecs.RunTaskOutput, error) {
	tok := aws.ToString(in.ClientToken)
	l.tokens = append(l.tokens, tok)
	out, err := l.API.RunTask(ctx, in, optFns...)
	if err == nil && !l.lost[tok] {
		l.lost[tok] = true
		return nil, &types.ServerException{Message: aws.String("We encountered an internal error. Please try again.")}
	}
	return out, err
}

// countTasks counts the tasks the fake remembers in cluster.
func countTasks(e *fake.ECS, cluster string) int { return len(e.Tasks(cluster)) }

// TestRunTaskRetryAfterLostAnswerStartsNoDuplicates: the Deployer's own
// client token per batch makes its retry of a RunTask whose answer was
// lost answer the tasks already started, over an API that is not an SDK
// client (no SDK to fill in a token).
func TestRunTaskRetryAfterLostAnswerStartsNoDuplicates(t *testing.T) {
	e := fake.New()
	ctx := t.Context()
	if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	api := &lostRunTask{API: e, lost: map[string]bool{}}
	d := ecsdeploy.New(api, ecsdeploy.WithClock(e))
	if _, err := d.Register(ctx, taskDef("job", "busybox:1")); err != nil {
		t.Fatal(err)
	}
	res, err := d.RunTask(ctx, ecsdeploy.RunTaskInput{TaskDefinition: "job", Count: 12, LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: awsvpc})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tasks) != 12 {
		t.Errorf("RunTask returned %d tasks, want 12", len(res.Tasks))
	}
	if n := countTasks(e, "default"); n != 12 {
		t.Errorf("the cluster has %d tasks, want 12 (each lost batch retried without starting it again)", n)
	}
	// Two batches (10 + 2), each tried twice with one token of its own.
	if len(api.tokens) != 4 || api.tokens[0] != api.tokens[1] || api.tokens[2] != api.tokens[3] ||
		api.tokens[0] == api.tokens[2] || api.tokens[0] == "" {
		t.Errorf("clientTokens of the attempts = %q, want one fresh token per batch, kept across its retry", api.tokens)
	}
	// A second RunTask of the same input gets tokens of its own: new tasks.
	if _, err := d.RunTask(ctx, ecsdeploy.RunTaskInput{TaskDefinition: "job", LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: awsvpc}); err != nil {
		t.Fatal(err)
	}
	if n := countTasks(e, "default"); n != 13 {
		t.Errorf("after another RunTask of one task the cluster has %d tasks, want 13", n)
	}
	if slices.Contains(api.tokens[:4], api.tokens[4]) {
		t.Errorf("a later RunTask reused token %q", api.tokens[4])
	}
}

// lostResponse is an HTTP transport that delivers the first RunTask
// request to the server and then answers HTTP 500 in place of the
// server's answer.
type lostResponse struct {
	next http.RoundTripper
	lost int
}

func (l *lostResponse) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(r)
	if err != nil || r.Header.Get("X-Amz-Target") != "AmazonEC2ContainerServiceV20141113.RunTask" || l.lost > 0 {
		return resp, err
	}
	l.lost++
	resp.Body.Close()
	resp.StatusCode, resp.Status = http.StatusInternalServerError, "500 Internal Server Error"
	resp.Body = http.NoBody
	resp.ContentLength = 0
	return resp, nil
}

// TestRunTaskRetryOverSDKAfterLostResponse: the same over the Go SDK and
// HTTP, the response of the first RunTask lost after the server ran it.
func TestRunTaskRetryOverSDKAfterLostResponse(t *testing.T) {
	e := fake.New()
	srv := faketest.NewServerFor(t, e)
	ctx := t.Context()
	if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	tr := &lostResponse{next: http.DefaultTransport}
	client := srv.NewClient(func(o *ecs.Options) { o.HTTPClient = &http.Client{Transport: tr} })
	d := ecsdeploy.New(client, ecsdeploy.WithClock(e))
	if _, err := d.Register(ctx, taskDef("job", "busybox:1")); err != nil {
		t.Fatal(err)
	}
	res, err := d.RunTask(ctx, ecsdeploy.RunTaskInput{TaskDefinition: "job", Count: 3, LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: awsvpc})
	if err != nil {
		t.Fatal(err)
	}
	if tr.lost != 1 {
		t.Fatalf("%d responses lost, want 1", tr.lost)
	}
	if got := e.CallCount("RunTask"); got != 2 {
		t.Errorf("RunTask reached the fake %d times, want 2", got)
	}
	if len(res.Tasks) != 3 || countTasks(e, "default") != 3 {
		t.Errorf("RunTask returned %d tasks, the cluster has %d; want 3 and 3", len(res.Tasks), countTasks(e, "default"))
	}
}
