package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// The files AWS CLI v2 printed for a running service (ISO 8601
// timestamps; see testdata/cli/README.md at the module root).
const (
	v2Service = "../../testdata/cli/v2-describe-services.json"
	v2TaskDef = "../../testdata/cli/v2-describe-task-definition.json"
)

// The first program: a platform tool that loads what AWS CLI v2
// printed (describe-services, describe-task-definition), shows a plan,
// deploys, and rolls back, through exported API only.
func TestCLIv2FilesPlanDeployAndRollBack(t *testing.T) {
	e := fake.New()
	if _, err := e.CreateCluster(context.Background(), &ecs.CreateClusterInput{ClusterName: aws.String("default")}); err != nil {
		t.Fatal(err)
	}
	v := &env{t: t, e: e}
	files := []string{"-spec", v2Service, "-taskdef", v2TaskDef}
	v.must(exitOK, append(files, "-deploy")...)
	runs(v, "web:1")
	if out := v.must(exitOK, append(files, "-diff")...); !strings.Contains(out, "no changes: service web runs web:1 as specified") {
		t.Fatalf("the files it was deployed from differ:\n%s", out)
	}
	out := v.must(exitDiff, append(files, "-diff", "-image", "web=registry.example/web:2")...)
	for _, want := range []string{
		`containerDefinitions[web].image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2" -> "registry.example/web:2"`,
		"task definition (register web:<new revision>)",
		"UpdateService starts a new deployment of web:<new revision> (taskDefinition)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	if n := e.CallCount("RegisterTaskDefinition"); n != 1 {
		t.Fatalf("-diff registered: %d registrations", n)
	}
	v.must(exitOK, append(files, "-deploy", "-image", "web=registry.example/web:2")...)
	runs(v, "web:2")
	if err := e.InjectFault(fake.Fault{Image: "*:broken", Action: fake.FaultFailStart}); err != nil {
		t.Fatal(err)
	}
	v.must(exitRolledBack, append(files, "-deploy", "-image", "web=registry.example/web:broken")...)
	runs(v, "web:2")
	v.must(exitOK, "-spec", v2Service, "-rollback")
	runs(v, "web:1")
}

// runs checks what service web in cluster default runs.
func runs(v *env, want string) {
	v.t.Helper()
	out, err := v.e.DescribeServices(context.Background(), &ecs.DescribeServicesInput{Cluster: aws.String("default"), Services: []string{"web"}})
	if err != nil || len(out.Services) != 1 {
		v.t.Fatalf("describe web: %v", err)
	}
	if got := afterSlash(aws.ToString(out.Services[0].TaskDefinition)); got != want {
		v.t.Errorf("service runs %s, want %s", got, want)
	}
}
