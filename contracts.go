package ecsdeploy

// SCAFFOLD: placeholders whose signatures other work relies on. The
// foundation issue (builders) replaces this file with real implementations
// in diff.go and json.go.

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Diff returns a readable, stable diff between two task definitions after
// normalising what ECS normalises; "" means no change.
func Diff(a, b *ecs.RegisterTaskDefinitionInput) string {
	if fmt.Sprint(a) == fmt.Sprint(b) {
		return ""
	}
	return "changed"
}

// RegisterInput converts a registered task definition (DescribeTaskDefinition
// output) back to the RegisterTaskDefinition request that would recreate it,
// dropping read-only fields.
func RegisterInput(td *types.TaskDefinition) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{Family: td.Family, ContainerDefinitions: td.ContainerDefinitions}
}
