package fake_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// TestPutAttributesRulesOverHTTP: over the Go SDK, PutAttributes applies
// ECS's rules with ECS's exception types: more than 10 custom attributes
// on an instance is AttributeLimitExceededException, more than 10 in a
// call or a broken name/value rule InvalidParameterException, an unknown
// target TargetNotFoundException; a refused call changes nothing (all or
// none). Attributes put are listed by ListAttributes, used by memberOf
// placement, and deleted by DeleteAttributes.
func TestPutAttributesRulesOverHTTP(t *testing.T) {
	ctx := context.Background()
	e := fake.New()
	srv := faketest.NewServerFor(t, e)
	c := srv.Client
	if _, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	a, err := e.AddInstance("default", fake.InstanceSpec{Attributes: map[string]string{"team": "red", "tier": "web"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.AddInstance("default", fake.InstanceSpec{})
	if err != nil {
		t.Fatal(err)
	}
	put := func(attrs ...types.Attribute) error {
		_, err := c.PutAttributes(ctx, &ecs.PutAttributesInput{Attributes: attrs})
		return err
	}
	on := func(target, name string, value *string) types.Attribute {
		return types.Attribute{Name: aws.String(name), Value: value, TargetId: aws.String(target)}
	}
	state := func() string {
		out, err := c.DescribeContainerInstances(ctx, &ecs.DescribeContainerInstancesInput{ContainerInstances: []string{a, b}})
		if err != nil {
			t.Fatal(err)
		}
		var s strings.Builder
		for _, ci := range out.ContainerInstances {
			fmt.Fprintf(&s, "%s v%d:", aws.ToString(ci.ContainerInstanceArn), ci.Version)
			for _, at := range ci.Attributes {
				fmt.Fprintf(&s, " %s=%s", aws.ToString(at.Name), aws.ToString(at.Value))
			}
			s.WriteString("\n")
		}
		return s.String()
	}
	before := state()
	var limit *types.AttributeLimitExceededException
	var invalid *types.InvalidParameterException
	nine := make([]types.Attribute, 9)
	for i := range nine {
		nine[i] = on(a, fmt.Sprintf("k%d", i), aws.String("v"))
	}
	for _, tc := range []struct {
		name string
		err  error
		typ  string // the SDK's typed error
		msg  string
	}{
		{"9 more on an instance with 2", put(nine...), "*types.AttributeLimitExceededException", "would have 11 custom attributes"},
		{"11 in a call", put(append(nine, on(b, "x", nil), on(b, "y", nil))...), "*types.InvalidParameterException", "between 1 and 10 attributes in a single call, got 11"},
		{"name with a space", put(on(b, "a b", nil)), "*types.InvalidParameterException", `attributes[0].name: "a b": 1-128 letters`},
		{"value with a trailing space", put(on(b, "k", aws.String("v "))), "*types.InvalidParameterException", `attributes[0].value: "v "`},
		{"a built-in attribute", put(on(b, "ecs.os-type", aws.String("windows"))), "*types.InvalidParameterException", "set by Amazon ECS and its agent"},
		{"short ID without targetType", put(on(b[strings.LastIndex(b, "/")+1:], "k", nil)), "*types.InvalidParameterException", "targetType: required when targetId is a short ID"},
		{"unknown target after a good one", put(on(b, "ok", nil), on("arn:aws:ecs:us-east-1:123456789012:container-instance/default/0123", "k", nil)), "*types.TargetNotFoundException", "attributes[1].targetId"},
		{"another region's ARN", put(on(strings.Replace(b, "us-east-1", "eu-west-1", 1), "k", nil)), "*types.TargetNotFoundException", "The specified target wasn't found"},
	} {
		var apiErr smithy.APIError
		if !errors.As(tc.err, &apiErr) || fmt.Sprintf("%T", apiErr) != tc.typ || !strings.Contains(apiErr.ErrorMessage(), tc.msg) {
			t.Errorf("%s: %v, want %s with %q", tc.name, tc.err, tc.typ, tc.msg)
		}
	}
	if after := state(); after != before {
		t.Fatalf("refused calls changed the instances:\n%s\nwant\n%s", after, before)
	}
	// 8 more on a (2 + 8 = 10) and one on b by its short ID: accepted.
	if err := put(nine[:8]...); err != nil {
		t.Fatalf("8 more on an instance with 2: %v", err)
	}
	short := b[strings.LastIndex(b, "/")+1:]
	if err := put(types.Attribute{Name: aws.String("rack"), Value: aws.String("r1"), TargetId: aws.String(short), TargetType: types.TargetTypeContainerInstance}); err != nil {
		t.Fatalf("short ID with targetType: %v", err)
	}
	list, err := c.ListAttributes(ctx, &ecs.ListAttributesInput{TargetType: types.TargetTypeContainerInstance, AttributeName: aws.String("rack"), AttributeValue: aws.String("r1")})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Attributes) != 1 || aws.ToString(list.Attributes[0].TargetId) != b || list.Attributes[0].TargetType != types.TargetTypeContainerInstance {
		t.Fatalf("ListAttributes rack=r1: %+v", list.Attributes)
	}
	if _, err := c.ListAttributes(ctx, &ecs.ListAttributesInput{TargetType: types.TargetTypeContainerInstance, AttributeValue: aws.String("x")}); !errors.As(err, &invalid) {
		t.Fatalf("attributeValue without attributeName: %v", err)
	}
	all, err := c.ListAttributes(ctx, &ecs.ListAttributesInput{TargetType: types.TargetTypeContainerInstance, AttributeName: aws.String("ecs.os-type")})
	if err != nil || len(all.Attributes) != 2 {
		t.Fatalf("ListAttributes of a built-in attribute: %v %+v, want one per instance", err, all.Attributes)
	}
	// memberOf placement sees the attribute put.
	if _, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("job"), ContainerDefinitions: []types.ContainerDefinition{{
		Name: aws.String("job"), Image: aws.String("busybox"), Memory: aws.Int32(64)}}}); err != nil {
		t.Fatal(err)
	}
	run, err := c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("job"), LaunchType: types.LaunchTypeEc2,
		PlacementConstraints: []types.PlacementConstraint{{Type: types.PlacementConstraintTypeMemberOf, Expression: aws.String(`attribute:rack == r1`)}}})
	if err != nil || len(run.Tasks) != 1 || aws.ToString(run.Tasks[0].ContainerInstanceArn) != b {
		t.Fatalf("RunTask memberOf rack: %v %+v", err, run)
	}
	// At 10, an eleventh is refused; deleting one makes room.
	if err := put(on(a, "more", nil)); !errors.As(err, &limit) {
		t.Fatalf("eleventh custom attribute: %v", err)
	}
	if _, err := c.DeleteAttributes(ctx, &ecs.DeleteAttributesInput{Attributes: []types.Attribute{{Name: aws.String("team"), TargetId: aws.String(a)}}}); err != nil {
		t.Fatal(err)
	}
	if err := put(on(a, "more", nil)); err != nil {
		t.Fatalf("after a delete: %v", err)
	}
	if _, err := c.DeleteAttributes(ctx, &ecs.DeleteAttributesInput{Attributes: []types.Attribute{{Name: aws.String("ecs.os-type"), TargetId: aws.String(a)}}}); !errors.As(err, &invalid) {
		t.Fatalf("deleting a built-in attribute: %v", err)
	}
}

