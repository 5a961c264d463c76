package fake_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// TestDeregisteredInstanceForgottenAfterAnHourOverHTTP: over the Go SDK,
// a deregistered container instance is described INACTIVE for one hour
// ("Container instance lifecycle", Amazon ECS Developer Guide) and is a
// MISSING failure after it.
func TestDeregisteredInstanceForgottenAfterAnHourOverHTTP(t *testing.T) {
	ctx := context.Background()
	srv := faketest.NewServer(t)
	c := srv.Client
	if _, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	reg, err := c.RegisterContainerInstance(ctx, &ecs.RegisterContainerInstanceInput{})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(reg.ContainerInstance.ContainerInstanceArn)
	if _, err := c.DeregisterContainerInstance(ctx, &ecs.DeregisterContainerInstanceInput{ContainerInstance: &arn}); err != nil {
		t.Fatal(err)
	}
	status := func() string {
		t.Helper()
		out, err := c.DescribeContainerInstances(ctx, &ecs.DescribeContainerInstancesInput{ContainerInstances: []string{arn}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.ContainerInstances) == 1 {
			return aws.ToString(out.ContainerInstances[0].Status)
		}
		if len(out.Failures) == 1 && aws.ToString(out.Failures[0].Arn) == arn {
			return aws.ToString(out.Failures[0].Reason)
		}
		t.Fatalf("describe: %+v %+v", out.ContainerInstances, out.Failures)
		return ""
	}
	srv.ECS.Advance(59 * time.Minute)
	if got := status(); got != "INACTIVE" {
		t.Fatalf("59 minutes after deregistration: %s, want INACTIVE", got)
	}
	srv.ECS.Advance(time.Minute)
	if got := status(); got != "MISSING" {
		t.Fatalf("an hour after deregistration: %s, want MISSING", got)
	}
}
