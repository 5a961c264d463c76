package ecsdeploy

import (
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// ValidationError is one problem found in a task definition or service
// before any API call: the field path (in the JSON form ECS uses, for
// example "containerDefinitions[1].portMappings[0].hostPort") and the rule
// it breaks.
type ValidationError struct {
	// Field is the path of the offending field.
	Field string
	// Rule says what the field must satisfy.
	Rule string
}

func (e *ValidationError) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Rule) }

// ValidateTaskDefinitionInput checks a RegisterTaskDefinition request
// against the rules ECS enforces. It returns nil or the errors.Join of
// every *ValidationError found.
//
// SCAFFOLD: the foundation issue replaces this with the full rule set.
func ValidateTaskDefinitionInput(in *ecs.RegisterTaskDefinitionInput) error {
	var errs []error
	if in == nil {
		return &ValidationError{Field: "taskDefinition", Rule: "must not be nil"}
	}
	if in.Family == nil || *in.Family == "" {
		errs = append(errs, &ValidationError{Field: "family", Rule: "is required"})
	}
	if len(in.ContainerDefinitions) == 0 {
		errs = append(errs, &ValidationError{Field: "containerDefinitions", Rule: "at least one container definition is required"})
	}
	return errors.Join(errs...)
}
