package fake

import (
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy"
)

// *ECS implements the library's whole API and the SDK's service client
// interfaces, so the Deployer, ServicesStableWaiter and the ListServices
// paginator all run against it.
var (
	_ ecsdeploy.API                 = (*ECS)(nil)
	_ ecs.DescribeServicesAPIClient = (*ECS)(nil)
	_ ecs.ListServicesAPIClient     = (*ECS)(nil)
)
