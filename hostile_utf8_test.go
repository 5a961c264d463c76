package ecsdeploy

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestStringsMustBeValidUTF8 covers the rule found by FuzzTaskDefinitionBuilder
// (corpus entry 78156fa414a425ec): a string that is not UTF-8 cannot travel
// in a JSON request unchanged, so both validators reject it, naming the
// field by its wire path.
func TestStringsMustBeValidUTF8(t *testing.T) {
	t.Run("task definition", func(t *testing.T) {
		tests := map[string]struct {
			mutate func(c *types.ContainerDefinition)
			field  string
		}{
			"health check command": {func(c *types.ContainerDefinition) {
				c.HealthCheck = &types.HealthCheck{Command: []string{"CMD-SHELL", "\xdf"}}
			}, "containerDefinitions[0].healthCheck.command[1]"},
			"environment value": {func(c *types.ContainerDefinition) {
				c.Environment = []types.KeyValuePair{{Name: aws.String("A"), Value: aws.String("a\xffb")}}
			}, "containerDefinitions[0].environment[0].value"},
			"docker label key": {func(c *types.ContainerDefinition) {
				c.DockerLabels = map[string]string{"\xc3": "v"}
			}, "containerDefinitions[0].dockerLabels"},
			"docker label value": {func(c *types.ContainerDefinition) {
				c.DockerLabels = map[string]string{"k": "\xc3"}
			}, "containerDefinitions[0].dockerLabels.k"},
		}
		for name, tc := range tests {
			t.Run(name, func(t *testing.T) {
				in := validFargate()
				tc.mutate(&in.ContainerDefinitions[0])
				assertProblem(t, ValidateTaskDefinitionInput(in), tc.field, "valid UTF-8")
			})
		}
	})
	t.Run("service", func(t *testing.T) {
		in, err := validService().Build()
		if err != nil {
			t.Fatal(err)
		}
		in.Tags = []types.Tag{{Key: aws.String("k"), Value: aws.String("\x80")}}
		assertProblem(t, ValidateServiceInput(in, nil), "tags[0].value", "valid UTF-8")
	})
	t.Run("valid multi-byte text passes", func(t *testing.T) {
		in := validFargate()
		in.ContainerDefinitions[0].Environment = []types.KeyValuePair{{Name: aws.String("A"), Value: aws.String("héllo ✓")}}
		if err := ValidateTaskDefinitionInput(in); err != nil {
			t.Fatal(err)
		}
	})
}
