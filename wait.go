package ecsdeploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// outcomeKind is where a deployment stands.
type outcomeKind int

const (
	outcomePending outcomeKind = iota
	outcomeCompleted
	outcomeFailed
)

// outcome is what one DescribeServices reading says about a deployment.
type outcome struct {
	kind       outcomeKind
	deployment *types.Deployment // ours (nil when it left the list)
	reason     string
	// rolledBackTo is the PRIMARY deployment the circuit breaker started
	// to roll back, when it did.
	rolledBackTo *types.Deployment
	// byAlarm: a deployment alarm, not the circuit breaker, failed it
	// (its reason, or ECS's "deployment failed: alarm detected." event,
	// says so).
	byAlarm bool
	// byOutside: neither did; someone else rolled it back
	// (rollingBackSince).
	byOutside bool
}

// deploymentOutcome judges deployment id in svc: COMPLETED is success;
// FAILED, or leaving the list in favour of another PRIMARY, is failure.
// A circuit-breaker rollback shows as another PRIMARY deployment whose
// rolloutStateReason reads "ECS deployment circuit breaker: rolling back
// to deploymentId ecs-svc/N.": on ECS the last COMPLETED deployment
// itself, revived (IN_PROGRESS, same id, N its own id; developer guide
// "deployment circuit breaker"), on older fakes a new deployment with N
// the target's id. Both are recognised (rolledBackTo).
func deploymentOutcome(svc *types.Service, id string) outcome {
	ours := findDeployment(svc.Deployments, id)
	primary := findPrimary(svc.Deployments)
	var other *types.Deployment
	if primary != nil && valueOf(primary.Id) != id {
		other = primary
	}
	switch {
	case ours == nil && other != nil:
		// A failed deployment without tasks can leave the list at once
		// (INACTIVE); then the service event says why it failed.
		o := outcome{kind: outcomeFailed, reason: fmt.Sprintf("deployment %s was replaced by deployment %s", id, valueOf(other.Id))}
		r := failedEventReason(svc, id)
		if isRollback(other) || (r != "" && rollingBackEventSeen(svc)) {
			// The rollback PRIMARY may have completed already, and so lost
			// its "rolling back" reason: the service events still tell.
			o.reason = fmt.Sprintf("deployment %s failed and ECS rolled back", id)
			o.rolledBackTo = other
		}
		if r != "" {
			o.reason = r
		}
		o.byAlarm = isAlarmReason(r)
		return o
	case ours == nil:
		return outcome{kind: outcomeFailed, reason: fmt.Sprintf("deployment %s is no longer listed", id)}
	}
	o := outcome{deployment: ours, reason: valueOf(ours.RolloutStateReason)}
	switch ours.RolloutState {
	case types.DeploymentRolloutStateCompleted:
		o.kind = outcomeCompleted
	case types.DeploymentRolloutStateFailed:
		o.kind = outcomeFailed
		if o.reason == "" {
			o.reason = "rollout state FAILED"
		}
		// The rollback PRIMARY is a new deployment (older fakes) or the
		// revived last COMPLETED one (ECS); once COMPLETED it has lost its
		// "rolling back" reason, and the events still tell.
		ev := failedEventReason(svc, id)
		switch {
		case other != nil && (isRollback(other) || (ev != "" && rollingBackEventSeen(svc))):
			o.rolledBackTo = other
		case other != nil && ev == "" && rollingBackSince(svc, valueOf(other.Id), valueOf(ours.CreatedAt)):
			o.rolledBackTo, o.byOutside = other, true
		}
		o.byAlarm = isAlarmReason(o.reason) || isAlarmReason(ev)
	case "":
		// No rollout state (older services): steady means the only
		// deployment, PRIMARY, with every desired task running.
		if other == nil && len(svc.Deployments) == 1 && ours.RunningCount == ours.DesiredCount && ours.PendingCount == 0 {
			o.kind = outcomeCompleted
		}
	}
	if o.kind == outcomePending && other != nil {
		o.kind = outcomeFailed
		o.reason = fmt.Sprintf("deployment %s was replaced by deployment %s", id, valueOf(other.Id))
		if isRollback(other) {
			o.rolledBackTo = other
		}
	}
	return o
}

