package fake

import (
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// deploymentAlarmLocked is called when alarm a goes to ALARM: every ACTIVE
// service whose deploymentConfiguration.alarms is enabled and names a, and
// whose PRIMARY deployment is IN_PROGRESS, gets the alarm as an input of
// its next plan (the planner fails the deployment and rolls back when
// asked). Only a transition during the deployment counts: an alarm already
// in ALARM when the deployment starts does not fail it (aws/copilot-cli
// documents this: "rollback alarms are ignored if already in alarm state").
func (e *ECS) deploymentAlarmLocked(a *metricAlarm, now time.Time) {
	for _, s := range e.svcOrder {
		al := s.deployCfg.Alarms
		if s.status != serviceActive || al == nil || !al.Enable || !slices.Contains(al.AlarmNames, a.name) {
			continue
		}
		if p := s.primary(); p == nil || p.rolloutState != types.DeploymentRolloutStateInProgress {
			continue
		}
		if s.alarm.Name == "" {
			s.alarm = plan.DeploymentAlarm{Name: a.name, Rollback: al.Rollback}
		}
		e.wakeServiceLocked(s, now)
	}
}

// takeAlarm returns s's pending deployment alarm for the planner and
// clears it (a transition is counted once).
func (s *service) takeAlarm() plan.DeploymentAlarm {
	a := s.alarm
	s.alarm = plan.DeploymentAlarm{}
	return a
}
