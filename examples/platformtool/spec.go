package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/internal/awsjson"
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

// loadSpec reads a service spec in the format of
// `aws ecs create-service --cli-input-json` (camelCase members; unknown
// members are errors naming their path). Its taskDefinition may be left
// out: the tool fills in the revision it registers.
func loadSpec(path string) (*ecs.CreateServiceInput, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &inputError{file: path, err: err}
	}
	var in ecs.CreateServiceInput
	if err := awsjson.Unmarshal(b, &in, awsjson.UnmarshalOptions{DisallowUnknownFields: true}); err != nil {
		var uf *awsjson.UnknownFieldError
		if errors.As(err, &uf) {
			err = fmt.Errorf("%s: unknown field (not in the CreateService request)", uf.Path)
		}
		return nil, &inputError{file: path, err: err}
	}
	if aws.ToString(in.ServiceName) == "" {
		return nil, &inputError{file: path, err: errors.New("serviceName: is required")}
	}
	return &in, nil
}

// loadTaskDef reads a task definition in either AWS CLI form
// (register-task-definition input or describe-task-definition output) and
// validates it, all problems at once.
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
	var names []string
	for i := range td.ContainerDefinitions {
		c := &td.ContainerDefinitions[i]
		names = append(names, aws.ToString(c.Name))
		if (named && aws.ToString(c.Name) == name) || (!named && len(td.ContainerDefinitions) == 1) {
			c.Image = aws.String(image)
			return nil
		}
	}
	if !named {
		return fmt.Errorf("-image: the task definition has %d containers (%s); use -image CONTAINER=IMAGE", len(names), strings.Join(names, ", "))
	}
	return fmt.Errorf("-image: no container %q in the task definition (containers: %s)", name, strings.Join(names, ", "))
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
