package fake

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// CreateService answers with the service, its defaults and one PRIMARY
// deployment with an ecs-svc/ + 19 digit id.
func TestCreateServiceDefaultsAndDeploymentID(t *testing.T) {
	e := newCluster(t, 2)
	td := register(t, e, simpleTD("web", "img:1"))
	s := createSvc(t, e, "web", td, 2, svcOpts{noDeployConfig: true})
	cfg := s.DeploymentConfiguration
	if aws.ToInt32(cfg.MinimumHealthyPercent) != 100 || aws.ToInt32(cfg.MaximumPercent) != 200 ||
		cfg.DeploymentCircuitBreaker == nil || cfg.DeploymentCircuitBreaker.Enable {
		t.Fatalf("deploymentConfiguration defaults: %+v", cfg)
	}
	if aws.ToString(s.Status) != "ACTIVE" || s.DesiredCount != 2 || s.LaunchType != types.LaunchTypeEc2 ||
		aws.ToString(s.TaskDefinition) != td || s.SchedulingStrategy != types.SchedulingStrategyReplica ||
		aws.ToString(s.ServiceArn) != "arn:aws:ecs:us-east-1:123456789012:service/default/web" {
		t.Fatalf("service: %s %d %s %s %s", aws.ToString(s.Status), s.DesiredCount, s.LaunchType, aws.ToString(s.TaskDefinition), aws.ToString(s.ServiceArn))
	}
	if len(s.Deployments) != 1 || s.Events == nil {
		t.Fatalf("deployments %d events %v", len(s.Deployments), s.Events)
	}
	d := s.Deployments[0]
	if !regexp.MustCompile(`^ecs-svc/[0-9]{19}$`).MatchString(aws.ToString(d.Id)) || aws.ToString(d.Status) != "PRIMARY" ||
		d.RolloutState != types.DeploymentRolloutStateInProgress || d.DesiredCount != 2 || d.CreatedAt == nil || d.UpdatedAt == nil {
		t.Fatalf("deployment %+v", d)
	}
}

// Services always carry a deployments list (waiters evaluate its length),
// even once INACTIVE.
func TestServicesAlwaysCarryDeployments(t *testing.T) {
	e := newCluster(t, 1)
	td := register(t, e, simpleTD("web", "img:1"))
	createSvc(t, e, "web", td, 0, svcOpts{min: 100, max: 200})
	if _, err := e.DeleteService(bg, &ecs.DeleteServiceInput{Service: aws.String("web")}); err != nil {
		t.Fatal(err)
	}
	e.Advance(time.Minute)
	s := svc(t, e, "web")
	if aws.ToString(s.Status) != "INACTIVE" || s.Deployments == nil {
		t.Fatalf("status %s deployments %v", aws.ToString(s.Status), s.Deployments)
	}
}

