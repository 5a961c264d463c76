package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// noAWS hides every source of AWS configuration and credentials.
func noAWS(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECS"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", dir+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", dir+"/credentials")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

func TestAWSWithoutCredentialsExits1(t *testing.T) {
	noAWS(t)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-aws", "-region", "eu-west-1", "-spec", specFile, "-status"}, &stdout, &stderr, connect)
	if code != exitFailed || !strings.Contains(stderr.String(), "no AWS credentials found for -aws") {
		t.Errorf("exit %d, stderr %q; want 1 and the missing credentials named", code, stderr.String())
	}
}

func TestAWSWithoutRegionExits1(t *testing.T) {
	noAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-aws", "-spec", specFile, "-status"}, &stdout, &stderr, connect)
	if code != exitFailed || !strings.Contains(stderr.String(), "no AWS region: pass -region or set AWS_REGION") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

// -aws through the default config chain and the real SDK client, pointed
// at the fake served over HTTP by AWS_ENDPOINT_URL_ECS, as a CI job would
// point it at cmd/ecsfake.
func TestAWSModeAgainstFakeServer(t *testing.T) {
	if testing.Short() {
		t.Skip("waits in sped-up real time")
	}
	noAWS(t)
	e := fake.New(fake.WithClock(fake.RealTime(500)))
	srv := faketest.NewServerFor(t, e)
	if _, err := e.CreateCluster(context.Background(), &ecs.CreateClusterInput{ClusterName: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ENDPOINT_URL_ECS", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFAKE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fake-secret")
	t.Setenv("AWS_REGION", faketest.Region)
	tool := func(want int, extra ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		a := append([]string{"-aws", "-poll", "20ms", "-timeout", "1m", "-spec", specFile}, extra...)
		if code := run(context.Background(), a, &stdout, &stderr, connect); code != want {
			t.Fatalf("%v: exit %d, want %d\nstderr: %s\nstdout:\n%s", extra, code, want, stderr.String(), stdout.String())
		}
		return stdout.String()
	}
	tool(exitDiff, "-taskdef", taskdefFile, "-diff")
	if out := tool(exitOK, "-taskdef", taskdefFile, "-deploy"); !strings.Contains(out, "on Amazon ECS in us-east-1") {
		t.Errorf("output:\n%s", out)
	}
	tool(exitOK, "-taskdef", taskdefFile, "-diff")
	tool(exitOK, "-status")
}
