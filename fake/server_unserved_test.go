package fake_test

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// unservedServer is the fake's server, with a log that records each
// line, served on loopback; it returns the server and its URL.
func unservedServer(t *testing.T) (*fake.Server, string, *[]string) {
	t.Helper()
	var mu sync.Mutex
	var lines []string
	h := fake.NewServer(fake.New(), fake.WithUnservedLog(func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf(format, args...))
	}))
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return h, ts.URL, &lines
}

// Requests for services the fake does not serve get that protocol's own
// error shape with the code UnknownOperationException, so the Go SDK
// reports it as an API error with that code (not an unparseable
// "UnknownError"), and the server logs each service and operation once
// (issue #18.4: tools pointing every service at the fake with
// AWS_ENDPOINT_URL, e.g. sts GetCallerIdentity first).
func TestUnservedServiceAnswersInItsProtocolsErrorShape(t *testing.T) {
	h, url, lines := unservedServer(t)
	client := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""), RetryMaxAttempts: 1})
	for range 2 {
		_, err := client.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != fake.UnknownOperationCode || !strings.Contains(ae.ErrorMessage(), "sts GetCallerIdentity") {
			t.Fatalf("sts GetCallerIdentity: err = %v, want an API error %s naming sts GetCallerIdentity", err, fake.UnknownOperationCode)
		}
	}
	// An ECS operation the fake does not implement: ECS's JSON shape.
	ecsClient := ecs.New(ecs.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""), RetryMaxAttempts: 1})
	_, err := ecsClient.DescribeTaskSets(t.Context(), &ecs.DescribeTaskSetsInput{Cluster: aws.String("default"), Service: aws.String("web")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != fake.UnknownOperationCode {
		t.Fatalf("ecs DescribeTaskSets: err = %v, want %s", err, fake.UnknownOperationCode)
	}
	// Served operations are unaffected.
	if _, err := ecsClient.ListClusters(t.Context(), &ecs.ListClustersInput{}); err != nil {
		t.Fatalf("ListClusters: %v", err)
	}
	want := []string{"ecs DescribeTaskSets", "sts GetCallerIdentity"}
	if got := h.Unserved(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Unserved() = %q, want %q", got, want)
	}
	if len(*lines) != 2 || !strings.Contains(strings.Join(*lines, "\n"), "not served: sts GetCallerIdentity") {
		t.Errorf("log lines %q, want one per kind (2)", *lines)
	}
}

// boto3Unserved calls STS and IAM (Query) and Secrets Manager (JSON 1.1)
// and prints the error code botocore parsed for each.
const boto3Unserved = `
import sys, boto3, botocore
cfg = botocore.config.Config(retries={"max_attempts": 1})
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x", config=cfg)
for svc, call in (("sts", lambda c: c.get_caller_identity()), ("iam", lambda c: c.list_roles()),
                  ("secretsmanager", lambda c: c.list_secrets())):
    try:
        call(boto3.client(svc, **kw))
        print(svc, "no error")
    except botocore.exceptions.ClientError as e:
        print(svc, e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])
`

// The same with boto3: each protocol's error shape parses into a
// ClientError with code UnknownOperationException.
func TestUnservedServiceBoto3(t *testing.T) {
	needBoto3(t)
	h, url, lines := unservedServer(t)
	want := "sts UnknownOperationException 400\niam UnknownOperationException 400\nsecretsmanager UnknownOperationException 400\n"
	wantBoto3(t, boto3Unserved, url, want)
	if got := strings.Join(h.Unserved(), ","); got != "iam ListRoles,secretsmanager ListSecrets,sts GetCallerIdentity" {
		t.Errorf("Unserved() = %q", got)
	}
	if len(*lines) != 3 {
		t.Errorf("log lines %q, want 3", *lines)
	}
}
