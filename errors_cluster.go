package ecsdeploy

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// clusterNaming makes a ClusterNotFoundException say which cluster: ECS's
// own message is only "Cluster not found.". Every call that names a
// cluster returns, instead of the bare API error, a *NotFoundError with
// Kind ErrClusterNotFound and Name the cluster ("default" when the request
// left it out) that wraps the original error, so errors.As still finds
// the smithy.APIError and *types.ClusterNotFoundException. New wraps every
// API in it.
type clusterNaming struct {
	API
}

// nameCluster converts err when it is a ClusterNotFoundException.
func nameCluster(cluster *string, err error) error {
	if err == nil || sentinelFor(err) != ErrClusterNotFound {
		return err
	}
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return err
	}
	name := valueOf(cluster)
	if name == "" {
		name = "default"
	}
	return &NotFoundError{Kind: ErrClusterNotFound, Name: name, Err: err}
}

// RunTask names the cluster of a ClusterNotFoundException.
func (c clusterNaming) RunTask(ctx context.Context, in *ecs.RunTaskInput, optFns ...func(*ecs.Options)) (*ecs.RunTaskOutput, error) {
	out, err := c.API.RunTask(ctx, in, optFns...)
	return out, nameCluster(in.Cluster, err)
}

// StopTask names the cluster of a ClusterNotFoundException.
func (c clusterNaming) StopTask(ctx context.Context, in *ecs.StopTaskInput, optFns ...func(*ecs.Options)) (*ecs.StopTaskOutput, error) {
	out, err := c.API.StopTask(ctx, in, optFns...)
	return out, nameCluster(in.Cluster, err)
}

// DescribeTasks names the cluster of a ClusterNotFoundException.
func (c clusterNaming) DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error) {
	out, err := c.API.DescribeTasks(ctx, in, optFns...)
	return out, nameCluster(in.Cluster, err)
}

// ListTasks names the cluster of a ClusterNotFoundException.
func (c clusterNaming) ListTasks(ctx context.Context, in *ecs.ListTasksInput, optFns ...func(*ecs.Options)) (*ecs.ListTasksOutput, error) {
	out, err := c.API.ListTasks(ctx, in, optFns...)
	return out, nameCluster(in.Cluster, err)
}

// CreateService names the cluster of a ClusterNotFoundException.
func (c clusterNaming) CreateService(ctx context.Context, in *ecs.CreateServiceInput, optFns ...func(*ecs.Options)) (*ecs.CreateServiceOutput, error) {
	out, err := c.API.CreateService(ctx, in, optFns...)
	return out, nameCluster(in.Cluster, err)
}

// UpdateService names the cluster of a ClusterNotFoundException.
func (c clusterNaming) UpdateService(ctx context.Context, in *ecs.UpdateServiceInput, optFns ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	out, err := c.API.UpdateService(ctx, in, optFns...)
	return out, nameCluster(in.Cluster, err)
}

// DescribeServices names the cluster of a ClusterNotFoundException.
func (c clusterNaming) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	out, err := c.API.DescribeServices(ctx, in, optFns...)
	return out, nameCluster(in.Cluster, err)
}

// DeleteService names the cluster of a ClusterNotFoundException.
func (c clusterNaming) DeleteService(ctx context.Context, in *ecs.DeleteServiceInput, optFns ...func(*ecs.Options)) (*ecs.DeleteServiceOutput, error) {
	out, err := c.API.DeleteService(ctx, in, optFns...)
	return out, nameCluster(in.Cluster, err)
}
