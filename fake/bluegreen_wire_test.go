package fake_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// bgWire is a served fake with an ALB (target groups blue and green, a
// production and a test rule forwarding blue 100 / green 0) and Fargate
// task definitions web:1 and web:2 (container web, port 80).
type bgWire struct {
	srv                     *faketest.Server
	blue, green, prod, test string
}

// newBGWire builds bgWire through the Go SDK over HTTP.
func newBGWire(t *testing.T) bgWire {
	t.Helper()
	srv := faketest.NewServer(t)
	ctx, x := t.Context(), srv.ECS.ELBv2()
	if _, err := srv.Client.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	for _, img := range []string{"web:1", "web:2"} {
		if _, err := srv.Client.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"),
			RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate}, NetworkMode: types.NetworkModeAwsvpc,
			Cpu: aws.String("256"), Memory: aws.String("512"),
			ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("web"), Image: aws.String(img), Essential: aws.Bool(true),
				PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}}}}}); err != nil {
			t.Fatal(err)
		}
	}
	lb, err := x.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String("web-lb"), Subnets: []string{"subnet-us-east-1a", "subnet-us-east-1b"}})
	if err != nil {
		t.Fatal(err)
	}
	w := bgWire{srv: srv}
	for i, name := range []string{"blue", "green"} {
		out, err := x.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: aws.String(name), Protocol: elbtypes.ProtocolEnumHttp,
			Port: aws.Int32(80), VpcId: aws.String("vpc-1"), TargetType: elbtypes.TargetTypeEnumIp})
		if err != nil {
			t.Fatal(err)
		}
		*[]*string{&w.blue, &w.green}[i] = aws.ToString(out.TargetGroups[0].TargetGroupArn)
	}
	l, err := x.CreateListener(ctx, &elbv2.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(w.blue)}}})
	if err != nil {
		t.Fatal(err)
	}
	fwd := []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{
		{TargetGroupArn: aws.String(w.blue), Weight: aws.Int32(100)}, {TargetGroupArn: aws.String(w.green), Weight: aws.Int32(0)}}}}}
	for i, v := range []string{"/*", "/test/*"} {
		out, err := x.CreateRule(ctx, &elbv2.CreateRuleInput{ListenerArn: l.Listeners[0].ListenerArn, Priority: aws.Int32(int32(i + 1)),
			Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{v}}}, Actions: fwd})
		if err != nil {
			t.Fatal(err)
		}
		*[]*string{&w.prod, &w.test}[i] = aws.ToString(out.Rules[0].RuleArn)
	}
	return w
}

// createServiceJSON is create-service's input for a BLUE_GREEN service
// "web" of 2 tasks with the given bake time.
func (w bgWire) createServiceJSON(bake int) string {
	in := map[string]any{
		"serviceName": "web", "taskDefinition": "web:1", "desiredCount": 2, "launchType": "FARGATE",
		"networkConfiguration":    map[string]any{"awsvpcConfiguration": map[string]any{"subnets": []string{"subnet-1"}}},
		"deploymentConfiguration": map[string]any{"strategy": "BLUE_GREEN", "bakeTimeInMinutes": bake},
		"loadBalancers": []any{map[string]any{"targetGroupArn": w.blue, "containerName": "web", "containerPort": 80,
			"advancedConfiguration": map[string]any{"alternateTargetGroupArn": w.green, "productionListenerRule": w.prod,
				"testListenerRule": w.test, "roleArn": "arn:aws:iam::123456789012:role/ecs-elb"}}},
	}
	b, _ := json.Marshal(in)
	return string(b)
}