// CreateService validation and idempotency (ECS API Reference, CreateService).
func TestCreateServiceValidation(t *testing.T) {
	e := newCluster(t, 1)
	td := register(t, e, simpleTD("web", "img:1"))
	ftd := register(t, e, fargateTD("fg", "img:1"))
	inactive := register(t, e, simpleTD("old", "img:1"))
	if _, err := e.DeregisterTaskDefinition(bg, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(inactive)}); err != nil {
		t.Fatal(err)
	}
	base := func() *ecs.CreateServiceInput {
		return &ecs.CreateServiceInput{ServiceName: aws.String("svc"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1)}
	}
	for _, tc := range []struct {
		name, code, msg string
		mod             func(*ecs.CreateServiceInput)
	}{
		{"ServiceNameRequired", "InvalidParameterException", "serviceName: must be specified.", func(in *ecs.CreateServiceInput) { in.ServiceName = nil }},
		{"ServiceNameCharacters", "InvalidParameterException", "", func(in *ecs.CreateServiceInput) { in.ServiceName = aws.String("a b") }},
		{"DesiredCountRequiredForReplica", "InvalidParameterException", "desiredCount: must be specified for a REPLICA service.", func(in *ecs.CreateServiceInput) { in.DesiredCount = nil }},
		{"DesiredCountNotNegative", "InvalidParameterException", "desiredCount: must not be negative.", func(in *ecs.CreateServiceInput) { in.DesiredCount = aws.Int32(-1) }},
		{"TaskDefinitionNotFound", "ClientException", "TaskDefinition not found.", func(in *ecs.CreateServiceInput) { in.TaskDefinition = aws.String("nope:1") }},
		{"InactiveTaskDefinitionCannotBackService", "InvalidParameterException", "TaskDefinition is inactive", func(in *ecs.CreateServiceInput) { in.TaskDefinition = aws.String(inactive) }},
		{"MinimumHealthyPercentAtMost100", "InvalidParameterException", "", func(in *ecs.CreateServiceInput) {
			in.DeploymentConfiguration = &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(101)}
		}},
		{"MaximumPercentAtLeast100", "InvalidParameterException", "", func(in *ecs.CreateServiceInput) {
			in.DeploymentConfiguration = &types.DeploymentConfiguration{MaximumPercent: aws.Int32(99)}
		}},
		{"FargateNeedsNetworkConfiguration", "InvalidParameterException", "", func(in *ecs.CreateServiceInput) {
			in.TaskDefinition, in.LaunchType = aws.String(ftd), types.LaunchTypeFargate
		}},
		{"FargateNoPlacementStrategies", "InvalidParameterException", "", func(in *ecs.CreateServiceInput) {
			in.TaskDefinition, in.LaunchType, in.NetworkConfiguration = aws.String(ftd), types.LaunchTypeFargate, netCfg
			in.PlacementStrategy = []types.PlacementStrategy{{Type: types.PlacementStrategyTypeRandom}}
		}},
		{"BadPlacementExpression", "InvalidParameterException", "", func(in *ecs.CreateServiceInput) {
			in.PlacementConstraints = []types.PlacementConstraint{{Type: types.PlacementConstraintTypeMemberOf, Expression: aws.String("attribute:x ==")}}
		}},
		{"LoadBalancerContainerMustExist", "InvalidParameterException", "", func(in *ecs.CreateServiceInput) {
			in.LoadBalancers = []types.LoadBalancer{{TargetGroupArn: aws.String("tg"), ContainerName: aws.String("nope"), ContainerPort: aws.Int32(80)}}
		}},
		{"ClusterNotFound", "ClusterNotFoundException", "Cluster not found.", func(in *ecs.CreateServiceInput) { in.Cluster = aws.String("nope") }},
		{"ClientTokenAtMost36", "InvalidParameterException", "clientToken: up to 36 ASCII characters in the range 33-126 (inclusive) are allowed.", func(in *ecs.CreateServiceInput) {
			in.ClientToken = aws.String(strings.Repeat("t", 37))
		}},
		{"ClientTokenPrintableASCII", "InvalidParameterException", "clientToken: up to 36 ASCII characters in the range 33-126 (inclusive) are allowed.", func(in *ecs.CreateServiceInput) {
			in.ClientToken = aws.String("tok en")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := base()
			tc.mod(in)
			_, err := e.CreateService(bg, in)
			apiErr(t, err, tc.code, tc.msg)
		})
	}
	if l, _ := e.ListServices(bg, &ecs.ListServicesInput{}); len(l.ServiceArns) != 0 {
		t.Fatalf("failed creations left services: %v", l.ServiceArns)
	}
}

// The same request twice (with or without the same clientToken) returns
// the existing service; a different one fails as not idempotent.
func TestCreateServiceIdempotency(t *testing.T) {
	e := newCluster(t, 2)
	td := register(t, e, simpleTD("web", "img:1"))
	// The longest token allowed: 36 characters (a UUID's length).
	in := &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1),
		ClientToken: aws.String("550e8400-e29b-41d4-a716-446655440000")}
	first, err := e.CreateService(bg, in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.CreateService(bg, in)
	if err != nil || aws.ToString(again.Service.Deployments[0].Id) != aws.ToString(first.Service.Deployments[0].Id) {
		t.Fatalf("repeat with same token: %v", err)
	}
	diff := *in
	diff.DesiredCount = aws.Int32(3)
	_, err = e.CreateService(bg, &diff)
	apiErr(t, err, "InvalidParameterException", "Creation of service was not idempotent.")
	other := *in
	other.ClientToken = aws.String("other")
	_, err = e.CreateService(bg, &other)
	apiErr(t, err, "InvalidParameterException", "Creation of service was not idempotent.")
}

