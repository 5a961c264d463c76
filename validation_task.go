package ecsdeploy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/internal/awsjson"
)

// MaxContainersPerTaskDefinition is the ECS quota on container definitions
// in one task definition.
const MaxContainersPerTaskDefinition = 10

// MaxTaskDefinitionSize is the ECS quota on the size of one task definition
// (64 KiB of JSON).
const MaxTaskDefinitionSize = 64 * 1024

// taskContext is what container rules need to know about their task.
type taskContext struct {
	in      *ecs.RegisterTaskDefinitionInput
	p       *problems
	fargate bool
	ec2     bool
	mode    types.NetworkMode
	cpu     int32 // task CPU units, 0 when unset or invalid
	memory  int32 // task memory MiB, 0 when unset or invalid
	volumes map[string]bool
	index   map[string]int // container name -> first index, among the examined
	// partial: containers past the quota are not examined (nor indexed),
	// so a name missing from index may still be one of theirs.
	partial bool
}

func newTaskContext(in *ecs.RegisterTaskDefinitionInput, p *problems) *taskContext {
	c := &taskContext{in: in, p: p, mode: in.NetworkMode, volumes: map[string]bool{}, index: map[string]int{}}
	if c.mode == "" {
		c.mode = types.NetworkModeBridge // ECS default
	}
	c.fargate = slices.Contains(in.RequiresCompatibilities, types.CompatibilityFargate)
	c.ec2 = len(in.RequiresCompatibilities) == 0 || slices.Contains(in.RequiresCompatibilities, types.CompatibilityEc2)
	for _, v := range in.Volumes {
		c.volumes[deref(v.Name)] = true
	}
	examined := examinedContainers(in)
	c.partial = len(examined) < len(in.ContainerDefinitions)
	for i := range examined {
		if n := deref(examined[i].Name); n != "" {
			if _, dup := c.index[n]; !dup {
				c.index[n] = i
			}
		}
	}
	return c
}

func validateTask(c *taskContext) {
	in, p := c.in, c.p
	switch f := deref(in.Family); {
	case in.Family == nil || f == "":
		p.add("family", "is required")
	case !validName(f):
		p.add("family", nameRule)
	}
	switch n := len(in.ContainerDefinitions); {
	case n == 0:
		p.add("containerDefinitions", "at least one container definition is required")
	case n > MaxContainersPerTaskDefinition:
		p.add("containerDefinitions", "at most %d containers are allowed per task definition, got %d", MaxContainersPerTaskDefinition, n)
	}
	for i, rc := range in.RequiresCompatibilities {
		if !oneOf(rc, types.Compatibility("").Values()) {
			p.add(fmt.Sprintf("requiresCompatibilities[%d]", i), "must be one of %s", enumList(types.Compatibility("").Values()))
		}
	}
	if in.NetworkMode != "" && !oneOf(in.NetworkMode, types.NetworkMode("").Values()) {
		p.add("networkMode", "must be one of %s", enumList(types.NetworkMode("").Values()))
	} else if c.fargate && c.mode != types.NetworkModeAwsvpc {
		p.add("networkMode", "Fargate requires networkMode awsvpc, got %s", c.mode)
	}
	validateTaskSize(c)
	if in.PidMode != "" {
		switch {
		case !oneOf(in.PidMode, types.PidMode("").Values()):
			p.add("pidMode", "must be one of %s", enumList(types.PidMode("").Values()))
		case c.fargate && in.PidMode != types.PidModeTask:
			p.add("pidMode", "Fargate supports only pidMode task")
		}
	}
	if in.IpcMode != "" {
		switch {
		case !oneOf(in.IpcMode, types.IpcMode("").Values()):
			p.add("ipcMode", "must be one of %s", enumList(types.IpcMode("").Values()))
		case c.fargate:
			p.add("ipcMode", "is not supported on Fargate")
		}
	}
	if rp := in.RuntimePlatform; rp != nil {
		if rp.OperatingSystemFamily != "" && !oneOf(rp.OperatingSystemFamily, types.OSFamily("").Values()) {
			p.add("runtimePlatform.operatingSystemFamily", "must be one of %s", enumList(types.OSFamily("").Values()))
		}
		if rp.CpuArchitecture != "" && !oneOf(rp.CpuArchitecture, types.CPUArchitecture("").Values()) {
			p.add("runtimePlatform.cpuArchitecture", "must be one of %s", enumList(types.CPUArchitecture("").Values()))
		}
	}
	if es := in.EphemeralStorage; es != nil {
		// "The minimum supported value is 21 GiB and the maximum supported
		// value is 200 GiB" (ECS API Reference, EphemeralStorage).
		if es.SizeInGiB < 21 || es.SizeInGiB > 200 {
			p.add("ephemeralStorage.sizeInGiB", "must be between 21 and 200 GiB, got %d", es.SizeInGiB)
		}
	}
	validateVolumes(c)
	validateTaskPlacement(c)
	validateTags(p, "tags", in.Tags)
}

