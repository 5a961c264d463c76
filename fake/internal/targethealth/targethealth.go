package targethealth

import (
	"fmt"
	"time"
)

// State is a target's health state (TargetHealthStateEnum).
type State string

// Target health states.
const (
	Initial   State = "initial"
	Healthy   State = "healthy"
	Unhealthy State = "unhealthy"
	Unused    State = "unused"
	Draining  State = "draining"
)

// Reason codes (TargetHealthReasonEnum).
const (
	ReasonRegistrationInProgress   = "Elb.RegistrationInProgress"
	ReasonInitialHealthChecking    = "Elb.InitialHealthChecking"
	ReasonResponseCodeMismatch     = "Target.ResponseCodeMismatch"
	ReasonTimeout                  = "Target.Timeout"
	ReasonFailedHealthChecks       = "Target.FailedHealthChecks"
	ReasonInternalError            = "Elb.InternalError"
	ReasonNotRegistered            = "Target.NotRegistered"
	ReasonNotInUse                 = "Target.NotInUse"
	ReasonDeregistrationInProgress = "Target.DeregistrationInProgress"
)

// IsFailureReason reports whether reason is one a failing health check can give.
func IsFailureReason(reason string) bool {
	switch reason {
	case ReasonResponseCodeMismatch, ReasonTimeout, ReasonFailedHealthChecks, ReasonInternalError:
		return true
	}
	return false
}

// Description is the TargetHealth.Description ELB shows with a reason (as seen in
// DescribeTargetHealth output); code is the HTTP code for Target.ResponseCodeMismatch.
func Description(reason string, code int) string {
	switch reason {
	case ReasonRegistrationInProgress:
		return "Target registration is in progress"
	case ReasonInitialHealthChecking:
		return "Initial health checks in progress"
	case ReasonResponseCodeMismatch:
		return fmt.Sprintf("Health checks failed with these codes: [%d]", code)
	case ReasonTimeout:
		return "Request timed out"
	case ReasonFailedHealthChecks:
		return "Health checks failed"
	case ReasonInternalError:
		return "Health checks failed due to an internal error"
	case ReasonNotRegistered:
		return "Target is not registered to the target group"
	case ReasonNotInUse:
		return "Target group is not configured to receive traffic from the load balancer"
	case ReasonDeregistrationInProgress:
		return "Target deregistration is in progress"
	}
	return ""
}

// Settings are the target group's health check settings that matter for state changes.
type Settings struct {
	// Interval is HealthCheckIntervalSeconds.
	Interval time.Duration
	// HealthyThreshold is HealthyThresholdCount.
	HealthyThreshold int
	// UnhealthyThreshold is UnhealthyThresholdCount.
	UnhealthyThreshold int
	// RegistrationDelay is how long registration takes before the first check.
	RegistrationDelay time.Duration
	// DeregistrationDelay is deregistration_delay.timeout_seconds.
	DeregistrationDelay time.Duration
}

// Behaviour is what a target answers to health checks over time. The zero value always passes.
type Behaviour struct {
	// Fail makes checks fail from FailFrom on.
	Fail bool
	// FailFrom is when checks start failing (zero: from the start).
	FailFrom time.Time
	// Flap, when positive, alternates from FailFrom: Flap of failing, Flap of passing, ...
	Flap time.Duration
	// Reason is the failure's reason code (default Target.FailedHealthChecks).
	Reason string
}

// failing reports whether a check at `at` fails.
func (b Behaviour) failing(at time.Time) bool {
	if !b.Fail || at.Before(b.FailFrom) {
		return false
	}
	if b.Flap <= 0 {
		return true
	}
	return (at.Sub(b.FailFrom)/b.Flap)%2 == 0
}

// nextChange is the first instant after `at` at which failing can change (zero: never).
func (b Behaviour) nextChange(at time.Time) time.Time {
	if !b.Fail {
		return time.Time{}
	}
	if at.Before(b.FailFrom) {
		return b.FailFrom
	}
	if b.Flap <= 0 {
		return time.Time{}
	}
	n := at.Sub(b.FailFrom) / b.Flap
	return b.FailFrom.Add((n + 1) * b.Flap)
}

func (b Behaviour) reason() string {
	if b.Reason == "" {
		return ReasonFailedHealthChecks
	}
	return b.Reason
}

// Target is one registered target's health record. The zero value plus RegisteredAt is a target
// just registered.
type Target struct {
	// RegisteredAt is when RegisterTargets added the target.
	RegisteredAt time.Time
	// DeregisteredAt is when DeregisterTargets removed it (zero while registered).
	DeregisteredAt time.Time
	// DrainUntil, when set, is when draining ends (the deregistration delay
	// in force at deregistration); zero means DeregisteredAt plus the
	// Settings' delay.
	DrainUntil time.Time
	// State, Reason are the current TargetHealth values.
	State  State
	Reason string
	// Since is when State or Reason last changed.
	Since time.Time
	// FirstCheck is the instant of the first health check (zero until the group is in use).
	FirstCheck time.Time
	// Checks is how many checks have been evaluated (the next is at FirstCheck + Checks*Interval).
	Checks int64
	// Streak counts consecutive equal results: > 0 passes, < 0 failures.
	Streak int
}

// Change is one state or reason change of a target.
type Change struct {
	// At is the instant of the change.
	At time.Time
	// From, To are the states before and after.
	From, To State
	// Reason is the reason code after the change.
	Reason string
}