// TestBlueGreenOverTheWireCLI: the AWS CLI creates a BLUE_GREEN service
// from --cli-input-json (strategy, bakeTimeInMinutes, advancedConfiguration)
// and, after an update made with the Go SDK (BAKE_TIME at 184 s: the served
// fake's Fargate tasks take 54 s to run), sees describe-service-deployments
// report SUCCESSFUL at CLEAN_UP after the one-minute bake and blue's drain
// (300 s) and stop (24 s), and describe-rules the production rule's weights
// on green. Three CLI processes (each starts Python, seconds under load):
// the instants are TestBlueGreenDeploymentStagesAtExactInstants', the
// refusal of a bad field through botocore TestBlueGreenOverTheWireBoto3's.
func TestBlueGreenOverTheWireCLI(t *testing.T) {
	needTool(t, "aws", "install the AWS CLI")
	w := newBGWire(t)
	ctx := t.Context()
	cli := func(args ...string) string {
		t.Helper()
		out, stderr, err := awsCLI(t, w.srv, append(args, "--output", "json")...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args[:2], " "), err, stderr)
		}
		return out
	}
	cli("ecs", "create-service", "--cli-input-json", w.createServiceJSON(1))
	w.srv.ECS.Advance(184*time.Second + time.Minute + 10*time.Second) // the first deployment, into the alternate group (green), baked
	if _, err := w.srv.Client.UpdateService(ctx, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String("web:2")}); err != nil {
		t.Fatal(err)
	}
	l, err := w.srv.Client.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{Service: aws.String("web")})
	if err != nil || len(l.ServiceDeployments) != 2 {
		t.Fatalf("ListServiceDeployments: %v %+v", err, l)
	}
	arn := aws.ToString(l.ServiceDeployments[0].ServiceDeploymentArn)
	w.srv.ECS.Advance(184 * time.Second)
	d, err := w.srv.Client.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}})
	if err != nil || len(d.ServiceDeployments) != 1 || d.ServiceDeployments[0].LifecycleStage != types.ServiceDeploymentLifecycleStageBakeTime {
		t.Fatalf("at +184s: %v %+v", err, d)
	}
	w.srv.ECS.Advance(time.Minute + 324*time.Second)
	var sd struct {
		ServiceDeployments []struct{ Status, LifecycleStage string } `json:"serviceDeployments"`
	}
	if err := json.Unmarshal([]byte(cli("ecs", "describe-service-deployments", "--service-deployment-arns", arn)), &sd); err != nil ||
		len(sd.ServiceDeployments) != 1 || sd.ServiceDeployments[0].Status != "SUCCESSFUL" || sd.ServiceDeployments[0].LifecycleStage != "CLEAN_UP" {
		t.Fatalf("after the drain: %v %+v", err, sd)
	}
	var r struct {
		Rules []struct {
			Actions []struct {
				ForwardConfig struct {
					TargetGroups []struct {
						TargetGroupArn string
						Weight         int
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(cli("elbv2", "describe-rules", "--rule-arns", w.prod)), &r); err != nil || len(r.Rules) != 1 || len(r.Rules[0].Actions) != 1 {
		t.Fatalf("describe-rules: %v %+v", err, r)
	}
	pw := map[string]int{}
	for _, tg := range r.Rules[0].Actions[0].ForwardConfig.TargetGroups {
		pw[tg.TargetGroupArn] = tg.Weight
	}
	if len(pw) != 2 || pw[w.blue] != 100 || pw[w.green] != 0 { // web:1 went to green (the alternate group), web:2 to blue
		t.Fatalf("production weights: %v", pw)
	}
}

// boto3BlueGreen updates service web to web:2, advances past the traffic
// shift, prints the stage and the production weights, stops the service
// deployment with ROLLBACK and prints them again (argv: prod rule, blue,
// green target group ARNs).
const boto3BlueGreen = `
ecs, elb = client("ecs", "us-east-1"), client("elbv2", "us-east-1")
prod, blue, green = sys.argv[2], sys.argv[3], sys.argv[4]
def show(label):
    arn = ecs.list_service_deployments(service="web")["serviceDeployments"][0]["serviceDeploymentArn"]
    sd = ecs.describe_service_deployments(serviceDeploymentArns=[arn])["serviceDeployments"][0]
    w = {t["TargetGroupArn"]: t["Weight"] for t in elb.describe_rules(RuleArns=[prod])["Rules"][0]["Actions"][0]["ForwardConfig"]["TargetGroups"]}
    print(label, sd["status"], sd["lifecycleStage"], "blue", w[blue], "green", w[green])
    return arn
ecs.update_service(service="web", taskDefinition="web:2")
advance("184s")
arn = show("shifted")
try:
    ecs.create_service(serviceName="x", taskDefinition="web:1", desiredCount=1, launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1"]}},
        deploymentConfiguration={"strategy": "LINEAR", "linearConfiguration": {"stepPercent": 2.5}})
except ecs.exceptions.InvalidParameterException as e:
    print("linear", e.response["Error"]["Message"])
ecs.stop_service_deployment(serviceDeploymentArn=arn, stopType="ROLLBACK")
show("stopped")
advance("324s")
show("drained")
`

// TestBlueGreenOverTheWireBoto3: boto3 sees the production rule move to
// green at the end of SCALE_UP, a LINEAR step below 3% refused, and a
// StopServiceDeployment rollback send production back to blue at once and
// finish once green has drained.
func TestBlueGreenOverTheWireBoto3(t *testing.T) {
	needBoto3(t)
	w := newBGWire(t)
	if _, err := w.srv.Client.CreateService(t.Context(), &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String("web:1"),
		DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration:    &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}},
		DeploymentConfiguration: &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(10)},
		LoadBalancers: []types.LoadBalancer{{TargetGroupArn: aws.String(w.blue), ContainerName: aws.String("web"), ContainerPort: aws.Int32(80),
			AdvancedConfiguration: &types.AdvancedConfiguration{AlternateTargetGroupArn: aws.String(w.green), ProductionListenerRule: aws.String(w.prod),
				TestListenerRule: aws.String(w.test), RoleArn: aws.String("arn:aws:iam::123456789012:role/ecs-elb")}}}}); err != nil {
		t.Fatal(err)
	}
	w.srv.ECS.Advance(184*time.Second + 10*time.Minute + 10*time.Second) // the first deployment, into the alternate group, baked
	// web:1 serves from the alternate group (w.green): the script's blue.
	wantBoto3(t, boto3BlueGreen, w.srv.URL, "shifted IN_PROGRESS BAKE_TIME blue 0 green 100\n"+
		"linear deploymentConfiguration.linearConfiguration.stepPercent: must be a multiple of 0.1 from 3.0 to 100.0, got 2.5.\n"+
		"stopped ROLLBACK_IN_PROGRESS BAKE_TIME blue 100 green 0\n"+
		"drained ROLLBACK_SUCCESSFUL BAKE_TIME blue 100 green 0\n", w.prod, w.green, w.blue)
}
