package fake

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// reservedPorts are the host ports ECS reserves on every container instance.
var reservedPorts = []int{22, 2375, 2376, 51678, 51679, 51680}

// Dynamic host ports (bridge mode, hostPort 0) come from this range.
const (
	dynPortMin = 49153
	dynPortMax = 65535
)

// InstanceSpec describes EC2 capacity added with AddInstance.
type InstanceSpec struct {
	// CPU is the instance's CPU units (1024 per vCPU); default 2048.
	CPU int `json:"cpu,omitempty"`
	// Memory is the instance's memory for tasks in MiB; default 3943.
	Memory int `json:"memory,omitempty"`
	// AZ is the availability zone; default: round-robin over the fake's AZs.
	AZ string `json:"availabilityZone,omitempty"`
	// InstanceType is the EC2 instance type; default t3.medium.
	InstanceType string `json:"instanceType,omitempty"`
	// Attributes are custom attributes for memberOf constraints and spread.
	Attributes map[string]string `json:"attributes,omitempty"`
}

// instance is one container instance with the resources it has left.
type instance struct {
	id, arn, ec2ID string
	cluster        *cluster
	status         string // ACTIVE, DRAINING, INACTIVE
	connected      bool
	registeredAt   time.Time
	attrs          map[string]string
	cpuTotal       int
	memTotal       int
	cpuFree        int
	memFree        int
	ports          map[int]bool // host ports in use (reserved + static + dynamic)
	nextDyn        int
	dynUsed        int // ports in use from the dynamic range
	// groupN counts placed, not yet stopped tasks per task group, by
	// the group's number in the cluster (group_counts.go).
	groupN []int32
	// azName is the ecs.availability-zone attribute (set when the
	// instance registers, never changed: PutAttributes refuses ecs.*
	// names), azID its number in the cluster.
	azName string
	azID   int32
	// tasks are the tasks placed on the instance and not yet released,
	// in no order (task.instIdx is each one's index).
	tasks   []*task
	version int64
	// lists are the instance's task lists by desired status code, as
	// last found (task_index.go instanceListLocked).
	lists [4]*taskList
	// inactiveAt is when it became INACTIVE (instances_forget.go).
	inactiveAt time.Time
}

// az returns the instance's availability zone.
func (in *instance) az() string { return in.azName }

// newInstanceLocked creates a container instance in cluster c. Only
// registerInstancesLocked calls it, after the quota check.
func (e *ECS) newInstanceLocked(c *cluster, spec InstanceSpec, now time.Time) *instance {
	if spec.CPU <= 0 {
		spec.CPU = 2048
	}
	if spec.Memory <= 0 {
		spec.Memory = 3943
	}
	if spec.InstanceType == "" {
		spec.InstanceType = "t3.medium"
	}
	if spec.AZ == "" {
		spec.AZ = e.cfg.azs[c.registered%len(e.cfg.azs)]
	}
	id := e.hexID(32)
	in := &instance{
		id: id, arn: e.arn(c.region, "container-instance/"+c.name+"/"+id), ec2ID: "i-" + e.hexID(17),
		cluster: c, status: "ACTIVE", connected: true, registeredAt: now,
		attrs: map[string]string{
			"ecs.availability-zone": spec.AZ,
			"ecs.instance-type":     spec.InstanceType,
			"ecs.os-type":           "linux",
			"ecs.cpu-architecture":  "x86_64",
		},
		cpuTotal: spec.CPU, memTotal: spec.Memory, cpuFree: spec.CPU, memFree: spec.Memory,
		ports: map[int]bool{}, nextDyn: dynPortMin, version: 1,
	}
	for k, v := range spec.Attributes {
		in.attrs[k] = v
	}
	// A spec may name the AZ as an attribute too (not through
	// RegisterContainerInstance, which makes it spec.AZ): the attribute,
	// as shown, is the instance's AZ.
	in.azName = in.attrs["ecs.availability-zone"]
	in.azID = c.azID(in.azName)
	for _, p := range reservedPorts {
		in.ports[p] = true
	}
	c.instances = append(c.instances, in)
	c.registered++
	e.instances[id] = in
	return in
}

