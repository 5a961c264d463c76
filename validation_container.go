package ecsdeploy

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// validateContainer checks containerDefinitions[i] on its own and against
// its task.
func validateContainer(c *taskContext, i int) {
	cd := &c.in.ContainerDefinitions[i]
	p := c.p
	f := fmt.Sprintf("containerDefinitions[%d]", i)
	name := deref(cd.Name)
	switch {
	case name == "":
		p.add(f+".name", "is required")
	case !validName(name):
		p.add(f+".name", nameRule)
	case c.index[name] != i:
		p.add(f+".name", "duplicate container name %q (also containerDefinitions[%d])", name, c.index[name])
	}
	if img := deref(cd.Image); img == "" {
		p.add(f+".image", "Container.image should not be null or empty.") // observed ECS text
	} else if err := checkImage(img); err != "" {
		p.add(f+".image", "%s", err)
	}
	validateContainerResources(c, f, cd)
	validatePorts(c, f, cd)
	validateHealthCheck(p, f+".healthCheck", cd.HealthCheck)
	validateDependsOn(c, f, i, cd)
	validateContainerEnv(p, f, cd)
	validateLogs(c, f+".logConfiguration", cd.LogConfiguration)
	validateMounts(c, f, i, cd)
	for j, u := range cd.Ulimits {
		uf := fmt.Sprintf("%s.ulimits[%d]", f, j)
		if !oneOf(u.Name, types.UlimitName("").Values()) {
			p.add(uf+".name", "must be one of %s", enumList(types.UlimitName("").Values()))
		}
		if u.SoftLimit > u.HardLimit {
			p.add(uf+".softLimit", "must not exceed hardLimit %d", u.HardLimit)
		}
	}
	if cd.StopTimeout != nil {
		// Fargate: "The max stop timeout value is 120 seconds" (ECS API
		// Reference, ContainerDefinition.stopTimeout).
		if st := *cd.StopTimeout; st < 0 || (c.fargate && st > 120) {
			p.add(f+".stopTimeout", "must be between 0 and 120 seconds on Fargate, got %d", st)
		}
	}
	if c.fargate && deref(cd.Privileged) {
		p.add(f+".privileged", "is not supported on Fargate")
	}
	// links: "This parameter is only supported if the network mode of a
	// task definition is bridge." hostname, extraHosts, dnsServers and
	// dnsSearchDomains are not supported with awsvpc (ECS API Reference,
	// ContainerDefinition).
	if len(cd.Links) > 0 && c.mode != types.NetworkModeBridge {
		p.add(f+".links", "is not supported with networkMode %s (bridge only)", c.mode)
	}
	for _, l := range cd.Links {
		target, _, _ := strings.Cut(l, ":")
		if _, ok := c.index[target]; !ok && !c.partial { // partial: it may be past the quota
			p.add(f+".links", "links to no container in this task definition: %q", target)
		}
	}
	if c.mode == types.NetworkModeAwsvpc {
		if cd.Hostname != nil {
			p.add(f+".hostname", "is not supported with networkMode awsvpc")
		}
		if len(cd.ExtraHosts) > 0 {
			p.add(f+".extraHosts", "is not supported with networkMode awsvpc")
		}
		if len(cd.DnsServers) > 0 {
			p.add(f+".dnsServers", "is not supported with networkMode awsvpc")
		}
		if len(cd.DnsSearchDomains) > 0 {
			p.add(f+".dnsSearchDomains", "is not supported with networkMode awsvpc")
		}
	}
}

