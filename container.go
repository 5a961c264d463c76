package ecsdeploy

import (
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ContainerBuilder builds one types.ContainerDefinition. Add it to a task
// with TaskDefinitionBuilder.Container; it is validated there, with the
// rest of the task. The zero value is not usable; call NewContainer.
type ContainerBuilder struct {
	def types.ContainerDefinition
}

// NewContainer starts a container called name running image. ECS treats a
// container as essential unless Essential(false) is called.
func NewContainer(name, image string) *ContainerBuilder {
	return &ContainerBuilder{def: types.ContainerDefinition{Name: aws.String(name), Image: aws.String(image)}}
}

// Definition returns the SDK struct under construction, so callers can set
// any field the builder does not cover.
func (c *ContainerBuilder) Definition() *types.ContainerDefinition { return &c.def }

// Essential sets whether the task stops when this container stops (ECS
// default true). Sidecars are usually not essential.
func (c *ContainerBuilder) Essential(essential bool) *ContainerBuilder {
	c.def.Essential = aws.Bool(essential)
	return c
}

// CPU reserves CPU units for the container (1024 per vCPU).
func (c *ContainerBuilder) CPU(units int32) *ContainerBuilder {
	c.def.Cpu = units
	return c
}

// Memory sets the hard memory limit in MiB.
func (c *ContainerBuilder) Memory(mib int32) *ContainerBuilder {
	c.def.Memory = aws.Int32(mib)
	return c
}

// MemoryReservation sets the soft memory limit in MiB.
func (c *ContainerBuilder) MemoryReservation(mib int32) *ContainerBuilder {
	c.def.MemoryReservation = aws.Int32(mib)
	return c
}

// Port maps a TCP container port; in awsvpc and host mode the host port is
// the same, in bridge mode ECS picks a dynamic host port.
func (c *ContainerBuilder) Port(containerPort int32) *ContainerBuilder {
	return c.PortMapping(types.PortMapping{ContainerPort: aws.Int32(containerPort), Protocol: types.TransportProtocolTcp})
}

// HostPort maps a TCP container port to a fixed host port.
func (c *ContainerBuilder) HostPort(containerPort, hostPort int32) *ContainerBuilder {
	return c.PortMapping(types.PortMapping{ContainerPort: aws.Int32(containerPort), HostPort: aws.Int32(hostPort), Protocol: types.TransportProtocolTcp})
}

// NamedPort maps a TCP container port with a name and application protocol
// (http, http2 or grpc), as Service Connect uses.
func (c *ContainerBuilder) NamedPort(name string, containerPort int32, app types.ApplicationProtocol) *ContainerBuilder {
	return c.PortMapping(types.PortMapping{Name: aws.String(name), ContainerPort: aws.Int32(containerPort), Protocol: types.TransportProtocolTcp, AppProtocol: app})
}

// PortMapping adds a port mapping given as the SDK struct.
func (c *ContainerBuilder) PortMapping(pm types.PortMapping) *ContainerBuilder {
	c.def.PortMappings = append(c.def.PortMappings, pm)
	return c
}

// Env adds an environment variable.
func (c *ContainerBuilder) Env(name, value string) *ContainerBuilder {
	c.def.Environment = append(c.def.Environment, types.KeyValuePair{Name: aws.String(name), Value: aws.String(value)})
	return c
}

// EnvFile adds an environment file: the ARN of an S3 object ending in .env.
func (c *ContainerBuilder) EnvFile(s3ObjectARN string) *ContainerBuilder {
	c.def.EnvironmentFiles = append(c.def.EnvironmentFiles, types.EnvironmentFile{Type: types.EnvironmentFileTypeS3, Value: aws.String(s3ObjectARN)})
	return c
}

// Secret exposes a Secrets Manager secret or SSM parameter (its ARN, or
// parameter name in the same region) as environment variable name. Secrets
// need an execution role.
func (c *ContainerBuilder) Secret(name, valueFrom string) *ContainerBuilder {
	c.def.Secrets = append(c.def.Secrets, types.Secret{Name: aws.String(name), ValueFrom: aws.String(valueFrom)})
	return c
}

// Command sets the command passed to the container (Docker CMD).
func (c *ContainerBuilder) Command(args ...string) *ContainerBuilder {
	c.def.Command = slices.Clone(args)
	return c
}

// EntryPoint sets the container entry point (Docker ENTRYPOINT).
func (c *ContainerBuilder) EntryPoint(args ...string) *ContainerBuilder {
	c.def.EntryPoint = slices.Clone(args)
	return c
}

// WorkingDirectory sets the directory commands run in.
func (c *ContainerBuilder) WorkingDirectory(dir string) *ContainerBuilder {
	c.def.WorkingDirectory = aws.String(dir)
	return c
}

// User sets the user (name, uid, uid:gid, ...) the container runs as.
func (c *ContainerBuilder) User(user string) *ContainerBuilder {
	c.def.User = aws.String(user)
	return c
}

// Logs sets the log configuration; see AWSLogs.
func (c *ContainerBuilder) Logs(lc *types.LogConfiguration) *ContainerBuilder {
	c.def.LogConfiguration = lc
	return c
}

// HealthCheck sets the container health check command, for example
// ("CMD-SHELL", "curl -f http://localhost/ || exit 1"), with the ECS
// defaults: interval 30 s, timeout 5 s, 3 retries, no start period.
func (c *ContainerBuilder) HealthCheck(command ...string) *ContainerBuilder {
	c.def.HealthCheck = &types.HealthCheck{
		Command:  slices.Clone(command),
		Interval: aws.Int32(DefaultHealthCheckInterval),
		Timeout:  aws.Int32(DefaultHealthCheckTimeout),
		Retries:  aws.Int32(DefaultHealthCheckRetries),
	}
	return c
}

// HealthCheckTiming overrides the health check timing in seconds: interval
// 5-300, timeout 2-60, retries 1-10, startPeriod 0-300.
func (c *ContainerBuilder) HealthCheckTiming(interval, timeout, retries, startPeriod int32) *ContainerBuilder {
	if c.def.HealthCheck == nil {
		c.def.HealthCheck = &types.HealthCheck{}
	}
	c.def.HealthCheck.Interval = aws.Int32(interval)
	c.def.HealthCheck.Timeout = aws.Int32(timeout)
	c.def.HealthCheck.Retries = aws.Int32(retries)
	c.def.HealthCheck.StartPeriod = aws.Int32(startPeriod)
	return c
}

// DependsOn makes this container start after container reaches condition
// (START, COMPLETE, SUCCESS or HEALTHY).
func (c *ContainerBuilder) DependsOn(container string, condition types.ContainerCondition) *ContainerBuilder {
	c.def.DependsOn = append(c.def.DependsOn, types.ContainerDependency{ContainerName: aws.String(container), Condition: condition})
	return c
}

// Ulimit sets a resource limit, for example types.UlimitNameNofile.
func (c *ContainerBuilder) Ulimit(name types.UlimitName, soft, hard int32) *ContainerBuilder {
	c.def.Ulimits = append(c.def.Ulimits, types.Ulimit{Name: name, SoftLimit: soft, HardLimit: hard})
	return c
}

// Mount mounts task volume sourceVolume at containerPath.
func (c *ContainerBuilder) Mount(sourceVolume, containerPath string, readOnly bool) *ContainerBuilder {
	c.def.MountPoints = append(c.def.MountPoints, types.MountPoint{SourceVolume: aws.String(sourceVolume), ContainerPath: aws.String(containerPath), ReadOnly: aws.Bool(readOnly)})
	return c
}

// VolumesFrom mounts every volume of another container in the task.
func (c *ContainerBuilder) VolumesFrom(container string, readOnly bool) *ContainerBuilder {
	c.def.VolumesFrom = append(c.def.VolumesFrom, types.VolumeFrom{SourceContainer: aws.String(container), ReadOnly: aws.Bool(readOnly)})
	return c
}

// ReadonlyRootFilesystem sets whether the root file system is read-only.
func (c *ContainerBuilder) ReadonlyRootFilesystem(readOnly bool) *ContainerBuilder {
	c.def.ReadonlyRootFilesystem = aws.Bool(readOnly)
	return c
}

// StopTimeout sets the seconds between SIGTERM and SIGKILL (ECS default
// 30; at most 120 on Fargate).
func (c *ContainerBuilder) StopTimeout(seconds int32) *ContainerBuilder {
	c.def.StopTimeout = aws.Int32(seconds)
	return c
}

// Label adds a Docker label.
func (c *ContainerBuilder) Label(key, value string) *ContainerBuilder {
	if c.def.DockerLabels == nil {
		c.def.DockerLabels = map[string]string{}
	}
	c.def.DockerLabels[key] = value
	return c
}

// copyDefinition returns the definition with its own slices and maps, so
// later builder calls do not change a built task definition.
func (c *ContainerBuilder) copyDefinition() types.ContainerDefinition {
	d := c.def
	d.Command = slices.Clone(d.Command)
	d.EntryPoint = slices.Clone(d.EntryPoint)
	d.PortMappings = slices.Clone(d.PortMappings)
	d.Environment = slices.Clone(d.Environment)
	d.EnvironmentFiles = slices.Clone(d.EnvironmentFiles)
	d.Secrets = slices.Clone(d.Secrets)
	d.DependsOn = slices.Clone(d.DependsOn)
	d.Ulimits = slices.Clone(d.Ulimits)
	d.MountPoints = slices.Clone(d.MountPoints)
	d.VolumesFrom = slices.Clone(d.VolumesFrom)
	d.DockerLabels = maps.Clone(d.DockerLabels)
	if d.HealthCheck != nil {
		hc := *d.HealthCheck
		hc.Command = slices.Clone(hc.Command)
		d.HealthCheck = &hc
	}
	if d.LogConfiguration != nil {
		lc := *d.LogConfiguration
		lc.Options = maps.Clone(lc.Options)
		d.LogConfiguration = &lc
	}
	return d
}
