package fake_test

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// scalingServer serves a fake with service "web" (2 Fargate tasks).
func scalingServer(t *testing.T) *faketest.Server {
	t.Helper()
	srv := faketest.NewServer(t)
	ctx := t.Context()
	if _, err := srv.Client.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Client.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"),
		NetworkMode: types.NetworkModeAwsvpc, RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate}, Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("web:1")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Client.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(2),
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}}); err != nil {
		t.Fatal(err)
	}
	srv.Handler.ECS().Advance(2 * time.Minute)
	return srv
}

// TestScalingOverTheWireGoSDK: the Go SDK's Application Auto Scaling (AWS
// JSON 1.1) and CloudWatch (RPC v2 CBOR) clients drive target tracking on
// the same endpoint as ECS; errors arrive as the SDK's typed exceptions.
func TestScalingOverTheWireGoSDK(t *testing.T) {
	srv := scalingServer(t)
	ctx := t.Context()
	as, cw := srv.NewAutoScalingClient(), srv.NewCloudWatchClient()
	if _, err := as.RegisterScalableTarget(ctx, &applicationautoscaling.RegisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/default/web"),
		MinCapacity: aws.Int32(2), MaxCapacity: aws.Int32(10)}); err != nil {
		t.Fatal(err)
	}
	pol, err := as.PutScalingPolicy(ctx, &applicationautoscaling.PutScalingPolicyInput{PolicyName: aws.String("cpu"), ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/default/web"), PolicyType: aastypes.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &aastypes.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(50),
			PredefinedMetricSpecification: &aastypes.PredefinedMetricSpecification{PredefinedMetricType: aastypes.MetricTypeECSServiceAverageCPUUtilization}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(pol.Alarms) != 2 || !strings.HasPrefix(*pol.Alarms[0].AlarmName, "TargetTracking-service/default/web-AlarmHigh-") {
		t.Fatalf("alarms %+v", pol.Alarms)
	}
	e := srv.Handler.ECS()
	if err := e.SetLoad("default", "web", fake.Load{CPU: fake.ConstantLoad(300)}); err != nil {
		t.Fatal(err)
	}
	e.Advance(6 * time.Minute)
	al, err := cw.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{*pol.Alarms[0].AlarmName}})
	if err != nil {
		t.Fatal(err)
	}
	// 300% over 6 tasks is 50%, not above the target: back to OK.
	if len(al.MetricAlarms) != 1 || al.MetricAlarms[0].StateValue != cwtypes.StateValueOk || *al.MetricAlarms[0].Threshold != 50 ||
		al.MetricAlarms[0].StateUpdatedTimestamp == nil || al.MetricAlarms[0].StateUpdatedTimestamp.Before(e.Now().Add(-10*time.Minute)) {
		t.Fatalf("high alarm over CBOR: %+v", al.MetricAlarms)
	}
	svc, err := srv.Client.DescribeServices(ctx, &ecs.DescribeServicesInput{Services: []string{"web"}})
	if err != nil {
		t.Fatal(err)
	}
	if svc.Services[0].DesiredCount != 6 {
		t.Fatalf("desired %d, want 6 (300/50)", svc.Services[0].DesiredCount)
	}
	acts, err := as.DescribeScalingActivities(ctx, &applicationautoscaling.DescribeScalingActivitiesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: aws.String("service/default/web")})
	if err != nil || len(acts.ScalingActivities) == 0 || *acts.ScalingActivities[0].Description != "Setting desired count to 6." {
		t.Fatalf("activities %v %+v", err, acts)
	}
	now := e.Now().Truncate(time.Minute)
	st, err := cw.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{Namespace: aws.String("AWS/ECS"), MetricName: aws.String("CPUUtilization"),
		Dimensions: []cwtypes.Dimension{{Name: aws.String("ClusterName"), Value: aws.String("default")}, {Name: aws.String("ServiceName"), Value: aws.String("web")}},
		StartTime:  aws.Time(now.Add(-5 * time.Minute)), EndTime: aws.Time(now), Period: aws.Int32(60), Statistics: []cwtypes.Statistic{cwtypes.StatisticAverage}})
	if err != nil || len(st.Datapoints) != 5 || *st.Datapoints[0].Average != 150 {
		t.Fatalf("statistics %v %+v", err, st)
	}
	// Typed errors over both protocols.
	_, err = cw.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("nope"), StateValue: cwtypes.StateValueAlarm, StateReason: aws.String("x")})
	var nf *cwtypes.ResourceNotFound
	if !errors.As(err, &nf) || nf.ErrorMessage() != "Alarm nope not found" {
		t.Fatalf("SetAlarmState unknown: %v", err)
	}
	_, err = as.DeleteScalingPolicy(ctx, &applicationautoscaling.DeleteScalingPolicyInput{PolicyName: aws.String("nope"), ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String("service/default/web")})
	var onf *aastypes.ObjectNotFoundException
	if !errors.As(err, &onf) {
		t.Fatalf("DeleteScalingPolicy unknown: %v", err)
	}
	_, err = cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("bad"), Namespace: aws.String("x"), MetricName: aws.String("y"),
		Statistic: cwtypes.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), DatapointsToAlarm: aws.Int32(2), Threshold: aws.Float64(1),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold})
	var iv *cwtypes.InvalidParameterValueException
	if !errors.As(err, &iv) {
		t.Fatalf("bad alarm: %v", err)
	}
}

