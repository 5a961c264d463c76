package fake

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func errServiceNotFound() error {
	return &types.ServiceNotFoundException{Message: aws.String("Service not found.")}
}

func errServiceNotActive() error {
	return &types.ServiceNotActiveException{Message: aws.String("Service was not ACTIVE.")}
}

// serviceName extracts the name from a service name or ARN
// (arn:...:service/cluster/name or the old arn:...:service/name).
func serviceName(ref string) string {
	if kind, rest, ok := arnResource(ref); ok && kind == "service" {
		return rest[strings.LastIndex(rest, "/")+1:]
	}
	return ref
}

// serviceLocked finds a service of c (any status) by name or ARN (an ARN
// of another account or region finds none: homeMatches).
func (e *ECS) serviceLocked(c *cluster, ref string) *service {
	s := e.services[serviceKey{c, serviceName(ref)}]
	if s == nil || !homeMatches(ref, s.arn) {
		return nil
	}
	return s
}

// beginActiveServiceLocked is the shared start of UpdateService and
// DeleteService: record the call (and apply scripted faults), then resolve
// the cluster and the ACTIVE service.
func (e *ECS) beginActiveServiceLocked(ctx context.Context, op string, in any, clusterRef, serviceRef *string) (time.Time, *cluster, *service, error) {
	now, err := e.beginLocked(ctx, op, in)
	if err != nil {
		return now, nil, nil, err
	}
	c, err := e.clusterLocked(clusterRef)
	if err != nil {
		return now, nil, nil, err
	}
	s, err := e.activeServiceLocked(c, serviceRef)
	return now, c, s, err
}

// activeServiceLocked resolves the service of UpdateService/DeleteService:
// ServiceNotFoundException when unknown, ServiceNotActiveException when
// DRAINING or INACTIVE.
func (e *ECS) activeServiceLocked(c *cluster, ref *string) (*service, error) {
	if aws.ToString(ref) == "" {
		return nil, errInvalidParam("service: must be specified.")
	}
	s := e.serviceLocked(c, *ref)
	if s == nil {
		return nil, errServiceNotFound()
	}
	if s.status != serviceActive {
		return nil, errServiceNotActive()
	}
	return s, nil
}

// createFingerprint hashes a CreateService request as runFingerprint does
// a RunTask one (requestFingerprint), to decide whether a repeated request
// is the same (idempotent) one.
func createFingerprint(in *ecs.CreateServiceInput) [sha256.Size]byte {
	cp := *in
	cp.ClientToken = nil
	cp.Cluster = nil
	return requestFingerprint(&cp)
}

// createTokenMaxLen is the longest clientToken CreateService accepts (ECS
// API Reference, CreateService and "Ensuring idempotency": up to 36 ASCII
// characters in 33-126).
const createTokenMaxLen = 36

