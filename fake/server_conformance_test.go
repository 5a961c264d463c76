package fake_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/ecsdeploytest"
	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// conformanceClient is an *ecs.Client for srv whose retries do not wait in
// real time (the Deployer's waits go through the fake's virtual clock).
func conformanceClient(srv *faketest.Server) *ecs.Client {
	return srv.NewClient(func(o *ecs.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) { so.Backoff = noBackoff{} })
	})
}

// TestConformanceOverHTTPFargate runs the Deployer conformance suite with
// the real *ecs.Client over HTTP against the server; its hooks script the
// fake through the /_fake/v1 controls, as any HTTP client would.
func TestConformanceOverHTTPFargate(t *testing.T) {
	srv := faketest.NewServer(t)
	if _, err := srv.Client.CreateCluster(t.Context(), &ecs.CreateClusterInput{ClusterName: aws.String("conformance")}); err != nil {
		t.Fatal(err)
	}
	n := 0
	ecsdeploytest.Run(t, ecsdeploytest.Backend{
		API:        conformanceClient(srv),
		Clock:      srv.ECS, // Sleep advances the fake's virtual time
		Cluster:    "conformance",
		LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
			Subnets: []string{"subnet-0123456789abcdef0"}}},
		FailingImage: func(t *testing.T) string {
			n++
			image := fmt.Sprintf("registry.example/missing-%d:bad", n)
			postControl(t, srv, "/_fake/v1/faults", map[string]any{"image": image, "action": "fail-start",
				"reason": "CannotPullContainerError: pull access denied"})
			return image
		},
		ExitingContainer: func(t *testing.T, code int32) (string, []string) {
			n++
			image := fmt.Sprintf("registry.example/exits-%d:1", n)
			postControl(t, srv, "/_fake/v1/faults", map[string]any{"image": image, "action": "exit", "exitCode": code, "after": "5s"})
			return image, []string{"sh", "-c", fmt.Sprintf("exit %d", code)}
		},
		FailOperation: func(t *testing.T, op, code string, times int) {
			postControl(t, srv, "/_fake/v1/faults", map[string]any{"operation": op, "error": code, "times": times})
		},
		Calls: func() map[string]int {
			var doc struct{ Counts map[string]int }
			getControl(t, srv, "/_fake/v1/calls", &doc)
			return doc.Counts
		},
	})
}

// TestConformanceOverHTTPEC2 runs the suite on EC2 capacity, with hooks
// calling the in-process fake behind the server.
func TestConformanceOverHTTPEC2(t *testing.T) {
	srv := faketest.NewServer(t)
	if _, err := srv.Client.CreateCluster(t.Context(), &ecs.CreateClusterInput{ClusterName: aws.String("conformance")}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := srv.ECS.AddInstance("conformance", fake.InstanceSpec{CPU: 4096, Memory: 8192}); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	ecsdeploytest.Run(t, ecsdeploytest.Backend{
		API:        conformanceClient(srv),
		Clock:      srv.ECS,
		Cluster:    "conformance",
		LaunchType: types.LaunchTypeEc2,
		FailingImage: func(t *testing.T) string {
			n++
			image := fmt.Sprintf("registry.example/missing-%d:bad", n)
			if err := srv.ECS.InjectFault(fake.Fault{Image: image, Action: fake.FaultFailStart}); err != nil {
				t.Fatal(err)
			}
			return image
		},
		ExitingContainer: func(t *testing.T, code int32) (string, []string) {
			n++
			image := fmt.Sprintf("registry.example/exits-%d:1", n)
			if err := srv.ECS.InjectFault(fake.Fault{Image: image, Action: fake.FaultExit, ExitCode: code}); err != nil {
				t.Fatal(err)
			}
			return image, nil
		},
		AddCapacity: func(t *testing.T, cpu, memory int32) {
			postControl(t, srv, "/_fake/v1/instances", map[string]any{"cluster": "conformance", "cpu": cpu, "memory": memory})
		},
		FailOperation: func(_ *testing.T, op, code string, times int) { srv.ECS.FailOperation(op, code, times, 0) },
		Calls:         srv.ECS.CallCounts,
	})
}

// postControl POSTs body as JSON to a control and fails t unless it
// answers 200.
func postControl(t *testing.T, srv *faketest.Server, path string, body any) {
	t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	if status, doc := control(t, srv, "POST", path, string(data)); status != 200 {
		t.Fatalf("POST %s %s: %d %v", path, data, status, doc)
	}
}

// getControl GETs a control and decodes its answer into v.
func getControl(t *testing.T, srv *faketest.Server, path string, v any) {
	t.Helper()
	status, doc := control(t, srv, "GET", path, "")
	if status != 200 {
		t.Fatalf("GET %s: %d %v", path, status, doc)
	}
	data, _ := json.Marshal(doc)
	if err := json.NewDecoder(strings.NewReader(string(data))).Decode(v); err != nil {
		t.Fatal(err)
	}
}
