package fake

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
)

// pendingScaling is the scaling activity that last set a service's desired
// count, while ECS has not yet fulfilled it.
type pendingScaling struct {
	target     *scalableTarget
	activityID string
	count      int // the desired count it set
}

// settleScalingLocked ends s's InProgress scaling activity once ECS has
// fulfilled the change: the service runs exactly the desired count the
// activity set, nothing more starting or stopping. The activity becomes
// Successful with "Successfully set desired count to N. Change
// successfully fulfilled by ecs." and its EndTime (Application Auto
// Scaling User Guide, "Scaling activities for Application Auto Scaling":
// the example ECS activity ends 34 s after it started). Called after every
// plan of s, so it costs nothing while no activity waits.
func (e *ECS) settleScalingLocked(s *service, now time.Time) {
	p := s.scaling
	if p.activityID == "" {
		return
	}
	running, live := 0, 0
	for _, t := range s.tasks {
		if t.lastStatus == statusStopped {
			continue
		}
		live++
		if t.lastStatus == statusRunning {
			running++
		}
	}
	if running != p.count || live != p.count {
		return
	}
	s.scaling = pendingScaling{}
	p.target.endActivity(p.activityID, aastypes.ScalingActivityStatusCodeSuccessful,
		fmt.Sprintf("Successfully set desired count to %d. Change successfully fulfilled by ecs.", p.count), now)
}

// overrideScalingLocked ends s's InProgress activity as Overridden when a
// newer activity sets another desired count before ECS fulfilled it (the
// first change is never reached; Overridden is one of the documented
// StatusCode values, its use here the fake's choice).
func (e *ECS) overrideScalingLocked(s *service, now time.Time) {
	p := s.scaling
	if p.activityID == "" {
		return
	}
	s.scaling = pendingScaling{}
	p.target.endActivity(p.activityID, aastypes.ScalingActivityStatusCodeOverridden,
		fmt.Sprintf("Desired count %d was overridden before it was fulfilled by ecs.", p.count), now)
}

// endActivity sets the final status of t's activity id (newest first: the
// one ending is almost always among the last).
func (t *scalableTarget) endActivity(id string, code aastypes.ScalingActivityStatusCode, msg string, now time.Time) {
	for i := len(t.activities) - 1; i >= 0; i-- {
		a := &t.activities[i]
		if aws.ToString(a.ActivityId) == id {
			a.StatusCode, a.StatusMessage, a.EndTime = code, aws.String(msg), aws.Time(now)
			return
		}
	}
}
