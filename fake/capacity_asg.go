package fake

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Auto Scaling group capacity providers: groups the fake knows (declared
// with DeclareAutoScalingGroup, their instances registered with a
// cluster), and CreateCapacityProvider, UpdateCapacityProvider and
// DeleteCapacityProvider over them (API Reference; Developer Guide,
// "Amazon ECS capacity providers for EC2 workloads"). Tasks of a strategy
// naming such a provider are placed on its group's instances. A group
// keeps its desired capacity as EC2 Auto Scaling does: an instance lost
// (LoseInstance) is replaced; managed scaling (capacity_scaling.go) moves
// the desired capacity.

// AutoScalingGroupSpec declares an EC2 Auto Scaling group whose instances
// register with a cluster.
type AutoScalingGroupSpec struct {
	// Name is the group's name (required, unique).
	Name string
	// Cluster is the cluster its instances register with (default "default").
	Cluster string
	// Instance describes each instance (CPU, memory, instance type).
	Instance InstanceSpec
	// DesiredCapacity is how many instances run (registered at once).
	DesiredCapacity int
	// MinSize and MaxSize bound the group when a capacity provider's
	// managed scaling sizes it (defaults 0 and max(DesiredCapacity, 100)).
	MinSize, MaxSize int
	// JoinAfter is how long a launched instance takes to register with
	// the cluster (default 90 s).
	JoinAfter time.Duration
}

// asgGroup is a declared Auto Scaling group.
type asgGroup struct {
	name, arn string
	c         *cluster
	spec      AutoScalingGroupSpec
	instances []*instance
	launching int // instances launched that have not joined yet
	// unregistered counts instances running whose agent the cluster
	// refused (its container instance quota); regErr is the last refusal;
	// retryWait the agent's current backoff, retryPending whether a retry
	// is scheduled (capacity_register.go).
	unregistered int
	regErr       string
	retryWait    time.Duration
	retryPending bool
	provider     string // the capacity provider using it ("" none)
	// desired is the group's DesiredCapacity: the group launches
	// instances whenever fewer run or are launching (capacity_group.go);
	// lastLaunch is when it last launched any (instanceWarmupPeriod).
	desired    int
	lastLaunch time.Time
}

// capacityProvider is an Auto Scaling group capacity provider.
type capacityProvider struct {
	name, arn string
	asg       *asgGroup
	scaling   types.ManagedScaling
	mtp       types.ManagedTerminationProtection
	draining  types.ManagedDraining
	update    types.CapacityProviderUpdateStatus
	// Managed scaling (capacity_scaling.go): tasks waiting for capacity,
	// oldest first; the next evaluation; since when the metric has been
	// below target.
	waiting  []*task
	evalAt   time.Time
	lowSince time.Time
}

// maxAutoScalingGroups is EC2 Auto Scaling's default quota of groups
// per region (EC2 Auto Scaling User Guide, "Quotas for Auto Scaling
// resources and groups"); the fake holds one store for every region.
const maxAutoScalingGroups = 500

// maxGroupSize bounds an Auto Scaling group's desired capacity
// (DeclareAutoScalingGroup) and, in the control, each of its sizes.
const maxGroupSize = 10000

var providerNameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)

