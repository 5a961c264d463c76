package fake

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// *ECS satisfies the SDK's narrow client interfaces, so the SDK's own
// waiters and paginators run against it.
var (
	_ ecs.DescribeTasksAPIClient              = (*ECS)(nil)
	_ ecs.ListTasksAPIClient                  = (*ECS)(nil)
	_ ecs.ListClustersAPIClient               = (*ECS)(nil)
	_ ecs.ListContainerInstancesAPIClient     = (*ECS)(nil)
	_ ecs.ListTaskDefinitionsAPIClient        = (*ECS)(nil)
	_ ecs.ListTaskDefinitionFamiliesAPIClient = (*ECS)(nil)
)

// libraryCore is the part of ecsdeploy.API this package implements (the
// service operations come with the service scheduler).
type libraryCore interface {
	RegisterTaskDefinition(ctx context.Context, in *ecs.RegisterTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error)
	DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
	DeregisterTaskDefinition(ctx context.Context, in *ecs.DeregisterTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.DeregisterTaskDefinitionOutput, error)
	ListTaskDefinitions(ctx context.Context, in *ecs.ListTaskDefinitionsInput, optFns ...func(*ecs.Options)) (*ecs.ListTaskDefinitionsOutput, error)
	RunTask(ctx context.Context, in *ecs.RunTaskInput, optFns ...func(*ecs.Options)) (*ecs.RunTaskOutput, error)
	StopTask(ctx context.Context, in *ecs.StopTaskInput, optFns ...func(*ecs.Options)) (*ecs.StopTaskOutput, error)
	DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
	ListTasks(ctx context.Context, in *ecs.ListTasksInput, optFns ...func(*ecs.Options)) (*ecs.ListTasksOutput, error)
	DescribeClusters(ctx context.Context, in *ecs.DescribeClustersInput, optFns ...func(*ecs.Options)) (*ecs.DescribeClustersOutput, error)
}

var (
	_ libraryCore = (*ECS)(nil)
	_ libraryCore = (*ecs.Client)(nil)
)
