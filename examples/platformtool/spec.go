package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy"
)

// inputError is a problem with the -spec or -taskdef file (exit 2).
type inputError struct {
	file string
	err  error
}

func (e *inputError) Error() string { return e.file + ": " + indentJoined(e.err) }
func (e *inputError) Unwrap() error { return e.err }

// indentJoined prints an errors.Join of several problems one per line.
func indentJoined(err error) string {
	lines := strings.Split(err.Error(), "\n")
	if len(lines) == 1 {
		return lines[0]
	}
	return "\n  " + strings.Join(lines, "\n  ")
}

// loadSpec reads a service spec in any form ecsdeploy.LoadServiceJSON
// takes: the JSON of `aws ecs create-service --cli-input-json`, or the
// output of `aws ecs describe-services` from AWS CLI v1 or v2. Unknown and
// mistyped members are all reported at once, each naming its path. Its
// taskDefinition may be left out: the tool fills in the revision it
// registers.
func loadSpec(path string) (*ecs.CreateServiceInput, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &inputError{file: path, err: err}
	}
	in, err := ecsdeploy.LoadServiceJSON(b)
	if err != nil {
		return nil, &inputError{file: path, err: err}
	}
	return in, nil
}

// loadTaskDef reads a task definition in either AWS CLI form
// (register-task-definition input or describe-task-definition output, CLI
// v1 or v2) and validates it, all problems at once.
func loadTaskDef(path string) (*ecs.RegisterTaskDefinitionInput, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &inputError{file: path, err: err}
	}
	td, err := ecsdeploy.LoadTaskDefinitionJSON(b)
	if err != nil {
		return nil, &inputError{file: path, err: err}
	}
	return td, nil
}

// setImage applies -image: "IMAGE" for a task definition with one
// container, or "CONTAINER=IMAGE".
func setImage(td *ecs.RegisterTaskDefinitionInput, flagValue string) error {
	if flagValue == "" {
		return nil
	}
	name, image, named := strings.Cut(flagValue, "=")
	if !named {
		name, image = "", flagValue
	}
	if err := ecsdeploy.SetImage(td, name, image); err != nil {
		var ve *ecsdeploy.ValidationError
		if errors.As(err, &ve) {
			return fmt.Errorf("-image: %s", ve.Rule)
		}
		return fmt.Errorf("-image: %w", err)
	}
	return nil
}

// serviceFor returns the spec with ECS's defaults made explicit and the
// task definition reference set, validated against td.
func serviceFor(spec *ecs.CreateServiceInput, td *ecs.RegisterTaskDefinitionInput, tdRef string) (*ecs.CreateServiceInput, error) {
	b := ecsdeploy.NewService(aws.ToString(spec.ServiceName))
	*b.Input() = *spec
	if tdRef != "" {
		b.TaskDefinition(tdRef)
	}
	return b.ForTaskDefinition(td).Build()
}
