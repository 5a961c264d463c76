package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
)

func activities(t *testing.T, e *ECS) []aastypes.ScalingActivity {
	t.Helper()
	out, err := e.AutoScaling().DescribeScalingActivities(bg, &applicationautoscaling.DescribeScalingActivitiesInput{
		ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: aws.String("service/default/web")})
	if err != nil {
		t.Fatal(err)
	}
	return out.ScalingActivities
}

// TestScalingActivityIsInProgressUntilECSFulfilsIt: an activity that sets
// the desired count is InProgress (no EndTime, no StatusMessage) until the
// service runs that many tasks, then Successful with "Successfully set
// desired count to N. Change successfully fulfilled by ecs." and its
// EndTime (Application Auto Scaling User Guide, "Scaling activities for
// Application Auto Scaling": the example ECS activity's StatusMessage, and
// an EndTime 34 s after its StartTime; API Reference, ScalingActivity:
// StatusCode Pending | InProgress | Successful | Overridden | Unfulfilled |
// Failed). A newer activity before the first is fulfilled overrides it.
func TestScalingActivityIsInProgressUntilECSFulfilsIt(t *testing.T) {
	e := scalingWorld(t, 2)
	registerTarget(t, e, 5, 10) // min 5 raises the desired count to 5 at once
	acts := activities(t, e)
	if len(acts) != 1 {
		t.Fatalf("%d activities, want 1", len(acts))
	}
	a := acts[0]
	if a.StatusCode != aastypes.ScalingActivityStatusCodeInProgress || a.EndTime != nil || a.StatusMessage != nil ||
		aws.ToString(a.Description) != "Setting desired count to 5." || aws.ToString(a.Cause) != "minimum capacity was set to 5" {
		t.Fatalf("new activity %s end %v message %v %q %q", a.StatusCode, a.EndTime, a.StatusMessage, aws.ToString(a.Description), aws.ToString(a.Cause))
	}
	start := *a.StartTime
	for range 120 {
		if s := svc(t, e, "web"); s.RunningCount == 5 && s.PendingCount == 0 {
			break
		}
		if a := activities(t, e)[0]; a.StatusCode != aastypes.ScalingActivityStatusCodeInProgress {
			t.Fatalf("activity %s before the service ran 5 tasks", a.StatusCode)
		}
		e.Advance(time.Second)
	}
	a = activities(t, e)[0]
	if a.StatusCode != aastypes.ScalingActivityStatusCodeSuccessful || a.EndTime == nil || !a.EndTime.After(start) ||
		aws.ToString(a.StatusMessage) != "Successfully set desired count to 5. Change successfully fulfilled by ecs." {
		t.Fatalf("fulfilled activity %s end %v (start %v) %q", a.StatusCode, a.EndTime, start, aws.ToString(a.StatusMessage))
	}
	// Two changes at one instant: the first is never reached, Overridden.
	registerTarget(t, e, 7, 10)
	registerTarget(t, e, 2, 3)
	acts = activities(t, e)
	if len(acts) != 3 {
		t.Fatalf("%d activities, want 3", len(acts))
	}
	var first, second aastypes.ScalingActivity
	for _, a := range acts[:2] { // same StartTime: find them by description
		switch aws.ToString(a.Description) {
		case "Setting desired count to 7.":
			first = a
		case "Setting desired count to 3.":
			second = a
		}
	}
	if first.StatusCode != aastypes.ScalingActivityStatusCodeOverridden || first.EndTime == nil ||
		second.StatusCode != aastypes.ScalingActivityStatusCodeInProgress || second.EndTime != nil {
		t.Fatalf("overridden %s, newer %s", first.StatusCode, second.StatusCode)
	}
	for range 120 {
		if activities(t, e)[0].StatusCode == aastypes.ScalingActivityStatusCodeSuccessful {
			break
		}
		e.Advance(time.Second)
	}
	if c := countSvcTasks(e, "web"); c.live != 3 {
		t.Fatalf("%d live tasks after scale-in, want 3", c.live)
	}
	if a := activities(t, e)[0]; a.StatusCode != aastypes.ScalingActivityStatusCodeSuccessful ||
		aws.ToString(a.StatusMessage) != "Successfully set desired count to 3. Change successfully fulfilled by ecs." {
		t.Fatalf("scale-in activity %s %q", a.StatusCode, aws.ToString(a.StatusMessage))
	}
}
