package fake_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// sdCluster serves a fake with cluster "default" and four EC2 instances,
// and registers "web" revisions 1 (nginx:1) and 2 (image).
func sdCluster(t *testing.T, image string) *faketest.Server {
	t.Helper()
	srv := faketest.NewServer(t)
	if _, err := srv.Client.CreateCluster(t.Context(), &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if _, err := srv.ECS.AddInstance("default", fake.InstanceSpec{CPU: 2048, Memory: 4096}); err != nil {
			t.Fatal(err)
		}
	}
	registerWeb(t, srv.Client, "nginx:1")
	registerWeb(t, srv.Client, image)
	return srv
}

// TestServiceDeploymentsOverHTTPWithGoSDK: a circuit-breaker rollback
// seen through the Go SDK over HTTP: ListServiceDeployments pages,
// DescribeServiceDeployments' statuses, rollback and breaker,
// DescribeServiceRevisions, and the typed errors of
// StopServiceDeployment.
func TestServiceDeploymentsOverHTTPWithGoSDK(t *testing.T) {
	srv := sdCluster(t, "nginx:bad")
	ctx, c := t.Context(), srv.Client
	if err := srv.ECS.InjectFault(fake.Fault{Image: "nginx:bad", Action: fake.FaultFailStart}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String("web:1"), DesiredCount: aws.Int32(2),
		DeploymentConfiguration: &types.DeploymentConfiguration{DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}}}); err != nil {
		t.Fatal(err)
	}
	srv.ECS.Advance(5 * time.Minute)
	if _, err := c.UpdateService(ctx, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String("web:2")}); err != nil {
		t.Fatal(err)
	}
	var arns []string
	var tok *string
	for {
		page, err := c.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{Service: aws.String("web"), MaxResults: aws.Int32(1), NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range page.ServiceDeployments {
			arns = append(arns, aws.ToString(b.ServiceDeploymentArn))
		}
		if tok = page.NextToken; tok == nil || len(arns) > 2 {
			break
		}
	}
	if len(arns) != 2 {
		t.Fatalf("paged %d service deployments, want 2", len(arns))
	}
	var sd types.ServiceDeployment
	for waited := time.Duration(0); ; waited += 10 * time.Second {
		out, err := c.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: arns})
		if err != nil || len(out.ServiceDeployments) != 2 {
			t.Fatalf("DescribeServiceDeployments: %v %+v", err, out)
		}
		if out.ServiceDeployments[1].Status != types.ServiceDeploymentStatusSuccessful {
			t.Fatalf("first deployment %s", out.ServiceDeployments[1].Status)
		}
		if sd = out.ServiceDeployments[0]; sd.Status == types.ServiceDeploymentStatusRollbackSuccessful {
			break
		}
		if waited > 30*time.Minute {
			t.Fatalf("still %s", sd.Status)
		}
		srv.ECS.Advance(10 * time.Second)
	}
	if sd.Rollback == nil || sd.Rollback.StartedAt == nil || sd.FinishedAt == nil || sd.FinishedAt.Before(*sd.Rollback.StartedAt) ||
		sd.DeploymentCircuitBreaker.Status != types.ServiceDeploymentRollbackMonitorsStatusTriggered || sd.DeploymentCircuitBreaker.Threshold != 3 {
		t.Fatalf("rolled back: %+v %+v", sd.Rollback, sd.DeploymentCircuitBreaker)
	}
	revs, err := c.DescribeServiceRevisions(ctx, &ecs.DescribeServiceRevisionsInput{ServiceRevisionArns: []string{aws.ToString(sd.Rollback.ServiceRevisionArn)}})
	if err != nil || len(revs.ServiceRevisions) != 1 || !strings.HasSuffix(aws.ToString(revs.ServiceRevisions[0].TaskDefinition), ":task-definition/web:1") {
		t.Fatalf("rollback revision: %v %+v", err, revs)
	}
	_, err = c.StopServiceDeployment(ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: sd.ServiceDeploymentArn, StopType: types.StopServiceDeploymentStopTypeRollback})
	var conflict *types.ConflictException
	if !errors.As(err, &conflict) {
		t.Fatalf("stopping a finished deployment: %v", err)
	}
	_, err = c.StopServiceDeployment(ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(arns[0] + "x")})
	var notFound *types.ServiceDeploymentNotFoundException
	if !errors.As(err, &notFound) || notFound.ErrorMessage() != "Service deployment not found." {
		t.Fatalf("unknown deployment: %v", err)
	}
	_, err = c.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{Service: aws.String("nope")})
	var noService *types.ServiceNotFoundException
	if !errors.As(err, &noService) {
		t.Fatalf("unknown service: %v", err)
	}
}

