package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// target is where the story plays: the ECS API, the clock all waits go
// through, and the account-specific settings.
type target struct {
	// api is an *ecs.Client or a *fake.ECS.
	api ecsdeploy.API
	// clock is the fake (virtual time) or the wall clock.
	clock ecsdeploy.Clock
	// fake is set when playing on the in-memory fake, for scripting faults.
	fake *fake.ECS
	// where describes the target for the story's first line.
	where string
	// cluster is the cluster name.
	cluster string
	// network is the awsvpc configuration of tasks and the service.
	network *types.NetworkConfiguration
	// executionRole is the task execution role ARN ("" for none).
	executionRole string
	// elb and targetGroup put the service behind a load balancer (the
	// fake's own ALB, or -target-group with -aws); nil and "" without.
	elb         ecsdeploy.LoadBalancerAPI
	targetGroup string
	// logs is CloudWatch Logs (the fake's, or a *cloudwatchlogs.Client)
	// and region the region its awslogs options name.
	logs   logsClient
	region string
}

// connect returns the fake (default) or AWS (-aws) target.
func connect(ctx context.Context, o options) (*target, error) {
	if o.aws {
		return connectAWS(ctx, o)
	}
	return connectFake(ctx, o)
}

// connectFake builds an in-memory ECS with the cluster the story uses. With
// -speed it runs on a sped-up wall clock, otherwise on pure virtual time:
// every wait advances the fake's clock instead of sleeping.
func connectFake(ctx context.Context, o options) (*target, error) {
	region := o.region
	if region == "" {
		region = "us-east-1"
	}
	fopts := []fake.Option{fake.WithRegion(region)}
	where := "the in-memory fake ECS (virtual time)"
	if o.speed > 0 {
		fopts = append(fopts, fake.WithClock(fake.RealTime(o.speed)))
		where = fmt.Sprintf("the in-memory fake ECS (clock %gx faster than the wall clock)", o.speed)
	}
	f := fake.New(fopts...)
	cluster := o.cluster
	if cluster == "" {
		cluster = "demo"
	}
	if _, err := f.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: &cluster}); err != nil {
		return nil, fmt.Errorf("creating cluster %s on the fake: %w", cluster, err)
	}
	subnets := o.subnets
	if len(subnets) == 0 {
		subnets = []string{"subnet-0demo0000000000a", "subnet-0demo0000000000b"}
	}
	sgs := o.securityGroups
	if len(sgs) == 0 {
		sgs = []string{"sg-0demo00000000000a"}
	}
	role := o.executionRole
	if role == "" {
		role = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
	}
	if err := scriptFake(f, o); err != nil {
		return nil, err
	}
	tg, err := fakeTargetGroup(ctx, f.ELBv2(), subnets)
	if err != nil {
		return nil, err
	}
	return &target{api: f, clock: f, fake: f, where: where, cluster: cluster,
		network: awsvpc(subnets, sgs, o.assignPublicIP), executionRole: role, logs: f.Logs(), region: region,
		elb: f.ELBv2(), targetGroup: tg}, nil
}

// fakeTargetGroup gives the story an internet-facing ALB with an HTTP:80
// listener forwarding to target group "web" (ip targets, health check
// GET / every 10 s, healthy after 3 passes, deregistration delay 5 s so
// the draining shows without slowing the story down).
func fakeTargetGroup(ctx context.Context, x *fake.ELBv2, subnets []string) (string, error) {
	lb, err := x.CreateLoadBalancer(ctx, &elasticloadbalancingv2.CreateLoadBalancerInput{Name: aws.String("demo"), Subnets: []string{"subnet-us-east-1a", "subnet-us-east-1b"}})
	if err != nil {
		return "", fmt.Errorf("creating the load balancer on the fake: %w", err)
	}
	tg, err := x.CreateTargetGroup(ctx, &elasticloadbalancingv2.CreateTargetGroupInput{Name: aws.String("web"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), VpcId: aws.String("vpc-0demo"), TargetType: elbtypes.TargetTypeEnumIp,
		HealthCheckIntervalSeconds: aws.Int32(10), HealthyThresholdCount: aws.Int32(3)})
	if err != nil {
		return "", fmt.Errorf("creating the target group on the fake: %w", err)
	}
	arn := tg.TargetGroups[0].TargetGroupArn
	if _, err := x.ModifyTargetGroupAttributes(ctx, &elasticloadbalancingv2.ModifyTargetGroupAttributesInput{TargetGroupArn: arn,
		Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String("5")}}}); err != nil {
		return "", err
	}
	if _, err := x.CreateListener(ctx, &elasticloadbalancingv2.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn,
		Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: arn}}}); err != nil {
		return "", err
	}
	return *arn, nil
}

