package chaos

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// mutatingOps are the calls the runner makes that API faults strike.
var mutatingOps = []string{"RegisterTaskDefinition", "UpdateService", "UpdateContainerInstancesState"}

// maxAttempts bounds the runner's retries of a throttled or failed call.
const maxAttempts = 12

// runner is one chaos run in progress.
type runner struct {
	cfg       Config
	rng       *rand.Rand
	bgRng     *rand.Rand // the blue/green services' choices (bluegreen.go)
	bgSeen    map[string]types.ServiceDeploymentStatus
	e         *fake.ECS
	chk       *Checker
	rep       *Report
	services  []*svcState
	names     []string
	checked   map[string]bool // services with container health checks
	groupSize int             // ACTIVE instances of the managed-scaling group at the last check
	groupLost int             // of those, lost by faults since (capacity.go)
	instances []string        // every instance ever added
	lost      map[string]bool
	drained   map[string]bool
	taskDefs  []string // every revision registered
	later     []scheduled
	disturbed map[string]bool
	deploys   map[string]types.DeploymentRolloutState
	start     time.Time
	lastCheck time.Time // the previous check's time (scaling.go)
	// reusedSeen is the fake's reused task storages last counted
	// (selfcheck.go).
	reusedSeen int64
}

// scheduled is a delayed runner action (instance replacement, undrain).
type scheduled struct {
	at time.Time
	do func(ctx context.Context) error
}

// Run executes the scenario cfg describes and returns its report. The
// error is for a run that could not proceed (the fake refused to build the
// world, or ctx ended); broken invariants are in Report.Violations.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg = cfg.withDefaults()
	e := fake.New(fake.WithSeed(cfg.Seed))
	r := &runner{
		cfg: cfg, rng: rand.New(rand.NewPCG(uint64(cfg.Seed), 0x9e3779b97f4a7c15)), e: e,
		bgRng: rand.New(rand.NewPCG(uint64(cfg.Seed), 0xb1e6ee4)), bgSeen: map[string]types.ServiceDeploymentStatus{},
		chk: NewChecker(e.Now()), rep: &Report{Seed: cfg.Seed, Actions: map[string]int{}, Faults: map[string]int{}},
		lost: map[string]bool{}, drained: map[string]bool{}, disturbed: map[string]bool{},
		deploys: map[string]types.DeploymentRolloutState{}, start: e.Now(),
	}
	if err := r.build(ctx); err != nil {
		return r.rep, fmt.Errorf("chaos: building the world: %w", err)
	}
	// Let the services reach a steady state before the faults start.
	if err := r.steps(ctx, 10*time.Minute, false); err != nil {
		return r.rep, err
	}
	if err := r.e.InjectFault(fake.Fault{Image: "*:broken-*", Action: fake.FaultFailStart}); err != nil {
		return r.rep, err
	}
	for _, op := range mutatingOps {
		if cfg.ThrottleRate > 0 {
			r.e.FailOperation(op, "ThrottlingException", 0, cfg.ThrottleRate)
		}
		if cfg.ServerErrorRate > 0 {
			r.e.FailOperation(op, "ServerException", 0, cfg.ServerErrorRate)
		}
	}
	if err := r.steps(ctx, cfg.Duration, true); err != nil {
		return r.rep, err
	}
	if err := r.calm(ctx); err != nil {
		return r.rep, err
	}
	if err := r.steps(ctx, cfg.Quiet, false); err != nil {
		return r.rep, err
	}
	snap, err := Observe(ctx, r.e, Cluster, r.names)
	if err != nil {
		return r.rep, err
	}
	r.rep.Violations = append(r.rep.Violations, r.chk.CheckConverged(snap, r.intended())...)
	r.checkTaskDefinitions(ctx)
	r.rep.VirtualTime = r.e.Now().Sub(r.start)
	r.rep.Checks = r.chk.Checks
	return r.rep, nil
}

// steps advances d of virtual time in Steps, acting and injecting faults
// when chaos is on, and checks the invariants after each step.
func (r *runner) steps(ctx context.Context, d time.Duration, chaos bool) error {
	end := r.e.Now().Add(d)
	for r.e.Now().Before(end) {
		if err := ctx.Err(); err != nil {
			return err
		}
		if chaos {
			for range r.poisson(r.cfg.ActionsPerStep) {
				if err := r.act(ctx); err != nil {
					return err
				}
			}
			for range r.poisson(r.cfg.FaultsPerStep) {
				if err := r.fault(ctx); err != nil {
					return err
				}
			}
			if err := r.actBlueGreen(ctx); err != nil {
				return err
			}
		}
		if err := r.runDue(ctx); err != nil {
			return err
		}
		r.e.Advance(r.cfg.Step)
		if err := r.check(ctx); err != nil {
			return err
		}
		if r.rep.Steps%40 == 0 {
			r.checkTaskDefinitions(ctx)
		}
	}
	return nil
}