// UpdateService errors: unknown service, service not ACTIVE, bad task definition.
func TestUpdateServiceErrors(t *testing.T) {
	e := newCluster(t, 2)
	td := register(t, e, simpleTD("web", "img:1"))
	old := register(t, e, simpleTD("web", "img:0"))
	e.DeregisterTaskDefinition(bg, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(old)})
	createSvc(t, e, "web", td, 1, svcOpts{min: 100, max: 200})
	_, err := e.UpdateService(bg, &ecs.UpdateServiceInput{Service: aws.String("nope")})
	apiErr(t, err, "ServiceNotFoundException", "Service not found.")
	_, err = e.UpdateService(bg, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(old)})
	apiErr(t, err, "InvalidParameterException", "TaskDefinition is inactive")
	_, err = e.UpdateService(bg, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(-2)})
	apiErr(t, err, "InvalidParameterException", "desiredCount: must not be negative.")
	if _, err := e.DeleteService(bg, &ecs.DeleteServiceInput{Service: aws.String("web"), Force: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	_, err = e.UpdateService(bg, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(1)})
	apiErr(t, err, "ServiceNotActiveException", "Service was not ACTIVE.")
	_, err = e.DeleteService(bg, &ecs.DeleteServiceInput{Service: aws.String("web"), Force: aws.Bool(true)})
	apiErr(t, err, "ServiceNotActiveException", "Service was not ACTIVE.")
}

// DeleteService needs desiredCount 0 unless force; the service is DRAINING
// while its tasks stop, then INACTIVE, and gone from ListServices at once.
func TestDeleteServiceWithAndWithoutForce(t *testing.T) {
	e := newCluster(t, 4)
	td := register(t, e, simpleTD("web", "img:1"))
	createSvc(t, e, "web", td, 2, svcOpts{min: 100, max: 200})
	createSvc(t, e, "api", td, 1, svcOpts{min: 100, max: 200})
	e.Advance(time.Minute)
	_, err := e.DeleteService(bg, &ecs.DeleteServiceInput{Service: aws.String("web")})
	apiErr(t, err, "InvalidParameterException", "The service cannot be stopped while it is scaled above 0.")
	out, err := e.DeleteService(bg, &ecs.DeleteServiceInput{Service: aws.String("web"), Force: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Service.Status) != "DRAINING" || out.Service.DesiredCount != 0 {
		t.Fatalf("after force delete: %s desired %d", aws.ToString(out.Service.Status), out.Service.DesiredCount)
	}
	l, _ := e.ListServices(bg, &ecs.ListServicesInput{})
	if len(l.ServiceArns) != 1 {
		t.Fatalf("ListServices after delete: %v", l.ServiceArns)
	}
	_, err = e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1)})
	apiErr(t, err, "InvalidParameterException", "Unable to Start a service that is still Draining.")
	stepUntil(t, e, time.Second, 5*time.Minute, nil, func() bool { return aws.ToString(svc(t, e, "web").Status) == "INACTIVE" })
	if c := countSvcTasks(e, "web"); c.live != 0 && c.runningByTD[td] != 0 {
		t.Fatalf("INACTIVE with tasks running: %+v", c)
	}
	// Without force, after scaling to 0.
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("api"), DesiredCount: aws.Int32(0)})
	if _, err := e.DeleteService(bg, &ecs.DeleteServiceInput{Service: aws.String("api")}); err != nil {
		t.Fatal(err)
	}
	stepUntil(t, e, time.Second, 5*time.Minute, nil, func() bool { return aws.ToString(svc(t, e, "api").Status) == "INACTIVE" })
	// An INACTIVE name can be used again.
	s := createSvc(t, e, "web", td, 1, svcOpts{min: 100, max: 200})
	if aws.ToString(s.Status) != "ACTIVE" || len(s.Events) != 0 {
		t.Fatalf("recreated: %s events %d", aws.ToString(s.Status), len(s.Events))
	}
}

