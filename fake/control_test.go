package fake_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// control sends method path with body to the server and returns the status
// and the decoded JSON answer.
func control(t *testing.T, srv *faketest.Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q, want application/json", method, path, ct)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s %s: answer is not a JSON object: %q", method, path, data)
	}
	return resp.StatusCode, doc
}

// oneAttempt makes a client that does not retry, so injected errors reach
// the test.
func oneAttempt(o *ecs.Options) { o.Retryer = retry.AddWithMaxAttempts(retry.NewStandard(), 1) }

// ec2Cluster serves a fake with cluster "default" and one instance.
func ec2Cluster(t *testing.T) *faketest.Server {
	t.Helper()
	srv := faketest.NewServer(t)
	if _, err := srv.Client.CreateCluster(t.Context(), &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.ECS.AddInstance("default", fake.InstanceSpec{CPU: 2048, Memory: 4096}); err != nil {
		t.Fatal(err)
	}
	return srv
}

func registerWeb(t *testing.T, c *ecs.Client, image string) {
	t.Helper()
	_, err := c.RegisterTaskDefinition(t.Context(), &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("web"), Image: aws.String(image), Memory: aws.Int32(256)}}})
	if err != nil {
		t.Fatal(err)
	}
}

func runWeb(t *testing.T, c *ecs.Client) string {
	t.Helper()
	out, err := c.RunTask(t.Context(), &ecs.RunTaskInput{TaskDefinition: aws.String("web")})
	if err != nil || len(out.Tasks) != 1 {
		t.Fatalf("RunTask: %v (%d tasks, failures %v)", err, len(out.Tasks), out.Failures)
	}
	return *out.Tasks[0].TaskArn
}

func describeTask(t *testing.T, c *ecs.Client, arn string) types.Task {
	t.Helper()
	out, err := c.DescribeTasks(t.Context(), &ecs.DescribeTasksInput{Tasks: []string{arn}})
	if err != nil || len(out.Tasks) != 1 {
		t.Fatalf("DescribeTasks: %v %+v", err, out)
	}
	return out.Tasks[0]
}

func TestControlAdvanceMovesVirtualTime(t *testing.T) {
	srv := ec2Cluster(t)
	registerWeb(t, srv.Client, "nginx:1.27")
	arn := runWeb(t, srv.Client)
	before := srv.ECS.Now()
	status, doc := control(t, srv, "POST", "/_fake/v1/advance", `{"duration": "90s"}`)
	if status != 200 {
		t.Fatalf("advance: %d %v", status, doc)
	}
	if got := srv.ECS.Now().Sub(before); got != 90*time.Second {
		t.Errorf("virtual time moved %s, want 90s", got)
	}
	if doc["now"] != srv.ECS.Now().UTC().Format(time.RFC3339Nano) {
		t.Errorf("answer now = %v, want %s", doc["now"], srv.ECS.Now().UTC().Format(time.RFC3339Nano))
	}
	if got := describeTask(t, srv.Client, arn); aws.ToString(got.LastStatus) != "RUNNING" {
		t.Errorf("task lastStatus after 90s = %s, want RUNNING", aws.ToString(got.LastStatus))
	}
	// Seconds as a number work too.
	if status, doc := control(t, srv, "POST", "/_fake/v1/advance", `{"duration": 30}`); status != 200 {
		t.Fatalf("advance 30: %d %v", status, doc)
	}
	if got := srv.ECS.Now().Sub(before); got != 120*time.Second {
		t.Errorf("virtual time moved %s, want 120s", got)
	}
	status, doc = control(t, srv, "GET", "/_fake/v1/time", "")
	if status != 200 || doc["now"] != srv.ECS.Now().UTC().Format(time.RFC3339Nano) {
		t.Errorf("time: %d %v", status, doc)
	}
}

