package fake_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// cliService is the part of `aws ecs describe-services` the bake test reads.
type cliService struct {
	Services []struct {
		RunningCount int `json:"runningCount"`
		Deployments  []struct {
			TaskDefinition string `json:"taskDefinition"`
			RolloutState   string `json:"rolloutState"`
			RunningCount   int    `json:"runningCount"`
			PendingCount   int    `json:"pendingCount"`
		} `json:"deployments"`
	} `json:"services"`
}

// describeWebCLI runs `aws ecs describe-services` for "web" and decodes it.
func describeWebCLI(t *testing.T, srv *faketest.Server) cliService {
	t.Helper()
	out, stderr, err := awsCLI(t, srv, "ecs", "describe-services", "--services", "web", "--output", "json")
	if err != nil {
		t.Fatalf("aws ecs describe-services: %v\n%s", err, stderr)
	}
	var s cliService
	if err := json.Unmarshal([]byte(out), &s); err != nil || len(s.Services) != 1 {
		t.Fatalf("describe-services output %v: %s", err, out)
	}
	return s
}

// TestDeploymentBakeOverTheWireCLI: the AWS CLI sees a deployment watched
// by a deployment alarm IN_PROGRESS, alone in the list with its 3 tasks
// RUNNING, for the bake after the old revision scaled in (one minute: the
// alarm's 60 s x 1), and COMPLETED at its end; its services-stable waiter
// returns during the bake (it does not read rolloutState).
func TestDeploymentBakeOverTheWireCLI(t *testing.T) {
	needTool(t, "aws", "install the AWS CLI")
	srv := sdCluster(t, "nginx:2")
	ctx, c := t.Context(), srv.Client
	if _, err := srv.ECS.CloudWatch().PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("errors"), Namespace: aws.String("App"),
		MetricName: aws.String("Errors"), Statistic: cwtypes.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1),
		Threshold: aws.Float64(10), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String("web:1"), DesiredCount: aws.Int32(3),
		DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(100), MaximumPercent: aws.Int32(200),
			Alarms: &types.DeploymentAlarms{AlarmNames: []string{"errors"}, Enable: true}}}); err != nil {
		t.Fatal(err)
	}
	srv.ECS.Advance(10 * time.Minute)
	if _, err := c.UpdateService(ctx, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String("web:2")}); err != nil {
		t.Fatal(err)
	}
	alone := func() bool {
		out, err := c.DescribeServices(ctx, &ecs.DescribeServicesInput{Services: []string{"web"}})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.Services[0].Deployments) == 1
	}
	waited := time.Duration(0)
	for ; !alone(); waited += time.Second {
		if waited > 10*time.Minute {
			t.Fatal("the old deployment never scaled in")
		}
		srv.ECS.Advance(time.Second)
	}
	s := describeWebCLI(t, srv).Services[0]
	if d := s.Deployments; len(d) != 1 || d[0].RolloutState != "IN_PROGRESS" || d[0].RunningCount != 3 || d[0].PendingCount != 0 ||
		s.RunningCount != 3 || !strings.HasSuffix(d[0].TaskDefinition, "/web:2") {
		t.Fatalf("baking, through the CLI: %+v", s)
	}
	// The CLI's services-stable waiter looks at the deployments' count and
	// runningCount, not rolloutState (botocore's waiters-2.json): it
	// returns during the bake, before ECS set the deployment COMPLETED.
	if _, stderr, err := awsCLI(t, srv, "ecs", "wait", "services-stable", "--services", "web"); err != nil {
		t.Fatalf("aws ecs wait services-stable during the bake: %v\n%s", err, stderr)
	}
	if st := describeWebCLI(t, srv).Services[0].Deployments[0].RolloutState; st != "IN_PROGRESS" {
		t.Fatalf("after services-stable returned: %s, want still IN_PROGRESS (baking)", st)
	}
	srv.ECS.Advance(59 * time.Second)
	if st := describeWebCLI(t, srv).Services[0].Deployments[0].RolloutState; st != "IN_PROGRESS" {
		t.Fatalf("a second before the bake's end: %s", st)
	}
	srv.ECS.Advance(time.Second)
	if st := describeWebCLI(t, srv).Services[0].Deployments[0].RolloutState; st != "COMPLETED" {
		t.Fatalf("at the bake's end: %s", st)
	}
}