// connectAWS loads the default AWS configuration, checks that credentials,
// region and the required flags are there (saying exactly what is
// missing), and that the cluster exists.
func connectAWS(ctx context.Context, o options) (*target, error) {
	var missing []string
	if o.cluster == "" {
		missing = append(missing, "-cluster (the name of an existing ECS cluster)")
	}
	if len(o.subnets) == 0 {
		missing = append(missing, "-subnets (comma-separated subnet IDs where the Fargate tasks run)")
	}
	if o.executionRole == "" {
		missing = append(missing, "-execution-role (the task execution role ARN, e.g. arn:aws:iam::ACCOUNT:role/ecsTaskExecutionRole: "+
			"Fargate tasks need one to send their output to CloudWatch Logs)")
	}
	var load []func(*config.LoadOptions) error
	if o.region != "" {
		load = append(load, config.WithRegion(o.region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	credErr := checkCredentials(ctx, cfg)
	if cfg.Region == "" {
		missing = append(missing, "an AWS region (-region, or AWS_REGION, or region in ~/.aws/config)")
	}
	if credErr != nil {
		// Credentials first: without them nothing else can be checked.
		msg := credErr.Error()
		if len(missing) > 0 {
			msg += "\nalso missing: " + strings.Join(missing, ", ")
		}
		return nil, errors.New(msg)
	}
	if len(missing) > 0 {
		return nil, &usageError{missing: missing}
	}
	client := ecs.NewFromConfig(cfg)
	out, err := client.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{o.cluster}})
	if err != nil {
		return nil, fmt.Errorf("checking cluster %s in %s: %w", o.cluster, cfg.Region, err)
	}
	if len(out.Clusters) == 0 || aws.ToString(out.Clusters[0].Status) != "ACTIVE" {
		return nil, fmt.Errorf("cluster %q not found (or not ACTIVE) in %s; create it with: aws ecs create-cluster --cluster-name %s --region %s",
			o.cluster, cfg.Region, o.cluster, cfg.Region)
	}
	t := &target{api: client, clock: ecsdeploy.RealClock{}, where: "Amazon ECS in " + cfg.Region, cluster: o.cluster,
		network: awsvpc(o.subnets, o.securityGroups, o.assignPublicIP), executionRole: o.executionRole,
		logs: cloudwatchlogs.NewFromConfig(cfg), region: cfg.Region}
	if o.targetGroup != "" {
		t.elb, t.targetGroup = elasticloadbalancingv2.NewFromConfig(cfg), o.targetGroup
	}
	return t, nil
}

// checkCredentials asks the default chain for credentials, giving the
// instance-metadata lookup at most 10 seconds.
func checkCredentials(ctx context.Context, cfg aws.Config) error {
	if cfg.Credentials == nil {
		return errNoCredentials(errors.New("no credentials provider"))
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return errNoCredentials(err)
	}
	if !creds.HasKeys() {
		return errNoCredentials(errors.New("the credentials found have no access key"))
	}
	return nil
}

func errNoCredentials(cause error) error {
	return fmt.Errorf("no AWS credentials found: -aws uses the default AWS config chain, so set AWS_ACCESS_KEY_ID and "+
		"AWS_SECRET_ACCESS_KEY, or AWS_PROFILE naming a profile in ~/.aws/credentials or ~/.aws/config (run "+
		"`aws sso login` for SSO profiles), or run where an IAM role is available (EC2 instance, ECS task); "+
		"run without -aws to play the story on the in-memory fake\ndetails: %v", cause)
}

// awsvpc is the network configuration of Fargate tasks and services.
func awsvpc(subnets, securityGroups []string, publicIP bool) *types.NetworkConfiguration {
	ip := types.AssignPublicIpDisabled
	if publicIP {
		ip = types.AssignPublicIpEnabled
	}
	return &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
		Subnets: subnets, SecurityGroups: securityGroups, AssignPublicIp: ip}}
}
