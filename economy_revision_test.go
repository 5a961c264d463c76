package ecsdeploy_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
)

// A Deployer that registered (or described) the service's current
// revision deploys a new image on top of it without DescribeTaskDefinition
// (issue #18.2: a revision's content never changes), from the revision as
// registered even when the caller changed the result it was handed; a
// wanted definition with tags still reads the current one (tags can
// change after registration).
func TestDeployReusesAKnownRevision(t *testing.T) {
	f := newFakeEnv(t)
	reg, err := f.d.Register(t.Context(), taskDef("web", "nginx:1"))
	if err != nil {
		t.Fatal(err)
	}
	reg.TaskDefinition.ContainerDefinitions[0].Image = aws.String("mutated:by-caller")
	reg.TaskDefinition.ContainerDefinitions[0].Environment = []types.KeyValuePair{{Name: aws.String("X"), Value: aws.String("1")}}
	if _, err := f.d.CreateService(t.Context(), &ecs.CreateServiceInput{Cluster: aws.String(f.cluster), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(reg.Arn), DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: awsvpc}); err != nil {
		t.Fatal(err)
	}
	before := f.e.CallCounts()
	res, err := f.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:2"})
	if err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	if n := delta(before, f.e.CallCounts())["DescribeTaskDefinition"]; n != 0 {
		t.Errorf("%d DescribeTaskDefinition, want 0: the Deployer registered web:1", n)
	}
	if want := `containerDefinitions[app].image: "nginx:1" -> "nginx:2"`; res.Diff != want {
		t.Errorf("diff %q, want %q (the revision as registered, not as the caller changed it)", res.Diff, want)
	}

	tagged := taskDef("web", "nginx:3")
	tagged.Tags = []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}
	before = f.e.CallCounts()
	if _, err := f.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", TaskDefinition: tagged}); err != nil {
		t.Fatalf("Deploy with tags: %v", err)
	}
	if n := delta(before, f.e.CallCounts())["DescribeTaskDefinition"]; n != 1 {
		t.Errorf("with tags: %d DescribeTaskDefinition, want 1 (tags can change after registration)", n)
	}

	fresh := ecsdeploy.New(f.e, ecsdeploy.WithClock(f.e))
	before = f.e.CallCounts()
	if _, err := fresh.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:4"}); err != nil {
		t.Fatalf("Deploy by a new Deployer: %v", err)
	}
	if n := delta(before, f.e.CallCounts())["DescribeTaskDefinition"]; n != 1 {
		t.Errorf("a new Deployer: %d DescribeTaskDefinition, want 1", n)
	}
}