// registerInstancesLocked is the one way container instances join a
// cluster (AddInstance, RegisterContainerInstance, the instances control,
// DeclareAutoScalingGroup and the instances an Auto Scaling group
// launches): k instances of spec, all of them or, past the cluster's
// ContainerInstancesPerCluster quota, none (LimitExceededException).
func (e *ECS) registerInstancesLocked(c *cluster, spec InstanceSpec, k int, now time.Time) ([]*instance, error) {
	if err := e.quotaInstancesLocked(c, k); err != nil {
		return nil, err
	}
	out := make([]*instance, k)
	for i := range out {
		out[i] = e.newInstanceLocked(c, spec, now)
	}
	return out, nil
}

// AddInstance registers EC2 capacity in a cluster, as if an instance's ECS
// agent had registered, and returns the container instance ARN.
func (e *ECS) AddInstance(clusterName string, spec InstanceSpec) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.catchUpLocked()
	e.journalControlLocked("AddInstance", journalAddInstance{Cluster: clusterName, Spec: spec}, now)
	c, err := e.clusterLocked(&clusterName)
	if err != nil {
		return "", err
	}
	if spec.CPU < 0 || spec.Memory < 0 {
		return "", errInvalidParam("cpu and memory must not be negative.")
	}
	if msg := checkSpecAttributes("", spec); msg != "" {
		return "", errInvalidParam("%s", msg)
	}
	ins, err := e.registerInstancesLocked(c, spec, 1, now)
	if err != nil {
		return "", err
	}
	return ins[0].arn, nil
}

// RegisterContainerInstance registers capacity the way the ECS agent does:
// totalResources CPU and MEMORY (INTEGER), attributes ecs.availability-zone,
// ecs.instance-type and custom ones.
func (e *ECS) RegisterContainerInstance(ctx context.Context, in *ecs.RegisterContainerInstanceInput, _ ...func(*ecs.Options)) (*ecs.RegisterContainerInstanceOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.RegisterContainerInstanceInput{}
	}
	now, err := e.beginLocked(ctx, "RegisterContainerInstance", in)
	if err != nil {
		return nil, err
	}
	c, err := e.clusterLocked(in.Cluster)
	if err != nil {
		return nil, err
	}
	spec := InstanceSpec{Attributes: map[string]string{}}
	for i, r := range in.TotalResources {
		switch aws.ToString(r.Name) {
		case "CPU":
			spec.CPU = int(r.IntegerValue)
		case "MEMORY":
			spec.Memory = int(r.IntegerValue)
		}
		if r.IntegerValue < 0 {
			return nil, errInvalidParam("totalResources[%d].integerValue: must not be negative.", i)
		}
	}
	attrs := make([]attrIn, len(in.Attributes))
	for i, a := range in.Attributes {
		attrs[i] = attrIn{name: aws.ToString(a.Name), value: aws.ToString(a.Value), index: i}
	}
	if msg := checkAttributes("attributes", attrs); msg != "" {
		return nil, errInvalidParam("%s", msg)
	}
	for _, a := range attrs {
		switch a.name {
		case "ecs.availability-zone":
			spec.AZ = a.value
		case "ecs.instance-type":
			spec.InstanceType = a.value
		default:
			spec.Attributes[a.name] = a.value
		}
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	ins, err := e.registerInstancesLocked(c, spec, 1, now)
	if err != nil {
		return nil, err
	}
	inst := ins[0]
	if len(in.Tags) > 0 {
		e.tags[inst.arn] = mergeTags(nil, in.Tags)
	}
	return &ecs.RegisterContainerInstanceOutput{ContainerInstance: e.instanceViewLocked(inst)}, nil
}

