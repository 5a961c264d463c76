package ecsdeploytest_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/ecsdeploy/ecsdeploy/ecsdeploytest"
)

// TestRealECS runs the suite against real Amazon ECS, only when asked:
//
//	ECSDEPLOY_REAL_CLUSTER=my-cluster            (required; Fargate capacity)
//	ECSDEPLOY_REAL_SUBNETS=subnet-a,subnet-b     (required)
//	ECSDEPLOY_REAL_SECURITY_GROUPS=sg-1          (optional)
//	ECSDEPLOY_REAL_PUBLIC_IP=ENABLED             (optional; public subnets without NAT)
//	ECSDEPLOY_REAL_EXECUTION_ROLE=arn:...        (optional)
//	ECSDEPLOY_REAL_VPC=vpc-1                     (optional; runs the load balancer
//	                                             scenarios with internal ALBs in the subnets)
//
// Credentials and region come from the usual AWS environment. It creates
// and deletes services named ecsdeploytest-*; it costs a few Fargate minutes.
func TestRealECS(t *testing.T) {
	cluster := os.Getenv("ECSDEPLOY_REAL_CLUSTER")
	subnets := os.Getenv("ECSDEPLOY_REAL_SUBNETS")
	if cluster == "" || subnets == "" {
		t.Skip("set ECSDEPLOY_REAL_CLUSTER and ECSDEPLOY_REAL_SUBNETS to run the suite against real ECS")
	}
	cfg, err := config.LoadDefaultConfig(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	vpc := &types.AwsVpcConfiguration{Subnets: strings.Split(subnets, ","), AssignPublicIp: types.AssignPublicIp(os.Getenv("ECSDEPLOY_REAL_PUBLIC_IP"))}
	if sg := os.Getenv("ECSDEPLOY_REAL_SECURITY_GROUPS"); sg != "" {
		vpc.SecurityGroups = strings.Split(sg, ",")
	}
	b := ecsdeploytest.Backend{
		API:                  ecs.NewFromConfig(cfg),
		Cluster:              cluster,
		LaunchType:           types.LaunchTypeFargate,
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: vpc},
		ExecutionRoleArn:     os.Getenv("ECSDEPLOY_REAL_EXECUTION_ROLE"),
		PollInterval:         10 * time.Second,
		Timeout:              15 * time.Minute,
		FailureTimeout:       5 * time.Minute,
		FailingImage:         ecsdeploytest.MissingImage("public.ecr.aws/ecsdeploy/does-not-exist:0"),
		ExitingContainer:     ecsdeploytest.ShellExit("public.ecr.aws/docker/library/busybox:stable"),
	}
	if vpcID := os.Getenv("ECSDEPLOY_REAL_VPC"); vpcID != "" {
		elb := elasticloadbalancingv2.NewFromConfig(cfg)
		b.LoadBalancers = elb
		b.TargetGroup = ecsdeploytest.TargetGroupsOn(elb, vpcID, vpc.Subnets)
		// redis keeps running but answers no HTTP on port 80: its targets fail the health checks.
		b.FailingHealthCheckImage = func(*testing.T) string { return "public.ecr.aws/docker/library/redis:7" }
	}
	ecsdeploytest.Run(t, b)
}
