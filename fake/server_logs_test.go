package fake_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	lt "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-cmp/cmp"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// logsServer serves a fake with cluster "default", group /ecs/web and a
// Fargate task definition "web" logging to it with prefix "web".
func logsServer(t *testing.T) *faketest.Server {
	t.Helper()
	srv := faketest.NewServer(t)
	ctx := t.Context()
	if _, err := srv.Client.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.LogsClient.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/ecs/web")}); err != nil {
		t.Fatal(err)
	}
	_, err := srv.Client.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("web"), NetworkMode: types.NetworkModeAwsvpc, RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		Cpu: aws.String("256"), Memory: aws.String("512"), ExecutionRoleArn: aws.String("arn:aws:iam::123456789012:role/ecsTaskExecutionRole"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("web:1"),
			LogConfiguration: &types.LogConfiguration{LogDriver: types.LogDriverAwslogs,
				Options: map[string]string{"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// runScripted posts an output fault and an exit fault over the controls,
// runs one task and returns its id once stopped.
func runScripted(t *testing.T, srv *faketest.Server) string {
	t.Helper()
	cc := srv.Handler.ECS() // the same fake; the JSON controls are tested in control_test.go
	if err := cc.InjectFault(fake.Fault{Image: "web:1", Action: fake.FaultOutput, Lines: []string{"migrating 1 of 2", "migrating 2 of 2", "ERROR: duplicate key"}, Every: time.Second}); err != nil {
		t.Fatal(err)
	}
	if err := cc.InjectFault(fake.Fault{Image: "web:1", Action: fake.FaultExit, ExitCode: 3, After: 3 * time.Second}); err != nil {
		t.Fatal(err)
	}
	out, err := srv.Client.RunTask(t.Context(), &ecs.RunTaskInput{TaskDefinition: aws.String("web"), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	srv.ECS.Advance(2 * time.Minute)
	arn := aws.ToString(out.Tasks[0].TaskArn)
	return arn[strings.LastIndex(arn, "/")+1:]
}

// The SDK's own CloudWatch Logs client over HTTP (AWS JSON 1.1, target
// Logs_20140328) sees what the in-process view sees: int64 millisecond
// timestamps, tokens, rejectedLogEventsInfo and typed exceptions.
func TestLogsOverHTTPWithTheSDKClient(t *testing.T) {
	srv := logsServer(t)
	ctx := t.Context()
	id := runScripted(t, srv)
	stream := "web/app/" + id
	get := &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/ecs/web"), LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true)}
	wire, err := srv.LogsClient.GetLogEvents(ctx, get)
	if err != nil {
		t.Fatal(err)
	}
	local, err := srv.ECS.Logs().GetLogEvents(ctx, get)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(local.Events, wire.Events, cmp.AllowUnexported(lt.OutputLogEvent{})); diff != "" || len(wire.Events) != 3 {
		t.Fatalf("wire vs in process (-local +wire):\n%s", diff)
	}
	if aws.ToString(wire.Events[2].Message) != "ERROR: duplicate key" || aws.ToInt64(wire.Events[1].Timestamp)-aws.ToInt64(wire.Events[0].Timestamp) != 1000 {
		t.Fatalf("events %+v", wire.Events)
	}
	again, err := srv.LogsClient.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/ecs/web"), LogStreamName: aws.String(stream), NextToken: wire.NextForwardToken})
	if err != nil || len(again.Events) != 0 || aws.ToString(again.NextForwardToken) != aws.ToString(wire.NextForwardToken) {
		t.Fatalf("forward at the end: %d events, token %q, err %v", len(again.Events), aws.ToString(again.NextForwardToken), err)
	}
	f, err := srv.LogsClient.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/ecs/web"), FilterPattern: aws.String(`ERROR`)})
	if err != nil || len(f.Events) != 1 || aws.ToString(f.Events[0].LogStreamName) != stream {
		t.Fatalf("filter: %+v, %v", f, err)
	}
	now := srv.ECS.Now().UnixMilli()
	put, err := srv.LogsClient.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/ecs/web"), LogStreamName: aws.String(stream),
		LogEvents: []lt.InputLogEvent{{Timestamp: aws.Int64(now), Message: aws.String("ok")}, {Timestamp: aws.Int64(now + 3*3600_000), Message: aws.String("late")}}})
	if err != nil || put.RejectedLogEventsInfo == nil || aws.ToInt32(put.RejectedLogEventsInfo.TooNewLogEventStartIndex) != 1 {
		t.Fatalf("put: %+v, %v", put, err)
	}
	_, err = srv.LogsClient.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/nope")})
	var nf *lt.ResourceNotFoundException
	if !errors.As(err, &nf) || aws.ToString(nf.Message) != "The specified log group does not exist." {
		t.Fatalf("DescribeLogStreams on a missing group: %v", err)
	}
	_, err = srv.LogsClient.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/ecs/web"), LogStreamName: aws.String(stream),
		LogEvents: []lt.InputLogEvent{{Timestamp: aws.Int64(now), Message: aws.String("b")}, {Timestamp: aws.Int64(now - 1), Message: aws.String("a")}}})
	var ip *lt.InvalidParameterException
	if !errors.As(err, &ip) || !strings.Contains(aws.ToString(ip.Message), "chronological order") {
		t.Fatalf("out of order: %v", err)
	}
	if ops := srv.Handler.LogsOperations(); len(ops) != 11 {
		t.Fatalf("Logs operations %v, want 11", ops)
	}
}

const boto3LogsScenario = `
import sys, boto3
c = boto3.client("logs", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id="x", aws_secret_access_key="x")
stream = sys.argv[2]
r = c.get_log_events(logGroupName="/ecs/web", logStreamName=stream, startFromHead=True)
print(" | ".join(e["message"] for e in r["events"]), type(r["events"][0]["timestamp"]).__name__)
r = c.filter_log_events(logGroupName="/ecs/web", filterPattern='"duplicate key"')
print(len(r["events"]), r["events"][0]["logStreamName"] == stream)
try:
    c.get_log_events(logGroupName="/ecs/web", logStreamName="nope")
except c.exceptions.ResourceNotFoundException as e:
    print("ResourceNotFoundException", e.response["Error"]["Message"])
`

func TestBoto3ReadsLogsFromServer(t *testing.T) {
	needBoto3(t)
	srv := logsServer(t)
	id := runScripted(t, srv)
	want := "migrating 1 of 2 | migrating 2 of 2 | ERROR: duplicate key int\n1 True\nResourceNotFoundException The specified log stream does not exist.\n"
	wantBoto3(t, boto3LogsScenario, srv.URL, want, "web/app/"+id)
}

// The AWS CLI v1 reads the fake's logs: get-log-events and
// filter-log-events (aws logs tail exists only in CLI v2).
func TestAWSCLIReadsLogsFromServer(t *testing.T) {
	needTool(t, "aws", "pip install awscli")
	srv := logsServer(t)
	id := runScripted(t, srv)
	out, stderr, err := awsCLI(t, srv, "logs", "get-log-events", "--log-group-name", "/ecs/web", "--log-stream-name", "web/app/"+id,
		"--start-from-head", "--query", "events[].message", "--output", "text")
	if err != nil || strings.TrimSpace(out) != "migrating 1 of 2\tmigrating 2 of 2\tERROR: duplicate key" {
		t.Fatalf("get-log-events: %q %v %s", out, err, stderr)
	}
	out, stderr, err = awsCLI(t, srv, "logs", "filter-log-events", "--log-group-name", "/ecs/web", "--log-stream-name-prefix", "web/app/",
		"--filter-pattern", "?ERROR ?WARN", "--query", "events[].[logStreamName,message]", "--output", "text")
	if err != nil || strings.TrimSpace(out) != "web/app/"+id+"\tERROR: duplicate key" {
		t.Fatalf("filter-log-events: %q %v %s", out, err, stderr)
	}
	_, stderr, err = awsCLI(t, srv, "logs", "get-log-events", "--log-group-name", "/ecs/nope", "--log-stream-name", "x")
	if err == nil || !strings.Contains(stderr, "(ResourceNotFoundException) when calling the GetLogEvents operation: The specified log group does not exist.") {
		t.Fatalf("missing group: %v %q", err, stderr)
	}
}

// awsV2 returns the path of an AWS CLI v2 binary, or skips: `aws logs
// tail` exists only in v2 (Debian's awscli package is v2; pip's is v1).
func awsV2(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping the test that starts an external client process")
	}
	cands := []string{"/usr/bin/aws", "/usr/local/bin/aws"}
	if p, err := exec.LookPath("aws"); err == nil {
		cands = append([]string{p}, cands...)
	}
	for _, p := range cands {
		if out, err := exec.Command(p, "--version").CombinedOutput(); err == nil && strings.HasPrefix(string(out), "aws-cli/2") {
			return p
		}
	}
	t.Skip("no AWS CLI v2 found (aws logs tail is v2 only); apt-get install awscli on Debian 12 installs v2")
	return ""
}

