package awsjson

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// boto3Script describes services and prints what boto3 parsed: the deployment statuses, the
// type of createdAt (boto3 turns epoch seconds into datetime) and the typed error for a
// missing cluster.
const boto3Script = `
import sys, boto3, botocore
c = boto3.client("ecs", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id="x", aws_secret_access_key="x",
                 config=botocore.config.Config(retries={"max_attempts": 1}))
s = c.describe_services(cluster="default", services=["web"])["services"][0]
print(",".join(d["status"] for d in s["deployments"]), type(s["createdAt"]).__name__, s["createdAt"].timestamp())
try:
    c.describe_clusters(clusters=["nope"])
except c.exceptions.ClusterNotFoundException as e:
    print("ClusterNotFoundException", e.response["Error"]["Message"])
`

func TestBoto3(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the test that starts an external client process")
	}
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("python3 with boto3 not available; pip install boto3 to run the boto3 wire test")
	}
	at := time.UnixMilli(1466801808595).UTC()
	r := newRecorder()
	r.outs["DescribeServices"] = &ecs.DescribeServicesOutput{Services: []types.Service{{
		ServiceName: aws.String("web"), CreatedAt: &at,
		Deployments: []types.Deployment{{Status: aws.String("PRIMARY")}, {Status: aws.String("ACTIVE")}},
	}}}
	h := NewHandler(&clusterNotFound{r})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), "python3", "-c", boto3Script, srv.URL)
	cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE="+filepath.Join(dir, "c"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "k"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("boto3: %v\n%s", err, out)
	}
	want := "PRIMARY,ACTIVE datetime 1466801808.595\nClusterNotFoundException Cluster not found.\n"
	if string(out) != want {
		t.Errorf("boto3 printed %q, want %q", out, want)
	}
}

// clusterNotFound serves DescribeServices from a recorder and fails DescribeClusters.
type clusterNotFound struct{ r *recorder }

func (c *clusterNotFound) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, o ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	return c.r.DescribeServices(ctx, in, o...)
}

func (c *clusterNotFound) DescribeClusters(context.Context, *ecs.DescribeClustersInput, ...func(*ecs.Options)) (*ecs.DescribeClustersOutput, error) {
	return nil, &types.ClusterNotFoundException{Message: aws.String("Cluster not found.")}
}
