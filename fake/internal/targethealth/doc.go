// Package targethealth is the pure core of Elastic Load Balancing target health: given a
// target's record, its target group's health check settings, what the target answers to checks
// (a Behaviour, decided by the fake's faults) and the current time, Evaluate returns the new
// record, the state changes that happened (each at the instant of the check that caused it) and
// NextWakeup, the earliest instant anything can change again. Nothing here touches state, clocks
// or locks; the fake applies a Result in one place and wakes the target at NextWakeup.
//
// It is event-driven: Evaluate jumps over runs of identical check results arithmetically, so its
// cost follows state changes and Behaviour changes, never the number of checks. A healthy target
// whose Behaviour never changes has no NextWakeup at all.
//
// The rules, from the Elastic Load Balancing user guides ("Health checks for Application Load
// Balancer target groups", "... for Network Load Balancer target groups") and the API Reference
// (TargetHealth, TargetHealthStateEnum):
//
//   - A target registered with a target group that is not used by any load balancer (no listener
//     or rule forwards to it) is unused, reason Target.NotInUse; no checks run.
//   - Otherwise it is initial, reason Elb.RegistrationInProgress until registration completes
//     (Settings.RegistrationDelay after registration or after the group came into use), then
//     Elb.InitialHealthChecking while the load balancer sends the first checks.
//   - Checks run every Interval from the end of registration. HealthyThreshold consecutive
//     passes make the target healthy (no reason); UnhealthyThreshold consecutive failures make it
//     unhealthy with the failure's reason (Target.ResponseCodeMismatch, Target.Timeout,
//     Target.FailedHealthChecks, Elb.InternalError). One result of the other kind resets the
//     streak. An initial target that fails becomes unhealthy the same way.
//   - A deregistered target is draining, reason Target.DeregistrationInProgress, for the
//     deregistration delay; then it is removed (a later DescribeTargetHealth naming it says
//     unused, Target.NotRegistered). Deregistering an unused target removes it at once.
package targethealth
