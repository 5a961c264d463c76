package ecsdeploy_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
)

// webDefinition is the full definition of the fakeEnv service "web" with
// desired count, maximumPercent and subnets as given.
func webDefinition(desired, maxPercent int32, subnet string) *ecs.CreateServiceInput {
	return &ecs.CreateServiceInput{ServiceName: ptr("web"), Cluster: ptr("prod"), DesiredCount: ptr(desired),
		LaunchType:              types.LaunchTypeFargate,
		NetworkConfiguration:    &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{subnet}}},
		DeploymentConfiguration: &types.DeploymentConfiguration{MaximumPercent: ptr(maxPercent), MinimumHealthyPercent: ptr(int32(100))}}
}

// writes counts the calls that change something.
func writes(env *fakeEnv) int {
	return env.e.CallCount("RegisterTaskDefinition") + env.e.CallCount("UpdateService") + env.e.CallCount("CreateService")
}

// Plan says what Deploy would do — task definition diff, whether a
// revision is registered, service changes, the deployment — and writes
// nothing (Deployer.Plan, issue item 3).
func TestPlanSaysWhatDeployWouldDoWithoutWriting(t *testing.T) {
	env := newFakeEnv(t)
	env.service("web", "web:1", 2, nil)
	before := writes(env)
	td := taskDef("web", "web:2")
	p, err := env.d.Plan(t.Context(), ecsdeploy.DeployInput{TaskDefinition: td, ServiceDefinition: webDefinition(3, 150, "subnet-0123456789abcdef0")})
	if err != nil {
		t.Fatal(err)
	}
	if writes(env) != before {
		t.Fatalf("Plan wrote: %d write calls, was %d", writes(env), before)
	}
	if p.TaskDefinitionDiff != `containerDefinitions[app].image: "web:1" -> "web:2"` || !p.RegistersRevision || p.TaskDefinition != "web:<new revision>" {
		t.Fatalf("task definition part: %+v", p)
	}
	wantSvc := "deploymentConfiguration.maximumPercent: 200 -> 150\ndesiredCount: 2 -> 3"
	if p.ServiceDiff != wantSvc {
		t.Fatalf("service diff:\n%s\nwant\n%s", p.ServiceDiff, wantSvc)
	}
	if !p.StartsDeployment || !slices.Equal(p.DeploymentReasons, []string{"taskDefinition"}) || p.NoChange {
		t.Fatalf("deployment: %v %v", p.StartsDeployment, p.DeploymentReasons)
	}
	u := p.Update
	if aws.ToInt32(u.DesiredCount) != 3 || aws.ToInt32(u.DeploymentConfiguration.MaximumPercent) != 150 || u.NetworkConfiguration != nil {
		t.Fatalf("update %+v", u)
	}
	if s := p.String(); !strings.Contains(s, "register web:<new revision>") || !strings.Contains(s, "starts a new deployment") {
		t.Fatalf("String:\n%s", s)
	}
	// Once the revision exists, Plan says Deploy would reuse it.
	reg, err := env.d.Register(t.Context(), taskDef("web", "web:2"))
	if err != nil {
		t.Fatal(err)
	}
	p, err = env.d.Plan(t.Context(), ecsdeploy.DeployInput{Service: "web", Cluster: "prod", Image: "web:2"})
	if err != nil {
		t.Fatal(err)
	}
	if p.RegistersRevision || p.TaskDefinition != reg.Arn || p.ServiceDiff != "" {
		t.Fatalf("after registering: %+v", p)
	}
	// Nothing to do.
	p, err = env.d.Plan(t.Context(), ecsdeploy.DeployInput{Service: "web", Cluster: "prod", Image: "web:1"})
	if err != nil || !p.NoChange || p.Update != nil {
		t.Fatalf("unchanged: %+v, %v", p, err)
	}
}

// Plan reports every problem of its input at once, naming the fields, and
// makes no call at all.
func TestPlanReportsEveryInputProblemAtOnce(t *testing.T) {
	env := newFakeEnv(t)
	bad := taskDef("web", "")
	def := webDefinition(-1, 150, "subnet-1")
	_, err := env.d.Plan(t.Context(), ecsdeploy.DeployInput{Service: "web", TaskDefinition: bad, Image: "x:1", ServiceDefinition: def})
	got := validationFields(t, err)
	for _, want := range []string{"Image", "ServiceDefinition.desiredCount", "containerDefinitions[0].image"} {
		if !slices.Contains(got, want) {
			t.Errorf("no problem on %s in %v", want, got)
		}
	}
	if n := len(env.e.Calls()); n != 1 { // the CreateCluster of newFakeEnv
		t.Fatalf("%d calls, want none by Plan", n)
	}
}

