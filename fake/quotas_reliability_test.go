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

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// Quotas as ECS documents them (Amazon ECS Developer Guide, "Amazon ECS
// service quotas"), enforced over HTTP with ECS's errors (issue #17 item
// 9): a client hammering past each quota (here lowered with WithQuotas)
// gets the typed error every time, the fake's state and heap stop growing
// (measured), and another client is never held back more than 1 s.
func TestQuotasStopUnboundedGrowth(t *testing.T) {
	ctx := context.Background()
	e := fake.New(fake.WithQuotas(fake.Quotas{ClustersPerAccount: 2, ContainerInstancesPerCluster: 3,
		ServicesPerCluster: 2, TasksPerService: 4, RevisionsPerFamily: 3}))
	srv := faketest.NewServerFor(t, e)
	// The SDK retries LimitExceededException as a throttling error; one
	// attempt per call shows each answer.
	c := srv.NewClient(func(o *ecs.Options) { o.Retryer = aws.NopRetryer{} })
	var limit *types.LimitExceededException
	var invalid *types.InvalidParameterException

	// Clusters per account.
	for i := range 2 {
		if _, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(fmt.Sprintf("c%d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("c2")})
	if !errors.As(err, &limit) || !strings.Contains(limit.ErrorMessage(), "Clusters per account is 2") {
		t.Fatalf("third cluster: %v, want LimitExceededException", err)
	}
	if _, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("c1")}); err != nil {
		t.Errorf("re-creating an existing cluster (idempotent) at the quota: %v", err)
	}
	// Container instances per cluster (the control answers the same error).
	ctl := fake.NewControlClient(srv.URL, nil)
	if _, err := ctl.AddInstances(ctx, "c0", fake.InstanceSpec{}, 3); err != nil {
		t.Fatal(err)
	}
	if _, err := ctl.AddInstances(ctx, "c0", fake.InstanceSpec{}, 1); err == nil || !strings.Contains(err.Error(), "Container instances per cluster is 3") {
		t.Errorf("fourth instance: %v", err)
	}
	if _, err := c.RegisterContainerInstance(ctx, &ecs.RegisterContainerInstanceInput{Cluster: aws.String("c0")}); !errors.As(err, &limit) {
		t.Errorf("RegisterContainerInstance past the quota: %v", err)
	}
	// Revisions per family: deregistered revisions count too.
	td := &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"), ContainerDefinitions: []types.ContainerDefinition{{
		Name: aws.String("web"), Image: aws.String("nginx"), Memory: aws.Int32(64)}}}
	for range 3 {
		if _, err := c.RegisterTaskDefinition(ctx, td); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("web:1")}); err != nil {
		t.Fatal(err)
	}
	// Services per cluster and tasks per service.
	svc := func(name string, n int32) error {
		_, err := c.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String("c0"), ServiceName: aws.String(name),
			TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(n), LaunchType: types.LaunchTypeEc2})
		return err
	}
	if err := svc("big", 5); !errors.As(err, &invalid) || invalid.ErrorMessage() != "Desired count exceeds limit." {
		t.Errorf("desiredCount 5 past 4: %v", err)
	}
	for _, n := range []string{"a", "b"} {
		if err := svc(n, 4); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c0"), Service: aws.String("a"), DesiredCount: aws.Int32(5)}); !errors.As(err, &invalid) {
		t.Errorf("UpdateService desiredCount 5 past 4: %v", err)
	}
	before := stateDump(t, e)
	h0 := liveHeapBytes()
	var failures int
	p := probeWhile(t, srv.URL, func() {
		for i := range 300 {
			var err error
			switch i % 3 {
			case 0:
				_, err = c.RegisterTaskDefinition(ctx, td)
			case 1:
				err = svc(fmt.Sprintf("s%d", i), 1)
			case 2:
				_, err = c.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(fmt.Sprintf("x%d", i))})
			}
			if errors.As(err, &limit) {
				failures++
			} else {
				t.Fatalf("request %d past a quota: %v", i, err)
			}
		}
	})
	grew := int64(liveHeapBytes()) - int64(h0)
	t.Logf("300 requests past the quotas: %d LimitExceededException, heap grew %.2f MB; other client: %v",
		failures, float64(grew)/(1<<20), p)
	if after := stateDump(t, e); after != before {
		t.Error("requests past the quotas changed the state")
	}
	if grew > 2<<20 {
		t.Errorf("heap grew %.1f MB", float64(grew)/(1<<20))
	}
	if p.failures > 0 || p.worst > otherClientBound(time.Second) {
		t.Errorf("other client: %d failures, worst %v", p.failures, p.worst)
	}
}

// The defaults are the documented ones, and a negative quota lifts a
// limit for tests that want more.
func TestQuotaDefaultsAndNoLimit(t *testing.T) {
	if q := fake.DefaultQuotas(); q != (fake.Quotas{ClustersPerAccount: 10000, ContainerInstancesPerCluster: 5000,
		ServicesPerCluster: 5000, TasksPerService: 5000, RevisionsPerFamily: 1000000}) {
		t.Errorf("DefaultQuotas = %+v", q)
	}
	ctx := context.Background()
	for _, tc := range []struct {
		opts    []fake.Option
		desired int32
		ok      bool
	}{{nil, 5000, true}, {nil, 5001, false}, {[]fake.Option{fake.WithQuotas(fake.Quotas{TasksPerService: -1})}, 100000, true}} {
		e := fake.New(tc.opts...)
		if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("w"), ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("w"), Image: aws.String("nginx"), Memory: aws.Int32(64)}}}); err != nil {
			t.Fatal(err)
		}
		_, err := e.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String("s"), TaskDefinition: aws.String("w"), DesiredCount: aws.Int32(tc.desired)})
		if (err == nil) != tc.ok {
			t.Errorf("desiredCount %d with %d options: %v, want ok=%v", tc.desired, len(tc.opts), err, tc.ok)
		}
	}
}