func validateContainerResources(c *taskContext, f string, cd *typesContainer) {
	p := c.p
	if cd.Cpu < 0 {
		p.add(f+".cpu", "must not be negative")
	}
	if c.cpu > 0 && cd.Cpu > c.cpu {
		p.add(f+".cpu", "%d units exceeds the task cpu %d", cd.Cpu, c.cpu)
	}
	// Docker reserves at least 4 MiB per container (6 MiB from Docker
	// 20.10, which the guide recommends); below 4 MiB a container cannot
	// start (ECS API Reference, ContainerDefinition.memory).
	if cd.Memory != nil && *cd.Memory < minContainerMemory {
		p.add(f+".memory", "must be at least %d MiB, got %d", minContainerMemory, *cd.Memory)
	}
	if cd.MemoryReservation != nil && *cd.MemoryReservation < minContainerMemory {
		p.add(f+".memoryReservation", "must be at least %d MiB, got %d", minContainerMemory, *cd.MemoryReservation)
	}
	if cd.Memory != nil && cd.MemoryReservation != nil && *cd.Memory <= *cd.MemoryReservation {
		// "If you specify both, memory must be greater than
		// memoryReservation." (ECS API Reference).
		p.add(f+".memory", "must be greater than memoryReservation (%d <= %d)", *cd.Memory, *cd.MemoryReservation)
	}
	if c.memory > 0 && cd.Memory != nil && *cd.Memory > c.memory {
		p.add(f+".memory", "%d MiB exceeds the task memory %d MiB", *cd.Memory, c.memory)
	}
	if c.ec2 && !c.fargate && c.in.Memory == nil && cd.Memory == nil && cd.MemoryReservation == nil {
		p.add(f+".memory", "Invalid setting for container '%s'. At least one of 'memory' or 'memoryReservation' must be specified.", deref(cd.Name))
	}
}

func validatePorts(c *taskContext, f string, cd *typesContainer) {
	p := c.p
	if len(cd.PortMappings) > 0 && c.mode == types.NetworkModeNone {
		p.add(f+".portMappings", "port mappings are not allowed with networkMode none")
	}
	for j, pm := range cd.PortMappings {
		pf := fmt.Sprintf("%s.portMappings[%d]", f, j)
		switch {
		case pm.ContainerPort == nil && deref(pm.ContainerPortRange) == "":
			p.add(pf+".containerPort", "is required")
		case pm.ContainerPort != nil && (*pm.ContainerPort < 1 || *pm.ContainerPort > 65535):
			p.add(pf+".containerPort", "must be between 1 and 65535, got %d", *pm.ContainerPort)
		case pm.ContainerPort != nil && pm.ContainerPortRange != nil:
			p.add(pf+".containerPortRange", "specify only one of containerPort and containerPortRange")
		}
		if r := deref(pm.ContainerPortRange); r != "" && !validPortRange(r) {
			p.add(pf+".containerPortRange", "must be \"start-end\" with 1 <= start < end <= 65535, got %q", r)
		}
		if pm.HostPort != nil {
			hp := *pm.HostPort
			switch {
			case hp < 0 || hp > 65535:
				p.add(pf+".hostPort", "must be between 0 and 65535, got %d", hp)
			case (c.mode == types.NetworkModeAwsvpc || c.mode == types.NetworkModeHost) && pm.ContainerPort != nil && hp != *pm.ContainerPort:
				// Observed ECS text.
				p.add(pf+".hostPort", "When networkMode=%s, the host ports and container ports in port mappings must match. (hostPort %d, containerPort %d)", c.mode, hp, *pm.ContainerPort)
			}
		}
		if pm.Protocol != "" && !oneOf(pm.Protocol, types.TransportProtocol("").Values()) {
			p.add(pf+".protocol", "must be one of %s", enumList(types.TransportProtocol("").Values()))
		}
		if pm.AppProtocol != "" && !oneOf(pm.AppProtocol, types.ApplicationProtocol("").Values()) {
			p.add(pf+".appProtocol", "must be one of %s", enumList(types.ApplicationProtocol("").Values()))
		}
		if pm.Name != nil && !portNameRE.MatchString(*pm.Name) {
			p.add(pf+".name", "must be 1-64 lowercase letters, numbers, underscores and hyphens, not starting with a hyphen")
		}
	}
}

