package ecsdeploy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// deployer is the one Deployer implementation, over API.
type deployer struct {
	api API
	cfg config
	// hc remembers which task definitions have health checks (for the
	// poll schedule's 40-second prediction).
	hc *healthChecks
	// sd describes service deployments when api can (stage.go).
	sd serviceDeploymentReader
}

var _ Deployer = (*deployer)(nil)

// New returns a Deployer over api: an *ecs.Client, or a *fake.ECS. Unless
// WithClock says otherwise, an api that implements Clock is the Deployer's
// clock, so New(fake.New()) waits in the fake's virtual time and never
// sleeps in real time; an api that implements Seeded seeds the retry
// jitter. Any api other than an *ecs.Client gets retries of transient
// errors (see WithRetryAttempts).
func New(api API, opts ...Option) Deployer {
	cfg := adoptAPIEnvironment(api, withNeighbours(api, defaultConfig()).with(opts))
	if lp, ok := api.(LogsProvider); ok && cfg.logs == nil {
		cfg.logs = lp.LogsAPI()
	}
	sd, _ := api.(serviceDeploymentReader)
	return &deployer{api: clusterNaming{withRetry(api, cfg)}, cfg: cfg, hc: &healthChecks{}, sd: sd}
}

// NewFromConfig returns a Deployer over ecs.NewFromConfig(cfg), seeing load
// balancers through elasticloadbalancingv2.NewFromConfig(cfg) and reading
// container logs through cloudwatchlogs.NewFromConfig(cfg). Transient
// errors are retried on the Deployer's clock within each wait's deadline
// (see withRetry); waits also ride out transient errors.
func NewFromConfig(cfg aws.Config, opts ...Option) Deployer {
	return New(ecs.NewFromConfig(cfg), append([]Option{WithLoadBalancers(elbv2.NewFromConfig(cfg)), WithLogs(cloudwatchlogs.NewFromConfig(cfg))}, opts...)...)
}

func (d *deployer) emit(cfg config, evs ...Event) {
	if cfg.events == nil {
		return
	}
	for _, e := range evs {
		cfg.events(e)
	}
}

func (d *deployer) action(cfg config, format string, args ...any) {
	d.emit(cfg, &ActionEvent{At: cfg.clock.Now(), Message: fmt.Sprintf(format, args...)})
}

// schedule returns the poll schedule of one wait on a service last read
// as before (nil: not read), whose history may tell its drain time.
func (d *deployer) schedule(cfg config, before *types.Service) *pollSchedule {
	var h history
	if before != nil {
		h = learnHistory(before)
	}
	return newPollSchedule(cfg, d.hc.of, h)
}

// Status reads the service once; Deployment is its PRIMARY deployment.
func (d *deployer) Status(ctx context.Context, cluster, service string) (*Status, error) {
	svc, err := d.describeService(ctx, cluster, service)
	if err != nil {
		return nil, err
	}
	st := &Status{At: d.cfg.clock.Now(), Service: *svc, Deployment: findPrimary(svc.Deployments)}
	st.TargetGroups, _ = d.targetGroupHealth(ctx, d.cfg, *svc)                     // best effort (loadbalancer.go)
	st.Scaling, _ = d.scalingStatus(ctx, d.cfg, cluster, valueOf(svc.ServiceName)) // best effort (scaling.go)
	providers, err := d.tasksByProvider(ctx, cluster, svc)                         // capacity.go
	if err != nil {
		return nil, err
	}
	st.Providers = providers
	return st, nil
}

// Wait waits until the service is steady on a COMPLETED PRIMARY deployment.
func (d *deployer) Wait(ctx context.Context, cluster, service string, opts ...Option) (*Status, error) {
	cfg := d.cfg.with(opts)
	svc, err := d.activeService(ctx, cluster, service)
	if err != nil {
		return nil, err
	}
	tr := newTracker(cfg.clock.Now())
	tr.prime(svc)
	st, o, err := d.poll(ctx, cfg, waitSpec{cluster: cluster, service: service, what: "service " + service + " to be steady",
		sched: d.schedule(cfg, svc)}, tr, steadyOutcome)
	if err != nil {
		return st, err
	}
	if o.kind == outcomeFailed {
		return st, d.failure(ctx, cfg, tr, cluster, service, valueOf(o.deployment.Id), valueOf(o.deployment.TaskDefinition), o, nil, st)
	}
	return st, d.waitTargetsHealthy(ctx, cfg, st)
}

