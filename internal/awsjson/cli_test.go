package awsjson

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// awsCLI runs the AWS CLI against url and returns its stdout, stderr and error.
func awsCLI(t *testing.T, url string, args ...string) (string, string, error) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), "aws", append([]string{"--endpoint-url", url, "--output", "json"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=x", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE="+filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1", "AWS_PAGER=")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

func TestAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the test that starts an external client process")
	}
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("AWS CLI (`aws`) not on PATH; install it (pip install awscli) to run the CLI wire tests")
	}
	r := newRecorder()
	r.outs["ListClusters"] = &ecs.ListClustersOutput{ClusterArns: []string{"arn:aws:ecs:us-east-1:123456789012:cluster/default"}}
	r.outs["RegisterTaskDefinition"] = &ecs.RegisterTaskDefinitionOutput{TaskDefinition: &types.TaskDefinition{
		Family: aws.String("web"), Revision: 3, Status: types.TaskDefinitionStatusActive,
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("web"), Image: aws.String("nginx:1.27")}},
	}}
	var mu sync.Mutex
	var regions []string
	srv := httptest.NewServer(NewHandler(r, WithContext(func(ctx context.Context, region string) context.Context {
		mu.Lock()
		regions = append(regions, region)
		mu.Unlock()
		return ctx
	})))
	t.Cleanup(srv.Close)

	t.Run("ListClusters", func(t *testing.T) {
		out, stderr, err := awsCLI(t, srv.URL, "ecs", "list-clusters")
		if err != nil {
			t.Fatalf("aws ecs list-clusters: %v\n%s", err, stderr)
		}
		var doc struct{ ClusterArns []string }
		if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.ClusterArns) != 1 || !strings.HasSuffix(doc.ClusterArns[0], "cluster/default") {
			t.Errorf("output %q (%v)", out, err)
		}
	})

	t.Run("RegisterTaskDefinitionFromJSONFile", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "td.json")
		td := `{"family":"web","containerDefinitions":[{"name":"web","image":"nginx:1.27","cpu":128,"essential":true,` +
			`"portMappings":[{"containerPort":80,"protocol":"tcp"}]}],"requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512"}`
		if err := os.WriteFile(file, []byte(td), 0o600); err != nil {
			t.Fatal(err)
		}
		out, stderr, err := awsCLI(t, srv.URL, "--region", "eu-west-1", "ecs", "register-task-definition", "--cli-input-json", "file://"+file)
		if err != nil {
			t.Fatalf("register-task-definition: %v\n%s", err, stderr)
		}
		if !strings.Contains(out, `"revision": 3`) {
			t.Errorf("output lacks revision 3: %s", out)
		}
		r.mu.Lock()
		in := r.ins["RegisterTaskDefinition"].(*ecs.RegisterTaskDefinitionInput)
		r.mu.Unlock()
		c := in.ContainerDefinitions[0]
		if *in.Family != "web" || c.Cpu != 128 || !*c.Essential || *c.PortMappings[0].ContainerPort != 80 ||
			c.PortMappings[0].Protocol != types.TransportProtocolTcp || in.RequiresCompatibilities[0] != types.CompatibilityFargate {
			t.Errorf("decoded input %+v", in)
		}
		mu.Lock()
		defer mu.Unlock()
		if regions[len(regions)-1] != "eu-west-1" {
			t.Errorf("region = %q, want eu-west-1 from the CLI's SigV4 scope", regions[len(regions)-1])
		}
	})

	t.Run("TypedErrorShownByCLI", func(t *testing.T) {
		r.mu.Lock()
		r.err = &types.ClusterNotFoundException{Message: aws.String("Cluster not found.")}
		r.mu.Unlock()
		defer func() { r.mu.Lock(); r.err = nil; r.mu.Unlock() }()
		_, stderr, err := awsCLI(t, srv.URL, "ecs", "describe-clusters", "--clusters", "nope")
		if err == nil {
			t.Fatal("describe-clusters succeeded, want ClusterNotFoundException")
		}
		if !strings.Contains(stderr, "(ClusterNotFoundException)") || !strings.Contains(stderr, "Cluster not found.") {
			t.Errorf("stderr = %q", stderr)
		}
	})
}