// TestAttributesSurviveSnapshot: attributes put and deleted, and a group's
// refused registrations, are rebuilt by Restore (the journal replays the
// calls and controls).
func TestAttributesSurviveSnapshot(t *testing.T) {
	ctx := context.Background()
	e := fake.New(fake.WithSnapshots(), fake.WithQuotas(fake.Quotas{ContainerInstancesPerCluster: 2}))
	if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	a, err := e.AddInstance("default", fake.InstanceSpec{Attributes: map[string]string{"team": "red"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.PutAttributes(ctx, &ecs.PutAttributesInput{Attributes: []types.Attribute{
		{Name: aws.String("rack"), Value: aws.String("r1"), TargetId: aws.String(a)}, {Name: aws.String("gpu"), TargetId: aws.String(a)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DeleteAttributes(ctx, &ecs.DeleteAttributesInput{Attributes: []types.Attribute{{Name: aws.String("team"), TargetId: aws.String(a)}}}); err != nil {
		t.Fatal(err)
	}
	// The group's instance is lost; before its replacement joins another
	// instance takes the last place: the replacement is refused.
	if _, err := e.DeclareAutoScalingGroup(fake.AutoScalingGroupSpec{Name: "asg", DesiredCapacity: 1, MaxSize: 5}); err != nil {
		t.Fatal(err)
	}
	g, _ := e.DescribeGroup("asg")
	if err := e.LoseInstance(g.ContainerInstanceArns[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := e.AddInstance("default", fake.InstanceSpec{}); err != nil {
		t.Fatal(err)
	}
	e.Advance(5 * time.Minute)
	list := func(e *fake.ECS) string {
		out, err := e.ListAttributes(ctx, &ecs.ListAttributesInput{TargetType: types.TargetTypeContainerInstance})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, at := range out.Attributes {
			fmt.Fprintf(&b, "%s %s=%s\n", aws.ToString(at.TargetId), aws.ToString(at.Name), aws.ToString(at.Value))
		}
		st, err := e.DescribeGroup("asg")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "group %+v\n", st)
		return b.String()
	}
	want := list(e)
	if !strings.Contains(want, "rack=r1") || strings.Contains(want, "team=") || !strings.Contains(want, "Unregistered:1") {
		t.Fatalf("attributes before the snapshot:\n%s", want)
	}
	data, err := e.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	r, err := fake.Restore(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := list(r); got != want {
		t.Fatalf("restored:\n%s\nwant\n%s", got, want)
	}
}
