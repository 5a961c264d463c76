// Package plan is the pure scheduling planner of the fake ECS service
// scheduler, modelled on Nomad's reconciler: Compute takes a Snapshot of one
// service (its deployments, its tasks and the current time) and returns a
// Plan of actions (tasks to start and stop, deployment changes, a rollback
// deployment to create, service events, marks and the next wake-up time).
//
// Compute has no clock, no randomness and no side effects; the fake applies
// the Plan. Failures are counted exactly once between successive calls
// because the Snapshot carries per-task marks (Task.FailureCounted,
// Task.HealthyCounted) that the Plan asks the applier to set.
//
// The rules follow the Amazon ECS Developer Guide ("Deploy Amazon ECS
// services by replacing tasks", "How the Amazon ECS deployment circuit
// breaker detects failures", "Amazon ECS service throttle logic") as
// summarised in shared/ECS-SEMANTICS.md.
package plan
