package ecsdeploy

import (
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Deployment configuration defaults ECS applies (ECS API Reference,
// DeploymentConfiguration).
const (
	// DefaultReplicaMinimumHealthyPercent is the REPLICA default.
	DefaultReplicaMinimumHealthyPercent = 100
	// DefaultReplicaMaximumPercent is the REPLICA default.
	DefaultReplicaMaximumPercent = 200
	// DefaultDaemonMinimumHealthyPercent is the DAEMON default.
	DefaultDaemonMinimumHealthyPercent = 0
	// DefaultDaemonMaximumPercent is the DAEMON value (it must stay 100).
	DefaultDaemonMaximumPercent = 100
)

// ServiceBuilder builds an *ecs.CreateServiceInput (and the matching
// *ecs.UpdateServiceInput) step by step; Build validates it with
// ValidateServiceInput and reports all problems together. The zero value is
// not usable; call NewService.
type ServiceBuilder struct {
	in ecs.CreateServiceInput
	td *ecs.RegisterTaskDefinitionInput
}

// NewService starts a REPLICA service called name with a desired count of
// 1 (change it with DesiredCount).
func NewService(name string) *ServiceBuilder {
	return &ServiceBuilder{in: ecs.CreateServiceInput{ServiceName: aws.String(name), DesiredCount: aws.Int32(1)}}
}

// Cluster sets the cluster name or ARN (ECS uses "default" when unset).
func (b *ServiceBuilder) Cluster(cluster string) *ServiceBuilder {
	b.in.Cluster = aws.String(cluster)
	return b
}

// TaskDefinition sets the task definition reference: "family" (latest
// ACTIVE revision), "family:revision" or the task definition ARN.
func (b *ServiceBuilder) TaskDefinition(ref string) *ServiceBuilder {
	b.in.TaskDefinition = aws.String(ref)
	return b
}

// ForTaskDefinition checks the service against td (network mode, load
// balancer containers and ports) and, when no reference is set, refers to
// td's family.
func (b *ServiceBuilder) ForTaskDefinition(td *ecs.RegisterTaskDefinitionInput) *ServiceBuilder {
	b.td = td
	if b.in.TaskDefinition == nil && td != nil && td.Family != nil {
		b.in.TaskDefinition = aws.String(*td.Family)
	}
	return b
}

// DesiredCount sets how many tasks the service keeps running.
func (b *ServiceBuilder) DesiredCount(n int32) *ServiceBuilder {
	b.in.DesiredCount = aws.Int32(n)
	return b
}

// LaunchType sets the launch type (FARGATE, EC2, EXTERNAL, ...); it excludes
// a capacity provider strategy.
func (b *ServiceBuilder) LaunchType(lt types.LaunchType) *ServiceBuilder {
	b.in.LaunchType = lt
	return b
}

// Fargate runs the service on the FARGATE launch type.
func (b *ServiceBuilder) Fargate() *ServiceBuilder { return b.LaunchType(types.LaunchTypeFargate) }

// EC2 runs the service on the EC2 launch type.
func (b *ServiceBuilder) EC2() *ServiceBuilder { return b.LaunchType(types.LaunchTypeEc2) }

// CapacityProvider adds a capacity provider to the strategy (weight 0-1000,
// base 0-100000, only one provider with a base).
func (b *ServiceBuilder) CapacityProvider(name string, weight, base int32) *ServiceBuilder {
	b.in.CapacityProviderStrategy = append(b.in.CapacityProviderStrategy,
		types.CapacityProviderStrategyItem{CapacityProvider: aws.String(name), Weight: weight, Base: base})
	return b
}

// PlatformVersion sets the Fargate platform version ("LATEST", "1.4.0").
func (b *ServiceBuilder) PlatformVersion(v string) *ServiceBuilder {
	b.in.PlatformVersion = aws.String(v)
	return b
}

// Network sets the awsvpc network configuration that awsvpc task
// definitions require.
func (b *ServiceBuilder) Network(subnets, securityGroups []string, assignPublicIP bool) *ServiceBuilder {
	ip := types.AssignPublicIpDisabled
	if assignPublicIP {
		ip = types.AssignPublicIpEnabled
	}
	b.in.NetworkConfiguration = &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
		Subnets: slices.Clone(subnets), SecurityGroups: slices.Clone(securityGroups), AssignPublicIp: ip,
	}}
	return b
}

