package fake

import (
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
