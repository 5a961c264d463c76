package ecsdeploy

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

const testTargetGroup = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef"

func validService() *ServiceBuilder {
	return NewService("web").Cluster("prod").TaskDefinition("web:3").DesiredCount(4).Fargate().
		Network([]string{"subnet-0a1b"}, []string{"sg-0c2d"}, false).
		LoadBalancer(testTargetGroup, "web", 80)
}

func TestServiceBuilderBuild(t *testing.T) {
	in, err := validService().Deployment(50, 200).CircuitBreaker(true).HealthCheckGracePeriod(60).
		ExecuteCommand(true).PropagateTags(types.PropagateTagsService).Tag("team", "web").
		ForTaskDefinition(validFargate()).Build()
	if err != nil {
		t.Fatal(err)
	}
	if deref(in.ServiceName) != "web" || deref(in.Cluster) != "prod" || deref(in.TaskDefinition) != "web:3" || deref(in.DesiredCount) != 4 {
		t.Errorf("basic fields: %+v", in)
	}
	dc := in.DeploymentConfiguration
	if deref(dc.MinimumHealthyPercent) != 50 || deref(dc.MaximumPercent) != 200 || !dc.DeploymentCircuitBreaker.Enable || !dc.DeploymentCircuitBreaker.Rollback {
		t.Errorf("deployment configuration: %+v", dc)
	}
	if in.SchedulingStrategy != types.SchedulingStrategyReplica || in.LaunchType != types.LaunchTypeFargate || !in.EnableExecuteCommand {
		t.Errorf("strategy/launch/exec: %+v", in)
	}
	if a := in.NetworkConfiguration.AwsvpcConfiguration; a.AssignPublicIp != types.AssignPublicIpDisabled || a.Subnets[0] != "subnet-0a1b" {
		t.Errorf("network: %+v", a)
	}
	up, err := validService().UpdateInput()
	if err != nil {
		t.Fatal(err)
	}
	if deref(up.Service) != "web" || deref(up.TaskDefinition) != "web:3" || deref(up.DesiredCount) != 4 || len(up.LoadBalancers) != 1 {
		t.Errorf("update input: %+v", up)
	}
}

func TestServiceDeploymentDefaults(t *testing.T) {
	tests := []struct {
		name     string
		b        *ServiceBuilder
		min, max int32
	}{
		{"ReplicaDefaults", validService(), 100, 200},
		{"DaemonDefaults", NewService("agent").TaskDefinition("agent").EC2().Daemon(), 0, 100},
		{"CircuitBreakerKeepsDefaults", validService().CircuitBreaker(false), 100, 200},
		{"Explicit", validService().Deployment(0, 100), 0, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := tt.b.Build()
			if err != nil {
				t.Fatal(err)
			}
			dc := in.DeploymentConfiguration
			if deref(dc.MinimumHealthyPercent) != tt.min || deref(dc.MaximumPercent) != tt.max {
				t.Errorf("got %d/%d, want %d/%d", deref(dc.MinimumHealthyPercent), deref(dc.MaximumPercent), tt.min, tt.max)
			}
		})
	}
	b := validService()
	if _, err := b.Build(); err != nil {
		t.Fatal(err)
	}
	if b.Input().DeploymentConfiguration != nil {
		t.Error("Build wrote defaults into the builder")
	}
}