// LoadBalancer registers container:port with an ELB target group.
func (b *ServiceBuilder) LoadBalancer(targetGroupARN, container string, port int32) *ServiceBuilder {
	b.in.LoadBalancers = append(b.in.LoadBalancers, types.LoadBalancer{
		TargetGroupArn: aws.String(targetGroupARN), ContainerName: aws.String(container), ContainerPort: aws.Int32(port),
	})
	return b
}

func (b *ServiceBuilder) deployment() *types.DeploymentConfiguration {
	if b.in.DeploymentConfiguration == nil {
		b.in.DeploymentConfiguration = &types.DeploymentConfiguration{}
	}
	return b.in.DeploymentConfiguration
}

// Deployment sets minimumHealthyPercent (rounded up) and maximumPercent
// (rounded down) of the desired count for rolling deployments.
func (b *ServiceBuilder) Deployment(minimumHealthyPercent, maximumPercent int32) *ServiceBuilder {
	d := b.deployment()
	d.MinimumHealthyPercent = aws.Int32(minimumHealthyPercent)
	d.MaximumPercent = aws.Int32(maximumPercent)
	return b
}

// CircuitBreaker enables the deployment circuit breaker, optionally rolling
// back to the last completed deployment when it trips.
func (b *ServiceBuilder) CircuitBreaker(rollback bool) *ServiceBuilder {
	b.deployment().DeploymentCircuitBreaker = &types.DeploymentCircuitBreaker{Enable: true, Rollback: rollback}
	return b
}

// HealthCheckGracePeriod sets how long (seconds) failing load balancer and
// container health checks are ignored after a task starts.
func (b *ServiceBuilder) HealthCheckGracePeriod(seconds int32) *ServiceBuilder {
	b.in.HealthCheckGracePeriodSeconds = aws.Int32(seconds)
	return b
}

// Daemon uses the DAEMON scheduling strategy: one task per container
// instance, no desired count.
func (b *ServiceBuilder) Daemon() *ServiceBuilder {
	b.in.SchedulingStrategy = types.SchedulingStrategyDaemon
	b.in.DesiredCount = nil
	return b
}

// PlacementConstraint adds a constraint: distinctInstance, or memberOf with
// a cluster query expression. At most 10.
func (b *ServiceBuilder) PlacementConstraint(t types.PlacementConstraintType, expression string) *ServiceBuilder {
	pc := types.PlacementConstraint{Type: t}
	if expression != "" {
		pc.Expression = aws.String(expression)
	}
	b.in.PlacementConstraints = append(b.in.PlacementConstraints, pc)
	return b
}

// PlacementStrategy adds a strategy: binpack (field cpu or memory), spread
// (field instanceId, host or attribute:...) or random (no field). At most 5.
func (b *ServiceBuilder) PlacementStrategy(t types.PlacementStrategyType, field string) *ServiceBuilder {
	ps := types.PlacementStrategy{Type: t}
	if field != "" {
		ps.Field = aws.String(field)
	}
	b.in.PlacementStrategy = append(b.in.PlacementStrategy, ps)
	return b
}

// ExecuteCommand enables ECS Exec into the service's tasks.
func (b *ServiceBuilder) ExecuteCommand(enable bool) *ServiceBuilder {
	b.in.EnableExecuteCommand = enable
	return b
}

// PropagateTags copies tags from the task definition or service to tasks.
func (b *ServiceBuilder) PropagateTags(from types.PropagateTags) *ServiceBuilder {
	b.in.PropagateTags = from
	return b
}

// Tag adds a resource tag.
func (b *ServiceBuilder) Tag(key, value string) *ServiceBuilder {
	b.in.Tags = append(b.in.Tags, types.Tag{Key: aws.String(key), Value: aws.String(value)})
	return b
}

// Input returns the SDK struct under construction, so callers can set any
// field the builder does not cover.
func (b *ServiceBuilder) Input() *ecs.CreateServiceInput { return &b.in }