// CreateService creates the service and waits for its first deployment.
func (d *deployer) CreateService(ctx context.Context, in *ecs.CreateServiceInput, opts ...Option) (*Status, error) {
	cfg := d.cfg.with(opts)
	if in == nil || valueOf(in.ServiceName) == "" {
		return nil, &ValidationError{Field: "serviceName", Rule: "is required"}
	}
	deadline := cfg.clock.Now().Add(cfg.timeout)
	cctx, cancel := withDeadline(ctx, cfg.clock, deadline)
	defer cancel()
	out, err := d.api.CreateService(cctx, in)
	if err != nil {
		return nil, wrapAPI("CreateService", err)
	}
	d.action(cfg, "created service %s", valueOf(in.ServiceName))
	cfg.visibleGrace = visibilityGrace
	return d.afterUpdate(ctx, cfg, valueOf(in.Cluster), valueOf(in.ServiceName), out.Service, nil, deadline)
}

// UpdateService updates the service and waits for the deployment the
// update made PRIMARY.
func (d *deployer) UpdateService(ctx context.Context, in *ecs.UpdateServiceInput, opts ...Option) (*Status, error) {
	cfg := d.cfg.with(opts)
	if in == nil || valueOf(in.Service) == "" {
		return nil, &ValidationError{Field: "service", Rule: "is required"}
	}
	deadline := cfg.clock.Now().Add(cfg.timeout)
	cctx, cancel := withDeadline(ctx, cfg.clock, deadline)
	defer cancel()
	before, err := d.activeService(cctx, valueOf(in.Cluster), valueOf(in.Service))
	if err != nil {
		return nil, err
	}
	if _, err := checkCapacitySwitch(before, in.CapacityProviderStrategy, in.ForceNewDeployment); err != nil { // capacity.go
		return nil, err
	}
	out, err := d.api.UpdateService(withForcedFrom(cctx, before), in) // forced_update.go
	if err != nil {
		return nil, wrapAPI("UpdateService", err)
	}
	d.action(cfg, "updated service %s", valueOf(in.Service))
	return d.afterUpdate(ctx, cfg, valueOf(in.Cluster), valueOf(in.Service), out.Service, before, deadline)
}

// afterUpdate waits, until deadline (the timeout from the create or update
// call's start), for the PRIMARY deployment of svc (the output of a create
// or update) to complete, then for the service to be steady.
func (d *deployer) afterUpdate(ctx context.Context, cfg config, cluster, service string, svc, before *types.Service, deadline time.Time) (*Status, error) {
	tr := newTracker(cfg.clock.Now())
	if before != nil {
		tr.prime(before)
	}
	if svc == nil {
		return nil, fmt.Errorf("ecs: %s: no service in the response", service)
	}
	d.emit(cfg, tr.observe(svc, cfg.clock.Now())...)
	p := findPrimary(svc.Deployments)
	st := &Status{At: cfg.clock.Now(), Service: *svc, Deployment: p}
	if cfg.noWait || p == nil {
		return st, nil
	}
	id := valueOf(p.Id)
	deadline = deadline.Add(bakeAllowance(svc)) // a blue/green deployment's bake times: poll_bluegreen.go
	w := waitSpec{cluster: cluster, service: service, what: "deployment " + id + " to complete", after: svc, deadline: deadline, sched: d.schedule(cfg, before)}
	st, o, err := d.poll(ctx, cfg, w, tr, afterWrite(svc, cfg.clock.Now(), cfg.clock, func(s *types.Service) outcome {
		o := deploymentOutcome(s, id)
		if o.kind == outcomeCompleted {
			// COMPLETED, and the service runs what it should.
			if so := steadyOutcome(s); so.kind != outcomeCompleted {
				o.kind = outcomePending
			}
		}
		return o
	}))
	if err != nil {
		withLast(err, &Status{At: cfg.clock.Now(), Service: *svc, Deployment: p})
		return st, err
	}
	if o.kind == outcomeFailed {
		// Reported as Deploy reports it: an alarm's failure is an
		// *AlarmFailedError (scaling.go).
		return st, alarmFailure(d.failure(ctx, cfg, tr, cluster, service, id, valueOf(p.TaskDefinition), o, nil, st), st)
	}
	return st, d.waitTargetsHealthy(ctx, cfg, st)
}