func validPortRange(r string) bool {
	a, b, ok := strings.Cut(r, "-")
	if !ok {
		return false
	}
	var lo, hi int
	if _, err := fmt.Sscanf(a+" "+b, "%d %d", &lo, &hi); err != nil {
		return false
	}
	return fmt.Sprintf("%d-%d", lo, hi) == r && lo >= 1 && lo < hi && hi <= 65535
}

// Health check bounds (ECS API Reference, HealthCheck; ECS-SEMANTICS.md).
const (
	// DefaultHealthCheckInterval is the ECS default interval in seconds.
	DefaultHealthCheckInterval = 30
	// DefaultHealthCheckTimeout is the ECS default timeout in seconds.
	DefaultHealthCheckTimeout = 5
	// DefaultHealthCheckRetries is the ECS default number of retries.
	DefaultHealthCheckRetries = 3
)

func validateHealthCheck(p *problems, f string, hc *types.HealthCheck) {
	if hc == nil {
		return
	}
	switch {
	case len(hc.Command) == 0:
		p.add(f+".command", "is required")
	case hc.Command[0] != "CMD" && hc.Command[0] != "CMD-SHELL" && hc.Command[0] != "NONE":
		p.add(f+".command", "must start with CMD or CMD-SHELL, got %q", hc.Command[0])
	case hc.Command[0] != "NONE" && len(hc.Command) < 2:
		p.add(f+".command", "%s needs a command to run", hc.Command[0])
	}
	bound := func(name string, v *int32, lo, hi int32) {
		if v != nil && (*v < lo || *v > hi) {
			p.add(f+"."+name, "must be between %d and %d, got %d", lo, hi, *v)
		}
	}
	bound("interval", hc.Interval, 5, 300)
	bound("timeout", hc.Timeout, 2, 60)
	bound("retries", hc.Retries, 1, 10)
	bound("startPeriod", hc.StartPeriod, 0, 300)
}

func validateDependsOn(c *taskContext, f string, i int, cd *typesContainer) {
	for j, d := range cd.DependsOn {
		df := dependsPath(f, j)
		target := deref(d.ContainerName)
		ti, exists := c.index[target]
		switch {
		case target == "":
			c.p.add(df+".containerName", "is required")
		case !exists:
			if !c.partial { // else it may be a container past the quota
				c.p.add(df+".containerName", "names no container in this task definition: %q", target)
			}
		case ti == i:
			c.p.add(df+".containerName", "a container cannot depend on itself")
		}
		if !oneOf(d.Condition, types.ContainerCondition("").Values()) {
			c.p.add(df+".condition", "must be one of %s", enumList(types.ContainerCondition("").Values()))
			continue
		}
		if !exists {
			continue
		}
		dep := &c.in.ContainerDefinitions[ti]
		switch d.Condition {
		case types.ContainerConditionHealthy:
			if dep.HealthCheck == nil {
				c.p.add(df+".condition", "HEALTHY requires container %q to have a healthCheck", target)
			}
		case types.ContainerConditionComplete, types.ContainerConditionSuccess:
			// "This condition can't be set on an essential container."
			if dep.Essential == nil || *dep.Essential {
				c.p.add(df+".condition", "%s cannot be set on essential container %q", d.Condition, target)
			}
		}
	}
}

// dependsPath is f.dependsOn[j], built without fmt on the hot path.
func dependsPath(f string, j int) string {
	return f + ".dependsOn[" + strconv.Itoa(j) + "]"
}

