package fake_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// awsCLI runs `aws --endpoint-url <srv> args...` with throwaway
// credentials and returns stdout, stderr and the error.
func awsCLI(t *testing.T, srv *faketest.Server, args ...string) (string, string, error) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), "aws", append([]string{"--endpoint-url", srv.URL}, args...)...)
	cmd.Dir = dir
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=x", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE="+filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=", "AWS_RETRY_MODE=standard", "AWS_MAX_ATTEMPTS=3")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// needTool skips the test under -short or when name is not on PATH.
func needTool(t *testing.T, name, install string) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping the test that starts an external client process")
	}
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not on PATH; %s to run this wire test", name, install)
	}
}

// needBoto3 skips the test under -short or when python3 cannot import
// boto3.
func needBoto3(t *testing.T) {
	t.Helper()
	needTool(t, "python3", "install python3 and boto3")
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("boto3 not importable; pip install boto3 to run the boto3 wire test")
	}
}

// boto3Prelude runs before every boto3 script: it imports what the
// scripts use and defines url (sys.argv[1]), advance(duration) (the
// control's virtual clock) and client(service, region), a boto3 client of
// the server with throwaway credentials and no retries.
const boto3Prelude = `
import sys, json, datetime, urllib.request, boto3, botocore
url = sys.argv[1]
def advance(d):
    urllib.request.urlopen(urllib.request.Request(url + "/_fake/v1/advance", data=json.dumps({"duration": d}).encode(), method="POST"))
def client(service, region):
    return boto3.client(service, endpoint_url=url, region_name=region, aws_access_key_id="x", aws_secret_access_key="x",
                        config=botocore.config.Config(retries={"max_attempts": 1}))
`

// runBoto3 runs boto3Prelude then a Python script (sys.argv[1:] = url,
// args...) with throwaway AWS config and credentials files and returns
// what it printed; the test fails if the script does. Call needBoto3
// first.
func runBoto3(t *testing.T, script, url string, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), "python3", append([]string{"-c", boto3Prelude + script, url}, args...)...)
	cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE="+filepath.Join(dir, "c"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "k"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("boto3 script: %v\n%s", err, out)
	}
	return string(out)
}

// wantBoto3 runs a boto3 script with runBoto3 and fails the test unless
// it printed exactly want.
func wantBoto3(t *testing.T, script, url, want string, args ...string) {
	t.Helper()
	if out := runBoto3(t, script, url, args...); out != want {
		t.Errorf("boto3 printed:\n%s\nwant:\n%s", out, want)
	}
}

// TestAWSCLIAgainstServer checks what the README walk-through (run by
// cmd/ecsfake's TestReadmeCommands) does not: the waiter's failure
// acceptor, the region of the CLI's signature in ARNs, typed errors and
// the CLI's own retries of throttling.
func TestAWSCLIAgainstServer(t *testing.T) {
	needTool(t, "aws", "pip install awscli")
	srv := ec2Cluster(t)
	registerWeb(t, srv.Client, "nginx:1.27")
	_, err := srv.Client.CreateService(t.Context(), &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String("web"),
		DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeEc2})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("ServicesStableFailsOnDeletedService", func(t *testing.T) {
		if _, err := srv.Client.DeleteService(t.Context(), &ecs.DeleteServiceInput{Service: aws.String("web"), Force: aws.Bool(true)}); err != nil {
			t.Fatal(err)
		}
		_, stderr, err := awsCLI(t, srv, "ecs", "wait", "services-stable", "--cluster", "default", "--services", "web")
		if err == nil || !strings.Contains(stderr, "Waiter ServicesStable failed") || !strings.Contains(stderr, "terminal failure state") {
			t.Errorf("wait services-stable on a deleted service: %v %q, want the waiter's failure state", err, stderr)
		}
	})

	t.Run("RegionFromSignatureInARNs", func(t *testing.T) {
		out, stderr, err := awsCLI(t, srv, "--region", "eu-west-1", "ecs", "create-cluster", "--cluster-name", "eu",
			"--query", "cluster.clusterArn", "--output", "text")
		if err != nil || strings.TrimSpace(out) != "arn:aws:ecs:eu-west-1:123456789012:cluster/eu" {
			t.Errorf("create-cluster --region eu-west-1: %q %v %s", out, err, stderr)
		}
	})

	t.Run("TypedErrorShown", func(t *testing.T) {
		_, stderr, err := awsCLI(t, srv, "ecs", "update-service", "--cluster", "nope", "--service", "web", "--desired-count", "1")
		if err == nil || !strings.Contains(stderr, "(ClusterNotFoundException)") || !strings.Contains(stderr, "Cluster not found.") {
			t.Errorf("update-service on a missing cluster: %v %q", err, stderr)
		}
	})

	t.Run("ThrottlingRetriedByCLI", func(t *testing.T) {
		postControl(t, srv, "/_fake/v1/faults", map[string]any{"operation": "ListClusters", "error": "ThrottlingException", "times": 2})
		before := srv.ECS.CallCount("ListClusters")
		out, stderr, err := awsCLI(t, srv, "ecs", "list-clusters", "--output", "text")
		if err != nil || !strings.Contains(out, "cluster/default") {
			t.Fatalf("list-clusters with 2 throttles: %v %q %s", err, out, stderr)
		}
		if got := srv.ECS.CallCount("ListClusters") - before; got != 3 {
			t.Errorf("ListClusters reached the fake %d times, want 3 (2 throttled + 1)", got)
		}
	})
}

// boto3Scenario runs a Fargate task with boto3: it registers a task
// definition, runs a task, advances virtual time through the control,
// waits with boto3's tasks_running waiter and prints what it parsed.
const boto3Scenario = `
c = client("ecs", "ap-southeast-2")
c.create_cluster(clusterName="py")
c.register_task_definition(family="py", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
    containerDefinitions=[{"name": "app", "image": "python:3.12", "essential": True}])
t = c.run_task(cluster="py", taskDefinition="py", launchType="FARGATE",
    networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1"]}})["tasks"][0]
advance("1m")
c.get_waiter("tasks_running").wait(cluster="py", tasks=[t["taskArn"]], WaiterConfig={"Delay": 1, "MaxAttempts": 2})
d = c.describe_tasks(cluster="py", tasks=[t["taskArn"]])["tasks"][0]
print(t["taskArn"].split(":")[3], d["lastStatus"], type(d["startedAt"]).__name__)
try:
    c.describe_services(cluster="nope", services=["x"])
except c.exceptions.ClusterNotFoundException as e:
    print("ClusterNotFoundException", e.response["Error"]["Message"])
`

func TestBoto3AgainstServer(t *testing.T) {
	needBoto3(t)
	srv := faketest.NewServer(t)
	want := "ap-southeast-2 RUNNING datetime\nClusterNotFoundException Cluster not found.\n"
	wantBoto3(t, boto3Scenario, srv.URL, want)
}