// Result is what Evaluate decided.
type Result struct {
	// Target is the new record.
	Target Target
	// Changes are the changes since the record's last evaluation, oldest first.
	Changes []Change
	// Removed is true when draining has ended: the target is no longer registered.
	Removed bool
	// NextWakeup is the earliest instant Evaluate must run again even if nothing else changes
	// (zero: never).
	NextWakeup time.Time
}

// Evaluate brings t up to now. inUse says whether the target group is used by a load balancer;
// inUseSince is when it became so (ignored when not in use).
func Evaluate(t Target, s Settings, b Behaviour, inUse bool, inUseSince, now time.Time) Result {
	r := Result{Target: t}
	set := func(at time.Time, st State, reason string) {
		if r.Target.State == st && r.Target.Reason == reason {
			return
		}
		r.Changes = append(r.Changes, Change{At: at, From: r.Target.State, To: st, Reason: reason})
		r.Target.State, r.Target.Reason, r.Target.Since = st, reason, at
	}
	if !t.DeregisteredAt.IsZero() {
		end := t.DeregisteredAt.Add(s.DeregistrationDelay)
		if !t.DrainUntil.IsZero() {
			end = t.DrainUntil
		}
		if t.State == Unused || t.State == "" || !now.Before(end) {
			r.Removed = true
			return r
		}
		set(t.DeregisteredAt, Draining, ReasonDeregistrationInProgress)
		r.NextWakeup = end
		return r
	}
	if !inUse {
		at := now // the group stopped being used now
		if t.State == "" {
			at = t.RegisteredAt
		}
		set(at, Unused, ReasonNotInUse)
		r.Target.FirstCheck, r.Target.Checks, r.Target.Streak = time.Time{}, 0, 0
		return r
	}
	if r.Target.FirstCheck.IsZero() {
		start := maxTime(t.RegisteredAt, inUseSince)
		set(start, Initial, ReasonRegistrationInProgress)
		r.Target.FirstCheck = start.Add(s.RegistrationDelay)
	}
	if now.Before(r.Target.FirstCheck) {
		r.NextWakeup = r.Target.FirstCheck
		return r
	}
	if r.Target.State == Initial && r.Target.Reason == ReasonRegistrationInProgress {
		set(r.Target.FirstCheck, Initial, ReasonInitialHealthChecking)
	}
	interval := max(s.Interval, time.Second)
	hT, uT := max(s.HealthyThreshold, 1), max(s.UnhealthyThreshold, 1)
	checkAt := func(k int64) time.Time { return r.Target.FirstCheck.Add(time.Duration(k) * interval) }
	// Process runs of equal results up to now.
	for {
		at := checkAt(r.Target.Checks)
		if at.After(now) {
			break
		}
		fail := b.failing(at)
		// The run lasts until the behaviour changes or now, whichever is first.
		last := (now.Sub(r.Target.FirstCheck)) / interval // index of the last check <= now
		if nc := b.nextChange(at); !nc.IsZero() {
			// last check strictly before nc
			k := (nc.Sub(r.Target.FirstCheck) - 1) / interval
			if int64(k) < int64(last) {
				last = k
			}
		}
		n := int64(last) - r.Target.Checks + 1
		r.Target.applyRun(n, fail, at, interval, hT, uT, b.reason(), set)
		r.Target.Checks += n
	}
	r.NextWakeup = r.Target.nextStateChange(b, checkAt, interval, hT, uT)
	return r
}

// applyRun applies n equal results starting with the check at `at`.
func (t *Target) applyRun(n int64, fail bool, at time.Time, interval time.Duration, hT, uT int, reason string,
	set func(time.Time, State, string)) {
	if fail {
		if t.Streak > 0 {
			t.Streak = 0
		}
		need := int64(uT + t.Streak) // Streak <= 0
		if t.State != Unhealthy || t.Reason != reason {
			if need <= n {
				set(at.Add(time.Duration(max(need, 1)-1)*interval), Unhealthy, reason)
			}
		}
		t.Streak = -int(min(int64(-t.Streak)+n, int64(uT)))
		return
	}
	if t.Streak < 0 {
		t.Streak = 0
	}
	need := int64(hT - t.Streak)
	if t.State != Healthy && need <= n {
		set(at.Add(time.Duration(max(need, 1)-1)*interval), Healthy, "")
	}
	t.Streak = int(min(int64(t.Streak)+n, int64(hT)))
}

// nextStateChange is the instant of the next check that would change the state if the
// behaviour stays as it is, or the first check after the behaviour's next change (zero: never).
func (t *Target) nextStateChange(b Behaviour, checkAt func(int64) time.Time, interval time.Duration, hT, uT int) time.Time {
	k := t.Checks
	at := checkAt(k)
	fail := b.failing(at)
	var need int64
	switch {
	case fail && (t.State != Unhealthy || t.Reason != b.reason()):
		need = int64(uT + min(t.Streak, 0))
	case !fail && t.State != Healthy:
		need = int64(hT - max(t.Streak, 0))
	}
	nc := b.nextChange(at)
	if need > 0 {
		when := checkAt(k + need - 1)
		if nc.IsZero() || when.Before(nc) {
			return when
		}
	}
	if nc.IsZero() {
		return time.Time{}
	}
	// The first check at or after nc.
	d := nc.Sub(t.FirstCheck)
	idx := int64((d + interval - 1) / interval)
	return checkAt(idx)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
