package ecsdeploy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Deploy registers a revision when something changed, updates the service
// and waits until the deployment that update started is COMPLETED. Every
// call up to the outcome carries one deadline, the timeout from Deploy's
// start; reading a failure's stopped tasks may take reportGrace more, and
// waiting for a rollback has a timeout of its own.
func (d *deployer) Deploy(ctx context.Context, in DeployInput, opts ...Option) (*DeployResult, error) {
	cfg := d.cfg.with(opts)
	in = withServiceDefinitionTarget(in)
	if err := validateDeployInput(in); err != nil {
		return nil, err
	}
	deadline := cfg.clock.Now().Add(cfg.timeout)
	dctx, cancel := withDeadline(ctx, cfg.clock, deadline)
	defer cancel()
	svc, err := d.serviceForDeploy(dctx, in)
	if err != nil {
		return nil, err
	}
	// A capacity change needs (and gets) a new deployment: capacity.go.
	switchCapacity, err := checkCapacitySwitch(svc, in.CapacityProviderStrategy, true)
	if err != nil {
		return nil, err
	}
	if cfg.suspendScaling { // scaling.go: restored on every return
		restore, err := d.suspendScaling(ctx, cfg, in.Cluster, in.Service)
		if err != nil {
			return nil, err
		}
		defer restore()
	}
	current := valueOf(svc.TaskDefinition)
	target := lastCompleted(svc.Deployments, "")
	svcChange, err := checkServiceDefinition(svc, in) // refused before any write
	if err != nil {
		return nil, err
	}
	res := &DeployResult{TaskDefinitionArn: current}
	if in.TaskDefinition != nil || in.Image != "" {
		if err := d.prepare(dctx, cfg, in, current, res); err != nil {
			return res, err
		}
	}
	if res.TaskDefinitionArn == current && !in.ForceNewDeployment && in.DesiredCount == nil && !svcChange.hasUpdate() && !switchCapacity {
		if in.Scaling != nil { // scaling.go: scaling alone updates no service
			if res.ScalingPolicies, err = d.applyScaling(ctx, cfg, in.Cluster, in.Service, in.Scaling); err != nil {
				return res, err
			}
		}
		res.NoChange = true
		res.Status = &Status{At: cfg.clock.Now(), Service: *svc, Deployment: findPrimary(svc.Deployments)}
		d.action(cfg, "service %s: no changes", in.Service)
		return res, nil
	}
	up := &ecs.UpdateServiceInput{Cluster: optional(in.Cluster), Service: &in.Service,
		ForceNewDeployment: in.ForceNewDeployment || switchCapacity, DesiredCount: in.DesiredCount}
	if switchCapacity {
		up.CapacityProviderStrategy = in.CapacityProviderStrategy
	}
	newDeployment := res.TaskDefinitionArn != current || in.ForceNewDeployment || svcChange.startsDeployment() || switchCapacity
	if res.TaskDefinitionArn != current {
		up.TaskDefinition = &res.TaskDefinitionArn
	}
	mergeServiceUpdate(up, svcChange)
	out, err := d.api.UpdateService(withForcedFrom(dctx, svc), up) // forced_update.go
	if err != nil {
		return res, d.undoRegister(ctx, cfg, res, wrapAPI("UpdateService", err))
	}
	if in.Scaling != nil { // scaling.go
		if res.ScalingPolicies, err = d.applyScaling(ctx, cfg, in.Cluster, in.Service, in.Scaling); err != nil {
			return res, err
		}
	}
	tr := newTracker(cfg.clock.Now())
	tr.prime(svc)
	d.emit(cfg, tr.observe(out.Service, cfg.clock.Now())...)
	p := findPrimary(out.Service.Deployments)
	res.Status = &Status{At: cfg.clock.Now(), Service: *out.Service, Deployment: p}
	if p == nil {
		return res, fmt.Errorf("ecs UpdateService: service %s has no PRIMARY deployment after the update", in.Service)
	}
	res.DeploymentID = valueOf(p.Id)
	d.action(cfg, "updated service %s to %s (deployment %s)", in.Service, shortTD(res.TaskDefinitionArn), res.DeploymentID)
	if cfg.noWait {
		return res, nil
	}
	// A desired-count-only update starts no deployment (ECS keeps the
	// PRIMARY): then wait for the service to be steady instead.
	judgeFn := steadyOutcome
	if newDeployment {
		judgeFn = func(s *types.Service) outcome { return deploymentOutcome(s, res.DeploymentID) }
	}
	judgeFn = afterWrite(out.Service, cfg.clock.Now(), cfg.clock, judgeFn)
	deadline = deadline.Add(bakeAllowance(out.Service)) // a blue/green deployment's bake times: poll_bluegreen.go
	w := waitSpec{cluster: in.Cluster, service: in.Service, what: "deployment " + res.DeploymentID + " to complete",
		after: out.Service, deadline: deadline, sched: d.schedule(cfg, svc)}
	st, o, err := d.poll(ctx, cfg, w, tr, judgeFn)
	if st != nil {
		res.Status = st
	}
	withLast(err, res.Status)
	if err != nil && !timedOut(err) {
		return res, err // ctx done, or a non-transient API error
	}
	if err == nil && o.kind == outcomeCompleted {
		if err := d.waitTargetsHealthy(ctx, cfg, res.Status); err != nil { // loadbalancer.go
			return res, err
		}
		d.prune(ctx, cfg, in.Cluster, in.Service, res.TaskDefinitionArn)
		return res, nil
	}
	if err != nil {
		o = outcome{kind: outcomeFailed, deployment: o.deployment, reason: "timed out waiting for the deployment to complete"}
	}
	// Reading why it failed keeps the deploy's deadline, or reportGrace
	// past it when the wait used it all.
	rctx, rcancel := withDeadline(ctx, cfg.clock, later(deadline, cfg.clock.Now().Add(reportGrace)))
	ferr := d.failure(rctx, cfg, tr, in.Cluster, in.Service, res.DeploymentID, res.TaskDefinitionArn, o, err, res.Status)
	rcancel()
	switch {
	case ferr.RollbackStarted && cfg.rollback && !cfg.rollbackNoWait && !ferr.RolledBack:
		d.awaitRollback(ctx, cfg, tr, in.Cluster, in.Service, &res.Status.Service, nil, cfg.clock.Now().Add(cfg.rollbackWait()), ferr)
	case !ferr.RollbackStarted && cfg.rollback && !errors.Is(ferr.RollbackErr, ErrNoRollbackCandidate):
		d.rollbackTo(ctx, cfg, tr, in.Cluster, in.Service, target, res.TaskDefinitionArn, ferr)
	}
	return res, d.undoRegister(ctx, cfg, res, alarmFailure(ferr, res.Status)) // scaling.go
}

