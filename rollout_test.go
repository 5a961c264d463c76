package ecsdeploy

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestRollbackTargetIsLastCompletedDeploymentNotRevisionMinusOne(t *testing.T) {
	at := func(d types.Deployment, sec int64) types.Deployment { d.CreatedAt = ptr(time.Unix(sec, 0)); return d }
	cases := []struct {
		name    string
		deps    []types.Deployment
		exclude string
		want    string
	}{
		{"steady service: its PRIMARY", []types.Deployment{dep("ecs-svc/1", "PRIMARY", "web:7", completed, 2, 2)}, "", "web:7"},
		{"mid-deployment: the COMPLETED ACTIVE one, even if far back", []types.Deployment{
			at(dep("ecs-svc/3", "PRIMARY", "web:9", inProgress, 2, 0), 300),
			at(dep("ecs-svc/1", "ACTIVE", "web:4", completed, 2, 2), 100)}, "", "web:4"},
		{"newest of two COMPLETED", []types.Deployment{
			at(dep("ecs-svc/1", "ACTIVE", "web:4", completed, 2, 2), 100),
			at(dep("ecs-svc/2", "ACTIVE", "web:5", completed, 2, 2), 200),
			at(dep("ecs-svc/3", "PRIMARY", "web:9", failed, 2, 0), 300)}, "", "web:5"},
		{"excluding our own deployment", []types.Deployment{dep("ecs-svc/3", "PRIMARY", "web:9", completed, 2, 2)}, "ecs-svc/3", ""},
		{"no rollout state: lone steady PRIMARY", []types.Deployment{dep("ecs-svc/1", "PRIMARY", "web:2", "", 2, 2)}, "", "web:2"},
		{"nothing completed", []types.Deployment{dep("ecs-svc/1", "PRIMARY", "web:2", inProgress, 2, 0)}, "", ""},
	}
	for _, c := range cases {
		got := lastCompleted(c.deps, c.exclude)
		if got != "" {
			got = shortTD(got)
		}
		if got != c.want {
			t.Errorf("%s: lastCompleted = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestWithImageReplacesOnlyTheNamedContainer(t *testing.T) {
	td := &ecs.RegisterTaskDefinitionInput{Family: ptr("web"), ContainerDefinitions: []types.ContainerDefinition{
		{Name: ptr("app"), Image: ptr("app:1")}, {Name: ptr("sidecar"), Image: ptr("envoy:1")}}}
	got, err := withImage(td, "app", "app:2", "web:3")
	if err != nil {
		t.Fatal(err)
	}
	if *got.ContainerDefinitions[0].Image != "app:2" || *got.ContainerDefinitions[1].Image != "envoy:1" {
		t.Errorf("images = %s, %s", *got.ContainerDefinitions[0].Image, *got.ContainerDefinitions[1].Image)
	}
	if *td.ContainerDefinitions[0].Image != "app:1" {
		t.Error("withImage modified its input")
	}
	for _, c := range []struct{ container, rule string }{
		{"", "is required: task definition web:3 has 2 containers (app, sidecar)"},
		{"db", `no container "db" in task definition web:3 (containers: app, sidecar)`},
	} {
		_, err := withImage(td, c.container, "x:1", "web:3")
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != "Container" || ve.Rule != c.rule {
			t.Errorf("container %q: err = %v, want Container: %s", c.container, err, c.rule)
		}
	}
	single := &ecs.RegisterTaskDefinitionInput{ContainerDefinitions: []types.ContainerDefinition{{Name: ptr("only"), Image: ptr("a")}}}
	if got, err := withImage(single, "", "b", "x:1"); err != nil || *got.ContainerDefinitions[0].Image != "b" {
		t.Errorf("single container without name: %v", err)
	}
}

func TestDeployInputNeedsExactlyOneWhat(t *testing.T) {
	td := &ecs.RegisterTaskDefinitionInput{Family: ptr("web")}
	cases := []struct {
		name  string
		in    DeployInput
		field string // "" = valid
	}{
		{"image", DeployInput{Service: "web", Image: "a:1"}, ""},
		{"task definition", DeployInput{Service: "web", TaskDefinition: td}, ""},
		{"force", DeployInput{Service: "web", ForceNewDeployment: true}, ""},
		{"both", DeployInput{Service: "web", TaskDefinition: td, Image: "a:1"}, "Image"},
		{"neither", DeployInput{Service: "web"}, "TaskDefinition"},
		{"container without image", DeployInput{Service: "web", Container: "app", ForceNewDeployment: true}, "Container"},
		{"no service", DeployInput{Image: "a:1"}, "Service"},
		{"negative count", DeployInput{Service: "web", DesiredCount: ptr(int32(-1))}, "DesiredCount"},
	}
	for _, c := range cases {
		err := validateDeployInput(c.in)
		var ve *ValidationError
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: unexpected %v", c.name, err)
		case c.field != "" && (!errors.As(err, &ve) || ve.Field != c.field):
			t.Errorf("%s: err = %v, want ValidationError on %s", c.name, err, c.field)
		}
	}
}

func TestKeepNewestRevisionsNeverDropsOnesInUse(t *testing.T) {
	arns := []string{tdArn + "web:10", tdArn + "web:9", tdArn + "web:8", tdArn + "web:7", tdArn + "web:6"}
	got := pruneList(arns, 2, map[string]bool{tdArn + "web:7": true})
	want := []string{tdArn + "web:8", tdArn + "web:6"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("pruneList = %v, want %v", got, want)
	}
	if got := pruneList(arns, 10, nil); len(got) != 0 {
		t.Errorf("keep 10 of 5 drops %v", got)
	}
}

func TestRevisionParsingAndOrdering(t *testing.T) {
	arns := []string{tdArn + "web:9", tdArn + "web:10", tdArn + "web:2"}
	sortByRevisionDesc(arns)
	if shortTD(arns[0]) != "web:10" || shortTD(arns[2]) != "web:2" {
		t.Errorf("sorted = %v", arns)
	}
	for ref, want := range map[string]string{"web": "web", "web:3": "web", tdArn + "web-api:12": "web-api"} {
		if got := familyOf(ref); got != want {
			t.Errorf("familyOf(%s) = %s", ref, got)
		}
	}
	if revisionOf("web") != 0 || revisionOf(tdArn+"web:12") != 12 {
		t.Error("revisionOf")
	}
}

// TestBreakerFailureReasonFromServiceEventWhenDeploymentLeftTheList: ECS
// can drop a failed deployment without tasks before a poll sees it
// FAILED; the reason then comes from its "deployment failed" event.
func TestBreakerFailureReasonFromServiceEventWhenDeploymentLeftTheList(t *testing.T) {
	rb := dep("ecs-svc/3", "PRIMARY", "web:1", inProgress, 2, 0)
	rb.RolloutStateReason = ptr("ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.")
	svc := svcWith(2, 0, rb)
	for _, c := range []struct {
		name   string
		events []string
		want   string
	}{
		{"event names our deployment", []string{
			"(service web) rolling back to deployment ecs-svc/1.",
			"(service web) (deployment ecs-svc/2) deployment failed: tasks failed to start."}, "ECS deployment circuit breaker: tasks failed to start."},
		{"event of another deployment", []string{"(service web) (deployment ecs-svc/9) deployment failed: tasks failed to start."}, "deployment ecs-svc/2 failed and ECS rolled back"},
		{"no event", nil, "deployment ecs-svc/2 failed and ECS rolled back"},
	} {
		s := *svc
		s.Events = nil
		for i, m := range c.events {
			s.Events = append(s.Events, types.ServiceEvent{Id: ptr(string(rune('a' + i))), Message: ptr(m)})
		}
		o := deploymentOutcome(&s, "ecs-svc/2")
		if o.kind != outcomeFailed || o.rolledBackTo == nil || o.reason != c.want {
			t.Errorf("%s: outcome kind=%d rolledBack=%v reason=%q, want failed, rolled back, %q", c.name, o.kind, o.rolledBackTo != nil, o.reason, c.want)
		}
	}
}

// TestBreakerRollbackSeenAfterTheRollbackCompleted: when polls miss the
// "rolling back" reason (the rollback deployment has completed already and
// reads "completed."), the service events still show a rollback, so the
// outcome is a failure rolled back by ECS, with the reason the deployment
// itself would have shown.
func TestBreakerRollbackSeenAfterTheRollbackCompleted(t *testing.T) {
	rb := dep("ecs-svc/3", "PRIMARY", "web:1", types.DeploymentRolloutStateCompleted, 2, 2)
	rb.RolloutStateReason = ptr("ECS deployment ecs-svc/3 completed.")
	svc := svcWith(2, 2, rb)
	svc.Events = []types.ServiceEvent{
		{Id: ptr("c"), Message: ptr("(service web) has reached a steady state.")},
		{Id: ptr("b"), Message: ptr("(service web) rolling back to deployment ecs-svc/1.")},
		{Id: ptr("a"), Message: ptr("(service web) (deployment ecs-svc/2) deployment failed: tasks failed to start.")},
	}
	o := deploymentOutcome(svc, "ecs-svc/2")
	if o.kind != outcomeFailed || o.rolledBackTo == nil || o.reason != "ECS deployment circuit breaker: tasks failed to start." {
		t.Fatalf("outcome kind=%d rolledBack=%v reason=%q, want failed, rolled back, breaker reason", o.kind, o.rolledBackTo != nil, o.reason)
	}
	// Without the rollback event, another PRIMARY is a plain replacement.
	svc.Events = svc.Events[2:]
	if o := deploymentOutcome(svc, "ecs-svc/2"); o.rolledBackTo != nil {
		t.Fatalf("rolledBack without a rolling-back event: %+v", o)
	}
}
