package fake

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/alarm"
	"github.com/ecsdeploy/ecsdeploy/fake/internal/scaling"
)

// runPolicyLocked runs the policy with ARN arn because alarm a is in ALARM:
// the pure core proposes a capacity (target tracking: proportional to the
// metric; step scaling: the step containing metric − threshold) and
// decides whether it applies (bounds, suspension, cooldowns); the service's
// desired count changes like an UpdateService and an activity records it.
func (e *ECS) runPolicyLocked(arn string, a *metricAlarm, now time.Time) {
	p := e.aas.policies[arn]
	if p == nil {
		return
	}
	t := p.t
	s := e.serviceOfTargetLocked(t.cluster, t.service)
	if s == nil {
		return
	}
	value, ok := e.alarmValueLocked(a, now)
	cur := s.desired
	tg := scaling.Target{Current: cur, Min: t.min, Max: t.max,
		InSuspended: aws.ToBool(t.suspended.DynamicScalingInSuspended), OutSuspended: aws.ToBool(t.suspended.DynamicScalingOutSuspended),
		LastScaleOut: p.lastOut, LastScaleIn: p.lastIn, OutBase: p.outBase}
	var proposed int
	switch {
	case p.tt != nil:
		if !ok {
			return // no datapoint to track (an alarm forced with SetAlarmState)
		}
		tg.ScaleOutCooldown = cooldown(p.tt.ScaleOutCooldown)
		tg.ScaleInCooldown = cooldown(p.tt.ScaleInCooldown)
		tg.DisableScaleIn = aws.ToBool(p.tt.DisableScaleIn)
		proposed = scaling.TargetTracking(cur, value, *p.tt.TargetValue)
		if proposed > cur {
			proposed = scaling.TargetTracking(scaling.Base(tg, now), value, *p.tt.TargetValue)
			proposed = max(proposed, cur) // never a scale-in from the high alarm
		}
		// The high alarm only scales out and the low alarm only scales in.
		if a.cfg.Comparison == alarm.Greater && proposed < cur || a.cfg.Comparison == alarm.Less && proposed > cur {
			proposed = cur
		}
	case p.step != nil:
		tg.ScaleOutCooldown = cooldown(p.step.Cooldown)
		tg.ScaleInCooldown = tg.ScaleOutCooldown
		delta := 0.0
		if ok {
			delta = value - a.cfg.Threshold
		}
		steps := make([]scaling.Step, len(p.step.StepAdjustments))
		for i, sa := range p.step.StepAdjustments {
			steps[i] = scaling.Step{Lower: sa.MetricIntervalLowerBound, Upper: sa.MetricIntervalUpperBound, Adjustment: int(aws.ToInt32(sa.ScalingAdjustment))}
		}
		st, found := scaling.StepFor(steps, delta)
		if !found {
			return
		}
		base := cur
		if st.Adjustment > 0 || p.step.AdjustmentType == aastypes.AdjustmentTypeExactCapacity {
			base = scaling.Base(tg, now)
		}
		proposed = scaling.StepCapacity(base, scaling.AdjustmentType(p.step.AdjustmentType), st.Adjustment, int(aws.ToInt32(p.step.MinAdjustmentMagnitude)))
		if st.Adjustment > 0 && proposed < cur {
			proposed = cur // a scale-out step never scales in
		}
	default:
		return
	}
	d := scaling.Decide(tg, proposed, now)
	cause := fmt.Sprintf("monitor alarm %s in state ALARM triggered policy %s", a.name, p.name)
	if !d.Scale {
		if proposed != cur {
			e.addActivityLocked(t, aastypes.ScalingActivity{
				Description: aws.String(fmt.Sprintf("Setting desired count to %d.", scaling.Clamp(proposed, t.min, t.max))),
				Cause:       aws.String(cause), StatusCode: aastypes.ScalingActivityStatusCodeFailed,
				StatusMessage:    aws.String("Failed to set desired count: " + d.NotScaled),
				NotScaledReasons: []aastypes.NotScaledReason{{Code: aws.String(d.NotScaled), CurrentCapacity: aws.Int32(int32(cur))}},
				EndTime:          aws.Time(now),
			}, now)
		}
		return
	}
	if d.New > cur {
		p.lastOut, p.outBase = now, cur
	} else {
		p.lastIn = now
	}
	e.scaleServiceLocked(t, s, d.New, cause, now)
}

// cooldown is a policy cooldown in seconds, defaulting to ECS's 300 s.
func cooldown(sec *int32) time.Duration {
	if sec == nil {
		return defaultECSCooldown
	}
	return time.Duration(*sec) * time.Second
}

// alarmValueLocked is the newest datapoint of a's evaluation range.
func (e *ECS) alarmValueLocked(a *metricAlarm, now time.Time) (float64, bool) {
	ser, _ := e.seriesLocked(a.ns, a.metric, a.dims)
	starts := alarm.Range(a.cfg, now)
	for i := len(starts) - 1; i >= 0; i-- {
		if v, ok := aggregate(ser, starts[i], a.cfg.Period, a.stat); ok {
			return v, true
		}
	}
	return 0, false
}