func TestControlErrorsNameTheFieldAndRule(t *testing.T) {
	srv := ec2Cluster(t)
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		message                  string
	}{
		{"advance without body", "POST", "/_fake/v1/advance", ``, 400, "a JSON object is required"},
		{"advance without duration", "POST", "/_fake/v1/advance", `{}`, 400, "duration: required"},
		{"advance negative", "POST", "/_fake/v1/advance", `{"duration":"-5s"}`, 400, "duration: must not be negative"},
		{"advance not a duration", "POST", "/_fake/v1/advance", `{"duration":"soon"}`, 400, `"soon" is not a duration`},
		{"advance boolean", "POST", "/_fake/v1/advance", `{"duration":true}`, 400, "duration string"},
		{"advance too far", "POST", "/_fake/v1/advance", `{"duration":"800h"}`, 400, "duration: at most 744h0m0s per call"},
		{"advance unknown member", "POST", "/_fake/v1/advance", `{"duration":"1s","speed":2}`, 400, `"speed": unknown field`},
		{"advance malformed JSON", "POST", "/_fake/v1/advance", `{"duration":`, 400, "request body"},
		{"advance trailing data", "POST", "/_fake/v1/advance", `{"duration":"1s"} {}`, 400, "unexpected data after the JSON object"},
		{"fault bad action", "POST", "/_fake/v1/faults", `{"image":"x","action":"explode"}`, 400, `fault action "explode": must be fail-start, exit, unhealthy or output`},
		{"fault unknown member", "POST", "/_fake/v1/faults", `{"image":"x","action":"exit","code":3}`, 400, "code: unknown field"},
		{"fault bad probability", "POST", "/_fake/v1/faults", `{"action":"exit","probability":2}`, 400, "fault.probability: must be in [0,1]"},
		{"fault after not a duration", "POST", "/_fake/v1/faults", `{"action":"exit","after":"later"}`, 400, "fault.after"},
		{"fault array", "POST", "/_fake/v1/faults", `[]`, 400, "request body"},
		{"operation fault without name", "POST", "/_fake/v1/faults", `{"operation":""}`, 400, "operation: required"},
		{"operation fault bad name", "POST", "/_fake/v1/faults", `{"operation":"describe services"}`, 400, "operation: \"describe services\" is not an operation name"},
		{"operation fault bad probability", "POST", "/_fake/v1/faults", `{"operation":"RunTask","probability":1.5}`, 400, "probability: must be in [0,1]"},
		{"operation fault negative times", "POST", "/_fake/v1/faults", `{"operation":"RunTask","times":-1}`, 400, "times: must not be negative"},
		{"operation fault task member", "POST", "/_fake/v1/faults", `{"operation":"RunTask","image":"x"}`, 400, "image: unknown field"},
		{"operation fault times string", "POST", "/_fake/v1/faults", `{"operation":"RunTask","times":"3"}`, 400, "times: must be a JSON number, not string"},
		{"instances missing cluster", "POST", "/_fake/v1/instances", `{"cluster":"nope"}`, 404, `cluster "nope": Cluster not found.`},
		{"instances negative memory", "POST", "/_fake/v1/instances", `{"memory":-1}`, 400, "memory: must not be negative"},
		{"instances count zero", "POST", "/_fake/v1/instances", `{"count":0}`, 400, "count: must be in [1,1000]"},
		{"instances cpu string", "POST", "/_fake/v1/instances", `{"cpu":"1024"}`, 400, "cpu: must be a JSON number"},
		{"unknown control", "POST", "/_fake/v1/explode", `{}`, 404, "unknown control; known: advance, autoscaling-groups, calls, faults, instances, load, lose-instance, reset, spot, target-health-faults, time"},
		{"control root", "GET", "/_fake/v1", ``, 404, "unknown control"},
		{"advance with GET", "GET", "/_fake/v1/advance", ``, 405, "method not allowed; use POST"},
		{"calls with POST", "POST", "/_fake/v1/calls", `{}`, 405, "use GET"},
		{"faults with PUT", "PUT", "/_fake/v1/faults", `{}`, 405, "use GET, POST, DELETE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, doc := control(t, srv, tc.method, tc.path, tc.body)
			msg, _ := doc["message"].(string)
			if status != tc.status || !strings.Contains(msg, tc.message) {
				t.Errorf("%s %s %s: %d %q, want %d with %q", tc.method, tc.path, tc.body, status, msg, tc.status, tc.message)
			}
		})
	}
}