func validateDeployInput(in DeployInput) error {
	var errs []error
	if in.Service == "" {
		errs = append(errs, &ValidationError{Field: "Service", Rule: "is required"})
	}
	switch {
	case in.TaskDefinition != nil && in.Image != "":
		errs = append(errs, &ValidationError{Field: "Image", Rule: "must be empty when TaskDefinition is set"})
	case in.TaskDefinition == nil && in.Image == "" && !in.ForceNewDeployment && in.DesiredCount == nil && in.ServiceDefinition == nil && in.CapacityProviderStrategy == nil && in.Scaling == nil:
		errs = append(errs, &ValidationError{Field: "TaskDefinition", Rule: "one of TaskDefinition, Image, ServiceDefinition, ForceNewDeployment, DesiredCount, CapacityProviderStrategy or Scaling is required"})
	case in.CapacityProviderStrategy != nil && in.ServiceDefinition != nil && in.ServiceDefinition.CapacityProviderStrategy != nil:
		errs = append(errs, &ValidationError{Field: "CapacityProviderStrategy", Rule: "must be empty when ServiceDefinition sets capacityProviderStrategy"})
	case in.Container != "" && in.Image == "":
		errs = append(errs, &ValidationError{Field: "Container", Rule: "needs Image"})
	}
	if in.Scaling != nil {
		if err := in.Scaling.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if in.DesiredCount != nil && *in.DesiredCount < 0 {
		errs = append(errs, &ValidationError{Field: "DesiredCount", Rule: "must be >= 0"})
	}
	errs = append(errs, validateDefinitions(in)...)
	return errors.Join(errs...)
}

// prepare works out the wanted task definition, compares it with the
// service's current one and registers it when it changed.
func (d *deployer) prepare(ctx context.Context, cfg config, in DeployInput, current string, res *DeployResult) error {
	out, err := d.currentRevision(ctx, current, in.TaskDefinition != nil && in.TaskDefinition.Tags != nil)
	if err != nil {
		return err
	}
	cur := RegisterInput(out.TaskDefinition)
	want := in.TaskDefinition
	if in.Image != "" {
		if want, err = withImage(cur, in.Container, in.Image, shortTD(current)); err != nil {
			return err
		}
	}
	cur = registeredForDiff(out, want)
	if valueOf(want.Family) == valueOf(cur.Family) {
		res.Diff = Diff(cur, want)
		if res.Diff == "" {
			return nil
		}
	} else {
		res.Diff = fmt.Sprintf("family: %q -> %q", valueOf(cur.Family), valueOf(want.Family))
	}
	// The current revision was read once, above; when want is of its
	// family and differs from it, register without reading the family's
	// latest revision again (issue #18.2: one DescribeTaskDefinition per
	// deploy). Another family is compared with its own latest revision.
	rcfg := cfg
	rcfg.onlyIfChanged = valueOf(want.Family) != valueOf(cur.Family)
	reg, err := d.register(ctx, rcfg, want, knownDiff{})
	if err != nil {
		return err
	}
	res.TaskDefinitionArn, res.Registered = reg.Arn, reg.Registered
	return nil
}

// currentRevision returns the revision arn (the service's current one):
// from the Deployer's memory when it registered or described it before (a
// revision's content never changes: issue #18.2, no call), else with one
// DescribeTaskDefinition. Tags can change after registration, so when
// needTags is set (a wanted definition with tags is compared with it) it
// is always read, with its tags.
func (d *deployer) currentRevision(ctx context.Context, arn string, needTags bool) (*ecs.DescribeTaskDefinitionOutput, error) {
	if td, ok := d.hc.taskDefinition(arn); ok && !needTags {
		return &ecs.DescribeTaskDefinitionOutput{TaskDefinition: td}, nil
	}
	out, err := d.api.DescribeTaskDefinition(ctx, describeWithTags(&arn))
	if err != nil {
		return nil, wrapAPI("DescribeTaskDefinition", err)
	}
	d.hc.note(out.TaskDefinition)
	return out, nil
}

// withImage returns a copy of td with container's image replaced.
func withImage(td *ecs.RegisterTaskDefinitionInput, container, image, name string) (*ecs.RegisterTaskDefinitionInput, error) {
	cp := *td
	cp.ContainerDefinitions = slices.Clone(td.ContainerDefinitions)
	var names []string
	for _, c := range cp.ContainerDefinitions {
		names = append(names, valueOf(c.Name))
	}
	idx := -1
	switch {
	case container == "" && len(names) == 1:
		idx = 0
	case container == "":
		return nil, &ValidationError{Field: "Container", Rule: fmt.Sprintf("is required: task definition %s has %d containers (%s)", name, len(names), strings.Join(names, ", "))}
	default:
		idx = slices.Index(names, container)
	}
	if idx < 0 {
		return nil, &ValidationError{Field: "Container", Rule: fmt.Sprintf("no container %q in task definition %s (containers: %s)", container, name, strings.Join(names, ", "))}
	}
	if valueOf(cp.ContainerDefinitions[idx].Image) != image {
		cp.ContainerDefinitions[idx].Image = &image
	}
	return &cp, nil
}

// lastCompleted returns the task definition of the newest COMPLETED
// deployment other than exclude (a deployment id) — the rollback target.
// A lone steady PRIMARY without rollout state counts as completed.
func lastCompleted(ds []types.Deployment, exclude string) string {
	var best *types.Deployment
	for i := range ds {
		dp := &ds[i]
		if valueOf(dp.Id) == exclude {
			continue
		}
		ok := dp.RolloutState == types.DeploymentRolloutStateCompleted ||
			(dp.RolloutState == "" && len(ds) == 1 && valueOf(dp.Status) == "PRIMARY" && dp.RunningCount == dp.DesiredCount)
		if !ok {
			continue
		}
		if best == nil || valueOf(dp.CreatedAt).After(valueOf(best.CreatedAt)) {
			best = dp
		}
	}
	if best == nil {
		return ""
	}
	return valueOf(best.TaskDefinition)
}

// failure builds the DeploymentFailedError for deployment id, with its
// stopped tasks (ListTasks startedBy=id, desiredStatus STOPPED; then
// DescribeTasks), reporting them as events, and the circuit breaker's
// rollback as far as the last reading shows it.
func (d *deployer) failure(ctx context.Context, cfg config, tr *tracker, cluster, service, id, td string, o outcome, cause error, last *Status) *DeploymentFailedError {
	e := &DeploymentFailedError{Service: service, Cluster: cluster, DeploymentID: id, TaskDefinition: td, Reason: o.reason, Err: cause}
	if rb := o.rolledBackTo; rb != nil {
		e.RollbackStarted, e.RollbackBy = true, "circuit-breaker"
		switch {
		case o.byAlarm:
			e.RollbackBy = "alarm"
		case o.byOutside:
			e.RollbackBy = "outside"
		case o.byStage:
			e.RollbackBy = "lifecycle-stage"
		}
		e.RollbackTaskDefinition, e.RollbackDeploymentID = valueOf(rb.TaskDefinition), valueOf(rb.Id)
		e.RollbackState = rb.RolloutState
		e.RolledBack = rb.RolloutState == types.DeploymentRolloutStateCompleted
		d.emit(cfg, rollbackEvent(cfg, service, e))
	}
	d.explainNoRollback(ctx, tr, last, e) // a first blue/green deployment: rollback_candidate.go
	if id == "" {
		return e
	}
	stopped, err := d.stoppedTasks(ctx, cfg, cluster, id)
	if err != nil && e.Err == nil {
		e.Err = err
	}
	e.StoppedTasks = stopped
	e.LoadBalancer = d.explainLoadBalancer(ctx, cfg, cluster, service, stopped)
	d.emit(cfg, tr.stoppedTasks(stopped, cfg.clock.Now())...)
	return e
}

// rollbackEvent reports the rollback as ferr describes it now.
func rollbackEvent(cfg config, service string, ferr *DeploymentFailedError) *RollbackEvent {
	return &RollbackEvent{At: cfg.clock.Now(), Service: service, By: ferr.RollbackBy, DeploymentID: ferr.RollbackDeploymentID,
		TaskDefinition: ferr.RollbackTaskDefinition, State: ferr.RollbackState, Completed: ferr.RolledBack}
}

// awaitRollback waits, until deadline (the rollback's own timeout,
// cfg.rollbackWait, from when the rollback began), for the rollback
// deployment ferr names to complete, and records how it ended on ferr.
// after is the last reading of the service, so the first read of this
// wait comes one schedule step later (no extra call).
//
// written is the response of the Deployer's own rollback update (nil for
// the circuit breaker's): until reads show it, they count as pending
// (eventual consistency, consistency.go).
func (d *deployer) awaitRollback(ctx context.Context, cfg config, tr *tracker, cluster, service string, after, written *types.Service, deadline time.Time, ferr *DeploymentFailedError) {
	id := ferr.RollbackDeploymentID
	w := waitSpec{cluster: cluster, service: service, what: "rollback deployment " + id + " to complete", after: after, sched: d.schedule(cfg, after),
		deadline: deadline}
	j := func(s *types.Service) outcome {
		o := deploymentOutcome(s, id)
		if o.kind == outcomeCompleted && steadyOutcome(s).kind != outcomeCompleted {
			o.kind = outcomePending
		}
		return o
	}
	if written != nil {
		j = afterWrite(written, cfg.clock.Now(), cfg.clock, j)
	}
	st, o, err := d.poll(ctx, cfg, w, tr, j)
	if st != nil && st.Deployment != nil {
		ferr.RollbackState = st.Deployment.RolloutState
	}
	switch {
	case err != nil:
		withLast(err, &Status{At: cfg.clock.Now(), Service: *after, Deployment: findDeployment(after.Deployments, id)})
		ferr.RollbackErr = err
	case o.kind == outcomeCompleted:
		ferr.RolledBack, ferr.RollbackState = true, types.DeploymentRolloutStateCompleted
	default:
		ferr.RollbackErr = fmt.Errorf("rollback deployment %s did not complete: %s", id, o.reason)
	}
	d.emit(cfg, rollbackEvent(cfg, service, ferr))
}

// rollbackTo updates the service back to target and, unless
// WithRollbackNoWait, waits for that deployment, the update and the wait
// together within a timeout of their own (cfg.rollbackWait), recording the
// result on ferr.
func (d *deployer) rollbackTo(ctx context.Context, cfg config, tr *tracker, cluster, service, target, failed string, ferr *DeploymentFailedError) {
	if target == "" || target == failed {
		ferr.RollbackErr = fmt.Errorf("no COMPLETED deployment with another task definition to roll back to")
		return
	}
	d.action(cfg, "rolling back service %s to %s", service, shortTD(target))
	end := cfg.clock.Now().Add(cfg.rollbackWait())
	uctx, cancel := withDeadline(ctx, cfg.clock, end)
	out, err := d.api.UpdateService(uctx, &ecs.UpdateServiceInput{Cluster: optional(cluster), Service: &service, TaskDefinition: &target})
	cancel()
	if err != nil {
		ferr.RollbackErr = wrapAPI("UpdateService", err)
		return
	}
	d.emit(cfg, tr.observe(out.Service, cfg.clock.Now())...)
	p := findPrimary(out.Service.Deployments)
	ferr.RollbackStarted, ferr.RollbackBy, ferr.RollbackTaskDefinition = true, "deployer", target
	if p != nil {
		ferr.RollbackDeploymentID, ferr.RollbackState = valueOf(p.Id), p.RolloutState
	}
	d.emit(cfg, rollbackEvent(cfg, service, ferr))
	if cfg.rollbackNoWait || p == nil {
		return
	}
	d.awaitRollback(ctx, cfg, tr, cluster, service, out.Service, out.Service, end.Add(bakeAllowance(out.Service)), ferr)
}

// Rollback deploys the last COMPLETED task definition (or in.TaskDefinition).
func (d *deployer) Rollback(ctx context.Context, in RollbackInput, opts ...Option) (*DeployResult, error) {
	cfg := d.cfg.with(opts)
	svc, err := d.activeService(ctx, in.Cluster, in.Service)
	if err != nil {
		return nil, err
	}
	current := valueOf(svc.TaskDefinition)
	target := in.TaskDefinition
	if target == "" {
		for _, dp := range svc.Deployments {
			if valueOf(dp.TaskDefinition) != current && dp.RolloutState == types.DeploymentRolloutStateCompleted {
				target = lastCompleted([]types.Deployment{dp}, "")
			}
		}
	}
	if target == "" {
		if target, err = d.previousRevision(ctx, current); err != nil {
			return nil, err
		}
	}
	d.action(cfg, "rolling back service %s from %s to %s", in.Service, shortTD(current), shortTD(target))
	st, err := d.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: optional(in.Cluster), Service: &in.Service, TaskDefinition: &target}, opts...)
	res := &DeployResult{TaskDefinitionArn: target, Status: st}
	if st != nil && st.Deployment != nil {
		res.DeploymentID = valueOf(st.Deployment.Id)
	}
	return res, err
}

// previousRevision returns the newest ACTIVE revision of current's family
// older than current.
func (d *deployer) previousRevision(ctx context.Context, current string) (string, error) {
	arns, err := d.activeRevisions(ctx, familyOf(current))
	if err != nil {
		return "", err
	}
	curRev := revisionOf(current)
	for _, a := range arns {
		if revisionOf(a) < curRev {
			return a, nil
		}
	}
	return "", &NotFoundError{Kind: ErrTaskDefinitionNotFound, Name: familyOf(current), Reason: "no ACTIVE revision older than " + shortTD(current)}
}

// withLast fills in the last status of a wait that ended (cancelled or
// timed out) before its first poll: the update's own response is then the
// last status seen (found by TestWaitsCancelledEarlyCarryTheLastStatus).
func withLast(err error, st *Status) {
	var we *WaitError
	if errors.As(err, &we) && we.Last == nil {
		we.Last = st
	}
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
