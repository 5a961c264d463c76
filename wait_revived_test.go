package ecsdeploy

import (
	"testing"
)

// ECS's rollback revives the last COMPLETED deployment (developer guide,
// "deployment circuit breaker"): the PRIMARY is the old deployment itself,
// IN_PROGRESS, "rolling back to deploymentId <its own id>", next to ours
// FAILED; once done, ours leaves the list and the revived one reads
// "completed". Both readings are a failure rolled back to the old revision.
func TestDeploymentOutcomeRecognisesRevivedRollback(t *testing.T) {
	ours := "ecs-svc/2"
	revived := withReason(dep("ecs-svc/1", "PRIMARY", "web:1", inProgress, 2, 2), "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.")
	failedOurs := withReason(dep(ours, "ACTIVE", "web:2", failed, 2, 0), "ECS deployment circuit breaker: tasks failed to start.")
	during := svcWith(2, 2, revived, failedOurs)
	o := deploymentOutcome(during, ours)
	if o.kind != outcomeFailed || o.rolledBackTo == nil || valueOf(o.rolledBackTo.Id) != "ecs-svc/1" || valueOf(o.rolledBackTo.TaskDefinition) != tdArn+"web:1" {
		t.Fatalf("during the rollback: %+v", o)
	}
	done := svcWith(2, 2, withReason(dep("ecs-svc/1", "PRIMARY", "web:1", completed, 2, 2), "ECS deployment ecs-svc/1 completed."))
	done.Events = append(done.Events,
		svcEvent("e2", *revived.CreatedAt, "(service web) rolling back to deployment ecs-svc/1."),
		svcEvent("e1", *revived.CreatedAt, "(service web) (deployment ecs-svc/2) deployment failed: tasks failed to start."))
	o = deploymentOutcome(done, ours)
	if o.kind != outcomeFailed || o.rolledBackTo == nil || valueOf(o.rolledBackTo.Id) != "ecs-svc/1" ||
		o.reason != "ECS deployment circuit breaker: tasks failed to start." {
		t.Fatalf("after the rollback: %+v", o)
	}
}
