package ecsdeploy

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

const (
	inProgress = types.DeploymentRolloutStateInProgress
	completed  = types.DeploymentRolloutStateCompleted
	failed     = types.DeploymentRolloutStateFailed
)

func TestDeploymentOutcomeMatchesOurDeployment(t *testing.T) {
	ours := "ecs-svc/2"
	oldActive := dep("ecs-svc/1", "ACTIVE", "web:1", completed, 2, 2)
	cases := []struct {
		name         string
		svc          *types.Service
		want         outcomeKind
		rolledBackTo string // task definition
	}{
		{"in progress", svcWith(2, 2, dep(ours, "PRIMARY", "web:2", inProgress, 2, 1), oldActive), outcomePending, ""},
		{"COMPLETED is success", svcWith(2, 2, dep(ours, "PRIMARY", "web:2", completed, 2, 2)), outcomeCompleted, ""},
		{"COMPLETED while the old one drains is success", svcWith(2, 3, dep(ours, "PRIMARY", "web:2", completed, 2, 2), oldActive), outcomeCompleted, ""},
		{"FAILED without rollback fails fast", svcWith(2, 2, withReason(dep(ours, "PRIMARY", "web:2", failed, 2, 0), "ECS deployment circuit breaker: tasks failed to start."), oldActive), outcomeFailed, ""},
		{"FAILED with circuit breaker rollback", svcWith(2, 2,
			withReason(dep("ecs-svc/3", "PRIMARY", "web:1", inProgress, 2, 0), "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1."),
			withReason(dep(ours, "ACTIVE", "web:2", failed, 2, 0), "ECS deployment circuit breaker: tasks failed to start."), oldActive), outcomeFailed, "web:1"},
		{"gone, rollback PRIMARY", svcWith(2, 2,
			withReason(dep("ecs-svc/3", "PRIMARY", "web:1", completed, 2, 2), "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.")), outcomeFailed, "web:1"},
		{"replaced by someone else's deployment", svcWith(2, 2, dep("ecs-svc/9", "PRIMARY", "web:5", inProgress, 2, 0), dep(ours, "ACTIVE", "web:2", inProgress, 2, 1)), outcomeFailed, ""},
		{"no rollout state: steady single deployment", svcWith(2, 2, dep(ours, "PRIMARY", "web:2", "", 2, 2)), outcomeCompleted, ""},
		{"no rollout state: still two deployments", svcWith(2, 2, dep(ours, "PRIMARY", "web:2", "", 2, 2), oldActive), outcomePending, ""},
		{"no deployments at all", svcWith(2, 0), outcomeFailed, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := deploymentOutcome(c.svc, ours)
			if o.kind != c.want {
				t.Errorf("kind = %d, want %d (reason %q)", o.kind, c.want, o.reason)
			}
			got := ""
			if o.rolledBackTo != nil {
				got = shortTD(valueOf(o.rolledBackTo.TaskDefinition))
			}
			if got != c.rolledBackTo {
				t.Errorf("rolledBackTo = %q, want %q", got, c.rolledBackTo)
			}
			if o.kind == outcomeFailed && o.reason == "" {
				t.Error("failure without a reason")
			}
		})
	}
}

func TestSteadyOutcomeNeedsSingleCompletedPrimaryAtDesiredCount(t *testing.T) {
	cases := []struct {
		name string
		svc  *types.Service
		want outcomeKind
	}{
		{"steady", svcWith(3, 3, dep("ecs-svc/1", "PRIMARY", "web:1", completed, 3, 3)), outcomeCompleted},
		{"scaling up: COMPLETED but short of tasks", svcWith(3, 1, dep("ecs-svc/1", "PRIMARY", "web:1", completed, 3, 1)), outcomePending},
		{"two deployments", svcWith(1, 2, dep("ecs-svc/2", "PRIMARY", "web:2", completed, 1, 1), dep("ecs-svc/1", "ACTIVE", "web:1", completed, 1, 1)), outcomePending},
		{"rollout in progress", svcWith(1, 1, dep("ecs-svc/1", "PRIMARY", "web:1", inProgress, 1, 1)), outcomePending},
		{"primary FAILED", svcWith(1, 0, dep("ecs-svc/1", "PRIMARY", "web:1", failed, 1, 0)), outcomeFailed},
		{"scaled to zero", svcWith(0, 0, dep("ecs-svc/1", "PRIMARY", "web:1", completed, 0, 0)), outcomeCompleted},
		{"no primary", svcWith(0, 0), outcomePending},
	}
	for _, c := range cases {
		if got := steadyOutcome(c.svc).kind; got != c.want {
			t.Errorf("%s: kind = %d, want %d", c.name, got, c.want)
		}
	}
}