func TestValidateServiceInputInvalid(t *testing.T) {
	td := validFargate()
	ec2td := validEC2()
	tests := []struct {
		name  string
		b     func() *ServiceBuilder
		td    *ecs.RegisterTaskDefinitionInput
		field string
		rule  string
	}{
		{"ServiceNameRequired", func() *ServiceBuilder { return validService().TaskDefinition("web").Tag("a", "b").clearName() }, nil, "serviceName", "is required"},
		{"ServiceNameSyntax", func() *ServiceBuilder { return NewService("web svc").TaskDefinition("web").EC2() }, nil, "serviceName", "1-255"},
		{"ClusterSyntax", func() *ServiceBuilder { return validService().Cluster("my cluster") }, nil, "cluster", "cluster name"},
		{"TaskDefinitionRequired", func() *ServiceBuilder { s := validService(); s.Input().TaskDefinition = nil; return s }, nil, "taskDefinition", "is required"},
		{"TaskDefinitionRefSyntax", func() *ServiceBuilder { return validService().TaskDefinition("web:0") }, nil, "taskDefinition", "family:revision"},
		{"TaskDefinitionARNSyntax", func() *ServiceBuilder {
			return validService().TaskDefinition("arn:aws:ecs:us-east-1:123:task-definition/web:1")
		}, nil, "taskDefinition", "must be family"},
		{"TaskDefinitionFamilyMatches", func() *ServiceBuilder { return validService().TaskDefinition("api:2") }, td, "taskDefinition", `refers to family "api"`},
		{"DesiredCountNotNegative", func() *ServiceBuilder { return validService().DesiredCount(-1) }, nil, "desiredCount", "must not be negative"},
		{"DesiredCountRequiredForReplica", func() *ServiceBuilder { s := validService(); s.Input().DesiredCount = nil; return s }, nil, "desiredCount", "REPLICA"},
		{"SchedulingStrategyEnum", func() *ServiceBuilder { s := validService(); s.Input().SchedulingStrategy = "SINGLETON"; return s }, nil, "schedulingStrategy", "must be one of"},
		{"DaemonNotOnFargate", func() *ServiceBuilder { return validService().Daemon().Deployment(0, 100) }, nil, "schedulingStrategy", "does not support the FARGATE launch type"},
		{"DaemonNoPlacementStrategy", func() *ServiceBuilder {
			return NewService("agent").TaskDefinition("agent").EC2().Daemon().PlacementStrategy(types.PlacementStrategyTypeRandom, "")
		}, nil, "placementStrategy", "not supported with the DAEMON"},
		{"DaemonMaximumPercent100", func() *ServiceBuilder {
			return NewService("agent").TaskDefinition("agent").EC2().Daemon().Deployment(0, 200)
		}, nil,
			"deploymentConfiguration.maximumPercent", "must be 100 for the DAEMON"},
		{"LaunchTypeEnum", func() *ServiceBuilder { return validService().LaunchType("LAMBDA") }, nil, "launchType", "must be one of"},
		{"LaunchTypeOrCapacityProvider", func() *ServiceBuilder { return validService().CapacityProvider("FARGATE", 1, 0) }, nil, "capacityProviderStrategy", "not both"},
		{"CapacityProviderWeightBounds", func() *ServiceBuilder { return validService().LaunchType("").CapacityProvider("FARGATE", 1001, 0) }, nil,
			"capacityProviderStrategy[0].weight", "between 0 and 1000"},
		{"CapacityProviderBaseBounds", func() *ServiceBuilder { return validService().LaunchType("").CapacityProvider("FARGATE", 1, -1) }, nil,
			"capacityProviderStrategy[0].base", "between 0 and 100000"},
		{"CapacityProviderOneBase", func() *ServiceBuilder {
			return validService().LaunchType("").CapacityProvider("FARGATE", 1, 1).CapacityProvider("FARGATE_SPOT", 1, 2)
		}, nil, "capacityProviderStrategy[1].base", "only one capacity provider"},
		{"CapacityProviderNameRequired", func() *ServiceBuilder { return validService().LaunchType("").CapacityProvider("", 1, 0) }, nil,
			"capacityProviderStrategy[0].capacityProvider", "is required"},
		{"CapacityProviderWeightPositive", func() *ServiceBuilder { return validService().LaunchType("").CapacityProvider("FARGATE", 0, 0) }, nil,
			"capacityProviderStrategy", "weight greater than 0"},
		{"PlatformVersionSyntax", func() *ServiceBuilder { return validService().PlatformVersion("v1") }, nil, "platformVersion", "LATEST"},
		{"PlatformVersionFargateOnly", func() *ServiceBuilder {
			return NewService("api").TaskDefinition("api").EC2().PlatformVersion("1.4.0")
		}, nil, "platformVersion", "only valid with the FARGATE"},
		{"FargateNeedsCompatibleTaskDefinition", func() *ServiceBuilder { return validService().TaskDefinition("api") }, ec2td,
			"launchType", "not compatible with FARGATE"},
		{"AwsvpcNeedsNetworkConfiguration", func() *ServiceBuilder { s := validService(); s.Input().NetworkConfiguration = nil; return s }, td,
			"networkConfiguration", "Network Configuration must be provided when networkMode 'awsvpc' is specified."},
		{"FargateNeedsNetworkConfiguration", func() *ServiceBuilder { s := validService(); s.Input().NetworkConfiguration = nil; return s }, nil,
			"networkConfiguration", "must be provided"},
		{"BridgeRejectsNetworkConfiguration", func() *ServiceBuilder {
			return NewService("api").TaskDefinition("api").EC2().Network([]string{"subnet-1"}, nil, false)
		}, ec2td, "networkConfiguration", "Network Configuration is not valid for the given networkMode of this task definition."},
		{"SubnetsRequired", func() *ServiceBuilder { return validService().Network(nil, nil, false) }, nil, "networkConfiguration.awsvpcConfiguration.subnets", "at least one subnet"},
		{"AtMost16Subnets", func() *ServiceBuilder {
			s := make([]string, 17)
			for i := range s {
				s[i] = "subnet-x"
			}
			return validService().Network(s, nil, false)
		}, nil, "networkConfiguration.awsvpcConfiguration.subnets", "at most 16"},
		{"SubnetIDSyntax", func() *ServiceBuilder { return validService().Network([]string{"10.0.0.0/24"}, nil, false) }, nil,
			"networkConfiguration.awsvpcConfiguration.subnets[0]", "subnet ID"},
		{"AtMost5SecurityGroups", func() *ServiceBuilder {
			return validService().Network([]string{"subnet-1"}, []string{"sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6"}, false)
		}, nil, "networkConfiguration.awsvpcConfiguration.securityGroups", "at most 5"},
		{"SecurityGroupIDSyntax", func() *ServiceBuilder { return validService().Network([]string{"subnet-1"}, []string{"web"}, false) }, nil,
			"networkConfiguration.awsvpcConfiguration.securityGroups[0]", "security group ID"},
		{"EC2NoPublicIP", func() *ServiceBuilder {
			return NewService("api").TaskDefinition("api").EC2().Network([]string{"subnet-1"}, nil, true)
		}, nil, "networkConfiguration.awsvpcConfiguration.assignPublicIp", "Assign public IP is not supported for this launch type."},
		{"LoadBalancerTargetRequired", func() *ServiceBuilder { return validService().LoadBalancer("", "web", 80) }, nil, "loadBalancers[1].targetGroupArn", "is required"},
		{"LoadBalancerTargetGroupARN", func() *ServiceBuilder { return validService().LoadBalancer("web-tg", "web", 80) }, nil, "loadBalancers[1].targetGroupArn", "target group ARN"},
		{"LoadBalancerContainerRequired", func() *ServiceBuilder { return validService().LoadBalancer(testTargetGroup, "", 80) }, nil, "loadBalancers[1].containerName", "is required"},
		{"LoadBalancerPortBounds", func() *ServiceBuilder { return validService().LoadBalancer(testTargetGroup, "web", 0) }, nil, "loadBalancers[1].containerPort", "between 1 and 65535"},
		{"LoadBalancerContainerExists", func() *ServiceBuilder { return validService().LoadBalancer(testTargetGroup, "api", 80) }, td,
			"loadBalancers[1].containerName", "The container api does not exist in the task definition."},
		{"LoadBalancerPortExists", func() *ServiceBuilder { return validService().LoadBalancer(testTargetGroup, "web", 8080) }, td,
			"loadBalancers[1].containerPort", "The container web did not have a container port 8080 defined."},
		{"AtMost5LoadBalancers", func() *ServiceBuilder {
			s := validService()
			for range 5 {
				s.LoadBalancer(testTargetGroup, "web", 80)
			}
			return s
		}, nil, "loadBalancers", "at most 5"},
		{"MinimumHealthyPercentBounds", func() *ServiceBuilder { return validService().Deployment(101, 200) }, nil, "deploymentConfiguration.minimumHealthyPercent", "between 0 and 100"},
		{"MaximumPercentAtLeast100", func() *ServiceBuilder { return validService().Deployment(0, 50) }, nil, "deploymentConfiguration.maximumPercent", "at least 100"},
		{"CircuitBreakerNeedsECSController", func() *ServiceBuilder {
			s := validService().CircuitBreaker(true)
			s.Input().DeploymentController = &types.DeploymentController{Type: types.DeploymentControllerTypeCodeDeploy}
			return s
		}, nil, "deploymentConfiguration.deploymentCircuitBreaker", "only supported with the ECS"},
		{"HealthCheckGracePeriodNotNegative", func() *ServiceBuilder { return validService().HealthCheckGracePeriod(-5) }, nil, "healthCheckGracePeriodSeconds", "must not be negative"},
		{"AtMost10PlacementConstraints", func() *ServiceBuilder {
			s := NewService("api").TaskDefinition("api").EC2()
			for range 11 {
				s.PlacementConstraint(types.PlacementConstraintTypeDistinctInstance, "")
			}
			return s
		}, nil, "placementConstraints", "at most 10"},
		{"MemberOfNeedsExpression", func() *ServiceBuilder {
			return NewService("api").TaskDefinition("api").EC2().PlacementConstraint(types.PlacementConstraintTypeMemberOf, "")
		}, nil, "placementConstraints[0].expression", "is required for memberOf"},
		{"DistinctInstanceNoExpression", func() *ServiceBuilder {
			return NewService("api").TaskDefinition("api").EC2().PlacementConstraint(types.PlacementConstraintTypeDistinctInstance, "x")
		}, nil, "placementConstraints[0].expression", "not allowed for distinctInstance"},
		{"PlacementConstraintTypeEnum", func() *ServiceBuilder {
			return NewService("api").TaskDefinition("api").EC2().PlacementConstraint("sameHost", "")
		}, nil, "placementConstraints[0].type", "must be one of"},
		{"FargateNoPlacementConstraints", func() *ServiceBuilder {
			return validService().PlacementConstraint(types.PlacementConstraintTypeDistinctInstance, "")
		}, nil,
			"placementConstraints", "not supported on Fargate"},
		{"AtMost5PlacementStrategies", func() *ServiceBuilder {
			s := NewService("api").TaskDefinition("api").EC2()
			for range 6 {
				s.PlacementStrategy(types.PlacementStrategyTypeRandom, "")
			}
			return s
		}, nil, "placementStrategy", "at most 5"},
		{"BinpackField", func() *ServiceBuilder {
			return NewService("api").TaskDefinition("api").EC2().PlacementStrategy(types.PlacementStrategyTypeBinpack, "disk")
		}, nil, "placementStrategy[0].field", "cpu or memory"},
		{"SpreadNeedsField", func() *ServiceBuilder {
			return NewService("api").TaskDefinition("api").EC2().PlacementStrategy(types.PlacementStrategyTypeSpread, "")
		}, nil, "placementStrategy[0].field", "spread needs a field"},
		{"RandomNoField", func() *ServiceBuilder {
			return NewService("api").TaskDefinition("api").EC2().PlacementStrategy(types.PlacementStrategyTypeRandom, "cpu")
		}, nil, "placementStrategy[0].field", "random takes no field"},
		{"PlacementStrategyTypeEnum", func() *ServiceBuilder {
			return NewService("api").TaskDefinition("api").EC2().PlacementStrategy("roundrobin", "")
		}, nil, "placementStrategy[0].type", "must be one of"},
		{"FargateNoPlacementStrategies", func() *ServiceBuilder { return validService().PlacementStrategy(types.PlacementStrategyTypeRandom, "") }, nil,
			"placementStrategy", "not supported on Fargate"},
		{"PropagateTagsEnum", func() *ServiceBuilder { return validService().PropagateTags("CLUSTER") }, nil, "propagateTags", "must be one of"},
		{"ServiceTagAwsPrefix", func() *ServiceBuilder { return validService().Tag("aws:owner", "x") }, nil, "tags[0].key", "reserved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.b()
			if tt.td != nil {
				b.ForTaskDefinition(tt.td)
			}
			in, err := b.Build()
			if in != nil {
				t.Error("Build returned a result with errors")
			}
			assertProblem(t, err, tt.field, tt.rule)
			if _, uerr := b.UpdateInput(); uerr == nil {
				t.Error("UpdateInput accepted an invalid service")
			}
		})
	}
}