// validateTaskSize checks task cpu and memory: parseable, within the EC2
// range, and a valid Fargate pair.
func validateTaskSize(c *taskContext) {
	in, p := c.in, c.p
	cpuOK, memOK := true, true
	if in.Cpu != nil {
		v, err := ParseCPU(*in.Cpu)
		switch {
		case err != nil:
			p.add("cpu", "%v", err)
			cpuOK = false
		case !c.fargate && (v < 128 || v > 196608):
			// "between 128 CPU units (0.125 vCPUs) and 196608 CPU units
			// (192 vCPUs)" for tasks on EC2 (ECS API Reference).
			p.add("cpu", "must be between 128 and 196608 CPU units, got %d", v)
			cpuOK = false
		default:
			c.cpu = v
		}
	}
	if in.Memory != nil {
		v, err := ParseMemory(*in.Memory)
		if err != nil {
			p.add("memory", "%v", err)
			memOK = false
		} else {
			c.memory = v
		}
	}
	if !c.fargate {
		return
	}
	switch {
	case in.Cpu == nil:
		p.add("cpu", "is required for Fargate")
	case in.Memory == nil:
		p.add("memory", "is required for Fargate")
	case cpuOK && c.cpu < 1024 && in.RuntimePlatform != nil && strings.HasPrefix(string(in.RuntimePlatform.OperatingSystemFamily), "WINDOWS"):
		// Windows containers on Fargate start at 1 vCPU (Developer Guide,
		// "Task CPU and memory").
		p.add("cpu", "Invalid 'cpu' setting for task. Windows on Fargate needs at least 1024 CPU units, got %d", c.cpu)
	case cpuOK && memOK && !FargateSizeValid(c.cpu, c.memory):
		// Observed ECS message; the pairs are in validation_fargate.go.
		p.add("cpu", "Invalid 'cpu' setting for task. %d CPU units with %d MiB is not a Fargate task size", c.cpu, c.memory)
	}
}

func validateVolumes(c *taskContext) {
	seen := map[string]bool{}
	for i, v := range c.in.Volumes {
		f := fmt.Sprintf("volumes[%d]", i)
		n := deref(v.Name)
		switch {
		case n == "":
			c.p.add(f+".name", "is required")
		case !validName(n):
			c.p.add(f+".name", nameRule)
		case seen[n]:
			c.p.add(f+".name", "duplicate volume name %q", n)
		}
		seen[n] = true
		if c.fargate && v.DockerVolumeConfiguration != nil {
			c.p.add(f+".dockerVolumeConfiguration", "is not supported on Fargate")
		}
		if c.fargate && v.Host != nil && deref(v.Host.SourcePath) != "" {
			c.p.add(f+".host.sourcePath", "is not supported on Fargate; omit it for a task-scoped bind mount")
		}
		if v.DockerVolumeConfiguration != nil && v.Host != nil {
			c.p.add(f, "specify only one of host and dockerVolumeConfiguration")
		}
		if efs := v.EfsVolumeConfiguration; efs != nil && deref(efs.FileSystemId) == "" {
			c.p.add(f+".efsVolumeConfiguration.fileSystemId", "is required")
		}
	}
}

