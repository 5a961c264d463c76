package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// Service events are stamped strictly increasing in the order they
// happened, even when one scheduler pass writes several (a breaker trip
// writes "deployment failed" then "rolling back" at one instant). ECS
// stamps each event itself: published service event logs show "deployment
// failed" at …52.148 and "rolling back" at …52.149. Tools that print only
// events newer than the last they printed rely on it (issue #18.1).
func TestServiceEventsStrictlyIncreasingTimestamps(t *testing.T) {
	e, td1, goodID, badID := badRollout(t)
	stepUntil(t, e, time.Second, 30*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
	s := svc(t, e, "web")
	at := map[string]time.Time{}
	for i, ev := range s.Events {
		at[aws.ToString(ev.Message)] = aws.ToTime(ev.CreatedAt)
		if i > 0 && !ev.CreatedAt.Before(aws.ToTime(s.Events[i-1].CreatedAt)) {
			t.Fatalf("event %d %q at %v is not older than event %d %q at %v", i, aws.ToString(ev.Message),
				aws.ToTime(ev.CreatedAt), i-1, aws.ToString(s.Events[i-1].Message), aws.ToTime(s.Events[i-1].CreatedAt))
		}
	}
	failed, rolling := at[plan.DeploymentFailedEvent("web", badID)], at[plan.RollingBackEvent("web", goodID)]
	if failed.IsZero() || rolling.IsZero() {
		t.Fatalf("missing the failed/rolling-back events in %q", eventTexts(s))
	}
	if !failed.Before(rolling) || rolling.Sub(failed) > time.Second {
		t.Fatalf("deployment failed at %v, rolling back at %v: want failed first, apart by a few ms", failed, rolling)
	}
}
