package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// spotSpecFile is the checkout service on FARGATE base 1 + FARGATE_SPOT
// weight 3, with desiredCount 5.
const spotSpecFile = "testdata/service-spot.json"

// tasksByProvider counts the RUNNING tasks of checkout per capacity
// provider and task definition revision ("FARGATE checkout:1").
func (v *env) tasksByProvider() map[string]int {
	v.t.Helper()
	n := map[string]int{}
	for _, tk := range v.e.Tasks("prod") {
		if aws.ToString(tk.Group) == "service:checkout" && aws.ToString(tk.LastStatus) == "RUNNING" {
			n[aws.ToString(tk.CapacityProviderName)+" "+afterSlash(aws.ToString(tk.TaskDefinitionArn))]++
		}
	}
	return n
}

// TestDeployCapacityProviderStrategySplitsTasks: a service file with a
// capacity provider strategy deploys on a cluster with FARGATE and
// FARGATE_SPOT attached; its tasks split as ECS splits them (ECS Developer
// Guide, "Amazon ECS capacity provider strategies": the base first on its
// provider, the rest by weight: 1 + 1 of 4 on FARGATE, 3 of 4 on
// FARGATE_SPOT), after the first deploy and after a rolling update.
func TestDeployCapacityProviderStrategySplitsTasks(t *testing.T) {
	v := newEnv(t)
	if _, err := v.e.PutClusterCapacityProviders(context.Background(), &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("prod"),
		CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}}); err != nil {
		t.Fatal(err)
	}
	spot := []string{"-spec", spotSpecFile, "-taskdef", taskdefFile}
	out := v.must(exitOK, append(spot, "-deploy")...)
	if !strings.Contains(out, "deployed: service checkout created with checkout:1, 5/5 tasks running") {
		t.Errorf("output:\n%s", out)
	}
	svc := v.service()
	if len(svc.CapacityProviderStrategy) != 2 || svc.LaunchType != "" ||
		aws.ToString(svc.CapacityProviderStrategy[0].CapacityProvider) != "FARGATE" || svc.CapacityProviderStrategy[0].Base != 1 ||
		aws.ToString(svc.CapacityProviderStrategy[1].CapacityProvider) != "FARGATE_SPOT" || svc.CapacityProviderStrategy[1].Weight != 3 {
		t.Errorf("service launch type %q strategy %+v", svc.LaunchType, svc.CapacityProviderStrategy)
	}
	if got := v.tasksByProvider(); len(got) != 2 || got["FARGATE checkout:1"] != 2 || got["FARGATE_SPOT checkout:1"] != 3 {
		t.Errorf("tasks by provider %v, want FARGATE 2 and FARGATE_SPOT 3", got)
	}
	if out := v.must(exitOK, append(spot, "-diff")...); !strings.Contains(out, "no changes") {
		t.Errorf("diff after deploy:\n%s", out)
	}
	v.must(exitOK, append(spot, "-deploy", "-image", image2)...)
	v.runsRevision("checkout:2")
	if got := v.tasksByProvider(); len(got) != 2 || got["FARGATE checkout:2"] != 2 || got["FARGATE_SPOT checkout:2"] != 3 {
		t.Errorf("after the rolling update, tasks by provider %v, want FARGATE 2 and FARGATE_SPOT 3 of checkout:2", got)
	}
}
