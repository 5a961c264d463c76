package fake_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// fastWaits makes the SDK's elbv2 waiters poll every few milliseconds of real time; with the
// fake's RealTime(2000) clock that is seconds of virtual time.
func fastWaits[O interface {
	*elbv2.LoadBalancerAvailableWaiterOptions | *elbv2.TargetInServiceWaiterOptions | *elbv2.TargetDeregisteredWaiterOptions
}](o O) {
	switch o := any(o).(type) {
	case *elbv2.LoadBalancerAvailableWaiterOptions:
		o.MinDelay, o.MaxDelay = 2*time.Millisecond, 10*time.Millisecond
	case *elbv2.TargetInServiceWaiterOptions:
		o.MinDelay, o.MaxDelay = 2*time.Millisecond, 10*time.Millisecond
	case *elbv2.TargetDeregisteredWaiterOptions:
		o.MinDelay, o.MaxDelay = 2*time.Millisecond, 10*time.Millisecond
	}
}

// The Go SDK's elbv2 client and its waiters (LoadBalancerAvailable, TargetInService,
// TargetDeregistered) work against the server's ELBv2 (Query protocol on the ECS endpoint),
// and an ECS service over the same endpoint registers its tasks' private IPs.
func TestELBv2OverHTTPWithSDKWaiters(t *testing.T) {
	srv := faketest.NewServerFor(t, fake.New(fake.WithClock(fake.RealTime(2000))))
	c := srv.NewELBv2Client()
	ctx := t.Context()
	lb, err := c.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String("web-lb"), Subnets: []string{"subnet-us-east-1a", "subnet-us-east-1b"}})
	if err != nil {
		t.Fatal(err)
	}
	lbArn := lb.LoadBalancers[0].LoadBalancerArn
	if err := elbv2.NewLoadBalancerAvailableWaiter(c, fastWaits).Wait(ctx, &elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{*lbArn}}, 30*time.Second); err != nil {
		t.Fatalf("LoadBalancerAvailable: %v", err)
	}
	tg, err := c.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: aws.String("web-tg"), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
		VpcId: aws.String("vpc-1"), TargetType: elbtypes.TargetTypeEnumIp, HealthCheckIntervalSeconds: aws.Int32(10), HealthCheckPath: aws.String("/health")})
	if err != nil {
		t.Fatal(err)
	}
	tgArn := tg.TargetGroups[0].TargetGroupArn
	if _, err := c.CreateListener(ctx, &elbv2.CreateListenerInput{LoadBalancerArn: lbArn, Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tgArn}}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{TargetGroupArns: []string{*tgArn + "0"}})
	var nf *elbtypes.TargetGroupNotFoundException
	if !errors.As(err, &nf) || nf.ErrorMessage() != "One or more target groups not found" {
		t.Fatalf("unknown target group over the wire: %v", err)
	}

	// An ECS Fargate service behind the target group, over the same endpoint.
	if _, err := srv.Client.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Client.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"), NetworkMode: types.NetworkModeAwsvpc,
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate}, Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("web"), Image: aws.String("nginx:1.27"),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Client.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String("web"),
		DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}},
		LoadBalancers:        []types.LoadBalancer{{TargetGroupArn: tgArn, ContainerName: aws.String("web"), ContainerPort: aws.Int32(80)}}}); err != nil {
		t.Fatal(err)
	}
	var targets []elbtypes.TargetHealthDescription
	for deadline := time.Now().Add(20 * time.Second); len(targets) < 2; {
		if time.Now().After(deadline) {
			t.Fatalf("targets never registered: %d", len(targets))
		}
		out, err := c.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: tgArn})
		if err != nil {
			t.Fatal(err)
		}
		targets = out.TargetHealthDescriptions
	}
	if err := elbv2.NewTargetInServiceWaiter(c, fastWaits).Wait(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: tgArn}, 30*time.Second); err != nil {
		t.Fatalf("TargetInService: %v", err)
	}
	tasks, _ := srv.Client.ListTasks(ctx, &ecs.ListTasksInput{ServiceName: aws.String("web")})
	desc, _ := srv.Client.DescribeTasks(ctx, &ecs.DescribeTasksInput{Tasks: tasks.TaskArns})
	ips := map[string]bool{}
	for _, tk := range desc.Tasks {
		for _, d := range tk.Attachments[0].Details {
			if aws.ToString(d.Name) == "privateIPv4Address" {
				ips[aws.ToString(d.Value)] = true
			}
		}
	}
	for _, d := range targets {
		if !ips[*d.Target.Id] {
			t.Errorf("target %s is no task's private IP (%v)", *d.Target.Id, ips)
		}
	}

	// Deregistering: draining for the delay, then TargetDeregistered.
	if _, err := c.ModifyTargetGroupAttributes(ctx, &elbv2.ModifyTargetGroupAttributesInput{TargetGroupArn: tgArn,
		Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String("30")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Client.UpdateService(ctx, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	all := []elbtypes.TargetDescription{*targets[0].Target, *targets[1].Target}
	var gone elbtypes.TargetDescription
	for deadline := time.Now().Add(20 * time.Second); gone.Id == nil; {
		if time.Now().After(deadline) {
			t.Fatal("no target started draining")
		}
		out, err := c.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: tgArn, Targets: all})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range out.TargetHealthDescriptions {
			if d.TargetHealth.State != elbtypes.TargetHealthStateEnumHealthy {
				gone = *d.Target
			}
		}
	}
	if err := elbv2.NewTargetDeregisteredWaiter(c, fastWaits).Wait(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: tgArn,
		Targets: []elbtypes.TargetDescription{gone}}, 30*time.Second); err != nil {
		t.Fatalf("TargetDeregistered: %v", err)
	}
}