// DeclareAutoScalingGroup makes an Auto Scaling group known to the fake and
// registers its DesiredCapacity instances with the cluster. It returns the
// group's ARN, for CreateCapacityProvider.
func (e *ECS) DeclareAutoScalingGroup(spec AutoScalingGroupSpec) (string, error) {
	if !providerNameRE.MatchString(spec.Name) {
		return "", fmt.Errorf("auto scaling group name %q: 1-255 letters, numbers, hyphens and underscores", spec.Name)
	}
	if spec.DesiredCapacity < 0 || spec.DesiredCapacity > maxGroupSize || spec.Instance.CPU < 0 || spec.Instance.Memory < 0 ||
		spec.MinSize < 0 || spec.MaxSize < 0 || spec.JoinAfter < 0 {
		return "", fmt.Errorf("auto scaling group %s: desired capacity 0-%d; cpu, memory, sizes and join time not negative", spec.Name, maxGroupSize)
	}
	if spec.MaxSize == 0 {
		spec.MaxSize = max(spec.DesiredCapacity, 100)
	}
	if spec.MinSize > spec.DesiredCapacity || spec.DesiredCapacity > spec.MaxSize {
		return "", fmt.Errorf("auto scaling group %s: need min size <= desired capacity <= max size", spec.Name)
	}
	if msg := checkSpecAttributes("instance.", spec.Instance); msg != "" {
		return "", fmt.Errorf("auto scaling group %s: %s", spec.Name, msg)
	}
	if spec.JoinAfter == 0 {
		spec.JoinAfter = 90 * time.Second
	}
	if spec.Instance.CPU == 0 {
		spec.Instance.CPU = 2048
	}
	if spec.Instance.Memory == 0 {
		spec.Instance.Memory = 3943
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.catchUpLocked()
	e.journalControlLocked("DeclareAutoScalingGroup", spec, now)
	if e.asgs[spec.Name] != nil {
		return "", fmt.Errorf("auto scaling group %s already exists", spec.Name)
	}
	if len(e.asgs) >= maxAutoScalingGroups {
		return "", fmt.Errorf("auto scaling group %s: at most %d groups (EC2 Auto Scaling's default quota of groups per region)", spec.Name, maxAutoScalingGroups)
	}
	name := spec.Cluster
	c, err := e.clusterLocked(&name)
	if err != nil {
		return "", err
	}
	// Its instances register at once, all or none: they count toward the
	// cluster's quota (checked before the group's ARN is drawn, so that a
	// refusal changes nothing, the random source included).
	if err := e.quotaInstancesLocked(c, spec.DesiredCapacity); err != nil {
		return "", err
	}
	g := &asgGroup{name: spec.Name, c: c, spec: spec, desired: spec.DesiredCapacity,
		arn: fmt.Sprintf("arn:aws:autoscaling:%s:%s:autoScalingGroup:%s:autoScalingGroupName/%s", c.region, e.cfg.account, e.uuid(), spec.Name)}
	if g.instances, err = e.registerInstancesLocked(c, spec.Instance, spec.DesiredCapacity, now); err != nil {
		return "", err
	}
	e.asgs[spec.Name] = g
	return g.arn, nil
}

// asgByArnLocked finds a declared group by ARN.
func (e *ECS) asgByArnLocked(arn string) *asgGroup {
	for _, g := range e.asgs {
		if g.arn == arn {
			return g
		}
	}
	return nil
}

// providerNamed resolves a provider name or ARN to its name.
func providerNamed(ref string) string {
	if kind, rest, ok := arnResource(ref); ok && kind == "capacity-provider" {
		return rest
	}
	return ref
}

// providerLocked finds the Auto Scaling group provider ref names (a name
// or ARN): nil when there is none, or when ref is an ARN of another
// account or region (homeMatches).
func (e *ECS) providerLocked(ref string) *capacityProvider {
	cp := e.providers[providerNamed(ref)]
	if cp == nil || !homeMatches(ref, cp.arn) {
		return nil
	}
	return cp
}

// checkManagedScaling validates and fills ManagedScaling (API Reference,
// ManagedScaling: targetCapacity 1-100 default 100, step sizes 1-10000
// defaults 1 and 10000, instanceWarmupPeriod 0-10000 default 300).
func checkManagedScaling(ms *types.ManagedScaling, old types.ManagedScaling) (types.ManagedScaling, error) {
	out := old
	if ms == nil {
		return out, nil
	}
	if ms.Status != "" {
		out.Status = ms.Status
	}
	for _, f := range []struct {
		name     string
		v        *int32
		dst      **int32
		min, max int32
	}{
		{"targetCapacity", ms.TargetCapacity, &out.TargetCapacity, 1, 100},
		{"minimumScalingStepSize", ms.MinimumScalingStepSize, &out.MinimumScalingStepSize, 1, 10000},
		{"maximumScalingStepSize", ms.MaximumScalingStepSize, &out.MaximumScalingStepSize, 1, 10000},
		{"instanceWarmupPeriod", ms.InstanceWarmupPeriod, &out.InstanceWarmupPeriod, 0, 10000},
	} {
		if f.v == nil {
			continue
		}
		if *f.v < f.min || *f.v > f.max {
			return out, errInvalidParam("autoScalingGroupProvider.managedScaling.%s: must be between %d and %d, got %d.", f.name, f.min, f.max, *f.v)
		}
		*f.dst = aws.Int32(*f.v)
	}
	if aws.ToInt32(out.MinimumScalingStepSize) > aws.ToInt32(out.MaximumScalingStepSize) {
		return out, errInvalidParam("autoScalingGroupProvider.managedScaling: minimumScalingStepSize must not exceed maximumScalingStepSize.")
	}
	return out, nil
}

// CreateCapacityProvider creates an Auto Scaling group capacity provider
// over a group the fake knows (DeclareAutoScalingGroup).
func (e *ECS) CreateCapacityProvider(ctx context.Context, in *ecs.CreateCapacityProviderInput, _ ...func(*ecs.Options)) (*ecs.CreateCapacityProviderOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.CreateCapacityProviderInput{}
	}
	if _, err := e.beginLocked(ctx, "CreateCapacityProvider", in); err != nil {
		return nil, err
	}
	name := aws.ToString(in.Name)
	if !providerNameRE.MatchString(name) {
		return nil, errInvalidParam("name: up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.")
	}
	if low := strings.ToLower(name); strings.HasPrefix(low, "aws") || strings.HasPrefix(low, "ecs") || strings.HasPrefix(low, "fargate") {
		return nil, errInvalidParam("name: The name can't be prefixed with \"aws\", \"ecs\", or \"fargate\".")
	}
	p := in.AutoScalingGroupProvider
	if p == nil {
		return nil, errInvalidParam("autoScalingGroupProvider: must be specified (the fake has no Managed Instances providers).")
	}
	if e.providers[name] != nil {
		return nil, errInvalidParam("A capacity provider with the name %s already exists.", name)
	}
	g := e.asgByArnLocked(aws.ToString(p.AutoScalingGroupArn))
	if g == nil {
		return nil, errInvalidParam("autoScalingGroupProvider.autoScalingGroupArn: The specified Auto Scaling group %s does not exist.", aws.ToString(p.AutoScalingGroupArn))
	}
	if g.provider != "" {
		return nil, errInvalidParam("autoScalingGroupProvider.autoScalingGroupArn: The Auto Scaling group is already used by capacity provider %s.", g.provider)
	}
	ms, err := checkManagedScaling(p.ManagedScaling, types.ManagedScaling{Status: types.ManagedScalingStatusDisabled,
		TargetCapacity: aws.Int32(100), MinimumScalingStepSize: aws.Int32(1), MaximumScalingStepSize: aws.Int32(10000), InstanceWarmupPeriod: aws.Int32(300)})
	if err != nil {
		return nil, err
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	cp := &capacityProvider{name: name, arn: e.arn(e.regionFor(ctx), "capacity-provider/"+name), asg: g, scaling: ms,
		mtp: p.ManagedTerminationProtection, draining: p.ManagedDraining}
	if cp.mtp == "" {
		cp.mtp = types.ManagedTerminationProtectionDisabled
	}
	if cp.draining == "" {
		cp.draining = types.ManagedDrainingEnabled
	}
	if cp.mtp == types.ManagedTerminationProtectionEnabled && cp.scaling.Status != types.ManagedScalingStatusEnabled {
		// Developer Guide: managed termination protection needs managed scaling.
		return nil, errInvalidParam("autoScalingGroupProvider.managedTerminationProtection: managed termination protection requires managed scaling to be enabled.")
	}
	g.provider = name
	e.providers[name] = cp
	if len(in.Tags) > 0 {
		e.tags[cp.arn] = mergeTags(nil, in.Tags)
	}
	return &ecs.CreateCapacityProviderOutput{CapacityProvider: e.providerViewLocked(cp)}, nil
}

// providerViewLocked renders a provider as DescribeCapacityProviders does.
func (e *ECS) providerViewLocked(cp *capacityProvider) *types.CapacityProvider {
	ms := cp.scaling
	return &types.CapacityProvider{CapacityProviderArn: aws.String(cp.arn), Name: aws.String(cp.name),
		Status: types.CapacityProviderStatusActive, UpdateStatus: cp.update, Tags: copyTags(e.tags[cp.arn]),
		AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(cp.asg.arn),
			ManagedScaling: &ms, ManagedTerminationProtection: cp.mtp, ManagedDraining: cp.draining}}
}

