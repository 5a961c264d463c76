package ecsdeploy

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func registerAPI(latest *types.TaskDefinition) *scripted {
	return &scripted{
		describe: func(in *ecs.DescribeTaskDefinitionInput) (*ecs.DescribeTaskDefinitionOutput, error) {
			if latest == nil {
				return nil, &types.ClientException{Message: ptr("Unable to describe task definition.")}
			}
			return &ecs.DescribeTaskDefinitionOutput{TaskDefinition: latest}, nil
		},
		register: func(in *ecs.RegisterTaskDefinitionInput) (*ecs.RegisterTaskDefinitionOutput, error) {
			rev := int32(1)
			if latest != nil {
				rev = latest.Revision + 1
			}
			return &ecs.RegisterTaskDefinitionOutput{TaskDefinition: taskDefinition(*in.Family, rev, *in.ContainerDefinitions[0].Image)}, nil
		},
	}
}

func TestRegisterOnlyIfChangedReusesLatestActiveRevision(t *testing.T) {
	latest := taskDefinition("web", 4, "app:1")
	cases := []struct {
		name           string
		latest         *types.TaskDefinition
		in             *ecs.RegisterTaskDefinitionInput
		wantRegistered bool
		wantRev        string
	}{
		{"unchanged: reuse", latest, RegisterInput(latest), false, "web:4"},
		{"changed image: register", latest, RegisterInput(taskDefinition("web", 4, "app:2")), true, "web:5"},
		{"new family: register", nil, RegisterInput(taskDefinition("web", 1, "app:1")), true, "web:1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			api := registerAPI(c.latest)
			res, err := New(api).Register(t.Context(), c.in, WithOnlyIfChanged())
			if err != nil {
				t.Fatal(err)
			}
			if res.Registered != c.wantRegistered || shortTD(res.Arn) != c.wantRev {
				t.Errorf("Registered=%v Arn=%s, want %v %s", res.Registered, shortTD(res.Arn), c.wantRegistered, c.wantRev)
			}
			if c.wantRegistered != (api.calls["RegisterTaskDefinition"] == 1) {
				t.Errorf("RegisterTaskDefinition calls = %d", api.calls["RegisterTaskDefinition"])
			}
		})
	}
}

func TestRegisterValidatesBeforeAnyAPICall(t *testing.T) {
	api := registerAPI(nil)
	_, err := New(api).Register(t.Context(), &ecs.RegisterTaskDefinitionInput{})
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Field != "family" {
		t.Fatalf("err = %v, want ValidationError on family", err)
	}
	if len(api.calls) != 0 {
		t.Errorf("API called: %v", api.calls)
	}
}

func TestKeepRevisionsDeregistersOlderAfterSuccess(t *testing.T) {
	api := rollout(func(n int) (*types.Service, error) {
		return svcWith(2, 2, dep("ecs-svc/2", "PRIMARY", "web:2", completed, 2, 2)), nil
	})
	api.listTDs = func(in *ecs.ListTaskDefinitionsInput) (*ecs.ListTaskDefinitionsOutput, error) {
		if *in.FamilyPrefix != "web" || in.Status != types.TaskDefinitionStatusActive {
			t.Errorf("ListTaskDefinitions %s %s", *in.FamilyPrefix, in.Status)
		}
		// FamilyPrefix also matches other families: web-api must be left alone.
		return &ecs.ListTaskDefinitionsOutput{TaskDefinitionArns: []string{tdArn + "web:1", tdArn + "web-api:7", tdArn + "web:2", tdArn + "web:0"}}, nil
	}
	if _, err := New(api, WithClock(newStepClock())).Deploy(t.Context(), DeployInput{Service: "web", Image: "app:2"}, WithKeepRevisions(1)); err != nil {
		t.Fatal(err)
	}
	if len(api.dereg) != 2 || shortTD(api.dereg[0]) != "web:1" || shortTD(api.dereg[1]) != "web:0" {
		t.Errorf("deregistered %v, want web:1 and web:0", api.dereg)
	}
}

func TestRollbackOnDemandPrefersCompletedDeploymentThenPreviousRevision(t *testing.T) {
	cases := []struct {
		name string
		svc  *types.Service
		want string
	}{
		{"completed ACTIVE deployment", svcWith(2, 2, dep("ecs-svc/3", "PRIMARY", "web:9", inProgress, 2, 0), dep("ecs-svc/1", "ACTIVE", "web:4", completed, 2, 2)), "web:4"},
		{"steady: newest older ACTIVE revision", svcWith(2, 2, dep("ecs-svc/3", "PRIMARY", "web:9", completed, 2, 2)), "web:7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			api := &scripted{}
			api.services = func(int) (*ecs.DescribeServicesOutput, error) {
				if len(api.updates) > 0 {
					return out(svcWith(2, 2, dep("ecs-svc/4", "PRIMARY", c.want, completed, 2, 2))), nil
				}
				return out(c.svc), nil
			}
			api.update = func(in *ecs.UpdateServiceInput) (*ecs.UpdateServiceOutput, error) {
				return &ecs.UpdateServiceOutput{Service: svcWith(2, 2, dep("ecs-svc/4", "PRIMARY", shortTD(*in.TaskDefinition), inProgress, 2, 0))}, nil
			}
			api.listTDs = func(*ecs.ListTaskDefinitionsInput) (*ecs.ListTaskDefinitionsOutput, error) {
				return &ecs.ListTaskDefinitionsOutput{TaskDefinitionArns: []string{tdArn + "web:9", tdArn + "web:7", tdArn + "web:3"}}, nil
			}
			res, err := New(api, WithClock(newStepClock())).Rollback(t.Context(), RollbackInput{Service: "web"})
			if err != nil {
				t.Fatal(err)
			}
			if shortTD(res.TaskDefinitionArn) != c.want || shortTD(*api.updates[0].TaskDefinition) != c.want || res.DeploymentID != "ecs-svc/4" {
				t.Errorf("rolled back to %s (update %s, deployment %s), want %s", res.TaskDefinitionArn, *api.updates[0].TaskDefinition, res.DeploymentID, c.want)
			}
		})
	}
}