// boto3Elbv2Scenario drives the server's ELBv2 with boto3 in virtual time (advancing it through
// the control) and prints what it parsed.
const boto3Elbv2Scenario = `
c = client("elbv2", "eu-west-1")
lb = c.create_load_balancer(Name="py-lb", Subnets=["subnet-a", "subnet-b"], Tags=[{"Key": "team", "Value": "py"}])["LoadBalancers"][0]
tg = c.create_target_group(Name="py-tg", Protocol="HTTP", Port=8080, VpcId="vpc-1", TargetType="ip")["TargetGroups"][0]
c.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
    DefaultActions=[{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}])
c.register_targets(TargetGroupArn=tg["TargetGroupArn"], Targets=[{"Id": "10.0.1.7"}])
first = c.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])["TargetHealthDescriptions"][0]
advance("3m")
c.get_waiter("load_balancer_available").wait(LoadBalancerArns=[lb["LoadBalancerArn"]], WaiterConfig={"Delay": 1, "MaxAttempts": 1})
c.get_waiter("target_in_service").wait(TargetGroupArn=tg["TargetGroupArn"], WaiterConfig={"Delay": 1, "MaxAttempts": 1})
h = c.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])["TargetHealthDescriptions"][0]
print(lb["LoadBalancerArn"].split(":")[3], type(lb["CreatedTime"]).__name__, first["TargetHealth"]["State"], first["TargetHealth"]["Reason"],
      h["Target"]["Id"], h["Target"]["Port"], h["HealthCheckPort"], h["TargetHealth"]["State"])
print(c.describe_tags(ResourceArns=[lb["LoadBalancerArn"]])["TagDescriptions"][0]["Tags"])
try:
    c.describe_target_groups(Names=["nope"])
except c.exceptions.TargetGroupNotFoundException as e:
    print("TargetGroupNotFoundException", e.response["Error"]["Message"])
`

func TestBoto3ELBv2AgainstServer(t *testing.T) {
	needBoto3(t)
	srv := faketest.NewServer(t)
	want := "eu-west-1 datetime initial Elb.RegistrationInProgress 10.0.1.7 8080 8080 healthy\n" +
		"[{'Key': 'team', 'Value': 'py'}]\n" +
		"TargetGroupNotFoundException One or more target groups not found\n"
	wantBoto3(t, boto3Elbv2Scenario, srv.URL, want)
}