// Deploy with a full service definition makes one UpdateService with
// what changed, and the service runs the new configuration (issue item 4,
// the way ecspresso deploys its service definition file).
func TestDeployServiceDefinitionUpdatesWhatChangedInOneCall(t *testing.T) {
	env := newFakeEnv(t)
	env.service("web", "web:1", 2, nil)
	res, err := env.d.Deploy(t.Context(), ecsdeploy.DeployInput{TaskDefinition: taskDef("web", "web:2"),
		ServiceDefinition: webDefinition(3, 150, "subnet-0123456789abcdef0")})
	if err != nil {
		t.Fatal(err)
	}
	if n := env.e.CallCount("UpdateService"); n != 1 {
		t.Fatalf("%d UpdateService calls, want 1", n)
	}
	// The call log keeps a bounded summary of each request (fake.Call):
	// scalars as sent, structures as "{...}".
	var in struct {
		DesiredCount            int32  `json:"desiredCount"`
		DeploymentConfiguration string `json:"deploymentConfiguration"`
		NetworkConfiguration    string `json:"networkConfiguration"`
		TaskDefinition          string `json:"taskDefinition"`
	}
	for _, c := range env.e.Calls() {
		if c.Op == "UpdateService" {
			if err := json.Unmarshal(c.Request, &in); err != nil {
				t.Fatal(err)
			}
		}
	}
	if in.DesiredCount != 3 || in.DeploymentConfiguration == "" || in.NetworkConfiguration != "" || in.TaskDefinition != res.TaskDefinitionArn {
		t.Fatalf("UpdateService request %+v", in)
	}
	st, err := env.d.Status(t.Context(), "prod", "web")
	if err != nil {
		t.Fatal(err)
	}
	if st.Service.DesiredCount != 3 || st.Service.RunningCount != 3 || aws.ToInt32(st.Service.DeploymentConfiguration.MaximumPercent) != 150 {
		t.Fatalf("after deploy: %s max %d", st, aws.ToInt32(st.Service.DeploymentConfiguration.MaximumPercent))
	}
	// A network change alone starts a deployment, which Deploy waits for.
	res, err = env.d.Deploy(t.Context(), ecsdeploy.DeployInput{ServiceDefinition: webDefinition(3, 150, "subnet-0fedcba9876543210")})
	if err != nil || res.DeploymentID == "" || res.NoChange {
		t.Fatalf("network change: %+v, %v", res, err)
	}
	if p := res.Status.Deployment; p == nil || aws.ToString(p.Id) != res.DeploymentID || p.RolloutState != types.DeploymentRolloutStateCompleted {
		t.Fatalf("deployment %+v", res.Status.Deployment)
	}
	// The same definition again changes nothing.
	res, err = env.d.Deploy(t.Context(), ecsdeploy.DeployInput{ServiceDefinition: webDefinition(3, 150, "subnet-0fedcba9876543210")})
	if err != nil || !res.NoChange || env.e.CallCount("UpdateService") != 2 {
		t.Fatalf("unchanged definition: %+v, %v, %d updates", res, err, env.e.CallCount("UpdateService"))
	}
}