// CreateService creates a REPLICA service and its first deployment; the
// scheduler starts its tasks. Repeating a request with the same clientToken
// and parameters (or the same parameters) returns the existing service;
// different parameters for an ACTIVE service of the same name fail with
// "Creation of service was not idempotent.".
func (e *ECS) CreateService(ctx context.Context, in *ecs.CreateServiceInput, _ ...func(*ecs.Options)) (*ecs.CreateServiceOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.CreateServiceInput{}
	}
	now, err := e.beginLocked(ctx, "CreateService", in)
	if err != nil {
		return nil, err
	}
	c, err := e.clusterLocked(in.Cluster)
	if err != nil {
		return nil, err
	}
	name := aws.ToString(in.ServiceName)
	if name == "" {
		return nil, errInvalidParam("serviceName: must be specified.")
	}
	if !serviceNameRE.MatchString(name) {
		return nil, errInvalidParam("serviceName: up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.")
	}
	if err := checkClientToken(aws.ToString(in.ClientToken), createTokenMaxLen); err != nil {
		return nil, err
	}
	fp := createFingerprint(in)
	if old := e.services[serviceKey{c, name}]; old != nil {
		switch old.status {
		case serviceActive:
			if old.fingerprint == fp && (aws.ToString(in.ClientToken) == "" || aws.ToString(in.ClientToken) == old.clientToken) {
				return &ecs.CreateServiceOutput{Service: ptrTo(e.serviceViewLocked(old, false))}, nil
			}
			return nil, errInvalidParam("Creation of service was not idempotent.")
		case serviceDraining:
			return nil, errInvalidParam("Unable to Start a service that is still Draining.")
		}
	}
	if in.SchedulingStrategy != "" && in.SchedulingStrategy != types.SchedulingStrategyReplica {
		return nil, errInvalidParam("schedulingStrategy: only REPLICA is supported by the fake.")
	}
	if dc := in.DeploymentController; dc != nil && dc.Type != "" && dc.Type != types.DeploymentControllerTypeEcs {
		return nil, errInvalidParam("deploymentController.type: only ECS is supported by the fake.")
	}
	lt, cps, err := e.launchChoiceLocked(c, in.LaunchType, in.CapacityProviderStrategy)
	if err != nil {
		return nil, err
	}
	if in.DesiredCount == nil {
		return nil, errInvalidParam("desiredCount: must be specified for a REPLICA service.")
	}
	if *in.DesiredCount < 0 {
		return nil, errInvalidParam("desiredCount: must not be negative.")
	}
	if err := e.quotaDesiredCount(*in.DesiredCount); err != nil {
		return nil, err
	}
	if err := e.quotaServiceLocked(c); err != nil {
		return nil, err
	}
	if aws.ToString(in.TaskDefinition) == "" {
		return nil, errInvalidParam("taskDefinition: must be specified.")
	}
	td, err := e.serviceTaskDefLocked(*in.TaskDefinition)
	if err != nil {
		return nil, err
	}
	if err := checkServiceLaunch(c, td, lt, in.NetworkConfiguration, in.PlacementConstraints, in.PlacementStrategy); err != nil {
		return nil, err
	}
	cfg, err := withDeploymentDefaults(in.DeploymentConfiguration, nil)
	if err != nil {
		return nil, err
	}
	if err := checkLoadBalancers(td, in.LoadBalancers); err != nil {
		return nil, err
	}
	if err := e.checkServiceTargetGroupsLocked(td, in.LoadBalancers); err != nil {
		return nil, err
	}
	if err := e.checkBlueGreenLocked(cfg, in.LoadBalancers); err != nil { // bluegreen_validate.go
		return nil, err
	}
	if err := checkGrace(in.HealthCheckGracePeriodSeconds); err != nil {
		return nil, err
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	s := &service{
		// A service lives in its cluster's region, as its tasks do,
		// whichever region the request came from.
		name: name, arn: e.arn(c.region, "service/"+c.name+"/"+name), c: c, status: serviceActive,
		desired: int(*in.DesiredCount), createdAt: now,
		createdBy:  "arn:aws:iam::" + e.cfg.account + ":role/ecsdeploy-fake",
		launchType: lt, cps: cps, deployCfg: cfg, netCfg: in.NetworkConfiguration,
		loadBalancers: in.LoadBalancers, registries: in.ServiceRegistries,
		constraints: in.PlacementConstraints, strategies: in.PlacementStrategy,
		grace: in.HealthCheckGracePeriodSeconds, propagateTags: in.PropagateTags,
		managedTags: in.EnableECSManagedTags, execCommand: in.EnableExecuteCommand,
		roleArn: aws.ToString(in.Role), clientToken: aws.ToString(in.ClientToken), fingerprint: fp,
		events: []serviceEvent{},
	}
	if lt == types.LaunchTypeFargate {
		s.platform = aws.ToString(in.PlatformVersion)
		if s.platform == "" {
			s.platform = "LATEST"
		}
	}
	if s.grace == nil {
		s.grace = aws.Int32(0)
	}
	if s.propagateTags == "" {
		s.propagateTags = types.PropagateTagsNone
	}
	if len(in.Tags) > 0 {
		e.tags[s.arn] = mergeTags(nil, in.Tags)
	} else {
		delete(e.tags, s.arn)
	}
	e.newDeploymentLocked(s, td, "", now)
	s.visibleAt = e.lagLocked(now)
	if old := e.services[serviceKey{c, name}]; old != nil {
		e.dropServiceLocked(old)
	}
	e.services[serviceKey{c, name}] = s
	e.svcOrder = append(e.svcOrder, s)
	e.wakeServiceLocked(s, now)
	return &ecs.CreateServiceOutput{Service: ptrTo(e.serviceViewLocked(s, false))}, nil
}