// validateTaskPlacement checks task definition placement constraints: at
// most 10, type memberOf with an expression, and none on Fargate (ECS API
// Reference, TaskDefinitionPlacementConstraint).
func validateTaskPlacement(c *taskContext) {
	pcs := c.in.PlacementConstraints
	if len(pcs) > MaxPlacementConstraints {
		c.p.add("placementConstraints", "at most %d placement constraints are allowed, got %d", MaxPlacementConstraints, len(pcs))
	}
	if c.fargate && len(pcs) > 0 {
		c.p.add("placementConstraints", "are not supported on Fargate")
	}
	for i, pc := range pcs {
		f := fmt.Sprintf("placementConstraints[%d]", i)
		if pc.Type != types.TaskDefinitionPlacementConstraintTypeMemberOf {
			c.p.add(f+".type", "must be memberOf")
		}
		if deref(pc.Expression) == "" {
			c.p.add(f+".expression", "is required for memberOf")
		}
	}
}

// validateContainerSet checks the rules that span containers: names,
// essential, resources summed against the task.
func validateContainerSet(c *taskContext) {
	in, p := c.in, c.p
	if len(in.ContainerDefinitions) == 0 {
		return
	}
	essential := false
	var memSum, cpuSum int64
	for i := range in.ContainerDefinitions {
		cd := &in.ContainerDefinitions[i] // not a copy: there may be many
		if cd.Essential == nil || *cd.Essential {
			essential = true
		}
		if cd.Memory != nil {
			memSum += int64(*cd.Memory)
		} else if cd.MemoryReservation != nil {
			memSum += int64(*cd.MemoryReservation)
		}
		cpuSum += int64(cd.Cpu)
	}
	if !essential {
		p.add("containerDefinitions", "at least one container must be essential")
	}
	validateDependsCycles(c)
	if c.memory > 0 && memSum > int64(c.memory) {
		p.add("memory", "the containers' memory (%d MiB) exceeds the task memory (%d MiB)", memSum, c.memory)
	}
	if c.cpu > 0 && cpuSum > int64(c.cpu) {
		p.add("cpu", "the containers' cpu (%d units) exceeds the task cpu (%d units)", cpuSum, c.cpu)
	}
	if c.fargate && deref(in.ExecutionRoleArn) == "" {
		for i := range in.ContainerDefinitions {
			cd := &in.ContainerDefinitions[i]
			// Observed ECS messages for Fargate without an execution role.
			if lc := cd.LogConfiguration; lc != nil && lc.LogDriver == types.LogDriverAwslogs {
				p.add("executionRoleArn", "Fargate requires task definition to have execution role ARN to support log driver awslogs. (containerDefinitions[%d])", i)
				break
			}
		}
		for i := range in.ContainerDefinitions {
			cd := &in.ContainerDefinitions[i]
			if isECRImage(deref(cd.Image)) {
				p.add("executionRoleArn", "Fargate requires task definition to have execution role ARN to support ECR images. (containerDefinitions[%d])", i)
				break
			}
		}
	}
	if deref(in.ExecutionRoleArn) == "" {
		for i := range in.ContainerDefinitions {
			cd := &in.ContainerDefinitions[i]
			if len(cd.Secrets) > 0 {
				// Observed ECS text.
				p.add("executionRoleArn", "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'. (containerDefinitions[%d].secrets)", i)
				break
			}
		}
	}
}

// isECRImage reports whether image is in a private Amazon ECR registry.
func isECRImage(image string) bool {
	host, _, ok := strings.Cut(image, "/")
	return ok && strings.Contains(host, ".dkr.ecr.") && strings.Contains(host, ".amazonaws.com")
}

// sizeCountLimit is how far validateSize counts the JSON: an over-quota
// size up to it is reported exactly (how much to cut), a larger one as
// "more than" it, so that a huge request costs a bounded count, not its
// whole JSON (before: ~23 MB and the whole walk for 349,000 containers).
const sizeCountLimit = 2 * MaxTaskDefinitionSize

// validateSize checks the 64 KiB quota on the (compact) register JSON,
// counted without being kept.
func validateSize(in *ecs.RegisterTaskDefinitionInput, p *problems) {
	n, exact, err := awsjson.MarshalSize(in, sizeCountLimit)
	switch {
	case err != nil || n <= MaxTaskDefinitionSize:
	case exact:
		p.add("taskDefinition", "is %d bytes of JSON; the ECS quota is %d bytes (64 KiB)", n, MaxTaskDefinitionSize)
	default:
		p.add("taskDefinition", "is more than %d bytes of JSON; the ECS quota is %d bytes (64 KiB)", sizeCountLimit, MaxTaskDefinitionSize)
	}
}