// check observes the cluster and evaluates the invariants.
func (r *runner) check(ctx context.Context) error {
	snap, err := Observe(ctx, r.e, Cluster, r.names)
	if err != nil {
		return err
	}
	if err := r.observeBlueGreen(ctx, &snap); err != nil {
		return err
	}
	r.rep.Steps++
	r.rep.MaxTasksRemembered = max(r.rep.MaxTasksRemembered, len(snap.Tasks))
	if err := r.countGroupScaling(); err != nil { // capacity.go
		return err
	}
	for _, svc := range snap.Services {
		r.rep.MaxEvents = max(r.rep.MaxEvents, len(svc.Events))
		for _, d := range svc.Deployments {
			id := aws.ToString(d.Id)
			prev, known := r.deploys[id]
			if !known {
				r.rep.Deployments++
			}
			if prev != d.RolloutState {
				switch d.RolloutState {
				case types.DeploymentRolloutStateCompleted:
					r.rep.Completed++
				case types.DeploymentRolloutStateFailed:
					r.rep.Failed++
				}
			}
			r.deploys[id] = d.RolloutState
		}
	}
	if err := r.markScaled(ctx, snap.Now); err != nil { // scaling.go
		return err
	}
	r.lastCheck = snap.Now
	x := Expect{Services: r.names, LostInstances: r.lost, Disturbed: r.disturbed, HealthChecked: r.checked,
		DeploymentDeadline: r.cfg.DeploymentDeadline, Retention: fake.DefaultTiming().Retention, Slack: 2 * r.cfg.Step}
	r.rep.Violations = append(r.rep.Violations, r.chk.Check(snap, x)...)
	r.rep.Violations = append(r.rep.Violations, r.checkScaling(snap)...)
	alarmed, err := r.checkAlarmed(ctx, snap)
	if err != nil {
		return err
	}
	r.rep.Violations = append(r.rep.Violations, alarmed...)
	r.checkFreedStorage() // selfcheck.go
	r.disturbed = map[string]bool{}
	return nil
}

// checkTaskDefinitions verifies that every revision registered is still
// described with its family and revision (no-loss).
func (r *runner) checkTaskDefinitions(ctx context.Context) {
	for _, arn := range r.taskDefs {
		r.chk.Checks++
		out, err := r.e.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn)})
		if err != nil {
			r.violate("no-loss", arn, "task definition revision not described: %v", err)
			continue
		}
		if got := aws.ToString(out.TaskDefinition.TaskDefinitionArn); got != arn {
			r.violate("no-loss", arn, "described as %s", got)
		}
	}
}

func (r *runner) violate(inv, subject, format string, args ...any) {
	r.rep.Violations = append(r.rep.Violations, Violation{At: r.e.Now().Sub(r.start), Invariant: inv, Subject: subject, Detail: fmt.Sprintf(format, args...)})
}

// poisson returns a small random count with the given mean (a sum of
// Bernoulli trials, enough for scheduling chaos).
func (r *runner) poisson(mean float64) int {
	n := 0
	for mean > 0 {
		p := min(mean, 0.5)
		if r.rng.Float64() < p {
			n++
		}
		mean -= p
	}
	return n
}

// call runs an API call, retrying throttles and server errors as the SDK's
// standard retryer would; it counts the API faults it met.
func (r *runner) call(ctx context.Context, op string, f func() error) error {
	var err error
	for range maxAttempts {
		if err = f(); err == nil {
			return nil
		}
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) {
			return fmt.Errorf("%s: %w", op, err)
		}
		switch apiErr.ErrorCode() {
		case "ThrottlingException", "ServerException":
			r.rep.Faults["api:"+apiErr.ErrorCode()]++
			continue
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: gave up after %d attempts: %w", op, maxAttempts, err)
}

// runDue runs the scheduled actions whose time has come.
func (r *runner) runDue(ctx context.Context) error {
	now := r.e.Now()
	var keep []scheduled
	for _, s := range r.later {
		if s.at.After(now) {
			keep = append(keep, s)
			continue
		}
		if err := s.do(ctx); err != nil {
			return err
		}
	}
	r.later = keep
	return nil
}

// intended maps each service to the task definition ARN it should run.
func (r *runner) intended() map[string]string {
	m := make(map[string]string, len(r.services))
	for _, s := range r.services {
		m[s.name] = s.intended
	}
	return m
}

// calm ends the chaos: faults (target health faults included) cleared,
// lost capacity replaced, drained instances reactivated, and every
// service not running its intended task definition redeployed to it.
func (r *runner) calm(ctx context.Context) error {
	r.e.ClearFaults()
	r.e.ELBv2().ClearHealthFaults() // a target health fault armed for later would fail the redeploys below (sweep seed 102)
	for _, s := range r.later {
		if err := s.do(ctx); err != nil {
			return err
		}
	}
	r.later = nil
	snap, err := Observe(ctx, r.e, Cluster, r.names)
	if err != nil {
		return err
	}
	byName := map[string]types.Service{}
	for _, svc := range snap.Services {
		byName[aws.ToString(svc.ServiceName)] = svc
	}
	for _, s := range r.services {
		svc := byName[s.name]
		if steady(svc) && aws.ToString(svc.Deployments[0].TaskDefinition) == s.intended {
			continue
		}
		r.rep.Actions["redeploy-after-faults"]++
		if _, err := r.e.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(Cluster), Service: aws.String(s.name),
			TaskDefinition: aws.String(s.intended), ForceNewDeployment: true}); err != nil {
			return fmt.Errorf("redeploy %s: %w", s.name, err)
		}
	}
	return nil
}