// `aws logs tail` (CLI v2) prints the fake's lines with their stream;
// --since takes a virtual-time timestamp since the fake's clock is not the
// wall clock.
func TestAWSCLIv2LogsTail(t *testing.T) {
	bin := awsV2(t)
	srv := logsServer(t)
	id := runScripted(t, srv)
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), bin, "--endpoint-url", srv.URL, "logs", "tail", "/ecs/web", "--since", "2024-12-31T00:00:00Z", "--format", "short")
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=x", "AWS_DEFAULT_REGION=us-east-1", "AWS_PAGER=",
		"AWS_CONFIG_FILE="+filepath.Join(dir, "c"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "k"), "AWS_EC2_METADATA_DISABLED=true")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws logs tail: %v\n%s", err, out)
	}
	t.Logf("%s (stream web/app/%s)", out, id)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[0], " migrating 1 of 2") || !strings.HasSuffix(lines[2], " ERROR: duplicate key") {
		t.Fatalf("aws logs tail printed %q", out)
	}
}

// A PutLogEvents batch at the documented 1,048,576-byte limit is accepted
// over HTTP (its JSON is larger than the 1 MiB ECS request limit); one
// byte more is refused with InvalidParameterException, nothing stored.
func TestFullSizeLogBatchOverHTTP(t *testing.T) {
	srv := logsServer(t)
	ctx := t.Context()
	if _, err := srv.LogsClient.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("/ecs/web"), LogStreamName: aws.String("big")}); err != nil {
		t.Fatal(err)
	}
	now := srv.ECS.Now().UnixMilli()
	batch := func(last int) []lt.InputLogEvent {
		evs := make([]lt.InputLogEvent, 10)
		for i := range evs {
			n := fake.MaxLogBatchBytes/10 - fake.LogEventOverhead
			if i == 9 {
				n = last
			}
			evs[i] = lt.InputLogEvent{Timestamp: aws.Int64(now), Message: aws.String(strings.Repeat("x", n))}
		}
		return evs
	}
	exact := fake.MaxLogBatchBytes - 9*(fake.MaxLogBatchBytes/10) - fake.LogEventOverhead
	_, err := srv.LogsClient.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/ecs/web"), LogStreamName: aws.String("big"), LogEvents: batch(exact + 1)})
	var ip *lt.InvalidParameterException
	if !errors.As(err, &ip) || !strings.HasPrefix(aws.ToString(ip.Message), "Upload too large: 1048577 bytes") {
		t.Fatalf("one byte over: %v", err)
	}
	if _, err := srv.LogsClient.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/ecs/web"), LogStreamName: aws.String("big"), LogEvents: batch(exact)}); err != nil {
		t.Fatalf("a batch of exactly 1,048,576 bytes: %v", err)
	}
	gs, err := srv.LogsClient.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/ecs/web")})
	if err != nil || aws.ToInt64(gs.LogGroups[0].StoredBytes) != int64(fake.MaxLogBatchBytes-10*fake.LogEventOverhead) {
		t.Fatalf("stored bytes %v, err %v", aws.ToInt64(gs.LogGroups[0].StoredBytes), err)
	}
}