func TestScaleToZeroWaitsForEveryDeploymentToDrain(t *testing.T) {
	cases := []struct {
		name string
		svc  *types.Service
		want outcomeKind
	}{
		{"drained", svcWith(0, 0, dep("ecs-svc/1", "PRIMARY", "web:1", completed, 0, 0)), outcomeCompleted},
		{"FAILED primary drained", svcWith(0, 0, dep("ecs-svc/1", "PRIMARY", "web:1", failed, 0, 0)), outcomeCompleted},
		{"old deployment still running", svcWith(0, 0, dep("ecs-svc/2", "PRIMARY", "web:2", failed, 0, 0), dep("ecs-svc/1", "ACTIVE", "web:1", completed, 0, 1)), outcomePending},
		{"service still running", svcWith(0, 1, dep("ecs-svc/1", "PRIMARY", "web:1", completed, 0, 1)), outcomePending},
	}
	for _, c := range cases {
		if got := drainedOutcome(c.svc).kind; got != c.want {
			t.Errorf("%s: kind = %d, want %d", c.name, got, c.want)
		}
	}
}

// TestAlarmFailedDeploymentReasonSaysAlarm: when ECS's service event
// "(deployment ID) deployment failed: alarm detected." is all that is left
// (the failed deployment already left the list), the reason says the
// deployment alarms failed it, not the circuit breaker; a circuit-breaker
// event still reads as the circuit breaker ("How CloudWatch alarms detect
// Amazon ECS deployment failures": either method can fail a deployment).
func TestAlarmFailedDeploymentReasonSaysAlarm(t *testing.T) {
	ours := "ecs-svc/2"
	for _, c := range []struct{ event, want string }{
		{"(service web) (deployment ecs-svc/2) deployment failed: alarm detected.", "ECS deployment alarms: alarm detected."},
		{"(service web) (deployment ecs-svc/2) deployment failed: tasks failed to start.", "ECS deployment circuit breaker: tasks failed to start."},
	} {
		svc := svcWith(2, 2, dep("ecs-svc/1", "PRIMARY", "web:1", inProgress, 2, 2))
		svc.Events = []types.ServiceEvent{{Message: &c.event}}
		o := deploymentOutcome(svc, ours)
		if o.kind != outcomeFailed || o.reason != c.want {
			t.Errorf("%q: kind %d reason %q, want failed %q", c.event, o.kind, o.reason, c.want)
		}
		if got := o.byAlarm; got != strings.HasPrefix(c.want, "ECS deployment alarms") {
			t.Errorf("%q: byAlarm = %v", c.event, got)
		}
	}
	// A FAILED deployment whose rolloutStateReason does not name alarms
	// (ECS's own wording is not published) still counts as failed by an
	// alarm when ECS's event says so.
	ev := "(service web) (deployment ecs-svc/2) deployment failed: alarm detected."
	svc := svcWith(2, 2,
		withReason(dep("ecs-svc/1", "PRIMARY", "web:1", inProgress, 2, 2), "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1."),
		withReason(dep(ours, "ACTIVE", "web:2", failed, 0, 0), "some other wording"))
	svc.Events = []types.ServiceEvent{{Message: &ev}}
	if o := deploymentOutcome(svc, ours); o.kind != outcomeFailed || !o.byAlarm || o.rolledBackTo == nil {
		t.Errorf("FAILED with the alarm event: kind %d byAlarm %v rolledBackTo %v", o.kind, o.byAlarm, o.rolledBackTo)
	}
}