// clearName empties the service name (test helper).
func (b *ServiceBuilder) clearName() *ServiceBuilder {
	b.in.ServiceName = nil
	return b
}

func TestValidateServiceInputRaw(t *testing.T) {
	assertProblem(t, ValidateServiceInput(nil, nil), "service", "must not be nil")
	err := ValidateServiceInput(&ecs.CreateServiceInput{}, nil)
	assertProblem(t, err, "serviceName", "is required")
	assertProblem(t, err, "taskDefinition", "is required")
	assertProblem(t, err, "desiredCount", "is required")
	ext := &ecs.CreateServiceInput{ServiceName: aws.String("x"), DesiredCount: aws.Int32(0),
		DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeExternal}}
	if err := ValidateServiceInput(ext, nil); err != nil {
		t.Errorf("EXTERNAL controller without task definition: %v", err)
	}
	if err := ValidateServiceInput(&ecs.CreateServiceInput{ServiceName: aws.String("x"), TaskDefinition: aws.String("x"), DesiredCount: aws.Int32(1),
		NetworkConfiguration: &types.NetworkConfiguration{}}, nil); err != nil {
		t.Errorf("empty network configuration on unknown mode: %v", err)
	}
}

func TestParseTaskDefinitionRef(t *testing.T) {
	tests := []struct {
		ref    string
		family string
		rev    int
		bad    bool
	}{
		{"web", "web", 0, false},
		{"web:12", "web", 12, false},
		{"arn:aws:ecs:us-east-1:123456789012:task-definition/web:3", "web", 3, false},
		{"arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/web_v2:1", "web_v2", 1, false},
		{"web:", "", 0, true},
		{"web:01", "", 0, true},
		{"arn:aws:ecs:us-east-1:123456789012:task-definition/web", "", 0, true},
		{"", "", 0, true},
		{strings.Repeat("a", 256), "", 0, true},
	}
	for _, tt := range tests {
		f, r, err := ParseTaskDefinitionRef(tt.ref)
		if (err != nil) != tt.bad || f != tt.family || r != tt.rev {
			t.Errorf("ParseTaskDefinitionRef(%q) = %q, %d, %v", tt.ref, f, r, err)
		}
	}
}