// instanceViewLocked renders a container instance.
func (e *ECS) instanceViewLocked(in *instance) *types.ContainerInstance {
	var running, pending int32
	for _, t := range in.tasks {
		switch t.lastStatus {
		case "RUNNING":
			running++
		case "PROVISIONING", "PENDING", "ACTIVATING":
			pending++
		}
	}
	reserved := make([]string, 0, len(reservedPorts))
	for _, p := range reservedPorts {
		reserved = append(reserved, strconv.Itoa(p))
	}
	used := make([]int, 0, len(in.ports))
	for p := range in.ports {
		used = append(used, p)
	}
	sort.Ints(used)
	usedS := make([]string, len(used))
	for i, p := range used {
		usedS[i] = strconv.Itoa(p)
	}
	names := make([]string, 0, len(in.attrs))
	for k := range in.attrs {
		names = append(names, k)
	}
	sort.Strings(names)
	attrs := make([]types.Attribute, len(names))
	for i, k := range names {
		attrs[i] = types.Attribute{Name: aws.String(k), Value: aws.String(in.attrs[k])}
	}
	at := in.registeredAt
	return &types.ContainerInstance{
		ContainerInstanceArn: aws.String(in.arn),
		Ec2InstanceId:        aws.String(in.ec2ID),
		Status:               aws.String(in.status),
		AgentConnected:       in.connected,
		RegisteredAt:         &at,
		RunningTasksCount:    running,
		PendingTasksCount:    pending,
		Attributes:           attrs,
		Version:              in.version,
		RegisteredResources: []types.Resource{
			{Name: aws.String("CPU"), Type: aws.String("INTEGER"), IntegerValue: int32(in.cpuTotal)},
			{Name: aws.String("MEMORY"), Type: aws.String("INTEGER"), IntegerValue: int32(in.memTotal)},
			{Name: aws.String("PORTS"), Type: aws.String("STRINGSET"), StringSetValue: reserved},
		},
		RemainingResources: []types.Resource{
			{Name: aws.String("CPU"), Type: aws.String("INTEGER"), IntegerValue: int32(in.cpuFree)},
			{Name: aws.String("MEMORY"), Type: aws.String("INTEGER"), IntegerValue: int32(in.memFree)},
			{Name: aws.String("PORTS"), Type: aws.String("STRINGSET"), StringSetValue: usedS},
		},
		Tags: copyTags(e.tags[in.arn]),
	}
}

// instanceLocked finds a container instance of c by ARN or ID (an ARN of
// another account or region finds none: homeMatches).
func (e *ECS) instanceLocked(c *cluster, ref string) *instance {
	id := ref
	if kind, rest, ok := arnResource(ref); ok {
		if kind != "container-instance" {
			return nil
		}
		id = rest
		if i := strings.LastIndex(rest, "/"); i >= 0 {
			id = rest[i+1:]
		}
	}
	in := e.instances[id]
	if in == nil || in.cluster != c || !homeMatches(ref, in.arn) {
		return nil
	}
	return in
}

// DescribeContainerInstances describes container instances (at most 100);
// unknown ones are failures with reason MISSING.
func (e *ECS) DescribeContainerInstances(ctx context.Context, in *ecs.DescribeContainerInstancesInput, _ ...func(*ecs.Options)) (*ecs.DescribeContainerInstancesOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.DescribeContainerInstancesInput{}
	}
	if _, err := e.beginLocked(ctx, "DescribeContainerInstances", in); err != nil {
		return nil, err
	}
	c, err := e.clusterLocked(in.Cluster)
	if err != nil {
		return nil, err
	}
	if len(in.ContainerInstances) == 0 || len(in.ContainerInstances) > 100 {
		return nil, errInvalidParam("containerInstances: must contain between 1 and 100 items.")
	}
	out := &ecs.DescribeContainerInstancesOutput{ContainerInstances: []types.ContainerInstance{}, Failures: []types.Failure{}}
	for _, ref := range in.ContainerInstances {
		inst := e.instanceLocked(c, ref)
		if inst == nil {
			out.Failures = append(out.Failures, e.missingFailure(c, "container-instance", ref))
			continue
		}
		v := e.instanceViewLocked(inst)
		if !slices.Contains(in.Include, types.ContainerInstanceFieldTags) {
			v.Tags = nil // tags only when asked for, as in ECS
		}
		out.ContainerInstances = append(out.ContainerInstances, *v)
	}
	return out, nil
}

