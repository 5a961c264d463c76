package fake

import (
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// deploymentAlarmLocked is called when alarm a goes to ALARM: every ACTIVE
// service whose deploymentConfiguration.alarms is enabled and names a, and
// whose PRIMARY deployment is IN_PROGRESS (rolling out or baking: the
// bake time, plan/bake.go), gets the alarm as an input of
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

// minBake is the shortest bake time of the fake's model (bakeLocked): one
// standard-resolution alarm period, the shortest evaluation an alarm the
// fake accepts can have; it is the whole bake when no named alarm exists.
const minBake = time.Minute

// bakeLocked is the bake time of s's deployments for the planner
// (plan.Service.Bake): zero unless deploymentConfiguration.alarms is
// enabled; Timing.Bake when set; else the fake's model: the longest
// evaluation time (Period x EvaluationPeriods) of the named alarms that
// exist now, at least minBake. ECS computes the bake "based on the alarm
// configuration associated with the deployment" (ECS Developer Guide, "How
// CloudWatch alarms detect Amazon ECS deployment failures") and does not
// publish the formula; an AWS Copilot maintainer wrote that it "is based on
// the evaluation time of the alarm(s)", the longest when they differ
// (aws/copilot-cli pull request #4294), which is what the model follows.
func (e *ECS) bakeLocked(s *service) time.Duration {
	al := s.deployCfg.Alarms
	if al == nil || !al.Enable {
		return 0
	}
	if b := e.cfg.timing.Bake; b > 0 {
		return b
	}
	bake := minBake
	for _, name := range al.AlarmNames {
		if a := e.cw.alarms[name]; a != nil { // deleted and replaced alarms leave the map (cloudwatch_alarms.go)
			bake = max(bake, a.cfg.Period*time.Duration(a.cfg.EvaluationPeriods))
		}
	}
	return bake
}