// boto3ServiceDeployments deploys, stops the deployment with a rollback
// and reads the history back with boto3, printing what it parsed.
const boto3ServiceDeployments = `
c = client("ecs", "us-east-1")
c.create_service(serviceName="web", taskDefinition="web:1", desiredCount=2,
    deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": False}})
advance("5m")
c.update_service(service="web", taskDefinition="web:2")
advance("15s")
sds = c.list_service_deployments(service="web")["serviceDeployments"]
print([s["status"] for s in sds], isinstance(sds[0]["createdAt"], datetime.datetime))
c.stop_service_deployment(serviceDeploymentArn=sds[0]["serviceDeploymentArn"], stopType="ROLLBACK")
d = c.describe_service_deployments(serviceDeploymentArns=[sds[0]["serviceDeploymentArn"]])["serviceDeployments"][0]
print(d["status"], d["rollback"]["serviceRevisionArn"] == sds[1]["targetServiceRevisionArn"], d["targetServiceRevision"]["requestedTaskCount"])
advance("5m")
d = c.describe_service_deployments(serviceDeploymentArns=[sds[0]["serviceDeploymentArn"]])["serviceDeployments"][0]
print(d["status"], d["finishedAt"] >= d["rollback"]["startedAt"], d["deploymentCircuitBreaker"]["status"], d["alarms"]["status"])
r = c.describe_service_revisions(serviceRevisionArns=[sds[1]["targetServiceRevisionArn"]])["serviceRevisions"][0]
print(r["taskDefinition"].split("/")[-1], r["launchType"], [i["image"] for i in r["containerImages"]])
try:
    c.stop_service_deployment(serviceDeploymentArn=sds[0]["serviceDeploymentArn"])
except c.exceptions.ConflictException as e:
    print("ConflictException")
try:
    c.describe_service_deployments(serviceDeploymentArns=["arn:aws:ecs:us-east-1:123456789012:service-deployment/nope/web/x"])
except c.exceptions.ClusterNotFoundException as e:
    print("ClusterNotFoundException", e.response["Error"]["Message"])
`

// TestBoto3ServiceDeployments: boto3 reads the history of a deployment it
// stops with a rollback (statuses, rollback, counts, revisions, errors).
func TestBoto3ServiceDeployments(t *testing.T) {
	needBoto3(t)
	srv := sdCluster(t, "nginx:2")
	// While the rollback runs, the stopped revision is scaled in: ECS no
	// longer requests tasks of it.
	want := "['IN_PROGRESS', 'SUCCESSFUL'] True\n" +
		"ROLLBACK_IN_PROGRESS True 0\n" +
		"ROLLBACK_SUCCESSFUL True MONITORING_COMPLETE DISABLED\n" +
		"web:1 EC2 ['nginx:1']\n" +
		"ConflictException\n" +
		"ClusterNotFoundException Cluster not found.\n"
	wantBoto3(t, boto3ServiceDeployments, srv.URL, want)
}

// TestAWSCLIServiceDeployments: the AWS CLI's list-service-deployments,
// describe-service-deployments, describe-service-revisions and
// stop-service-deployment against the server.
func TestAWSCLIServiceDeployments(t *testing.T) {
	needTool(t, "aws", "pip install awscli")
	srv := sdCluster(t, "nginx:2")
	cli := func(args ...string) string {
		t.Helper()
		out, stderr, err := awsCLI(t, srv, args...)
		if err != nil {
			t.Fatalf("aws %v: %v %s", args[:2], err, stderr)
		}
		return strings.Join(strings.Fields(out), " ")
	}
	cli("ecs", "create-service", "--service-name", "web", "--task-definition", "web:1", "--desired-count", "2")
	srv.ECS.Advance(5 * time.Minute)
	cli("ecs", "update-service", "--service", "web", "--task-definition", "web:2")
	srv.ECS.Advance(15 * time.Second)
	if got := cli("ecs", "list-service-deployments", "--cluster", "default", "--service", "web",
		"--query", "serviceDeployments[].status", "--output", "text"); got != "IN_PROGRESS SUCCESSFUL" {
		t.Fatalf("list-service-deployments: %q", got)
	}
	arns := strings.Fields(cli("ecs", "list-service-deployments", "--service", "web", "--status", "IN_PROGRESS",
		"--query", "serviceDeployments[].[serviceDeploymentArn,targetServiceRevisionArn]", "--output", "text"))
	if len(arns) != 2 {
		t.Fatalf("IN_PROGRESS: %v", arns)
	}
	if got := cli("ecs", "stop-service-deployment", "--service-deployment-arn", arns[0], "--stop-type", "ROLLBACK",
		"--query", "serviceDeploymentArn", "--output", "text"); got != arns[0] {
		t.Fatalf("stop-service-deployment printed %q", got)
	}
	srv.ECS.Advance(5 * time.Minute)
	if got := cli("ecs", "describe-service-deployments", "--service-deployment-arns", arns[0],
		"--query", "serviceDeployments[0].[status,targetServiceRevision.runningTaskCount,sourceServiceRevisions[0].runningTaskCount]",
		"--output", "text"); got != "ROLLBACK_SUCCESSFUL 0 2" {
		t.Fatalf("describe-service-deployments: %q", got)
	}
	if got := cli("ecs", "describe-service-revisions", "--service-revision-arns", arns[1],
		"--query", "serviceRevisions[0].containerImages[0].image", "--output", "text"); got != "nginx:2" {
		t.Fatalf("describe-service-revisions: %q", got)
	}
	_, stderr, err := awsCLI(t, srv, "ecs", "stop-service-deployment", "--service-deployment-arn", arns[0])
	if err == nil || !strings.Contains(stderr, "(ConflictException)") {
		t.Fatalf("stopping a finished deployment: %v %q", err, stderr)
	}
}