func validateContainerEnv(p *problems, f string, cd *typesContainer) {
	for j, e := range cd.Environment {
		if deref(e.Name) == "" {
			p.add(fmt.Sprintf("%s.environment[%d].name", f, j), "is required")
		}
	}
	for j, e := range cd.EnvironmentFiles {
		ef := fmt.Sprintf("%s.environmentFiles[%d]", f, j)
		if e.Type != types.EnvironmentFileTypeS3 {
			p.add(ef+".type", "must be s3")
		}
		// "The file must have a .env file extension" (ECS Developer Guide).
		if v := deref(e.Value); !strings.HasPrefix(v, "arn:") || !strings.HasSuffix(v, ".env") {
			p.add(ef+".value", "must be the ARN of an S3 object with a .env extension, got %q", v)
		}
	}
	seen := map[string]bool{}
	for j, s := range cd.Secrets {
		sf := fmt.Sprintf("%s.secrets[%d]", f, j)
		n := deref(s.Name)
		if n == "" {
			p.add(sf+".name", "is required")
		} else if seen[n] {
			p.add(sf+".name", "duplicate secret name %q", n)
		}
		seen[n] = true
		if deref(s.ValueFrom) == "" {
			p.add(sf+".valueFrom", "is required: a Secrets Manager or SSM Parameter Store ARN or parameter name")
		}
	}
}

// fargateLogDrivers are the log drivers Fargate supports (ECS API
// Reference, LogConfiguration).
var fargateLogDrivers = []types.LogDriver{types.LogDriverAwslogs, types.LogDriverSplunk, types.LogDriverAwsfirelens}

func validateLogs(c *taskContext, f string, lc *types.LogConfiguration) {
	if lc == nil {
		return
	}
	switch {
	case lc.LogDriver == "":
		c.p.add(f+".logDriver", "is required")
	case !oneOf(lc.LogDriver, types.LogDriver("").Values()):
		c.p.add(f+".logDriver", "must be one of %s", enumList(types.LogDriver("").Values()))
	case c.fargate && !oneOf(lc.LogDriver, fargateLogDrivers):
		c.p.add(f+".logDriver", "Fargate supports only %s", enumList(fargateLogDrivers))
	}
	if lc.LogDriver != types.LogDriverAwslogs {
		return
	}
	if lc.Options["awslogs-group"] == "" {
		c.p.add(f+".options.awslogs-group", "is required for the awslogs driver")
	}
	if lc.Options["awslogs-region"] == "" {
		c.p.add(f+".options.awslogs-region", "is required for the awslogs driver")
	}
	if c.fargate && lc.Options["awslogs-stream-prefix"] == "" {
		c.p.add(f+".options.awslogs-stream-prefix", "is required for the awslogs driver on Fargate")
	}
}

func validateMounts(c *taskContext, f string, i int, cd *typesContainer) {
	for j, m := range cd.MountPoints {
		mf := fmt.Sprintf("%s.mountPoints[%d]", f, j)
		if sv := deref(m.SourceVolume); sv == "" {
			c.p.add(mf+".sourceVolume", "is required")
		} else if !c.volumes[sv] {
			c.p.add(mf+".sourceVolume", "names no volume in this task definition: %q", sv)
		}
		if cp := deref(m.ContainerPath); cp == "" {
			c.p.add(mf+".containerPath", "is required")
		}
	}
	for j, v := range cd.VolumesFrom {
		vf := fmt.Sprintf("%s.volumesFrom[%d].sourceContainer", f, j)
		src := deref(v.SourceContainer)
		ti, ok := c.index[src]
		switch {
		case src == "":
			c.p.add(vf, "is required")
		case !ok:
			if !c.partial { // else it may be a container past the quota
				c.p.add(vf, "names no container in this task definition: %q", src)
			}
		case ti == i:
			c.p.add(vf, "a container cannot mount volumes from itself")
		}
	}
}

type typesContainer = types.ContainerDefinition

// minContainerMemory is the smallest container memory limit in MiB.
const minContainerMemory = 4

// portNameRE: "Up to 64 characters ... lowercase letters, numbers,
// underscores (_) and hyphens (-). The name can't start with a hyphen."
// (ECS API Reference, PortMapping.name).
var portNameRE = regexp.MustCompile(`^[a-z0-9_][a-z0-9_-]{0,63}$`)