// DescribeServices: at most 10 services, unknown ones as MISSING failures,
// names or ARNs, tags only with include TAGS.
func TestDescribeServicesLimitsAndMissing(t *testing.T) {
	e := newCluster(t, 1)
	td := register(t, e, simpleTD("web", "img:1"))
	in := &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(0),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}
	created, err := e.CreateService(bg, in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.DescribeServices(bg, &ecs.DescribeServicesInput{Services: []string{"web", *created.Service.ServiceArn, "nope"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Services) != 2 || len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "MISSING" ||
		aws.ToString(out.Failures[0].Arn) != "arn:aws:ecs:us-east-1:123456789012:service/default/nope" || out.Services[0].Tags != nil {
		t.Fatalf("describe: %d services, failures %v", len(out.Services), out.Failures)
	}
	out, _ = e.DescribeServices(bg, &ecs.DescribeServicesInput{Services: []string{"web"}, Include: []types.ServiceField{types.ServiceFieldTags}})
	if len(out.Services[0].Tags) != 1 {
		t.Fatalf("tags %v", out.Services[0].Tags)
	}
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = "web"
	}
	_, err = e.DescribeServices(bg, &ecs.DescribeServicesInput{Services: eleven})
	apiErr(t, err, "InvalidParameterException", "services: at most 10 services can be described per call, got 11.")
	_, err = e.DescribeServices(bg, &ecs.DescribeServicesInput{})
	apiErr(t, err, "InvalidParameterException", "")
}

// ListServices pages 10 by default (at most 100), with the SDK's paginator.
func TestListServicesPagination(t *testing.T) {
	e := newCluster(t, 1)
	td := register(t, e, simpleTD("web", "img:1"))
	for i := range 23 {
		createSvc(t, e, "s"+itoa(i), td, 0, svcOpts{min: 100, max: 200})
	}
	first, err := e.ListServices(bg, &ecs.ListServicesInput{})
	if err != nil || len(first.ServiceArns) != 10 || first.NextToken == nil {
		t.Fatalf("first page: %d %v", len(first.ServiceArns), err)
	}
	var all []string
	pages := 0
	p := ecs.NewListServicesPaginator(e, &ecs.ListServicesInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(bg)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, out.ServiceArns...)
	}
	if len(all) != 23 || pages != 3 {
		t.Fatalf("paginator: %d services in %d pages", len(all), pages)
	}
	_, err = e.ListServices(bg, &ecs.ListServicesInput{MaxResults: aws.Int32(101)})
	apiErr(t, err, "InvalidParameterException", "maxResults must be between 1 and 100.")
	if l, _ := e.ListServices(bg, &ecs.ListServicesInput{LaunchType: types.LaunchTypeFargate}); len(l.ServiceArns) != 0 {
		t.Fatalf("launch type filter: %d", len(l.ServiceArns))
	}
}

// A cluster with ACTIVE or DRAINING services cannot be deleted.
func TestDeleteClusterWithActiveServices(t *testing.T) {
	e := newCluster(t, 0)
	td := register(t, e, fargateTD("web", "img:1"))
	createSvc(t, e, "web", td, 0, svcOpts{min: 100, max: 200, launchFargate: true})
	_, err := e.DeleteCluster(bg, &ecs.DeleteClusterInput{Cluster: aws.String("default")})
	apiErr(t, err, "ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active.")
	if _, err := e.DeleteService(bg, &ecs.DeleteServiceInput{Service: aws.String("web")}); err != nil {
		t.Fatal(err)
	}
	e.Advance(time.Second)
	if _, err := e.DeleteCluster(bg, &ecs.DeleteClusterInput{Cluster: aws.String("default")}); err != nil {
		t.Fatalf("DeleteCluster after the service went INACTIVE: %v", err)
	}
}
