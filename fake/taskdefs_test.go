package fake

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Revisions start at 1 and grow by one on every register, even after
// deregistering earlier ones.
func TestTaskDefinitionRevisionsGrow(t *testing.T) {
	e := New()
	a1 := register(t, e, simpleTD("web", "img:1"))
	if a1 != "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1" {
		t.Fatalf("arn = %s", a1)
	}
	if _, err := e.DeregisterTaskDefinition(bg, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: &a1}); err != nil {
		t.Fatal(err)
	}
	if a2 := register(t, e, simpleTD("web", "img:2")); a2 != "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2" {
		t.Fatalf("arn after deregister = %s", a2)
	}
}

func TestTaskDefinitionReferences(t *testing.T) {
	e := New()
	register(t, e, simpleTD("web", "img:1"))
	a2 := register(t, e, simpleTD("web", "img:2"))
	for ref, wantRev := range map[string]int32{"web": 2, "web:1": 1, a2: 2} {
		out, err := e.DescribeTaskDefinition(bg, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(ref)})
		if err != nil || out.TaskDefinition.Revision != wantRev {
			t.Fatalf("%s: %v rev %v", ref, err, out)
		}
	}
	// "family" means the latest ACTIVE revision.
	e.DeregisterTaskDefinition(bg, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: &a2})
	out, _ := e.DescribeTaskDefinition(bg, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("web")})
	if out.TaskDefinition.Revision != 1 {
		t.Fatalf("latest active = %d", out.TaskDefinition.Revision)
	}
	_, err := e.DescribeTaskDefinition(bg, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("web:9")})
	apiErr(t, err, "ClientException", "Unable to describe task definition.")
}

func TestTaskDefinitionDefaults(t *testing.T) {
	e := New()
	out, _ := e.RegisterTaskDefinition(bg, simpleTD("web", "img"))
	td := out.TaskDefinition
	if td.NetworkMode != types.NetworkModeBridge || td.Status != types.TaskDefinitionStatusActive || !*td.ContainerDefinitions[0].Essential || td.RegisteredAt == nil {
		t.Fatalf("defaults: %+v", td)
	}
}

// Deregistering an already INACTIVE revision is a ClientException, and
// changes nothing.
func TestDeregisterInactiveRevisionIsClientException(t *testing.T) {
	e := New()
	a := register(t, e, simpleTD("web", "img"))
	if _, err := e.DeregisterTaskDefinition(bg, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: &a}); err != nil {
		t.Fatal(err)
	}
	before, _ := e.DescribeTaskDefinition(bg, &ecs.DescribeTaskDefinitionInput{TaskDefinition: &a})
	_, err := e.DeregisterTaskDefinition(bg, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: &a})
	apiErr(t, err, "ClientException", "TaskDefinition is inactive")
	after, _ := e.DescribeTaskDefinition(bg, &ecs.DescribeTaskDefinitionInput{TaskDefinition: &a})
	if !after.TaskDefinition.DeregisteredAt.Equal(*before.TaskDefinition.DeregisteredAt) {
		t.Errorf("deregisteredAt changed")
	}
}

func TestDeregisterNeedsRevision(t *testing.T) {
	e := New()
	register(t, e, simpleTD("web", "img"))
	_, err := e.DeregisterTaskDefinition(bg, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("web")})
	apiErr(t, err, "InvalidParameterException", "")
}

// INACTIVE task definitions cannot start new tasks: InvalidParameterException
// "TaskDefinition is inactive" (observed on RunTask, e.g. DefangLabs/defang
// pull request 775).
func TestInactiveTaskDefinitionCannotRun(t *testing.T) {
	e := newCluster(t, 1)
	a := register(t, e, simpleTD("web", "img"))
	e.DeregisterTaskDefinition(bg, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: &a})
	_, err := e.RunTask(bg, &ecs.RunTaskInput{TaskDefinition: &a})
	apiErr(t, err, "InvalidParameterException", "TaskDefinition is inactive")
}

// "family:latest" is no revision: InvalidParameterException "Invalid
// revision number. Number: latest" on RunTask and CreateService.
func TestLatestIsAnInvalidRevisionNumber(t *testing.T) {
	e := newCluster(t, 1)
	register(t, e, simpleTD("web", "img"))
	_, err := e.RunTask(bg, &ecs.RunTaskInput{TaskDefinition: aws.String("web:latest")})
	apiErr(t, err, "InvalidParameterException", "Invalid revision number. Number: latest")
	_, err = e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("s"), TaskDefinition: aws.String("web:latest"), DesiredCount: aws.Int32(1)})
	apiErr(t, err, "InvalidParameterException", "Invalid revision number. Number: latest")
}