// TestScalingOverTheWireCLI: the AWS CLI installed here (botocore 1.43:
// CloudWatch over AWS JSON 1.0, Application Auto Scaling over JSON 1.1)
// registers a target, creates an alarm and reads both back.
func TestScalingOverTheWireCLI(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws CLI not installed")
	}
	srv := scalingServer(t)
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("aws", append([]string{"--endpoint-url", srv.URL, "--region", "us-east-1", "--output", "json"}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=AKIDFAKE", "AWS_SECRET_ACCESS_KEY=fake", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("application-autoscaling", "register-scalable-target", "--service-namespace", "ecs", "--scalable-dimension", "ecs:service:DesiredCount",
		"--resource-id", "service/default/web", "--min-capacity", "1", "--max-capacity", "4")
	if out := run("application-autoscaling", "describe-scalable-targets", "--service-namespace", "ecs"); !strings.Contains(out, `"MaxCapacity": 4`) {
		t.Fatalf("describe-scalable-targets: %s", out)
	}
	run("cloudwatch", "put-metric-alarm", "--alarm-name", "cpu-high", "--namespace", "AWS/ECS", "--metric-name", "CPUUtilization",
		"--dimensions", "Name=ClusterName,Value=default", "Name=ServiceName,Value=web", "--statistic", "Average", "--period", "60",
		"--evaluation-periods", "1", "--threshold", "70", "--comparison-operator", "GreaterThanThreshold")
	run("cloudwatch", "set-alarm-state", "--alarm-name", "cpu-high", "--state-value", "ALARM", "--state-reason", "from the CLI")
	out := run("cloudwatch", "describe-alarms", "--alarm-names", "cpu-high")
	if !strings.Contains(out, `"StateValue": "ALARM"`) || !strings.Contains(out, `"StateReason": "from the CLI"`) || !strings.Contains(out, `"Threshold": 70`) {
		t.Fatalf("describe-alarms: %s", out)
	}
	cmd := exec.Command("aws", "--endpoint-url", srv.URL, "--region", "us-east-1", "cloudwatch", "set-alarm-state", "--alarm-name", "nope", "--state-value", "OK", "--state-reason", "x")
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=AKIDFAKE", "AWS_SECRET_ACCESS_KEY=fake", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	b, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(b), "(ResourceNotFound)") || !strings.Contains(string(b), "Alarm nope not found") {
		t.Fatalf("CLI error: %v %s", err, b)
	}
}

// boto3Scaling is run by TestScalingOverTheWireBoto3 with the endpoint as
// argv[1]: CloudWatch and Application Auto Scaling through boto3.
const boto3Scaling = `
import sys, boto3, botocore
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="AKIDFAKE", aws_secret_access_key="fake")
aas = boto3.client("application-autoscaling", **kw)
cw = boto3.client("cloudwatch", **kw)
aas.register_scalable_target(ServiceNamespace="ecs", ScalableDimension="ecs:service:DesiredCount", ResourceId="service/default/web", MinCapacity=1, MaxCapacity=3)
p = aas.put_scaling_policy(PolicyName="cpu", ServiceNamespace="ecs", ScalableDimension="ecs:service:DesiredCount", ResourceId="service/default/web",
    PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration={"TargetValue": 60.0,
    "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}})
names = [a["AlarmName"] for a in p["Alarms"]]
got = cw.describe_alarms(AlarmNames=names)["MetricAlarms"]
assert len(got) == 2 and got[0]["Threshold"] in (54.0, 60.0), got
assert got[0]["StateUpdatedTimestamp"].year == 2025, got[0]["StateUpdatedTimestamp"]
try:
    cw.delete_alarms(AlarmNames=["nope"])
    raise SystemExit("no error")
except botocore.exceptions.ClientError as e:
    assert e.response["Error"]["Code"] == "ResourceNotFound", e.response
s = cw._serializer
print("ok", type(getattr(s, "_serializer", s)).__name__)
`

// TestScalingOverTheWireBoto3: boto3 1.43 (AWS JSON 1.0 for CloudWatch: its
// serializer is printed) reads target-tracking alarms
// (timestamps as datetimes) and gets CloudWatch's error codes.
func TestScalingOverTheWireBoto3(t *testing.T) {
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("boto3 not installed")
	}
	srv := scalingServer(t)
	out, err := exec.CommandContext(t.Context(), "python3", "-c", boto3Scaling, srv.URL).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "ok ") {
		t.Fatalf("boto3: %v\n%s", err, out)
	}
	t.Logf("boto3 CloudWatch protocol: %s", strings.TrimSpace(string(out)))
}