// `aws elbv2 describe-target-health` (AWS CLI v1) against the server, and the CLI's
// target-in-service waiter once the target is healthy.
func TestAWSCLIELBv2DescribeTargetHealth(t *testing.T) {
	needTool(t, "aws", "pip install awscli")
	srv := faketest.NewServer(t)
	x := srv.ECS.ELBv2()
	ctx := t.Context()
	lb, _ := x.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String("cli-lb"), Subnets: []string{"subnet-a", "subnet-b"}})
	tg, _ := x.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: aws.String("cli-tg"), Protocol: "HTTP", Port: aws.Int32(80), VpcId: aws.String("vpc-1"), TargetType: "ip"})
	arn := *tg.TargetGroups[0].TargetGroupArn
	x.CreateListener(ctx, &elbv2.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn, Port: aws.Int32(80), Protocol: "HTTP",
		DefaultActions: []elbtypes.Action{{Type: "forward", TargetGroupArn: aws.String(arn)}}})
	if err := x.InjectHealthFault(fake.TargetHealthFault{TargetGroup: "cli-tg", Port: 81, Reason: "Target.Timeout"}); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := awsCLI(t, srv, "elbv2", "register-targets", "--target-group-arn", arn, "--targets", "Id=10.0.0.8", "Id=10.0.0.9,Port=81")
	if err != nil {
		t.Fatalf("register-targets: %v %s %s", err, out, stderr)
	}
	srv.ECS.Advance(3 * time.Minute)
	out, stderr, err = awsCLI(t, srv, "elbv2", "describe-target-health", "--target-group-arn", arn,
		"--query", "TargetHealthDescriptions[].[Target.Id,Target.Port,TargetHealth.State,TargetHealth.Reason]", "--output", "text")
	if err != nil {
		t.Fatalf("describe-target-health: %v %s", err, stderr)
	}
	want := "10.0.0.8\t80\thealthy\tNone\n10.0.0.9\t81\tunhealthy\tTarget.Timeout\n"
	if out != want {
		t.Errorf("describe-target-health printed %q, want %q", out, want)
	}
	if _, stderr, err := awsCLI(t, srv, "elbv2", "wait", "target-in-service", "--target-group-arn", arn, "--targets", "Id=10.0.0.8"); err != nil {
		t.Errorf("wait target-in-service: %v %s", err, stderr)
	}
	// The CLI's ELBv2 calls are in the same call log as ECS's.
	status, doc := control(t, srv, "GET", "/_fake/v1/calls?operation=RegisterTargets", "")
	calls, _ := doc["calls"].([]any)
	if status != 200 || len(calls) != 1 || !strings.Contains(fmt.Sprint(calls[0]), "10.0.0.9") {
		t.Errorf("call log: %d %v", status, doc)
	}
	_, stderr, err = awsCLI(t, srv, "elbv2", "describe-target-health", "--target-group-arn", arn+"x")
	if err == nil || !strings.Contains(stderr, "TargetGroupNotFound") || !strings.Contains(stderr, "One or more target groups not found") {
		t.Errorf("unknown target group: %v %q", err, stderr)
	}
}

// The ELBv2 operations served are exactly those docs/fidelity.md lists.
func TestServerELBv2Operations(t *testing.T) {
	srv := faketest.NewServer(t)
	want := []string{"AddTags", "CreateListener", "CreateLoadBalancer", "CreateRule", "CreateTargetGroup", "DeleteListener",
		"DeleteLoadBalancer", "DeleteRule", "DeleteTargetGroup", "DeregisterTargets", "DescribeListeners", "DescribeLoadBalancers",
		"DescribeRules", "DescribeTags", "DescribeTargetGroupAttributes", "DescribeTargetGroups", "DescribeTargetHealth",
		"ModifyListener", "ModifyRule", "ModifyTargetGroup", "ModifyTargetGroupAttributes", "RegisterTargets", "RemoveTags"}
	if got := srv.Handler.ELBv2Operations(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ELBv2 operations %v, want %v", got, want)
	}
}