// failedEventReason returns ECS's reason from the service event
// "(service X) (deployment ID) deployment failed: REASON", in the form the
// deployment's rolloutStateReason gives it ("ECS deployment circuit
// breaker: REASON", or "ECS deployment alarms: alarm detected." when a
// deployment alarm failed it), so the reason does not depend on which of
// the two a poll happened to see. It returns "" when there is no such
// event.
func failedEventReason(svc *types.Service, id string) string {
	marker := "(deployment " + id + ") deployment failed"
	for _, e := range svc.Events {
		m := valueOf(e.Message)
		if i := strings.Index(m, marker); i >= 0 {
			rest := strings.TrimSpace(m[i+len(marker):])
			rest = strings.TrimSpace(strings.TrimPrefix(rest, ":"))
			if strings.HasPrefix(rest, "alarm detected") {
				// A deployment alarm failed it, not the circuit breaker.
				return alarmReasonPrefix + rest
			}
			return "ECS deployment circuit breaker: " + rest
		}
	}
	return ""
}

// rollingBackEventSeen reports whether the service events hold ECS's
// "(service X) rolling back to deployment ecs-svc/N." message.
func rollingBackEventSeen(svc *types.Service) bool {
	for _, e := range svc.Events {
		if strings.Contains(valueOf(e.Message), ") rolling back to deployment ") {
			return true
		}
	}
	return false
}

// rollingBackSince reports whether the service events hold ECS's
// "(service X) rolling back to deployment ecs-svc/N." for deployment id
// N since the instant since (the failed deployment's creation): a
// rollback to it that no "deployment failed" event explains was started
// by someone else (StopServiceDeployment ROLLBACK).
func rollingBackSince(svc *types.Service, id string, since time.Time) bool {
	for _, e := range svc.Events {
		if !valueOf(e.CreatedAt).Before(since) && strings.Contains(valueOf(e.Message), ") rolling back to deployment "+id+".") {
			return true
		}
	}
	return false
}

// isRollback reports whether primary is a circuit-breaker rollback started
// after deployment failed (ECS's reason names rolling back).
func isRollback(primary *types.Deployment) bool {
	r := strings.ToLower(valueOf(primary.RolloutStateReason))
	return strings.Contains(r, "rolling back") || strings.Contains(r, "rollback")
}

// steadyOutcome judges the service as a whole: its PRIMARY deployment is
// COMPLETED (or has no rollout state), it is the only deployment, and it
// runs exactly the desired count with nothing pending.
func steadyOutcome(svc *types.Service) outcome {
	p := findPrimary(svc.Deployments)
	if p == nil {
		return outcome{kind: outcomePending, reason: "no PRIMARY deployment"}
	}
	o := outcome{deployment: p, reason: valueOf(p.RolloutStateReason)}
	if p.RolloutState == types.DeploymentRolloutStateFailed {
		o.kind = outcomeFailed
		return o
	}
	if (p.RolloutState == types.DeploymentRolloutStateCompleted || p.RolloutState == "") &&
		len(svc.Deployments) == 1 && p.RunningCount == svc.DesiredCount && p.PendingCount == 0 &&
		svc.RunningCount == svc.DesiredCount {
		o.kind = outcomeCompleted
	}
	return o
}

// drainedOutcome: no task of any deployment is running or pending.
func drainedOutcome(svc *types.Service) outcome {
	o := outcome{deployment: findPrimary(svc.Deployments)}
	if svc.RunningCount == 0 && svc.PendingCount == 0 {
		o.kind = outcomeCompleted
		for _, d := range svc.Deployments {
			if d.RunningCount+d.PendingCount > 0 {
				o.kind = outcomePending
			}
		}
	}
	return o
}

func findDeployment(ds []types.Deployment, id string) *types.Deployment {
	for i := range ds {
		if valueOf(ds[i].Id) == id {
			return &ds[i]
		}
	}
	return nil
}

func findPrimary(ds []types.Deployment) *types.Deployment {
	for i := range ds {
		if valueOf(ds[i].Status) == "PRIMARY" {
			return &ds[i]
		}
	}
	return nil
}

// judge returns the outcome of one reading; done=true ends the wait.
type judge func(svc *types.Service) outcome

// waitSpec says what one wait reads and until when.
type waitSpec struct {
	cluster, service string
	// what is what is awaited, for WaitError.Op.
	what string
	// after is the response of the update the wait follows (nil: none):
	// then the first read comes one schedule step in, since the response
	// already showed the state.
	after *types.Service
	// deadline ends the wait (zero: cfg.timeout from the wait's start).
	deadline time.Time
	// sched paces the reads (nil: a schedule without task definition
	// knowledge).
	sched *pollSchedule
}

