package fake_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/smithy-go"

	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// rawCall posts body with X-Amz-Target op and returns the status and the
// decoded error body.
func rawCall(t *testing.T, srv *faketest.Server, op, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "POST", srv.URL+"/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: answer is not JSON: %q", op, data)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		t.Errorf("%s: Content-Type %q", op, ct)
	}
	return resp.StatusCode, doc
}

func TestServerWireErrors(t *testing.T) {
	srv := ec2Cluster(t)
	for _, tc := range []struct {
		name, op, body string
		fault          map[string]any
		status         int
		typ, message   string
	}{
		{"MalformedJSONIsSerializationException", "ListClusters", `{"maxResults":`, nil, 400, "SerializationException", ""},
		{"WrongTypeIsSerializationException", "RunTask", `{"count":"3"}`, nil, 400, "SerializationException", "count"},
		{"UnsupportedOperationIsUnknownOperationException", "CreateTaskSet", `{}`, nil, 400, "UnknownOperationException", "CreateTaskSet"},
		{"MissingClusterIsClusterNotFoundException", "DescribeServices", `{"cluster":"nope","services":["a"]}`, nil, 400, "ClusterNotFoundException", "Cluster not found."},
		{"InjectedThrottlingIsThrottlingException", "ListServices", `{}`,
			map[string]any{"operation": "ListServices", "error": "ThrottlingException", "times": 1}, 400, "ThrottlingException", "Rate exceeded"},
		{"ServerExceptionIs500", "ListTasks", `{}`,
			map[string]any{"operation": "ListTasks", "error": "ServerException", "times": 1}, 500, "ServerException", ""},
		{"EmptyBodyIsEmptyInput", "ListClusters", ``, nil, 200, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.fault != nil {
				postControl(t, srv, "/_fake/v1/faults", tc.fault)
			}
			status, doc := rawCall(t, srv, tc.op, tc.body)
			typ, _ := doc["__type"].(string)
			msg, _ := doc["message"].(string)
			if status != tc.status || typ != tc.typ || !strings.Contains(msg, tc.message) {
				t.Errorf("%s %s: %d %v, want %d %s with %q", tc.op, tc.body, status, doc, tc.status, tc.typ, tc.message)
			}
		})
	}
}

func TestServerUnsupportedOperationReachesSDKAsUnknownOperation(t *testing.T) {
	srv := faketest.NewServer(t)
	_, err := srv.NewClient(oneAttempt).ListAccountSettings(t.Context(), &ecs.ListAccountSettingsInput{})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "UnknownOperationException" {
		t.Errorf("ListAccountSettings: %v, want UnknownOperationException", err)
	}
}

func TestServerRegionFromSignatureInARNs(t *testing.T) {
	srv := faketest.NewServer(t)
	for _, region := range []string{"eu-central-1", "ap-northeast-1"} {
		c := srv.NewClient(func(o *ecs.Options) { o.Region = region })
		out, err := c.CreateCluster(t.Context(), &ecs.CreateClusterInput{ClusterName: aws.String("r-" + region)})
		if err != nil {
			t.Fatal(err)
		}
		if want := "arn:aws:ecs:" + region + ":123456789012:cluster/r-" + region; aws.ToString(out.Cluster.ClusterArn) != want {
			t.Errorf("cluster ARN %s, want %s", aws.ToString(out.Cluster.ClusterArn), want)
		}
	}
}
