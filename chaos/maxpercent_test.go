package chaos

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// TestMaxPercentHoldsInTheStepOfTheDecrease drives the real fake: a
// settled service of 8 tasks (minimumHealthyPercent 100, maximumPercent
// 150) rolls out a new revision, which starts 4 tasks (12 = floor(8*150%)),
// and desiredCount drops to 4 (bound 6) while the new tasks are at some
// stage of starting. The snapshot taken right after UpdateService, with no
// virtual time passing, already shows the planner's stops: max-percent,
// which allows no grace, holds there and at every 5 s for 10 minutes.
func TestMaxPercentHoldsInTheStepOfTheDecrease(t *testing.T) {
	for _, after := range []time.Duration{0, 5 * time.Second, 20 * time.Second, 45 * time.Second, 90 * time.Second} {
		t.Run(fmt.Sprint("lowered ", after, " into the rollout"), func(t *testing.T) {
			ctx := context.Background()
			e := fake.New(fake.WithSeed(1))
			if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(Cluster)}); err != nil {
				t.Fatal(err)
			}
			register := func(image string) *string {
				t.Helper()
				td, err := e.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"), NetworkMode: types.NetworkModeAwsvpc,
					Cpu: aws.String("256"), Memory: aws.String("512"), RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
					ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String(image), Essential: aws.Bool(true)}}})
				if err != nil {
					t.Fatal(err)
				}
				return td.TaskDefinition.TaskDefinitionArn
			}
			if _, err := e.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String(Cluster), ServiceName: aws.String("web"),
				TaskDefinition: register("nginx:1"), DesiredCount: aws.Int32(8), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: spotNetwork,
				DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(100), MaximumPercent: aws.Int32(150)}}); err != nil {
				t.Fatal(err)
			}
			c := NewChecker(e.Now())
			x := Expect{Services: []string{"web"}}
			check := func(when string) Snapshot {
				t.Helper()
				s, err := Observe(ctx, e, Cluster, []string{"web"})
				if err != nil {
					t.Fatal(err)
				}
				if vs := c.Check(s, x); len(vs) > 0 {
					t.Fatalf("%s: %v", when, vs)
				}
				return s
			}
			for range 20 { // settle
				e.Advance(30 * time.Second)
				check("settling")
			}
			if _, err := e.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(Cluster), Service: aws.String("web"),
				TaskDefinition: register("nginx:2")}); err != nil {
				t.Fatal(err)
			}
			e.Advance(after)
			if n := kept(check("rolling out")); n != 12 {
				t.Fatalf("%d tasks kept during the rollout, want 12 (8 old + 4 new): the decrease would not test the bound", n)
			}
			if _, err := e.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(Cluster), Service: aws.String("web"),
				DesiredCount: aws.Int32(4)}); err != nil {
				t.Fatal(err)
			}
			if n := kept(check("in the instant of the decrease")); n > 6 {
				t.Fatalf("%d tasks kept, bound 6 (the checker missed it)", n)
			}
			for i := range 120 {
				e.Advance(5 * time.Second)
				check(fmt.Sprint(5*time.Duration(i+1)*time.Second, " after the decrease"))
			}
		})
	}
}

// kept counts the tasks of s whose desiredStatus is RUNNING and that have
// not stopped: what maximumPercent bounds.
func kept(s Snapshot) int {
	n := 0
	for _, t := range s.Tasks {
		if aws.ToString(t.DesiredStatus) == "RUNNING" && aws.ToString(t.LastStatus) != "STOPPED" {
			n++
		}
	}
	return n
}
