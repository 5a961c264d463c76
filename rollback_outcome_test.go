package ecsdeploy

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// revivedRollout is ECS's circuit-breaker shape (developer guide,
// "deployment circuit breaker"): from read failAt on, our ecs-svc/2 is
// FAILED and the last COMPLETED deployment ecs-svc/1 is revived (same id,
// PRIMARY, IN_PROGRESS, "rolling back to deploymentId ecs-svc/1."), and
// from read doneAt on (never when 0) it is COMPLETED alone.
func revivedRollout(failAt, doneAt int) *scripted {
	return rollout(func(n int) (*types.Service, error) {
		switch {
		case n < failAt:
			return svcWith(2, 2, dep("ecs-svc/2", "PRIMARY", "web:2", inProgress, 2, 0), dep("ecs-svc/1", "ACTIVE", "web:1", completed, 2, 2)), nil
		case doneAt == 0 || n < doneAt:
			return svcWith(2, 2,
				withReason(dep("ecs-svc/1", "PRIMARY", "web:1", inProgress, 2, 2), "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1."),
				withReason(dep("ecs-svc/2", "ACTIVE", "web:2", failed, 0, 0), "ECS deployment circuit breaker: tasks failed to start.")), nil
		}
		return svcWith(2, 2, dep("ecs-svc/1", "PRIMARY", "web:1", completed, 2, 2)), nil
	})
}

// Issue #12.6: a circuit-breaker rollback is reported as started until
// it completed; WithRollback waits for it (bounded by its own timeout) and
// says which happened; the revived deployment's id is the rollback's.
func TestRollbackOutcomeStartedVersusCompleted(t *testing.T) {
	for _, c := range []struct {
		name        string
		doneAt      int
		opts        []Option
		wantDone    bool
		wantState   types.DeploymentRolloutState
		wantTimeout bool
		wantReads   int
		wantText    string
	}{
		{"without WithRollback: returns at the failure, rollback started", 4, nil, false, inProgress, false, 4,
			"; rollback (circuit-breaker) to web:1 (deployment ecs-svc/1) started, IN_PROGRESS when last read"},
		{"WithRollback: waits until the rollback completed", 4, []Option{WithRollback()}, true, completed, false, 5,
			"; rolled back (circuit-breaker) to web:1 (deployment ecs-svc/1), rollback COMPLETED"},
		{"WithRollback, rollback never completes: its own timeout", 0, []Option{WithRollback(), WithTimeout(10 * time.Minute)}, false, inProgress, true, 0,
			"started, not completed: waiting for rollback deployment ecs-svc/1 to complete: timed out"},
		{"WithRollbackNoWait: returns once it started", 4, []Option{WithRollback(), WithRollbackNoWait()}, false, inProgress, false, 4,
			"started, IN_PROGRESS when last read"},
	} {
		t.Run(c.name, func(t *testing.T) {
			api := revivedRollout(3, c.doneAt)
			var buf bytes.Buffer
			r := NewTextRenderer(&buf)
			r.TimeFormat = ""
			clock := newStepClock()
			start := clock.Now()
			_, err := New(api, WithClock(clock), WithEvents(r.Render)).Deploy(t.Context(), DeployInput{Service: "web", Image: "bad:1"}, c.opts...)
			var df *DeploymentFailedError
			if !errors.As(err, &df) {
				t.Fatalf("err = %v", err)
			}
			if !df.RollbackStarted || df.RolledBack != c.wantDone || df.RollbackState != c.wantState || df.RollbackDeploymentID != "ecs-svc/1" ||
				df.RollbackBy != "circuit-breaker" || shortTD(df.RollbackTaskDefinition) != "web:1" {
				t.Errorf("rollback: started %v completed %v state %s id %s by %q to %s", df.RollbackStarted, df.RolledBack, df.RollbackState,
					df.RollbackDeploymentID, df.RollbackBy, df.RollbackTaskDefinition)
			}
			if got := errors.Is(df.RollbackErr, ErrTimeout); got != c.wantTimeout {
				t.Errorf("RollbackErr = %v, want a timeout: %v", df.RollbackErr, c.wantTimeout)
			}
			if c.wantTimeout {
				if took := clock.Now().Sub(start); took > 2*10*time.Minute+reportGrace {
					t.Errorf("took %v: the deploy's and the rollback's timeouts are 10 min each", took)
				}
			} else if n := api.calls["DescribeServices"]; n != c.wantReads {
				t.Errorf("%d DescribeServices, want %d (no read beyond what the wait needs)", n, c.wantReads)
			}
			if !strings.Contains(err.Error(), c.wantText) {
				t.Errorf("Error() = %q, want it to contain %q", err, c.wantText)
			}
			out := buf.String()
			if !strings.Contains(out, "rollback (circuit-breaker) of service web to web:1 (deployment ecs-svc/1) started, IN_PROGRESS") {
				t.Errorf("renderer output lacks the rollback start:\n%s", out)
			}
			if got := strings.Contains(out, "rollback (circuit-breaker) of service web to web:1 (deployment ecs-svc/1) completed"); got != c.wantDone {
				t.Errorf("renderer reports the rollback completed: %v, want %v:\n%s", got, c.wantDone, out)
			}
		})
	}
}
