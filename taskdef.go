package ecsdeploy

import (
	"errors"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TaskDefinitionBuilder builds an *ecs.RegisterTaskDefinitionInput step by
// step. Methods record problems instead of failing; Build reports them all
// together with every rule ValidateTaskDefinitionInput checks. The zero
// value is not usable; call NewTaskDefinition.
type TaskDefinitionBuilder struct {
	in           ecs.RegisterTaskDefinitionInput
	containers   []*ContainerBuilder
	networkSet   bool
	errs         []error
	fargateAdded bool
}

// NewTaskDefinition starts a task definition in family.
func NewTaskDefinition(family string) *TaskDefinitionBuilder {
	return &TaskDefinitionBuilder{in: ecs.RegisterTaskDefinitionInput{Family: aws.String(family)}}
}

// Fargate requires the FARGATE launch compatibility and, unless NetworkMode
// is called, the awsvpc network mode Fargate needs.
func (b *TaskDefinitionBuilder) Fargate() *TaskDefinitionBuilder {
	b.fargateAdded = true
	return b.Compatibilities(types.CompatibilityFargate)
}

// EC2 requires the EC2 launch compatibility.
func (b *TaskDefinitionBuilder) EC2() *TaskDefinitionBuilder {
	return b.Compatibilities(types.CompatibilityEc2)
}

// Compatibilities adds launch compatibilities (requiresCompatibilities);
// call Fargate and EC2 both for a definition that runs on either.
func (b *TaskDefinitionBuilder) Compatibilities(cs ...types.Compatibility) *TaskDefinitionBuilder {
	for _, c := range cs {
		if !containsValue(b.in.RequiresCompatibilities, c) {
			b.in.RequiresCompatibilities = append(b.in.RequiresCompatibilities, c)
		}
	}
	return b
}

// NetworkMode sets the Docker networking mode: awsvpc, bridge, host or none
// (ECS defaults to bridge; Fargate needs awsvpc).
func (b *TaskDefinitionBuilder) NetworkMode(m types.NetworkMode) *TaskDefinitionBuilder {
	b.in.NetworkMode = m
	b.networkSet = true
	return b
}

// CPU sets the task CPU in CPU units (1024 per vCPU).
func (b *TaskDefinitionBuilder) CPU(units int32) *TaskDefinitionBuilder {
	b.in.Cpu = aws.String(strconv.Itoa(int(units)))
	return b
}

// CPUString sets the task CPU from units ("256") or a vCPU string
// ("0.25 vCPU"); it is stored as units.
func (b *TaskDefinitionBuilder) CPUString(s string) *TaskDefinitionBuilder {
	v, err := ParseCPU(s)
	if err != nil {
		b.errs = append(b.errs, &ValidationError{Field: "cpu", Rule: err.Error()})
		return b
	}
	return b.CPU(v)
}

// Memory sets the task memory in MiB.
func (b *TaskDefinitionBuilder) Memory(mib int32) *TaskDefinitionBuilder {
	b.in.Memory = aws.String(strconv.Itoa(int(mib)))
	return b
}

// MemoryString sets the task memory from MiB ("512") or a GB string
// ("0.5 GB"); it is stored as MiB.
func (b *TaskDefinitionBuilder) MemoryString(s string) *TaskDefinitionBuilder {
	v, err := ParseMemory(s)
	if err != nil {
		b.errs = append(b.errs, &ValidationError{Field: "memory", Rule: err.Error()})
		return b
	}
	return b.Memory(v)
}

// ExecutionRole sets the role ECS uses to pull images, write logs and read
// secrets (executionRoleArn).
func (b *TaskDefinitionBuilder) ExecutionRole(arn string) *TaskDefinitionBuilder {
	b.in.ExecutionRoleArn = aws.String(arn)
	return b
}

// TaskRole sets the role the containers assume (taskRoleArn).
func (b *TaskDefinitionBuilder) TaskRole(arn string) *TaskDefinitionBuilder {
	b.in.TaskRoleArn = aws.String(arn)
	return b
}

// RuntimePlatform sets the operating system family and CPU architecture,
// for example types.OSFamilyLinux and types.CPUArchitectureArm64.
func (b *TaskDefinitionBuilder) RuntimePlatform(os types.OSFamily, arch types.CPUArchitecture) *TaskDefinitionBuilder {
	b.in.RuntimePlatform = &types.RuntimePlatform{OperatingSystemFamily: os, CpuArchitecture: arch}
	return b
}

// Volume adds a task volume; use the SDK struct for EFS, FSx or Docker
// volume settings.
func (b *TaskDefinitionBuilder) Volume(v types.Volume) *TaskDefinitionBuilder {
	b.in.Volumes = append(b.in.Volumes, v)
	return b
}

// BindVolume adds a task-scoped bind-mount volume called name (host
// sourcePath empty, as Fargate allows).
func (b *TaskDefinitionBuilder) BindVolume(name string) *TaskDefinitionBuilder {
	return b.Volume(types.Volume{Name: aws.String(name)})
}

// EphemeralStorage sets the Fargate ephemeral storage size (21-200 GiB).
func (b *TaskDefinitionBuilder) EphemeralStorage(gib int32) *TaskDefinitionBuilder {
	b.in.EphemeralStorage = &types.EphemeralStorage{SizeInGiB: gib}
	return b
}

// PidMode sets the process namespace mode (host or task).
func (b *TaskDefinitionBuilder) PidMode(m types.PidMode) *TaskDefinitionBuilder {
	b.in.PidMode = m
	return b
}

// IpcMode sets the IPC namespace mode (host, task or none).
func (b *TaskDefinitionBuilder) IpcMode(m types.IpcMode) *TaskDefinitionBuilder {
	b.in.IpcMode = m
	return b
}

// Tag adds a resource tag.
func (b *TaskDefinitionBuilder) Tag(key, value string) *TaskDefinitionBuilder {
	b.in.Tags = append(b.in.Tags, types.Tag{Key: aws.String(key), Value: aws.String(value)})
	return b
}

// Container adds a container; its problems are reported by Build.
func (b *TaskDefinitionBuilder) Container(c *ContainerBuilder) *TaskDefinitionBuilder {
	b.containers = append(b.containers, c)
	return b
}

// Input returns the SDK struct under construction (without the containers
// added through Container, which Build appends), so callers can set any
// field the builder does not cover.
func (b *TaskDefinitionBuilder) Input() *ecs.RegisterTaskDefinitionInput { return &b.in }

// Build returns the RegisterTaskDefinition request, or the errors.Join of
// every *ValidationError found: those recorded by builder calls and those
// of ValidateTaskDefinitionInput. The result shares nothing with the
// builder, which may be reused.
func (b *TaskDefinitionBuilder) Build() (*ecs.RegisterTaskDefinitionInput, error) {
	out := b.in
	if b.fargateAdded && !b.networkSet {
		out.NetworkMode = types.NetworkModeAwsvpc
	}
	out.RequiresCompatibilities = append([]types.Compatibility(nil), b.in.RequiresCompatibilities...)
	out.Volumes = append([]types.Volume(nil), b.in.Volumes...)
	out.Tags = append([]types.Tag(nil), b.in.Tags...)
	out.ContainerDefinitions = append([]types.ContainerDefinition(nil), b.in.ContainerDefinitions...)
	errs := append([]error(nil), b.errs...)
	for _, c := range b.containers {
		if c == nil {
			continue
		}
		out.ContainerDefinitions = append(out.ContainerDefinitions, c.copyDefinition())
	}
	if err := ValidateTaskDefinitionInput(&out); err != nil {
		errs = append(errs, unjoin(err)...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &out, nil
}

// unjoin returns the errors inside an errors.Join result.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func containsValue[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
