package ecsdeploy

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// NormalizeTaskDefinition returns a copy of in in the canonical form Diff
// compares, applying what ECS itself normalises on register:
//   - cpu and memory unit strings become numbers ("0.25 vCPU" -> "256",
//     "0.5 GB" -> "512"); networkMode defaults to bridge;
//   - containers are sorted by name, and so are requiresCompatibilities,
//     volumes, tags and placement constraints;
//   - per container: environment, secrets, dependsOn, ulimits and
//     environment files sorted by name; port mappings by containerPort,
//     protocol; mount points by containerPath; volumesFrom by source;
//   - a volume's empty "host": {} equals no host (a bind mount);
//   - defaults filled in: essential=true, protocol tcp, hostPort = containerPort
//     in awsvpc/host mode and 0 in bridge mode, readOnly=false, health check
//     interval 30, timeout 5, retries 3, startPeriod 0.
//
// nil yields an empty input. in is not modified.
func NormalizeTaskDefinition(in *ecs.RegisterTaskDefinitionInput) *ecs.RegisterTaskDefinitionInput {
	if in == nil {
		return &ecs.RegisterTaskDefinitionInput{NetworkMode: types.NetworkModeBridge}
	}
	out := *in
	if out.Cpu != nil {
		if v, err := ParseCPU(*out.Cpu); err == nil {
			out.Cpu = aws.String(strconv.Itoa(int(v)))
		}
	}
	if out.Memory != nil {
		if v, err := ParseMemory(*out.Memory); err == nil {
			out.Memory = aws.String(strconv.Itoa(int(v)))
		}
	}
	if out.NetworkMode == "" {
		out.NetworkMode = types.NetworkModeBridge
	}
	out.RequiresCompatibilities = sortedClone(in.RequiresCompatibilities, func(a, b types.Compatibility) int { return cmp.Compare(a, b) })
	out.Volumes = sortedClone(in.Volumes, func(a, b types.Volume) int { return cmp.Compare(deref(a.Name), deref(b.Name)) })
	for i := range out.Volumes {
		if h := out.Volumes[i].Host; h != nil && h.SourcePath == nil {
			out.Volumes[i].Host = nil // "host": {} is a task-scoped bind mount, as is no host
		}
	}
	out.Tags = sortedClone(in.Tags, func(a, b types.Tag) int { return cmp.Compare(deref(a.Key), deref(b.Key)) })
	out.PlacementConstraints = sortedClone(in.PlacementConstraints, func(a, b types.TaskDefinitionPlacementConstraint) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(deref(a.Expression), deref(b.Expression)))
	})
	out.ContainerDefinitions = make([]types.ContainerDefinition, len(in.ContainerDefinitions))
	for i := range in.ContainerDefinitions {
		out.ContainerDefinitions[i] = normalizeContainer(in.ContainerDefinitions[i], out.NetworkMode)
	}
	slices.SortStableFunc(out.ContainerDefinitions, func(a, b types.ContainerDefinition) int { return cmp.Compare(deref(a.Name), deref(b.Name)) })
	return &out
}

func normalizeContainer(cd types.ContainerDefinition, mode types.NetworkMode) types.ContainerDefinition {
	if cd.Essential == nil {
		cd.Essential = aws.Bool(true)
	}
	byName := func(a, b types.KeyValuePair) int { return cmp.Compare(deref(a.Name), deref(b.Name)) }
	cd.Environment = sortedClone(cd.Environment, byName)
	cd.Secrets = sortedClone(cd.Secrets, func(a, b types.Secret) int { return cmp.Compare(deref(a.Name), deref(b.Name)) })
	cd.EnvironmentFiles = sortedClone(cd.EnvironmentFiles, func(a, b types.EnvironmentFile) int { return cmp.Compare(deref(a.Value), deref(b.Value)) })
	cd.DependsOn = sortedClone(cd.DependsOn, func(a, b types.ContainerDependency) int {
		return cmp.Compare(deref(a.ContainerName), deref(b.ContainerName))
	})
	cd.Ulimits = sortedClone(cd.Ulimits, func(a, b types.Ulimit) int { return cmp.Compare(a.Name, b.Name) })
	cd.PortMappings = slices.Clone(cd.PortMappings)
	for j := range cd.PortMappings {
		pm := &cd.PortMappings[j]
		if pm.Protocol == "" {
			pm.Protocol = types.TransportProtocolTcp
		}
		if pm.HostPort == nil && pm.ContainerPort != nil {
			if mode == types.NetworkModeAwsvpc || mode == types.NetworkModeHost {
				pm.HostPort = aws.Int32(*pm.ContainerPort)
			} else {
				pm.HostPort = aws.Int32(0)
			}
		}
	}
	slices.SortStableFunc(cd.PortMappings, func(a, b types.PortMapping) int {
		return cmp.Or(cmp.Compare(deref(a.ContainerPort), deref(b.ContainerPort)), cmp.Compare(a.Protocol, b.Protocol),
			cmp.Compare(deref(a.ContainerPortRange), deref(b.ContainerPortRange)))
	})
	cd.MountPoints = slices.Clone(cd.MountPoints)
	for j := range cd.MountPoints {
		if cd.MountPoints[j].ReadOnly == nil {
			cd.MountPoints[j].ReadOnly = aws.Bool(false)
		}
	}
	slices.SortStableFunc(cd.MountPoints, func(a, b types.MountPoint) int {
		return cmp.Or(cmp.Compare(deref(a.ContainerPath), deref(b.ContainerPath)), cmp.Compare(deref(a.SourceVolume), deref(b.SourceVolume)))
	})
	cd.VolumesFrom = slices.Clone(cd.VolumesFrom)
	for j := range cd.VolumesFrom {
		if cd.VolumesFrom[j].ReadOnly == nil {
			cd.VolumesFrom[j].ReadOnly = aws.Bool(false)
		}
	}
	slices.SortStableFunc(cd.VolumesFrom, func(a, b types.VolumeFrom) int {
		return cmp.Compare(deref(a.SourceContainer), deref(b.SourceContainer))
	})
	if cd.HealthCheck != nil {
		hc := *cd.HealthCheck
		hc.Interval = cmp.Or(hc.Interval, aws.Int32(DefaultHealthCheckInterval))
		hc.Timeout = cmp.Or(hc.Timeout, aws.Int32(DefaultHealthCheckTimeout))
		hc.Retries = cmp.Or(hc.Retries, aws.Int32(DefaultHealthCheckRetries))
		hc.StartPeriod = cmp.Or(hc.StartPeriod, aws.Int32(0))
		cd.HealthCheck = &hc
	}
	return cd
}

// sortedClone returns a sorted copy of s (nil for an empty s).
func sortedClone[T any](s []T, less func(a, b T) int) []T {
	if len(s) == 0 {
		return nil
	}
	c := slices.Clone(s)
	slices.SortStableFunc(c, less)
	return c
}