func TestControlFaultsTaskFaultFailsStart(t *testing.T) {
	srv := ec2Cluster(t)
	status, doc := control(t, srv, "POST", "/_fake/v1/faults",
		`{"image": "web:bad", "action": "fail-start", "reason": "CannotPullContainerError: pull access denied"}`)
	if status != 200 {
		t.Fatalf("faults: %d %v", status, doc)
	}
	if tf, _ := doc["taskFault"].(map[string]any); tf["image"] != "web:bad" || tf["action"] != "fail-start" {
		t.Errorf("answer %v does not echo the fault", doc)
	}
	registerWeb(t, srv.Client, "web:bad")
	bad := runWeb(t, srv.Client)
	registerWeb(t, srv.Client, "web:good")
	good := runWeb(t, srv.Client)
	control(t, srv, "POST", "/_fake/v1/advance", `{"duration":"2m"}`)
	b := describeTask(t, srv.Client, bad)
	if aws.ToString(b.LastStatus) != "STOPPED" || b.StopCode != types.TaskStopCodeTaskFailedToStart ||
		!strings.Contains(aws.ToString(b.StoppedReason), "CannotPullContainerError: pull access denied") {
		t.Errorf("bad image task: %s %s %q", aws.ToString(b.LastStatus), b.StopCode, aws.ToString(b.StoppedReason))
	}
	if g := describeTask(t, srv.Client, good); aws.ToString(g.LastStatus) != "RUNNING" {
		t.Errorf("good image task: %s, want RUNNING", aws.ToString(g.LastStatus))
	}
}

func TestControlFaultsDeleteClearsFaults(t *testing.T) {
	srv := ec2Cluster(t)
	control(t, srv, "POST", "/_fake/v1/faults", `{"action":"fail-start"}`)
	control(t, srv, "POST", "/_fake/v1/faults", `{"operation":"*","error":"ServerException"}`)
	if status, doc := control(t, srv, "DELETE", "/_fake/v1/faults", ""); status != 200 {
		t.Fatalf("DELETE faults: %d %v", status, doc)
	}
	registerWeb(t, srv.Client, "nginx")
	arn := runWeb(t, srv.Client)
	control(t, srv, "POST", "/_fake/v1/advance", `{"duration":"2m"}`)
	if got := describeTask(t, srv.Client, arn); aws.ToString(got.LastStatus) != "RUNNING" {
		t.Errorf("task after clearing faults: %s, want RUNNING", aws.ToString(got.LastStatus))
	}
}

func TestControlOperationFaultThrottlesExactlyTimes(t *testing.T) {
	srv := ec2Cluster(t)
	status, doc := control(t, srv, "POST", "/_fake/v1/faults", `{"operation":"DescribeClusters","error":"ThrottlingException","times":3}`)
	if status != 200 {
		t.Fatalf("faults: %d %v", status, doc)
	}
	c := srv.NewClient(oneAttempt)
	for i := range 4 {
		_, err := c.DescribeClusters(t.Context(), &ecs.DescribeClustersInput{})
		var apiErr smithy.APIError
		switch {
		case i < 3 && (!errors.As(err, &apiErr) || apiErr.ErrorCode() != "ThrottlingException" || apiErr.ErrorMessage() != "Rate exceeded"):
			t.Errorf("call %d: %v, want ThrottlingException: Rate exceeded", i+1, err)
		case i == 3 && err != nil:
			t.Errorf("call 4: %v, want success after 3 throttles", err)
		}
	}
	// The SDK's standard retryer rides out a throttle on its own.
	control(t, srv, "POST", "/_fake/v1/faults", `{"operation":"ListClusters","times":1}`)
	out, err := srv.NewClient(func(o *ecs.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) { so.Backoff = noBackoff{} })
	}).ListClusters(t.Context(), &ecs.ListClustersInput{})
	if err != nil || len(out.ClusterArns) != 1 || srv.ECS.CallCount("ListClusters") != 2 {
		t.Errorf("ListClusters with retries: %v, %d calls reached the fake, want 2", err, srv.ECS.CallCount("ListClusters"))
	}
}