// Scale changes the desired count only and waits until the service runs it.
func (d *deployer) Scale(ctx context.Context, cluster, service string, desired int32, opts ...Option) (*Status, error) {
	cfg := d.cfg.with(opts)
	if desired < 0 {
		return nil, &ValidationError{Field: "desiredCount", Rule: "must be >= 0"}
	}
	deadline := cfg.clock.Now().Add(cfg.timeout)
	cctx, cancel := withDeadline(ctx, cfg.clock, deadline)
	defer cancel()
	before, err := d.activeService(cctx, cluster, service)
	if err != nil {
		return nil, err
	}
	out, err := d.api.UpdateService(cctx, &ecs.UpdateServiceInput{Cluster: optional(cluster), Service: &service, DesiredCount: &desired})
	if err != nil {
		return nil, wrapAPI("UpdateService", err)
	}
	d.action(cfg, "scaled service %s from %d to %d", service, before.DesiredCount, desired)
	tr := newTracker(cfg.clock.Now())
	tr.prime(before)
	d.emit(cfg, tr.observe(out.Service, cfg.clock.Now())...)
	if cfg.noWait {
		return &Status{At: cfg.clock.Now(), Service: *out.Service, Deployment: findPrimary(out.Service.Deployments)}, nil
	}
	judgeFn := steadyOutcome
	if desired == 0 {
		judgeFn = drainedOutcome // even a FAILED deployment drains to 0
	}
	judgeFn = afterWrite(out.Service, cfg.clock.Now(), cfg.clock, judgeFn)
	w := waitSpec{cluster: cluster, service: service, what: fmt.Sprintf("service %s to run %d tasks", service, desired), after: out.Service,
		deadline: deadline, sched: d.schedule(cfg, before)}
	st, o, err := d.poll(ctx, cfg, w, tr, judgeFn)
	if err != nil {
		withLast(err, &Status{At: cfg.clock.Now(), Service: *out.Service, Deployment: findPrimary(out.Service.Deployments)})
		return st, err
	}
	if o.kind == outcomeFailed {
		return st, d.failure(ctx, cfg, tr, cluster, service, valueOf(o.deployment.Id), valueOf(o.deployment.TaskDefinition), o, nil, st)
	}
	return st, d.waitTargetsHealthy(ctx, cfg, st)
}

// DeleteService scales to 0, waits for the tasks to stop, deletes the
// service and waits until it is INACTIVE (or no longer listed).
func (d *deployer) DeleteService(ctx context.Context, cluster, service string, opts ...Option) error {
	cfg := d.cfg.with(opts)
	if _, err := d.Scale(ctx, cluster, service, 0, opts...); err != nil {
		return err
	}
	out, err := d.api.DeleteService(ctx, &ecs.DeleteServiceInput{Cluster: optional(cluster), Service: &service})
	if err != nil {
		return wrapAPI("DeleteService", err)
	}
	d.action(cfg, "deleted service %s", service)
	if cfg.noWait {
		return nil
	}
	tr := newTracker(cfg.clock.Now())
	w := waitSpec{cluster: cluster, service: service, what: "service " + service + " to be INACTIVE", after: out.Service}
	_, _, err = d.poll(ctx, cfg, w, tr, func(s *types.Service) outcome {
		if valueOf(s.Status) == "INACTIVE" {
			return outcome{kind: outcomeCompleted}
		}
		return outcome{}
	})
	if errors.Is(err, ErrServiceNotFound) {
		return nil // gone from the list: deleted
	}
	return err
}
