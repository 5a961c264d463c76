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
// What the applier (the fake) does with a Plan, in this order:
//
//  1. For each DeploymentUpdate, copy every field onto the deployment and set
//     its updatedAt to Snapshot.Now.
//  2. If RolledBackTo is set (a circuit-breaker rollback revived that
//     deployment: its update makes it PRIMARY and IN_PROGRESS again, same
//     id, same tasks), apply marks and events and call Compute again at
//     once; the plan that asked for it starts and stops nothing.
//  3. Set the flags of every TaskMark on its task (flags are never cleared).
//  4. Store Plan.Service as Service.Marks.
//  5. For each Stop, set the task's desiredStatus to STOPPED with the given
//     stopCode and stoppedReason.
//  6. For each Start, place and launch Count tasks (startedBy = deployment
//     id, group = "service:NAME"), emitting StartedTasksEvent for those placed
//     and UnableToPlaceEvent for the first one that cannot be placed; add
//     the tasks not placed to the deployment's PlacementFailures and call
//     Compute again (it counts them toward the breaker and the throttle).
//  7. Append Plan.Events in order (each newest so far).
//  8. Call Compute again at NextWakeup (if not zero) and whenever a task of
//     the service or the service itself changes. STOPPED tasks must stay in
//     the Snapshot at least until they carry FailureCounted or have been seen
//     by one Compute.
//
// The rules follow the Amazon ECS Developer Guide ("Deploy Amazon ECS
// services by replacing tasks", "How the Amazon ECS deployment circuit
// breaker detects failures", "Amazon ECS service throttle logic") as
// summarised in shared/ECS-SEMANTICS.md.
package plan
