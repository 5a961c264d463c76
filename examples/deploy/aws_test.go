package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// The -aws path end to end: the default AWS config chain, the real SDK
// client and its serialization, against the fake served over HTTP
// (AWS_ENDPOINT_URL_ECS), on a clock 100 times faster than the wall.
func TestRunAWSModeAgainstFakeServer(t *testing.T) {
	if testing.Short() {
		t.Skip("plays the story in sped-up real time")
	}
	noAWS(t)
	e := fake.New(fake.WithClock(fake.RealTime(100)))
	srv := faketest.NewServerFor(t, e)
	ctx := context.Background()
	if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	broken := "public.ecr.aws/nginx/nginx:0.0-does-not-exist"
	if err := e.InjectFault(fake.Fault{Image: broken, Action: fake.FaultFailStart}); err != nil {
		t.Fatal(err)
	}
	// What the migration and the crashing release print (on AWS their
	// shell commands do it).
	o, _ := parseFlags(nil, io.Discard)
	if err := scriptFake(e, o); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ENDPOINT_URL_ECS", srv.URL)
	t.Setenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFAKE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fake-secret")

	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"-aws", "-region", faketest.Region, "-cluster", "prod", "-subnets", "subnet-0a,subnet-0b",
		"-security-groups", "sg-01", "-execution-role", "arn:aws:iam::123456789012:role/ecsTaskExecutionRole", "-poll", "20ms", "-timeout", "2m", "-crash-wait", "2s"}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("exit %d\nstderr: %s\nstdout:\n%s", code, stderr.String(), stdout.String())
	}
	for _, want := range []string{"Playing the ECS story on Amazon ECS in us-east-1", "family ecsdeploy-demo",
		"runs ecsdeploy-demo:2 again after the rollback", "Deleting service ecsdeploy-demo",
		"created log group /ecs/ecsdeploy-demo", " migrations done\n", "      | FATAL: environment variable DATABASE_URL is not set\n"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	// Without -keep the story deletes the service it created.
	out, err := srv.Client.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("prod"), Services: []string{"ecsdeploy-demo"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Services) == 1 && aws.ToString(out.Services[0].Status) == "ACTIVE" {
		t.Errorf("service still ACTIVE after the story")
	}
	if n := e.CallCount("DeleteService"); n != 1 {
		t.Errorf("DeleteService called %d times, want 1", n)
	}
}

func TestRunAWSModeClusterMissing(t *testing.T) {
	noAWS(t)
	srv := faketest.NewServer(t)
	t.Setenv("AWS_ENDPOINT_URL_ECS", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFAKE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fake-secret")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-aws", "-region", faketest.Region, "-cluster", "nope", "-subnets", "subnet-0a",
		"-execution-role", "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"}, &stdout, &stderr)
	if code != exitFailed || !strings.Contains(stderr.String(), `cluster "nope" not found`) || !strings.Contains(stderr.String(), "aws ecs create-cluster") {
		t.Errorf("exit %d, stderr %q; want 1 and how to create the cluster", code, stderr.String())
	}
}
