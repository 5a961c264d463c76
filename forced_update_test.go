package ecsdeploy_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// lostUpdate is an API whose first forced UpdateService reaches the
// fake, which starts the deployment, and whose answer is then lost: the
// caller sees a ServerException.
type lostUpdate struct {
	ecsdeploy.API
	lost bool
}

func (l *lostUpdate) UpdateService(ctx context.Context, in *ecs.UpdateServiceInput, optFns ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	out, err := l.API.UpdateService(ctx, in, optFns...)
	if err == nil && in.ForceNewDeployment && !l.lost {
		l.lost = true
		return nil, &types.ServerException{Message: aws.String("We encountered an internal error. Please try again.")}
	}
	return out, err
}

// serviceDeployments lists the service deployments of service, newest
// first, as ListServiceDeployments answers them.
func serviceDeployments(t *testing.T, e *fake.ECS, cluster, service string) []types.ServiceDeploymentBrief {
	t.Helper()
	out, err := e.ListServiceDeployments(t.Context(), &ecs.ListServiceDeploymentsInput{Cluster: aws.String(cluster), Service: aws.String(service)})
	if err != nil {
		t.Fatal(err)
	}
	return out.ServiceDeployments
}

// TestForcedDeployAfterLostAnswerStartsOneDeployment: a forced update
// takes no client token, so the Deployer reads the service before
// retrying it; when the lost attempt was done (a new PRIMARY), its
// deployment is the one waited for and no second one starts. Both ways a
// forced deployment is asked for: Deploy and UpdateService.
func TestForcedDeployAfterLostAnswerStartsOneDeployment(t *testing.T) {
	for _, via := range []string{"Deploy", "UpdateService"} {
		t.Run(via, func(t *testing.T) {
			f := newFakeEnv(t)
			f.service("web", "nginx:1", 2, nil)
			api := &lostUpdate{API: f.e}
			d := ecsdeploy.New(api, ecsdeploy.WithClock(f.e))
			before := len(serviceDeployments(t, f.e, f.cluster, "web"))
			updates := f.e.CallCount("UpdateService")
			var err error
			switch via {
			case "Deploy":
				_, err = d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", ForceNewDeployment: true})
			default:
				_, err = d.UpdateService(t.Context(), &ecs.UpdateServiceInput{Cluster: aws.String(f.cluster), Service: aws.String("web"), ForceNewDeployment: true})
			}
			if err != nil {
				t.Fatalf("%s: %v", via, err)
			}
			if !api.lost {
				t.Fatal("no answer was lost")
			}
			if n := f.e.CallCount("UpdateService") - updates; n != 1 {
				t.Errorf("UpdateService reached the fake %d times, want 1 (the lost attempt was done)", n)
			}
			sds := serviceDeployments(t, f.e, f.cluster, "web")
			if len(sds) != before+1 {
				t.Fatalf("%d service deployments after the forced update, want %d (one new)", len(sds), before+1)
			}
			if st := sds[0].Status; st != types.ServiceDeploymentStatusSuccessful {
				t.Errorf("the new service deployment is %s, want SUCCESSFUL", st)
			}
		})
	}
}

// TestForcedDeployRetriedWhenNotDone: a forced update that was throttled
// (not done) is retried after the read shows the old PRIMARY, and starts
// one deployment.
func TestForcedDeployRetriedWhenNotDone(t *testing.T) {
	f := newFakeEnv(t)
	f.service("web", "nginx:1", 1, nil)
	before := len(serviceDeployments(t, f.e, f.cluster, "web"))
	updates, reads := f.e.CallCount("UpdateService"), f.e.CallCount("DescribeServices")
	f.e.FailOperation("UpdateService", "ThrottlingException", 1, 0)
	d := ecsdeploy.New(f.e, ecsdeploy.WithClock(f.e), ecsdeploy.WithNoWait())
	if _, err := d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", ForceNewDeployment: true}); err != nil {
		t.Fatal(err)
	}
	if n := f.e.CallCount("UpdateService") - updates; n != 2 {
		t.Errorf("UpdateService reached the fake %d times, want 2 (throttled, then done)", n)
	}
	// One read for the deploy itself, one before the retry.
	if n := f.e.CallCount("DescribeServices") - reads; n != 2 {
		t.Errorf("DescribeServices reached the fake %d times, want 2", n)
	}
	if n := len(serviceDeployments(t, f.e, f.cluster, "web")); n != before+1 {
		t.Errorf("%d service deployments, want %d", n, before+1)
	}
}