// UpdateService changes a service. A new task definition, forceNewDeployment,
// or a new network configuration, platform version or set of load balancers
// starts a new PRIMARY deployment; desiredCount alone only rescales.
func (e *ECS) UpdateService(ctx context.Context, in *ecs.UpdateServiceInput, _ ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.UpdateServiceInput{}
	}
	now, c, s, err := e.beginActiveServiceLocked(ctx, "UpdateService", in, in.Cluster, in.Service)
	if err != nil {
		return nil, err
	}
	if in.DesiredCount != nil && *in.DesiredCount < 0 {
		return nil, errInvalidParam("desiredCount: must not be negative.")
	}
	if in.DesiredCount != nil {
		if err := e.quotaDesiredCount(*in.DesiredCount); err != nil {
			return nil, err
		}
	}
	lt, cps, switched, err := e.updateLaunchChoiceLocked(c, s, in.CapacityProviderStrategy, in.ForceNewDeployment)
	if err != nil {
		return nil, err
	}
	if dc := in.DeploymentController; dc != nil && dc.Type != "" && dc.Type != types.DeploymentControllerTypeEcs {
		return nil, errInvalidParam("deploymentController.type: the deployment controller of a service cannot be changed by the fake.")
	}
	p := s.primary()
	td := p.td
	if ref := aws.ToString(in.TaskDefinition); ref != "" {
		if td, err = e.serviceTaskDefLocked(ref); err != nil {
			return nil, err
		}
	}
	netCfg := s.netCfg
	if in.NetworkConfiguration != nil {
		netCfg = in.NetworkConfiguration
	}
	cons, strat := s.constraints, s.strategies
	if in.PlacementConstraints != nil {
		cons = in.PlacementConstraints
	}
	if in.PlacementStrategy != nil {
		strat = in.PlacementStrategy
	}
	if err := checkServiceLaunch(c, td, lt, netCfg, cons, strat); err != nil {
		return nil, err
	}
	cfg, err := withDeploymentDefaults(in.DeploymentConfiguration, &s.deployCfg)
	if err != nil {
		return nil, err
	}
	lbs := s.loadBalancers
	if in.LoadBalancers != nil {
		lbs = in.LoadBalancers
	}
	if err := checkLoadBalancers(td, lbs); err != nil {
		return nil, err
	}
	if err := e.checkServiceTargetGroupsLocked(td, lbs); err != nil {
		return nil, err
	}
	if err := e.checkBlueGreenLocked(cfg, lbs); err != nil { // bluegreen_validate.go
		return nil, err
	}
	if err := checkGrace(in.HealthCheckGracePeriodSeconds); err != nil {
		return nil, err
	}
	platform := s.platform
	if lt == types.LaunchTypeFargate && platform == "" {
		platform = "LATEST"
	}
	if v := aws.ToString(in.PlatformVersion); v != "" && lt == types.LaunchTypeFargate {
		platform = v
	}
	// Everything is valid: apply (reads may go on seeing the service as it
	// was for a while: consistency.go).
	if until := e.lagLocked(now); hidden(until, now) {
		if s.staleView(now) == nil {
			before := e.serviceViewLocked(s, false)
			s.stale = &before
		}
		s.staleUntil = until
	}
	s.launchType, s.cps = lt, cps
	newDeployment := in.ForceNewDeployment || switched || td != p.td || platform != s.platform ||
		(in.NetworkConfiguration != nil && !sameJSON(in.NetworkConfiguration, s.netCfg)) ||
		(in.LoadBalancers != nil && !sameJSON(in.LoadBalancers, s.loadBalancers))
	s.netCfg, s.constraints, s.strategies, s.deployCfg, s.loadBalancers, s.platform = netCfg, cons, strat, cfg, lbs, platform
	if in.ServiceRegistries != nil {
		s.registries = in.ServiceRegistries
	}
	if in.HealthCheckGracePeriodSeconds != nil {
		s.grace = aws.Int32(*in.HealthCheckGracePeriodSeconds)
	}
	if in.PropagateTags != "" {
		s.propagateTags = in.PropagateTags
	}
	if in.EnableECSManagedTags != nil {
		s.managedTags = *in.EnableECSManagedTags
	}
	if in.EnableExecuteCommand != nil {
		s.execCommand = *in.EnableExecuteCommand
	}
	if in.DesiredCount != nil {
		s.desired = int(*in.DesiredCount)
		s.primary().desired = s.desired
	}
	if newDeployment {
		e.newDeploymentLocked(s, td, "", now)
	}
	e.wakeServiceLocked(s, now)
	return &ecs.UpdateServiceOutput{Service: ptrTo(e.serviceViewLocked(s, false))}, nil
}