// UpdateCapacityProvider changes a provider's managed scaling, managed
// termination protection and managed draining.
func (e *ECS) UpdateCapacityProvider(ctx context.Context, in *ecs.UpdateCapacityProviderInput, _ ...func(*ecs.Options)) (*ecs.UpdateCapacityProviderOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.UpdateCapacityProviderInput{}
	}
	if _, err := e.beginLocked(ctx, "UpdateCapacityProvider", in); err != nil {
		return nil, err
	}
	cp := e.providerLocked(aws.ToString(in.Name))
	if cp == nil {
		return nil, errInvalidParam("The specified capacity provider does not exist. Specify a valid capacity provider and try again.")
	}
	u := in.AutoScalingGroupProvider
	if u == nil {
		return nil, errInvalidParam("autoScalingGroupProvider: must be specified.")
	}
	ms, err := checkManagedScaling(u.ManagedScaling, cp.scaling)
	if err != nil {
		return nil, err
	}
	mtp, draining := cp.mtp, cp.draining
	if u.ManagedTerminationProtection != "" {
		mtp = u.ManagedTerminationProtection
	}
	if u.ManagedDraining != "" {
		draining = u.ManagedDraining
	}
	if mtp == types.ManagedTerminationProtectionEnabled && ms.Status != types.ManagedScalingStatusEnabled {
		return nil, errInvalidParam("autoScalingGroupProvider.managedTerminationProtection: managed termination protection requires managed scaling to be enabled.")
	}
	cp.scaling, cp.mtp, cp.draining, cp.update = ms, mtp, draining, types.CapacityProviderUpdateStatusUpdateComplete
	return &ecs.UpdateCapacityProviderOutput{CapacityProvider: e.providerViewLocked(cp)}, nil
}