func TestControlOperationFaultProbability(t *testing.T) {
	srv := ec2Cluster(t)
	control(t, srv, "POST", "/_fake/v1/faults", `{"operation":"ListClusters","error":"ServerException","probability":0.3}`)
	c := srv.NewClient(oneAttempt)
	failed := 0
	const n = 200
	for range n {
		_, err := c.ListClusters(context.Background(), &ecs.ListClustersInput{})
		var se *types.ServerException
		if errors.As(err, &se) {
			failed++
		} else if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
	}
	if failed < n*15/100 || failed > n*45/100 {
		t.Errorf("%d of %d calls failed with probability 0.3", failed, n)
	}
}

func TestControlInstancesAddCapacity(t *testing.T) {
	srv := ec2Cluster(t)
	status, doc := control(t, srv, "POST", "/_fake/v1/instances",
		`{"cluster":"default","cpu":1024,"memory":2048,"az":"us-east-1c","instanceType":"m5.large","attributes":{"stack":"blue"},"count":2}`)
	if status != 200 {
		t.Fatalf("instances: %d %v", status, doc)
	}
	arns, _ := doc["containerInstanceArns"].([]any)
	if len(arns) != 2 {
		t.Fatalf("containerInstanceArns = %v, want 2", doc["containerInstanceArns"])
	}
	out, err := srv.Client.DescribeContainerInstances(t.Context(), &ecs.DescribeContainerInstancesInput{ContainerInstances: []string{arns[0].(string), arns[1].(string)}})
	if err != nil || len(out.ContainerInstances) != 2 {
		t.Fatalf("DescribeContainerInstances: %v", err)
	}
	for _, ci := range out.ContainerInstances {
		attrs := map[string]string{}
		for _, a := range ci.Attributes {
			attrs[aws.ToString(a.Name)] = aws.ToString(a.Value)
		}
		res := map[string]int32{}
		for _, r := range ci.RegisteredResources {
			res[aws.ToString(r.Name)] = r.IntegerValue
		}
		if attrs["ecs.availability-zone"] != "us-east-1c" || attrs["ecs.instance-type"] != "m5.large" || attrs["stack"] != "blue" ||
			res["CPU"] != 1024 || res["MEMORY"] != 2048 {
			t.Errorf("instance attributes %v, resources %v", attrs, res)
		}
	}
	// An empty body adds one default instance to "default".
	if status, doc := control(t, srv, "POST", "/_fake/v1/instances", ``); status != 200 || len(doc["containerInstanceArns"].([]any)) != 1 {
		t.Errorf("instances with empty body: %d %v", status, doc)
	}
	list, err := srv.Client.ListContainerInstances(t.Context(), &ecs.ListContainerInstancesInput{})
	if err != nil || len(list.ContainerInstanceArns) != 4 {
		t.Errorf("ListContainerInstances: %v, %d instances, want 4", err, len(list.ContainerInstanceArns))
	}
}

func TestControlCallsLogAndCounts(t *testing.T) {
	srv := ec2Cluster(t)
	registerWeb(t, srv.Client, "nginx:1.27")
	runWeb(t, srv.Client)
	runWeb(t, srv.Client)
	status, doc := control(t, srv, "GET", "/_fake/v1/calls", "")
	if status != 200 {
		t.Fatalf("calls: %d %v", status, doc)
	}
	calls, _ := doc["calls"].([]any)
	var ops []string
	for _, c := range calls {
		ops = append(ops, c.(map[string]any)["operation"].(string))
	}
	if strings.Join(ops, ",") != "CreateCluster,RegisterTaskDefinition,RunTask,RunTask" {
		t.Errorf("call log operations = %v", ops)
	}
	first := calls[1].(map[string]any)
	in, _ := first["input"].(map[string]any)
	if in["family"] != "web" || first["at"] == "" {
		t.Errorf("RegisterTaskDefinition call = %v, want wire-form input with family web", first)
	}
	counts, _ := doc["counts"].(map[string]any)
	if counts["RunTask"] != 2.0 || counts["CreateCluster"] != 1.0 {
		t.Errorf("counts = %v", counts)
	}
	_, doc = control(t, srv, "GET", "/_fake/v1/calls?operation=RunTask", "")
	if calls, _ := doc["calls"].([]any); len(calls) != 2 {
		t.Errorf("calls?operation=RunTask gave %d calls, want 2", len(calls))
	}
}

