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

var wireStrategy = []types.CapacityProviderStrategyItem{
	{CapacityProvider: aws.String("FARGATE"), Base: 1, Weight: 1},
	{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 3},
}

// wireFargateWeb creates, over the SDK, the default cluster with the
// FARGATE and FARGATE_SPOT providers (strategy wireStrategy) and registers
// the Fargate task definition web (one container, app: nginx).
func wireFargateWeb(t *testing.T, srv *faketest.Server) {
	t.Helper()
	ctx := t.Context()
	if _, err := srv.Client.CreateCluster(ctx, &ecs.CreateClusterInput{CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"},
		DefaultCapacityProviderStrategy: wireStrategy}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Client.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"), NetworkMode: types.NetworkModeAwsvpc,
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate}, Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx")}}}); err != nil {
		t.Fatal(err)
	}
}

// providerSplit lists the service's tasks over the SDK and counts the
// RUNNING ones per capacityProviderName, and the stopped ones per stop code.
func providerSplit(t *testing.T, srv *faketest.Server, service string) (running map[string]int, stopped map[types.TaskStopCode]int) {
	t.Helper()
	running, stopped = map[string]int{}, map[types.TaskStopCode]int{}
	for _, status := range []types.DesiredStatus{types.DesiredStatusRunning, types.DesiredStatusStopped} {
		ls, err := srv.Client.ListTasks(t.Context(), &ecs.ListTasksInput{ServiceName: aws.String(service), DesiredStatus: status})
		if err != nil {
			t.Fatal(err)
		}
		if len(ls.TaskArns) == 0 {
			continue
		}
		dt, err := srv.Client.DescribeTasks(t.Context(), &ecs.DescribeTasksInput{Tasks: ls.TaskArns})
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range dt.Tasks {
			switch aws.ToString(tk.LastStatus) {
			case "RUNNING":
				if aws.ToString(tk.DesiredStatus) == "RUNNING" {
					running[aws.ToString(tk.CapacityProviderName)]++
				}
			case "STOPPED":
				stopped[tk.StopCode]++
			}
		}
	}
	return running, stopped
}

// TestCapacityProvidersOverHTTPWithGoSDK: a cluster with FARGATE and
// FARGATE_SPOT and a service on base 1 + weight 1:3, through the Go SDK over
// HTTP: the strategy in DescribeServices and its deployment, the split in
// DescribeTasks, a Spot interruption through the control API, and ECS's
// typed error for a launch type beside a strategy.
func TestCapacityProvidersOverHTTPWithGoSDK(t *testing.T) {
	srv := faketest.NewServer(t)
	ctx := t.Context()
	cc := fake.NewControlClient(srv.URL, nil)
	wireFargateWeb(t, srv)
	nc := &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}
	_, err := srv.Client.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String("bad"), TaskDefinition: aws.String("web"),
		DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate, CapacityProviderStrategy: wireStrategy, NetworkConfiguration: nc})
	var ipe *types.InvalidParameterException
	if !errors.As(err, &ipe) || ipe.ErrorMessage() != "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again." {
		t.Fatalf("launch type beside strategy: %v", err)
	}
	if _, err := srv.Client.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String("web"),
		DesiredCount: aws.Int32(5), NetworkConfiguration: nc}); err != nil {
		t.Fatal(err)
	}
	if _, err := cc.Advance(ctx, 3*time.Minute); err != nil {
		t.Fatal(err)
	}
	ds, err := srv.Client.DescribeServices(ctx, &ecs.DescribeServicesInput{Services: []string{"web"}})
	if err != nil {
		t.Fatal(err)
	}
	s := ds.Services[0]
	if s.LaunchType != "" || len(s.CapacityProviderStrategy) != 2 || s.CapacityProviderStrategy[0].Base != 1 ||
		len(s.Deployments) != 1 || len(s.Deployments[0].CapacityProviderStrategy) != 2 || s.RunningCount != 5 {
		t.Fatalf("service launchType %q strategy %+v deployments %+v running %d", s.LaunchType, s.CapacityProviderStrategy, s.Deployments, s.RunningCount)
	}
	if running, _ := providerSplit(t, srv, "web"); running["FARGATE"] != 2 || running["FARGATE_SPOT"] != 3 {
		t.Fatalf("split over HTTP = %v, want FARGATE 2 FARGATE_SPOT 3", running)
	}
	if err := cc.InterruptSpot(ctx, fake.SpotInterruption{Service: "web"}); err != nil {
		t.Fatal(err)
	}
	if _, err := cc.Advance(ctx, 3*time.Minute); err != nil {
		t.Fatal(err)
	}
	running, stopped := providerSplit(t, srv, "web")
	if running["FARGATE"] != 2 || running["FARGATE_SPOT"] != 3 || stopped[types.TaskStopCodeSpotInterruption] != 3 {
		t.Fatalf("after interruption: running %v stopped %v, want the 3 Spot tasks interrupted and replaced", running, stopped)
	}
}