func TestDeleteTaskDefinitions(t *testing.T) {
	e := New()
	a1 := register(t, e, simpleTD("web", "img"))
	a2 := register(t, e, simpleTD("web", "img"))
	e.DeregisterTaskDefinition(bg, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: &a1})
	out, err := e.DeleteTaskDefinitions(bg, &ecs.DeleteTaskDefinitionsInput{TaskDefinitions: []string{a1, a2, "nope:1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.TaskDefinitions) != 1 || out.TaskDefinitions[0].Status != types.TaskDefinitionStatusDeleteInProgress {
		t.Fatalf("deleted %+v", out.TaskDefinitions)
	}
	if got := reasons(out.Failures); !equal(got, []string{"TASK_DEFINITION_IN_ACTIVE_STATE", "TASK_DEFINITION_NOT_FOUND"}) {
		t.Fatalf("failures %v", got)
	}
}

func TestListTaskDefinitionsAndFamilies(t *testing.T) {
	e := New()
	a1 := register(t, e, simpleTD("web", "img"))
	register(t, e, simpleTD("web", "img"))
	register(t, e, simpleTD("worker", "img"))
	o := register(t, e, simpleTD("old", "img"))
	e.DeregisterTaskDefinition(bg, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: &a1})
	e.DeregisterTaskDefinition(bg, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: &o})
	l, _ := e.ListTaskDefinitions(bg, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("web")})
	if len(l.TaskDefinitionArns) != 1 {
		t.Fatalf("active web = %v", l.TaskDefinitionArns)
	}
	l, _ = e.ListTaskDefinitions(bg, &ecs.ListTaskDefinitionsInput{Status: types.TaskDefinitionStatusInactive, Sort: types.SortOrderDesc})
	if len(l.TaskDefinitionArns) != 2 {
		t.Fatalf("inactive = %v", l.TaskDefinitionArns)
	}
	f, _ := e.ListTaskDefinitionFamilies(bg, &ecs.ListTaskDefinitionFamiliesInput{FamilyPrefix: aws.String("w")})
	if !equal(f.Families, []string{"web", "worker"}) {
		t.Fatalf("families %v", f.Families)
	}
	f, _ = e.ListTaskDefinitionFamilies(bg, &ecs.ListTaskDefinitionFamiliesInput{Status: types.TaskDefinitionFamilyStatusInactive})
	if !equal(f.Families, []string{"old"}) {
		t.Fatalf("inactive families %v", f.Families)
	}
}

// RegisterTaskDefinition maps the library's validation errors to ECS's
// typed errors (rule coverage is the library's own business).
func TestRegisterTaskDefinitionValidationMapping(t *testing.T) {
	tests := []struct {
		name string
		in   *ecs.RegisterTaskDefinitionInput
		code string
	}{
		{"missing family", &ecs.RegisterTaskDefinitionInput{ContainerDefinitions: []types.ContainerDefinition{containerDef("a", "i", 1)}}, "InvalidParameterException"},
		{"no containers", &ecs.RegisterTaskDefinitionInput{Family: aws.String("x")}, "InvalidParameterException"},
		{"empty image", &ecs.RegisterTaskDefinitionInput{Family: aws.String("x"), ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("a"), Memory: aws.Int32(1)}}}, "ClientException"},
		{"bad cpu", &ecs.RegisterTaskDefinitionInput{Family: aws.String("x"), Cpu: aws.String("lots"), ContainerDefinitions: []types.ContainerDefinition{containerDef("a", "i", 1)}}, "ClientException"},
		{"bad family characters", &ecs.RegisterTaskDefinitionInput{Family: aws.String("x y"), ContainerDefinitions: []types.ContainerDefinition{containerDef("a", "i", 1)}}, "ClientException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := New()
			_, err := e.RegisterTaskDefinition(bg, tc.in)
			apiErr(t, err, tc.code, "")
			if f, _ := e.ListTaskDefinitionFamilies(bg, &ecs.ListTaskDefinitionFamiliesInput{Status: types.TaskDefinitionFamilyStatusAll}); len(f.Families) != 0 {
				t.Fatal("invalid request changed state")
			}
		})
	}
}