// Changes UpdateService cannot make in place are refused, every one named,
// before any call that writes (UpdateService API Reference: no launchType,
// schedulingStrategy or role member; tags need TagResource; launch type to
// capacity provider strategy needs forceNewDeployment).
func TestDeployRefusesChangesECSCannotMakeInPlace(t *testing.T) {
	env := newFakeEnv(t)
	env.service("web", "web:1", 2, nil)
	before := writes(env)
	def := webDefinition(2, 200, "subnet-0123456789abcdef0")
	def.LaunchType = types.LaunchTypeEc2
	def.SchedulingStrategy = types.SchedulingStrategyDaemon
	def.DeploymentConfiguration = &types.DeploymentConfiguration{MaximumPercent: ptr(int32(100)), MinimumHealthyPercent: ptr(int32(0))}
	def.DesiredCount = nil
	def.Tags = []types.Tag{{Key: ptr("team"), Value: ptr("web")}}
	_, err := env.d.Deploy(t.Context(), ecsdeploy.DeployInput{Image: "web:2", ServiceDefinition: def})
	got := validationFields(t, err)
	want := []string{"ServiceDefinition.launchType", "ServiceDefinition.schedulingStrategy", "ServiceDefinition.tags"}
	if !slices.Equal(got, want) {
		t.Fatalf("fields %v, want %v\n%v", got, want, err)
	}
	if writes(env) != before {
		t.Fatal("a refused deploy wrote")
	}
	// Launch type -> capacity provider strategy without force.
	def = webDefinition(2, 200, "subnet-0123456789abcdef0")
	def.LaunchType = ""
	def.CapacityProviderStrategy = []types.CapacityProviderStrategyItem{{CapacityProvider: ptr("FARGATE_SPOT"), Weight: 1}}
	_, err = env.d.Plan(t.Context(), ecsdeploy.DeployInput{ServiceDefinition: def})
	var ve *ecsdeploy.ValidationError
	if !errors.As(err, &ve) || ve.Field != "ServiceDefinition.capacityProviderStrategy" || !strings.Contains(ve.Rule, "ForceNewDeployment") {
		t.Fatalf("launch type -> capacity providers: %v", err)
	}
	p, err := env.d.Plan(t.Context(), ecsdeploy.DeployInput{ServiceDefinition: def, ForceNewDeployment: true})
	if err != nil || len(p.Update.CapacityProviderStrategy) != 1 {
		t.Fatalf("with force: %+v, %v", p, err)
	}
}

// SetImage sets one container's image of a loaded definition.
func TestSetImage(t *testing.T) {
	td, err := ecsdeploy.LoadTaskDefinitionJSON(readFixture(t, "cli/v2-describe-task-definition.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := ecsdeploy.SetImage(td, "", "registry.example/web:2"); err != nil || aws.ToString(td.ContainerDefinitions[0].Image) != "registry.example/web:2" {
		t.Fatalf("SetImage: %v, %s", err, aws.ToString(td.ContainerDefinitions[0].Image))
	}
	err = ecsdeploy.SetImage(td, "nginx", "nginx:1")
	var ve *ecsdeploy.ValidationError
	if !errors.As(err, &ve) || ve.Field != "Container" || !strings.Contains(ve.Rule, `no container "nginx"`) || !strings.Contains(ve.Rule, "web") {
		t.Fatalf("unknown container: %v", err)
	}
}

// A task definition loaded with its tags (describe-task-definition
// --include TAGS) is compared with the registered revision's tags: the
// same file twice deploys nothing, a tag change registers a revision.
func TestDeployComparesTaskDefinitionTags(t *testing.T) {
	env := newFakeEnv(t)
	td := taskDef("web", "web:1")
	td.Tags = []types.Tag{{Key: ptr("team"), Value: ptr("a")}}
	reg, err := env.d.Register(t.Context(), td)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.d.CreateService(t.Context(), &ecs.CreateServiceInput{Cluster: ptr("prod"), ServiceName: ptr("web"),
		TaskDefinition: ptr(reg.Arn), DesiredCount: ptr(int32(1)), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: awsvpc}); err != nil {
		t.Fatal(err)
	}
	res, err := env.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", TaskDefinition: td})
	if err != nil || !res.NoChange || env.e.CallCount("RegisterTaskDefinition") != 1 {
		t.Fatalf("same tagged definition: %+v %v, %d registrations", res, err, env.e.CallCount("RegisterTaskDefinition"))
	}
	td.Tags = []types.Tag{{Key: ptr("team"), Value: ptr("b")}}
	p, err := env.d.Plan(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", TaskDefinition: td})
	if err != nil || !p.RegistersRevision || !strings.Contains(p.TaskDefinitionDiff, `tags[team].value: "a" -> "b"`) {
		t.Fatalf("tag change: %+v %v", p, err)
	}
}

// Members a service definition leaves unset are kept: a file without
// desiredCount, launchType, tags or deploymentController changes none of
// them.
func TestServiceDefinitionKeepsUnsetMembers(t *testing.T) {
	cur := &types.Service{ServiceName: ptr("web"), DesiredCount: 4, LaunchType: types.LaunchTypeFargate,
		DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeCodeDeploy},
		Tags:                 []types.Tag{{Key: ptr("team"), Value: ptr("a")}}}
	want := &ecs.CreateServiceInput{ServiceName: ptr("web")}
	if d := ecsdeploy.ServiceDiff(ecsdeploy.CreateInput(cur), want); d != "" {
		t.Fatalf("diff of a file that sets nothing:\n%s", d)
	}
}
