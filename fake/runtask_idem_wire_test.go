package fake_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// runTokenWorld is cluster "default" with one instance and family "web",
// and cluster "other" with one instance.
func runTokenWorld(t *testing.T) *faketest.Server {
	t.Helper()
	srv := ec2Cluster(t)
	registerWeb(t, srv.Client, "nginx:1.27")
	if _, err := srv.Client.CreateCluster(t.Context(), &ecs.CreateClusterInput{ClusterName: aws.String("other")}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.ECS.AddInstance("other", fake.InstanceSpec{CPU: 2048, Memory: 4096}); err != nil {
		t.Fatal(err)
	}
	return srv
}

func TestRunTaskClientTokenOverSDK(t *testing.T) {
	srv := runTokenWorld(t)
	ctx := t.Context()
	runTok := func(cluster, tok string, count int32) (*ecs.RunTaskOutput, error) {
		return srv.Client.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String(cluster), TaskDefinition: aws.String("web"),
			Count: aws.Int32(count), ClientToken: aws.String(tok)})
	}
	first, err := runTok("default", "go-1", 2)
	if err != nil || len(first.Tasks) != 2 {
		t.Fatalf("RunTask: %v %+v", err, first)
	}
	arns := []string{aws.ToString(first.Tasks[0].TaskArn), aws.ToString(first.Tasks[1].TaskArn)}

	t.Run("SameTasks", func(t *testing.T) {
		again, err := runTok("default", "go-1", 2)
		if err != nil || len(again.Tasks) != 2 || aws.ToString(again.Tasks[0].TaskArn) != arns[0] || aws.ToString(again.Tasks[1].TaskArn) != arns[1] {
			t.Fatalf("retry: %v %+v, want tasks %v", err, again, arns)
		}
		if n := len(srv.ECS.Tasks("default")); n != 2 {
			t.Errorf("%d tasks after the retry, want 2", n)
		}
	})

	t.Run("Conflict", func(t *testing.T) {
		_, err := runTok("default", "go-1", 1)
		var ce *types.ConflictException
		if !errors.As(err, &ce) {
			t.Fatalf("other parameters: %v, want ConflictException", err)
		}
		if len(ce.ResourceIds) != 2 || ce.ResourceIds[0] != arns[0] || ce.ResourceIds[1] != arns[1] ||
			!strings.Contains(ce.ErrorMessage(), "clientToken is already in use") {
			t.Errorf("ConflictException resourceIds %v message %q, want %v", ce.ResourceIds, ce.ErrorMessage(), arns)
		}
	})

	t.Run("PerCluster", func(t *testing.T) {
		out, err := runTok("other", "go-1", 2)
		if err != nil || len(out.Tasks) != 2 || aws.ToString(out.Tasks[0].TaskArn) == arns[0] {
			t.Fatalf("the token in cluster other: %v %+v, want two new tasks", err, out)
		}
	})

	t.Run("BadToken", func(t *testing.T) {
		for _, tok := range []string{strings.Repeat("k", 65), "has space", "naïve"} {
			_, err := runTok("default", tok, 1)
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterException" || !strings.HasPrefix(ae.ErrorMessage(), "clientToken: up to 64 ASCII characters") {
				t.Errorf("token %q: %v, want InvalidParameterException naming clientToken", tok, err)
			}
		}
	})

	t.Run("SDKFillsItsOwnToken", func(t *testing.T) {
		var got []string
		for range 2 {
			out, err := srv.Client.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String("other"), TaskDefinition: aws.String("web")})
			if err != nil || len(out.Tasks) != 1 {
				t.Fatalf("RunTask without a token: %v %+v", err, out)
			}
			got = append(got, aws.ToString(out.Tasks[0].TaskArn))
		}
		if got[0] == got[1] {
			t.Errorf("two RunTasks without a token answered the same task %s", got[0])
		}
	})

	t.Run("ExpiresAnHourAfterStop", func(t *testing.T) {
		for _, a := range arns {
			if _, err := srv.Client.StopTask(ctx, &ecs.StopTaskInput{Task: aws.String(a)}); err != nil {
				t.Fatal(err)
			}
		}
		srv.ECS.Advance(2 * time.Hour)
		out, err := runTok("default", "go-1", 1) // the old parameters no longer matter
		if err != nil || len(out.Tasks) != 1 || aws.ToString(out.Tasks[0].TaskArn) == arns[0] {
			t.Fatalf("the token 2 h after its tasks stopped: %v %+v, want a new task", err, out)
		}
	})
}