// poll reads the service until j says completed or failed, the deadline
// passes (a *WaitError wrapping ErrTimeout) or ctx is done (a *WaitError
// wrapping ctx.Err()). It makes one DescribeServices call per read, paced
// by w.sched (see pollSchedule); every call carries the wait's deadline
// (withDeadline), and throttling or server faults are ridden out on the
// Deployer's clock until it.
func (d *deployer) poll(ctx context.Context, cfg config, w waitSpec, tr *tracker, j judge) (*Status, outcome, error) {
	start := cfg.clock.Now()
	deadline := w.deadline
	if deadline.IsZero() {
		deadline = start.Add(cfg.timeout)
	}
	sched := w.sched
	if sched == nil {
		sched = newPollSchedule(cfg, nil, history{})
	}
	wctx, cancel := withDeadline(ctx, cfg.clock, deadline)
	defer cancel()
	var last *Status
	var lastOutcome outcome
	waitErr := func(err error) error {
		return &WaitError{Op: w.what, Waited: cfg.clock.Now().Sub(start), Last: last, Err: err}
	}
	sleep := func(step time.Duration) error {
		now := cfg.clock.Now()
		if !now.Before(deadline) {
			return ErrTimeout
		}
		if err := cfg.clock.Sleep(wctx, min(step, deadline.Sub(now))); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return ErrTimeout // the wait's own deadline (wall clock)
		}
		return nil
	}
	if w.after != nil {
		o := j(w.after)
		sched.prime(w.after, o.deployment, start)
		if err := sleep(sched.first()); err != nil {
			return last, lastOutcome, waitErr(err)
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return last, lastOutcome, waitErr(err)
		}
		svc, err := d.describeService(wctx, w.cluster, w.service)
		now := cfg.clock.Now()
		switch {
		case err != nil && ctx.Err() != nil:
			return last, lastOutcome, waitErr(ctx.Err())
		case err != nil && (wctx.Err() != nil || pastDeadline(wctx, cfg.clock)) && (isTransient(err) || wctx.Err() != nil):
			return last, lastOutcome, waitErr(ErrTimeout)
		case err != nil && errors.Is(err, ErrServiceNotFound) && now.Sub(start) < cfg.visibleGrace:
			// just created, not visible yet (consistency.go): poll again
		case err != nil && !isTransient(err):
			return last, lastOutcome, err
		case err == nil:
			evs := tr.observe(svc, now)
			d.emit(cfg, evs...)
			o := j(svc)
			d.learn(wctx, cfg, tr, sched, svc, o.deployment, len(evs) > 0, now) // stage.go, poll_drain.go
			last, lastOutcome = &Status{At: now, Service: *svc, Deployment: o.deployment}, o
			if err := ctx.Err(); err != nil {
				return last, lastOutcome, waitErr(err) // cancelled while reporting this reading
			}
			if o.kind != outcomePending {
				return last, o, nil
			}
		}
		step := cfg.poll
		if err == nil {
			step = sched.next(svc, lastOutcome.deployment, now)
		}
		if err := sleep(step); err != nil {
			return last, lastOutcome, waitErr(err)
		}
	}
}

// describeService reads one service; a MISSING failure becomes a
// *NotFoundError matching ErrServiceNotFound.
func (d *deployer) describeService(ctx context.Context, cluster, service string) (*types.Service, error) {
	out, err := d.api.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: optional(cluster), Services: []string{service}})
	if err != nil {
		return nil, wrapAPI("DescribeServices", err)
	}
	for _, s := range out.Services {
		return &s, nil
	}
	reason := "MISSING"
	for _, f := range out.Failures {
		reason = valueOf(f.Reason)
	}
	return nil, &NotFoundError{Kind: ErrServiceNotFound, Name: service, Cluster: cluster, Reason: reason}
}

// activeService is describeService that also treats DRAINING/INACTIVE as
// not found. Transient errors were already retried by the SDK retryer or,
// for other APIs, by the Deployer's retry wrapper (see WithRetryAttempts).
func (d *deployer) activeService(ctx context.Context, cluster, service string) (*types.Service, error) {
	svc, err := d.describeService(ctx, cluster, service)
	if err != nil {
		return nil, err
	}
	if st := valueOf(svc.Status); st != "" && st != "ACTIVE" {
		return nil, &NotFoundError{Kind: ErrServiceNotFound, Name: service, Cluster: cluster, Reason: "status " + st}
	}
	return svc, nil
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// timedOut reports whether err is a wait that hit its own deadline.
func timedOut(err error) bool { return errors.Is(err, ErrTimeout) }

// sleepUntil is used by task waits: one poll step bounded by the deadline.
func sleepStep(ctx context.Context, c Clock, poll time.Duration, deadline time.Time) error {
	return c.Sleep(ctx, min(poll, deadline.Sub(c.Now())))
}