// boto3CapacityScenario creates a service on a strategy with boto3 and
// prints what describe_services and describe_tasks parsed.
const boto3CapacityScenario = `
c = client("ecs", "us-east-1")
c.create_cluster(clusterName="py", capacityProviders=["FARGATE", "FARGATE_SPOT"],
    defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "base": 1, "weight": 1}, {"capacityProvider": "FARGATE_SPOT", "weight": 3}])
c.register_task_definition(family="py", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
    containerDefinitions=[{"name": "app", "image": "python:3.12", "essential": True}])
c.create_service(cluster="py", serviceName="py", taskDefinition="py", desiredCount=9,
    capacityProviderStrategy=[{"capacityProvider": "FARGATE", "base": 1, "weight": 1}, {"capacityProvider": "FARGATE_SPOT", "weight": 3}],
    networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1"]}})
advance("3m")
s = c.describe_services(cluster="py", services=["py"])["services"][0]
print(s["runningCount"], "launchType" in s, [(i["capacityProvider"], i["base"], i["weight"]) for i in s["capacityProviderStrategy"]],
      len(s["deployments"][0]["capacityProviderStrategy"]))
arns = c.list_tasks(cluster="py", serviceName="py")["taskArns"]
per = {}
for t in c.describe_tasks(cluster="py", tasks=arns)["tasks"]:
    per[t["capacityProviderName"]] = per.get(t["capacityProviderName"], 0) + 1
print(sorted(per.items()))
try:
    c.run_task(cluster="py", taskDefinition="py", launchType="FARGATE", capacityProviderStrategy=[{"capacityProvider": "FARGATE"}],
        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1"]}})
except c.exceptions.InvalidParameterException as e:
    print("InvalidParameterException", e.response["Error"]["Message"])
`

func TestBoto3CapacityProviders(t *testing.T) {
	needBoto3(t)
	srv := faketest.NewServer(t)
	want := "9 False [('FARGATE', 1, 1), ('FARGATE_SPOT', 0, 3)] 2\n" +
		"[('FARGATE', 3), ('FARGATE_SPOT', 6)]\n" +
		"InvalidParameterException Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.\n"
	wantBoto3(t, boto3CapacityScenario, srv.URL, want)
}