func TestControlResetDropsStateAndRunsHook(t *testing.T) {
	hooked := 0
	srv := faketest.NewServerFor(t, fake.New(), fake.WithResetHook(func(ctx context.Context, e *fake.ECS) error {
		hooked++
		_, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("after-reset")})
		return err
	}))
	if _, err := srv.Client.CreateCluster(t.Context(), &ecs.CreateClusterInput{ClusterName: aws.String("before")}); err != nil {
		t.Fatal(err)
	}
	control(t, srv, "POST", "/_fake/v1/faults", `{"operation":"*","error":"ServerException"}`)
	if status, doc := control(t, srv, "POST", "/_fake/v1/reset", ""); status != 200 {
		t.Fatalf("reset: %d %v", status, doc)
	}
	out, err := srv.Client.ListClusters(t.Context(), &ecs.ListClustersInput{})
	if err != nil {
		t.Fatalf("ListClusters after reset (faults must be gone): %v", err)
	}
	if hooked != 1 || len(out.ClusterArns) != 1 || !strings.HasSuffix(out.ClusterArns[0], "cluster/after-reset") {
		t.Errorf("after reset: hook ran %d times, clusters %v", hooked, out.ClusterArns)
	}
}

func TestControlResetHookErrorIs500(t *testing.T) {
	srv := faketest.NewServerFor(t, fake.New(), fake.WithResetHook(func(context.Context, *fake.ECS) error {
		return errors.New("setup failed")
	}))
	if status, doc := control(t, srv, "POST", "/_fake/v1/reset", ""); status != 500 || doc["message"] != "setup failed" {
		t.Errorf("reset with failing hook: %d %v", status, doc)
	}
}

// noBackoff retries at once.
type noBackoff struct{}

func (noBackoff) BackoffDelay(int, error) (time.Duration, error) { return 0, nil }

func TestServerRejectsBodiesOver1MiB(t *testing.T) {
	srv := ec2Cluster(t)
	big := `{"duration":"1s","pad":"` + strings.Repeat("x", fake.MaxRequestBytes) + `"}`
	for _, tc := range []struct{ name, path, target string }{
		{"control", "/_fake/v1/advance", ""},
		{"API", "/", "AmazonEC2ContainerServiceV20141113.ListClusters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), "POST", srv.URL+tc.path, strings.NewReader(big))
			req.Header.Set("X-Amz-Target", tc.target)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "exceeds 1048576 bytes") {
				t.Errorf("%d %s, want 413 naming the 1 MiB limit", resp.StatusCode, body)
			}
		})
	}
	// Just under the limit is read (and then judged on its content).
	ok := `{"duration":"1s"}` + strings.Repeat(" ", fake.MaxRequestBytes-len(`{"duration":"1s"}`))
	if status, doc := control(t, srv, "POST", "/_fake/v1/advance", ok); status != 200 {
		t.Errorf("1 MiB body: %d %v", status, doc)
	}
}