// DeleteService deletes a service: it must be scaled to 0 unless force is
// set (force scales it to 0). The service is DRAINING while its tasks stop,
// then INACTIVE; it disappears from ListServices at once.
func (e *ECS) DeleteService(ctx context.Context, in *ecs.DeleteServiceInput, _ ...func(*ecs.Options)) (*ecs.DeleteServiceOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.DeleteServiceInput{}
	}
	now, _, s, err := e.beginActiveServiceLocked(ctx, "DeleteService", in, in.Cluster, in.Service)
	if err != nil {
		return nil, err
	}
	if s.desired > 0 && !aws.ToBool(in.Force) {
		return nil, errInvalidParam("The service cannot be stopped while it is scaled above 0.")
	}
	s.desired = 0
	for _, d := range s.deployments {
		if d.status == "PRIMARY" {
			d.desired = 0
		}
	}
	s.status = serviceDraining
	e.settleDrainingLocked(s, now)
	e.wakeServiceLocked(s, now)
	return &ecs.DeleteServiceOutput{Service: ptrTo(e.serviceViewLocked(s, false))}, nil
}

// settleDrainingLocked turns a DRAINING service INACTIVE once every task is
// stopping or stopped (ECS API Reference, DeleteService).
func (e *ECS) settleDrainingLocked(s *service, now time.Time) {
	if s.status != serviceDraining {
		return
	}
	for _, t := range s.tasks {
		switch t.lastStatus {
		case statusStopping, statusDeprovisioning, statusStopped:
		default:
			return
		}
	}
	s.status = serviceInactive
	for _, d := range s.deployments {
		d.status = "INACTIVE"
		d.updatedAt = now
	}
	for _, d := range s.deployments {
		e.maybeDeleteTaskDefLocked(d.td)
	}
}

// dropServiceLocked forgets an INACTIVE service replaced by a new one of the same name.
func (e *ECS) dropServiceLocked(s *service) {
	for i, x := range e.svcOrder {
		if x == s {
			e.svcOrder = append(e.svcOrder[:i:i], e.svcOrder[i+1:]...)
			break
		}
	}
	for _, t := range s.tasks {
		t.svc = nil
	}
	s.tasks = nil
	s.clearSnapChanged() // its tasks' storage may be reused (task_alloc.go)
}

func ptrTo[T any](v T) *T { return &v }

// sameJSON reports whether a and b have the same JSON form.
func sameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// clusterHasServicesLocked reports whether c has an ACTIVE or DRAINING service.
func (e *ECS) clusterHasServicesLocked(c *cluster) bool {
	for _, s := range e.svcOrder {
		if s.c == c && s.status != serviceInactive {
			return true
		}
	}
	return false
}