// TestAWSCLICreateClusterWithStrategy: the AWS CLI's shorthand for
// create-cluster with providers and a default strategy, read back by
// describe-clusters.
func TestAWSCLICreateClusterWithStrategy(t *testing.T) {
	needTool(t, "aws", "pip install awscli")
	srv := faketest.NewServer(t)
	out, stderr, err := awsCLI(t, srv, "ecs", "create-cluster", "--cluster-name", "cli", "--capacity-providers", "FARGATE", "FARGATE_SPOT",
		"--default-capacity-provider-strategy", "capacityProvider=FARGATE,base=1,weight=1", "capacityProvider=FARGATE_SPOT,weight=3",
		"--query", "cluster.defaultCapacityProviderStrategy[].[capacityProvider,base,weight]", "--output", "text")
	if err != nil {
		t.Fatalf("create-cluster: %v %s", err, stderr)
	}
	if got := strings.Fields(out); strings.Join(got, " ") != "FARGATE 1 1 FARGATE_SPOT 0 3" {
		t.Fatalf("create-cluster printed %q", out)
	}
	out, stderr, err = awsCLI(t, srv, "ecs", "describe-clusters", "--clusters", "cli", "--query", "clusters[0].capacityProviders", "--output", "text")
	if err != nil || strings.Join(strings.Fields(out), " ") != "FARGATE FARGATE_SPOT" {
		t.Fatalf("describe-clusters: %q %v %s", out, err, stderr)
	}
	_, stderr, err = awsCLI(t, srv, "ecs", "put-cluster-capacity-providers", "--cluster", "cli", "--capacity-providers", "FARGATE",
		"--default-capacity-provider-strategy", "capacityProvider=FARGATE_SPOT,weight=1")
	if err == nil || !strings.Contains(stderr, "(InvalidParameterException)") || !strings.Contains(stderr, "not associated with the cluster") {
		t.Fatalf("put-cluster-capacity-providers with a provider not listed: %v %q", err, stderr)
	}
}

// TestAWSCLIAutoScalingGroupProviderWithManagedScaling: a group declared
// through the control API, a provider created, associated and used by a
// service with the AWS CLI; the service's tasks wait for capacity, managed
// scaling adds instances and the service runs.
func TestAWSCLIAutoScalingGroupProviderWithManagedScaling(t *testing.T) {
	needTool(t, "aws", "pip install awscli")
	srv := faketest.NewServer(t)
	ctx := t.Context()
	cc := fake.NewControlClient(srv.URL, nil)
	if _, err := srv.Client.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	arn, err := cc.DeclareAutoScalingGroup(ctx, fake.AutoScalingGroupSpec{Name: "web-asg", MaxSize: 5, JoinAfter: time.Minute,
		Instance: fake.InstanceSpec{CPU: 2048, Memory: 4096}})
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"ecs", "create-capacity-provider", "--name", "web-cp", "--auto-scaling-group-provider",
			"autoScalingGroupArn=" + arn + ",managedScaling={status=ENABLED,targetCapacity=100},managedTerminationProtection=DISABLED"},
		{"ecs", "put-cluster-capacity-providers", "--cluster", "default", "--capacity-providers", "web-cp",
			"--default-capacity-provider-strategy", "capacityProvider=web-cp,weight=1"},
		{"ecs", "register-task-definition", "--family", "web", "--container-definitions",
			`[{"name":"app","image":"nginx","memory":512,"cpu":1024}]`},
		{"ecs", "create-service", "--cluster", "default", "--service-name", "web", "--task-definition", "web", "--desired-count", "3"},
	} {
		if _, stderr, err := awsCLI(t, srv, args...); err != nil {
			t.Fatalf("aws %v: %v %s", args[:2], err, stderr)
		}
	}
	if _, err := cc.Advance(ctx, 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := awsCLI(t, srv, "ecs", "describe-services", "--cluster", "default", "--services", "web",
		"--query", "services[0].[runningCount,capacityProviderStrategy[0].capacityProvider]", "--output", "text")
	if err != nil || strings.Join(strings.Fields(out), " ") != "3 web-cp" {
		t.Fatalf("describe-services: %q %v %s", out, err, stderr)
	}
	active, _, _ := srv.ECS.GroupInstances("web-asg")
	if len(active) != 2 {
		t.Fatalf("group has %d instances, want 2 (3 tasks of 1024 CPU on 2048-CPU instances)", len(active))
	}
}