// Build returns the CreateService request with ECS's defaults made explicit
// (schedulingStrategy REPLICA; deployment percentages 100/200 for REPLICA,
// 0/100 for DAEMON), or the errors.Join of every *ValidationError.
func (b *ServiceBuilder) Build() (*ecs.CreateServiceInput, error) {
	out := withServiceDefaults(&b.in)
	if err := ValidateServiceInput(out, b.td); err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateInput returns the UpdateService request that moves an existing
// service to this configuration, validated like Build. Fields UpdateService
// cannot change (launch type, scheduling strategy, tags, role) are not part
// of it.
func (b *ServiceBuilder) UpdateInput() (*ecs.UpdateServiceInput, error) {
	out, err := b.Build()
	if err != nil {
		return nil, err
	}
	return UpdateInputFromCreate(out), nil
}

// UpdateInputFromCreate converts a CreateService request to the
// UpdateService request with the same settings. It returns nil for nil.
func UpdateInputFromCreate(in *ecs.CreateServiceInput) *ecs.UpdateServiceInput {
	if in == nil {
		return nil
	}
	return &ecs.UpdateServiceInput{
		Service:                       in.ServiceName,
		Cluster:                       in.Cluster,
		TaskDefinition:                in.TaskDefinition,
		DesiredCount:                  in.DesiredCount,
		AvailabilityZoneRebalancing:   in.AvailabilityZoneRebalancing,
		CapacityProviderStrategy:      slices.Clone(in.CapacityProviderStrategy),
		DeploymentConfiguration:       in.DeploymentConfiguration,
		DeploymentController:          in.DeploymentController,
		EnableECSManagedTags:          aws.Bool(in.EnableECSManagedTags),
		EnableExecuteCommand:          aws.Bool(in.EnableExecuteCommand),
		HealthCheckGracePeriodSeconds: in.HealthCheckGracePeriodSeconds,
		LoadBalancers:                 slices.Clone(in.LoadBalancers),
		NetworkConfiguration:          in.NetworkConfiguration,
		PlacementConstraints:          slices.Clone(in.PlacementConstraints),
		PlacementStrategy:             slices.Clone(in.PlacementStrategy),
		PlatformVersion:               in.PlatformVersion,
		PropagateTags:                 in.PropagateTags,
		ServiceConnectConfiguration:   in.ServiceConnectConfiguration,
		ServiceRegistries:             slices.Clone(in.ServiceRegistries),
		VolumeConfigurations:          slices.Clone(in.VolumeConfigurations),
		VpcLatticeConfigurations:      slices.Clone(in.VpcLatticeConfigurations),
		Monitoring:                    in.Monitoring,
		GatewayConnectors:             slices.Clone(in.GatewayConnectors),
	}
}

// withServiceDefaults returns a copy of in with ECS's defaults made
// explicit; in is not modified.
func withServiceDefaults(in *ecs.CreateServiceInput) *ecs.CreateServiceInput {
	out := *in
	out.CapacityProviderStrategy = slices.Clone(in.CapacityProviderStrategy)
	out.LoadBalancers = slices.Clone(in.LoadBalancers)
	out.PlacementConstraints = slices.Clone(in.PlacementConstraints)
	out.PlacementStrategy = slices.Clone(in.PlacementStrategy)
	out.Tags = slices.Clone(in.Tags)
	if out.SchedulingStrategy == "" {
		out.SchedulingStrategy = types.SchedulingStrategyReplica
	}
	if in.NetworkConfiguration != nil {
		nc := *in.NetworkConfiguration
		if nc.AwsvpcConfiguration != nil {
			a := *nc.AwsvpcConfiguration
			a.Subnets, a.SecurityGroups = slices.Clone(a.Subnets), slices.Clone(a.SecurityGroups)
			nc.AwsvpcConfiguration = &a
		}
		out.NetworkConfiguration = &nc
	}
	dc := types.DeploymentConfiguration{}
	if in.DeploymentConfiguration != nil {
		dc = *in.DeploymentConfiguration
	}
	lo, hi := int32(DefaultReplicaMinimumHealthyPercent), int32(DefaultReplicaMaximumPercent)
	if out.SchedulingStrategy == types.SchedulingStrategyDaemon {
		lo, hi = DefaultDaemonMinimumHealthyPercent, DefaultDaemonMaximumPercent
	}
	if dc.MinimumHealthyPercent == nil {
		dc.MinimumHealthyPercent = aws.Int32(lo)
	}
	if dc.MaximumPercent == nil {
		dc.MaximumPercent = aws.Int32(hi)
	}
	out.DeploymentConfiguration = &dc
	return &out
}