// boto3RunToken: the same token answers the same task, other parameters
// fail with ConflictException carrying resourceIds, another cluster is
// another scope, a bad token is InvalidParameterException, and an hour
// after the task stopped the token is free.
const boto3RunToken = `
c = client("ecs", "us-east-1")
run = lambda **kw: c.run_task(taskDefinition="web", **kw)["tasks"][0]["taskArn"]
a = run(clientToken="py-1")
print("same", run(clientToken="py-1") == a)
try:
    run(clientToken="py-1", count=2)
except c.exceptions.ConflictException as e:
    print("ConflictException", e.response.get("resourceIds") == [a], "already in use" in e.response["Error"]["Message"])
print("other cluster", run(clientToken="py-1", cluster="other") != a)
try:
    run(clientToken="x" * 65)
except c.exceptions.InvalidParameterException as e:
    print("InvalidParameterException", e.response["Error"]["Message"].startswith("clientToken:"))
c.stop_task(task=a)
advance("2h")
print("expired", run(clientToken="py-1") != a)
print("tasks", len(c.list_tasks(cluster="default", desiredStatus="RUNNING")["taskArns"]))
`

func TestRunTaskClientTokenOverBoto3(t *testing.T) {
	needBoto3(t)
	srv := runTokenWorld(t)
	wantBoto3(t, boto3RunToken, srv.URL, "same True\nConflictException True True\nother cluster True\n"+
		"InvalidParameterException True\nexpired True\ntasks 1\n")
}

func TestRunTaskClientTokenOverAWSCLI(t *testing.T) {
	needTool(t, "aws", "pip install awscli")
	srv := runTokenWorld(t)
	run := func(args ...string) (string, string, error) {
		out, stderr, err := awsCLI(t, srv, append([]string{"ecs", "run-task", "--task-definition", "web",
			"--query", "tasks[].taskArn", "--output", "text"}, args...)...)
		return strings.TrimSpace(out), stderr, err
	}
	a, stderr, err := run("--client-token", "cli-1")
	if err != nil || !strings.Contains(a, ":task/default/") {
		t.Fatalf("run-task --client-token: %q %v %s", a, err, stderr)
	}
	if b, stderr, err := run("--client-token", "cli-1"); err != nil || b != a {
		t.Errorf("the same run-task again answered %q (%v %s), want %q", b, err, stderr, a)
	}
	if _, stderr, err := run("--client-token", "cli-1", "--count", "2"); err == nil || !strings.Contains(stderr, "(ConflictException)") {
		t.Errorf("other parameters: %v %q, want ConflictException", err, stderr)
	}
	if _, stderr, err := run("--client-token", "a b"); err == nil || !strings.Contains(stderr, "(InvalidParameterException)") ||
		!strings.Contains(stderr, "clientToken: up to 64 ASCII characters") {
		t.Errorf("bad token: %v %q, want InvalidParameterException naming clientToken", err, stderr)
	}
	if b, stderr, err := run("--client-token", "cli-1", "--cluster", "other"); err != nil || b == a || !strings.Contains(b, ":task/other/") {
		t.Errorf("the token in cluster other: %q %v %s, want a new task there", b, err, stderr)
	}
	if n := len(srv.ECS.Tasks("default")); n != 1 {
		t.Errorf("cluster default has %d tasks, want 1", n)
	}
}