// ListContainerInstances lists instance ARNs, optionally by status and by a
// cluster query language filter (the memberOf expression syntax).
func (e *ECS) ListContainerInstances(ctx context.Context, in *ecs.ListContainerInstancesInput, _ ...func(*ecs.Options)) (*ecs.ListContainerInstancesOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.ListContainerInstancesInput{}
	}
	if _, err := e.beginLocked(ctx, "ListContainerInstances", in); err != nil {
		return nil, err
	}
	c, err := e.clusterLocked(in.Cluster)
	if err != nil {
		return nil, err
	}
	var filter expr
	if f := aws.ToString(in.Filter); f != "" {
		filter, err = parseExpr(f)
		if err != nil {
			return nil, errInvalidParam("filter: %v", err)
		}
	}
	var arns []string
	for _, inst := range c.instances {
		if in.Status != "" && string(in.Status) != inst.status {
			continue
		}
		if in.Status == "" && inst.status == "INACTIVE" {
			continue
		}
		if filter != nil && !filter.eval(inst) {
			continue
		}
		arns = append(arns, inst.arn)
	}
	pg, next, err := page(arns, in.NextToken, in.MaxResults, 100)
	if err != nil {
		return nil, err
	}
	return &ecs.ListContainerInstancesOutput{ContainerInstanceArns: append([]string{}, pg...), NextToken: next}, nil
}

// UpdateContainerInstancesState sets instances ACTIVE or DRAINING. A
// DRAINING instance gets no new tasks; the service scheduler replaces its
// service tasks (standalone tasks are left alone, as in ECS).
func (e *ECS) UpdateContainerInstancesState(ctx context.Context, in *ecs.UpdateContainerInstancesStateInput, _ ...func(*ecs.Options)) (*ecs.UpdateContainerInstancesStateOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.UpdateContainerInstancesStateInput{}
	}
	now, err := e.beginLocked(ctx, "UpdateContainerInstancesState", in)
	if err != nil {
		return nil, err
	}
	c, err := e.clusterLocked(in.Cluster)
	if err != nil {
		return nil, err
	}
	if in.Status != types.ContainerInstanceStatusActive && in.Status != types.ContainerInstanceStatusDraining {
		return nil, errInvalidParam("status: Container instances can only be updated to ACTIVE or DRAINING.")
	}
	if len(in.ContainerInstances) == 0 || len(in.ContainerInstances) > 10 {
		return nil, errInvalidParam("containerInstances: must contain between 1 and 10 items.")
	}
	out := &ecs.UpdateContainerInstancesStateOutput{ContainerInstances: []types.ContainerInstance{}, Failures: []types.Failure{}}
	for _, ref := range in.ContainerInstances {
		inst := e.instanceLocked(c, ref)
		if inst == nil || inst.status == "INACTIVE" {
			out.Failures = append(out.Failures, e.missingFailure(c, "container-instance", ref))
			continue
		}
		if inst.status != string(in.Status) {
			inst.status = string(in.Status)
			inst.version++
			e.wakeServicesOnLocked(inst, now)
		}
		out.ContainerInstances = append(out.ContainerInstances, *e.instanceViewLocked(inst))
	}
	return out, nil
}

// DeregisterContainerInstance removes an instance from its cluster. Without
// force it fails while tasks are running on it; with force, those tasks
// are orphaned and the service scheduler replaces the service's ones (see
// orphanTasksLocked).
func (e *ECS) DeregisterContainerInstance(ctx context.Context, in *ecs.DeregisterContainerInstanceInput, _ ...func(*ecs.Options)) (*ecs.DeregisterContainerInstanceOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.DeregisterContainerInstanceInput{}
	}
	now, err := e.beginLocked(ctx, "DeregisterContainerInstance", in)
	if err != nil {
		return nil, err
	}
	c, err := e.clusterLocked(in.Cluster)
	if err != nil {
		return nil, err
	}
	ref := aws.ToString(in.ContainerInstance)
	if ref == "" {
		return nil, errInvalidParam("containerInstance: must be specified.")
	}
	inst := e.instanceLocked(c, ref)
	if inst == nil || inst.status == "INACTIVE" {
		return nil, errInvalidParam("Container instance %s not found.", ref)
	}
	if len(inst.tasks) > 0 && !aws.ToBool(in.Force) {
		return nil, errInvalidParam("Found running tasks on the instance.")
	}
	inst.status = "INACTIVE"
	inst.version++
	e.orphanTasksLocked(inst, now)
	out := &ecs.DeregisterContainerInstanceOutput{ContainerInstance: e.instanceViewLocked(inst)}
	e.retireInstanceLocked(inst, now)
	return out, nil
}