// Operation faults reach Logs operations over the controls too, named
// "Logs.<Operation>", and come back as the Logs exception the SDK decodes;
// an output fault is accepted in its JSON form.
func TestLogsFaultsOverTheControls(t *testing.T) {
	srv := logsServer(t)
	postControl(t, srv, "/_fake/v1/faults", map[string]any{"operation": "Logs.DescribeLogGroups", "error": "ThrottlingException", "times": 1})
	postControl(t, srv, "/_fake/v1/faults", map[string]any{"image": "web:1", "action": "output", "lines": []string{"hello"}, "every": "1s", "repeat": true, "lastLine": "bye"})
	cli := srv.NewLogsClient(func(o *cloudwatchlogs.Options) { o.RetryMaxAttempts = 1 })
	_, err := cli.DescribeLogGroups(t.Context(), &cloudwatchlogs.DescribeLogGroupsInput{})
	var th *lt.ThrottlingException
	if !errors.As(err, &th) || aws.ToString(th.Message) != "Rate exceeded" {
		t.Fatalf("DescribeLogGroups with a scripted fault: %v", err)
	}
	if _, err := cli.DescribeLogGroups(t.Context(), &cloudwatchlogs.DescribeLogGroupsInput{}); err != nil {
		t.Fatalf("after the fault: %v", err)
	}
	if n := srv.ECS.CallCount("Logs.DescribeLogGroups"); n != 2 {
		t.Fatalf("Logs.DescribeLogGroups called %d times, want 2", n)
	}
	status, doc := control(t, srv, "POST", "/_fake/v1/faults", `{"image": "x", "action": "output", "lines": []}`)
	if status != 400 || !strings.Contains(fmt.Sprint(doc), "an output fault needs at least one line") {
		t.Fatalf("empty output fault: %d %v", status, doc)
	}
}