func TestControlWrongMethodSetsAllow(t *testing.T) {
	srv := ec2Cluster(t)
	req, _ := http.NewRequestWithContext(t.Context(), "PATCH", srv.URL+"/_fake/v1/faults", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, POST, DELETE" {
		t.Errorf("PATCH faults: %d Allow %q, want 405 with Allow: GET, POST, DELETE", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestControlClientDrivesTheServer(t *testing.T) {
	srv := ec2Cluster(t)
	ctx := t.Context()
	ctl := fake.NewControlClient(srv.URL+"/", nil)
	before := srv.ECS.Now()
	now, err := ctl.Advance(ctx, 90*time.Second)
	if err != nil || !now.Equal(before.Add(90*time.Second)) || !srv.ECS.Now().Equal(now) {
		t.Errorf("Advance: %v %v, want %v", now, err, before.Add(90*time.Second))
	}
	if got, err := ctl.Now(ctx); err != nil || !got.Equal(now) {
		t.Errorf("Now: %v %v", got, err)
	}
	arns, err := ctl.AddInstances(ctx, "default", fake.InstanceSpec{CPU: 512, Memory: 1024, AZ: "us-east-1b"}, 2)
	if err != nil || len(arns) != 2 {
		t.Fatalf("AddInstances: %v %v", arns, err)
	}
	_, err = ctl.AddInstances(ctx, "nope", fake.InstanceSpec{}, 1)
	var ce *fake.ControlError
	if !errors.As(err, &ce) || ce.Status != 404 || ce.Message != `cluster "nope": Cluster not found.` {
		t.Errorf("AddInstances(nope): %v, want *ControlError 404", err)
	}
	if err := ctl.InjectFault(ctx, fake.Fault{Action: "explode"}); !errors.As(err, &ce) || ce.Status != 400 || !strings.Contains(ce.Message, "explode") {
		t.Errorf("InjectFault(explode): %v", err)
	}
	if err := ctl.InjectFault(ctx, fake.Fault{Action: fake.FaultExit, Match: func(fake.FaultTarget) bool { return true }}); err == nil || !strings.Contains(err.Error(), "fault.Match") {
		t.Errorf("InjectFault with Match: %v, want an error naming fault.Match", err)
	}
	if err := ctl.FailOperation(ctx, "ListClusters", "AccessDeniedException", 1, 0); err != nil {
		t.Fatal(err)
	}
	_, err = srv.NewClient(oneAttempt).ListClusters(ctx, &ecs.ListClustersInput{})
	var denied *types.AccessDeniedException
	if !errors.As(err, &denied) {
		t.Errorf("ListClusters after FailOperation: %v, want AccessDeniedException", err)
	}
	if err := ctl.FailOperation(ctx, "ListClusters", "ServerException", 0, 0); err != nil {
		t.Fatal(err)
	}
	if err := ctl.ClearFaults(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Client.ListClusters(ctx, &ecs.ListClustersInput{}); err != nil {
		t.Errorf("ListClusters after ClearFaults: %v", err)
	}
	counts, err := ctl.CallCounts(ctx)
	if err != nil || counts["ListClusters"] != 2 || counts["CreateCluster"] != 1 {
		t.Errorf("CallCounts: %v %v", counts, err)
	}
	if err := ctl.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if out, err := srv.Client.ListClusters(ctx, &ecs.ListClustersInput{}); err != nil || len(out.ClusterArns) != 0 {
		t.Errorf("clusters after Reset: %v %v", out, err)
	}
}

func TestRemoteClockSleepAdvancesServerTime(t *testing.T) {
	srv := ec2Cluster(t)
	ctx := t.Context()
	clock, err := fake.NewRemoteClock(ctx, fake.NewControlClient(srv.URL, nil))
	if err != nil {
		t.Fatal(err)
	}
	start := clock.Now()
	if !start.Equal(srv.ECS.Now()) {
		t.Errorf("Now = %v, server %v", start, srv.ECS.Now())
	}
	if err := clock.Sleep(ctx, 15*time.Second); err != nil {
		t.Fatal(err)
	}
	if got := srv.ECS.Now().Sub(start); got != 15*time.Second || !clock.Now().Equal(srv.ECS.Now()) {
		t.Errorf("after Sleep(15s): server moved %s, clock %v", got, clock.Now())
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := clock.Sleep(cancelled, time.Second); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep with cancelled ctx: %v", err)
	}
	if _, err := fake.NewRemoteClock(ctx, fake.NewControlClient("http://127.0.0.1:1", nil)); err == nil {
		t.Error("NewRemoteClock on a closed port succeeded")
	}
}