// DeleteCapacityProvider deletes an Auto Scaling group provider that no
// cluster is associated with (FARGATE and FARGATE_SPOT are reserved).
func (e *ECS) DeleteCapacityProvider(ctx context.Context, in *ecs.DeleteCapacityProviderInput, _ ...func(*ecs.Options)) (*ecs.DeleteCapacityProviderOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.DeleteCapacityProviderInput{}
	}
	if _, err := e.beginLocked(ctx, "DeleteCapacityProvider", in); err != nil {
		return nil, err
	}
	name := providerNamed(aws.ToString(in.CapacityProvider))
	if builtinProvider(name) {
		return nil, errInvalidParam("The %s capacity provider is reserved and cannot be deleted.", name)
	}
	cp := e.providerLocked(aws.ToString(in.CapacityProvider))
	if cp == nil {
		return nil, errInvalidParam("The specified capacity provider does not exist. Specify a valid capacity provider and try again.")
	}
	for _, c := range e.clusters {
		if c.status == "ACTIVE" && slices.Contains(c.providers, name) {
			return nil, &types.ResourceInUseException{Message: aws.String(msgProviderInUse)}
		}
	}
	out := e.providerViewLocked(cp)
	out.Status, out.UpdateStatus = types.CapacityProviderStatusInactive, types.CapacityProviderUpdateStatusDeleteComplete
	delete(e.providers, name)
	delete(e.tags, cp.arn)
	cp.asg.provider = ""
	return &ecs.DeleteCapacityProviderOutput{CapacityProvider: out}, nil
}

// asgInstancesLocked returns the instances of provider name's group that
// can take tasks (ACTIVE), never nil.
func (e *ECS) asgInstancesLocked(name string) []*instance {
	out := []*instance{}
	if cp := e.providers[name]; cp != nil {
		for _, in := range cp.asg.instances {
			if in.status == "ACTIVE" {
				out = append(out, in)
			}
		}
	}
	return out
}
