package fake_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// sdkAttrs builds n attributes named prefix0..prefixN-1 with value v.
func sdkAttrs(prefix string, n int, v *string) []types.Attribute {
	out := make([]types.Attribute, n)
	for i := range out {
		out[i] = types.Attribute{Name: aws.String(fmt.Sprintf("%s%d", prefix, i)), Value: v}
	}
	return out
}

// TestRegisterContainerInstanceAttributeRulesOverHTTP: over the Go SDK,
// RegisterContainerInstance applies ECS's Attribute rules (API Reference,
// Attribute; PutAttributes: at most 10 custom attributes per resource),
// the same the instances control applies: each broken rule is an
// InvalidParameterException naming the member and the rule, and registers
// nothing. The agent's own attributes (ecs.*, com.amazonaws.ecs.*) do not
// count as custom, and a value is optional.
func TestRegisterContainerInstanceAttributeRulesOverHTTP(t *testing.T) {
	ctx := context.Background()
	srv := faketest.NewServer(t)
	c := srv.Client
	if _, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	v := aws.String("v")
	for _, tc := range []struct {
		name  string
		attrs []types.Attribute
		msg   string
	}{
		{"11 custom attributes", sdkAttrs("k", 11, v), "attributes: at most 10 custom attributes per container instance"},
		{"5000 custom attributes", sdkAttrs("k", 5000, v), "got 5000"},
		{"name with a space", []types.Attribute{{Name: aws.String("a b"), Value: v}}, `attributes[0].name: "a b": 1-128 letters`},
		{"empty name", []types.Attribute{{Name: aws.String("ok"), Value: v}, {Name: aws.String(""), Value: v}}, `attributes[1].name: "": 1-128 letters`},
		{"name of 129 characters", []types.Attribute{{Name: aws.String(strings.Repeat("n", 129)), Value: v}}, "attributes[0].name:"},
		{"value with a leading space", []types.Attribute{{Name: aws.String("k"), Value: aws.String(" v")}}, `attributes[0].value: " v": 1-128 letters`},
		{"value with a trailing space", []types.Attribute{{Name: aws.String("k"), Value: aws.String("v ")}}, `attributes[0].value: "v "`},
		{"value of 129 characters", []types.Attribute{{Name: aws.String("k"), Value: aws.String(strings.Repeat("v", 129))}}, "attributes[0].value:"},
		{"value with a comma", []types.Attribute{{Name: aws.String("k"), Value: aws.String("a,b")}}, `attributes[0].value: "a,b"`},
		{"availability zone value", []types.Attribute{{Name: aws.String("ecs.availability-zone"), Value: aws.String("us-east-1a!")}}, `attributes[0].value: "us-east-1a!"`},
	} {
		_, err := c.RegisterContainerInstance(ctx, &ecs.RegisterContainerInstanceInput{Attributes: tc.attrs})
		var invalid *types.InvalidParameterException
		if !errors.As(err, &invalid) || !strings.Contains(invalid.ErrorMessage(), tc.msg) {
			t.Errorf("%s: %v, want InvalidParameterException with %q", tc.name, err, tc.msg)
		}
	}
	list, err := c.ListContainerInstances(ctx, &ecs.ListContainerInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.ContainerInstanceArns) != 0 {
		t.Fatalf("refused registrations registered %d instances", len(list.ContainerInstanceArns))
	}
	// What an agent sends: its own attributes in any number, 10 custom
	// ones, one without a value, values with spaces, @, : / \ inside.
	ok := append(sdkAttrs("ecs.capability.thing", 30, nil), sdkAttrs("com.amazonaws.ecs.capability.x", 20, nil)...)
	ok = append(ok, sdkAttrs("custom", 9, aws.String(`a b@c:d/e\f.g-h_i`))...)
	ok = append(ok, types.Attribute{Name: aws.String("novalue")},
		types.Attribute{Name: aws.String("ecs.availability-zone"), Value: aws.String("us-east-1b")})
	out, err := c.RegisterContainerInstance(ctx, &ecs.RegisterContainerInstanceInput{Attributes: ok})
	if err != nil {
		t.Fatalf("valid registration: %v", err)
	}
	got := map[string]string{}
	for _, a := range out.ContainerInstance.Attributes {
		got[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	if got["custom8"] != `a b@c:d/e\f.g-h_i` || got["ecs.availability-zone"] != "us-east-1b" || len(got) < 9+50+1 {
		t.Fatalf("registered attributes %v", got)
	}
}

// TestInstanceAttributeRulesAreOneChecker: AddInstance, the instances
// control and RegisterContainerInstance refuse the same attributes with
// the same message (one checker, attributes.go), and none of them
// registers an instance.
func TestInstanceAttributeRulesAreOneChecker(t *testing.T) {
	ctx := context.Background()
	e := fake.New()
	srv := faketest.NewServerFor(t, e)
	if _, err := srv.Client.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	ctl := fake.NewControlClient(srv.URL, nil)
	m := map[string]string{}
	for i := range 11 {
		m[fmt.Sprintf("k%d", i)] = "v"
	}
	for _, tc := range []struct {
		name  string
		attrs map[string]string
		msg   string
	}{
		{"11 custom attributes", m, "attributes: at most 10 custom attributes per container instance"},
		{"name with a slash and a space", map[string]string{"a/ b": "v"}, `attributes: name "a/ b": 1-128 letters`},
		{"value with a leading space", map[string]string{"k": " v"}, `attributes["k"]: value " v": 1-128 letters`},
	} {
		_, inErr := e.AddInstance("default", fake.InstanceSpec{Attributes: tc.attrs})
		_, ctlErr := ctl.AddInstances(ctx, "default", fake.InstanceSpec{Attributes: tc.attrs}, 1)
		var invalid *types.InvalidParameterException
		if !errors.As(inErr, &invalid) || !strings.Contains(invalid.ErrorMessage(), tc.msg) {
			t.Errorf("%s: AddInstance: %v, want InvalidParameterException with %q", tc.name, inErr, tc.msg)
		}
		if ctlErr == nil || !strings.Contains(ctlErr.Error(), invalid.ErrorMessage()) {
			t.Errorf("%s: control: %v, want the same message as AddInstance (%q)", tc.name, ctlErr, invalid.ErrorMessage())
		}
	}
	_, err := e.DeclareAutoScalingGroup(fake.AutoScalingGroupSpec{Name: "g", DesiredCapacity: 1, Instance: fake.InstanceSpec{Attributes: m}})
	if err == nil || !strings.Contains(err.Error(), "instance.attributes: at most 10 custom attributes") {
		t.Errorf("DeclareAutoScalingGroup with 11 attributes: %v", err)
	}
	list, err := e.ListContainerInstances(ctx, &ecs.ListContainerInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.ContainerInstanceArns) != 0 {
		t.Fatalf("refused attributes registered %d instances", len(list.ContainerInstanceArns))
	}
}

// TestGroupInstanceQuotaOverHTTP: over the wire (the autoscaling-groups
// and advance controls, the Go SDK for ECS), a capacity provider's group
// scaled out past the cluster's container instance quota registers only
// what the quota takes; GET /_fake/v1/autoscaling-groups shows the
// refused instances and the LimitExceededException they got.
func TestGroupInstanceQuotaOverHTTP(t *testing.T) {
	ctx := context.Background()
	srv := faketest.NewServer(t, fake.WithQuotas(fake.Quotas{ContainerInstancesPerCluster: 2}))
	c, ctl := srv.Client, fake.NewControlClient(srv.URL, nil)
	if _, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	arn, err := ctl.DeclareAutoScalingGroup(ctx, fake.AutoScalingGroupSpec{Name: "asg", MaxSize: 10, JoinAfter: time.Minute,
		Instance: fake.InstanceSpec{CPU: 1024, Memory: 2048}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateCapacityProvider(ctx, &ecs.CreateCapacityProviderInput{Name: aws.String("cp"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{
		AutoScalingGroupArn: aws.String(arn), ManagedScaling: &types.ManagedScaling{Status: types.ManagedScalingStatusEnabled}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutClusterCapacityProviders(ctx, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("default"), CapacityProviders: []string{"cp"},
		DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("cp"), Weight: 1}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("job"), ContainerDefinitions: []types.ContainerDefinition{{
		Name: aws.String("job"), Image: aws.String("busybox"), Cpu: 1024, Memory: aws.Int32(512)}}}); err != nil {
		t.Fatal(err)
	}
	// Five tasks of a whole instance each: managed scaling asks for 5.
	if _, err := c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("job"), Count: aws.Int32(5)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ctl.Advance(ctx, 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	st, err := ctl.DescribeGroup(ctx, "asg")
	if err != nil {
		t.Fatal(err)
	}
	if st.DesiredCapacity != 5 || len(st.ContainerInstanceArns) != 2 || st.Unregistered != 3 ||
		!strings.Contains(st.RegistrationError, "Container instances per cluster is 2") {
		t.Fatalf("group %+v, want desired 5 with 2 registered and 3 refused by the quota", st)
	}
	list, err := c.ListContainerInstances(ctx, &ecs.ListContainerInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.ContainerInstanceArns) != 2 {
		t.Fatalf("%d container instances, want the quota's 2", len(list.ContainerInstanceArns))
	}
	tasks, err := c.ListTasks(ctx, &ecs.ListTasksInput{DesiredStatus: types.DesiredStatusRunning})
	if err != nil {
		t.Fatal(err)
	}
	desc, err := c.DescribeTasks(ctx, &ecs.DescribeTasksInput{Tasks: tasks.TaskArns})
	if err != nil {
		t.Fatal(err)
	}
	waiting := 0
	for _, tk := range desc.Tasks {
		if aws.ToString(tk.LastStatus) == "PROVISIONING" {
			waiting++
		}
	}
	if waiting != 3 {
		t.Fatalf("%d tasks waiting in PROVISIONING, want the 3 without an instance", waiting)
	}
	if _, err := ctl.DescribeGroup(ctx, "nope"); err == nil || !strings.Contains(err.Error(), "no such auto scaling group") {
		t.Fatalf("unknown group: %v", err)
	}
	for q, want := range map[string]string{"": "name: required", "?name=asg&x=1": "x: unknown query parameter"} {
		resp, err := http.Get(srv.URL + fake.ControlPrefix + "autoscaling-groups" + q)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), want) {
			t.Errorf("GET autoscaling-groups%s: %d %s, want 400 with %q", q, resp.StatusCode, body, want)
		}
	}
}
