package chaos

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// Scaling services (issue #16): every Config.ScalingEvery-th service has a
// scalable target (min 1, max 1.5×base) and a CPU target-tracking policy
// at 60 %, and a load of about its base count's worth; the runner's
// "scale" action on it changes the load instead of the desired count (the
// scaler owns it) or fires its deployment alarm (an error burst).

// scalingTarget registers s's scalable target and policy and sets its
// initial load.
func (r *runner) scalingTarget(ctx context.Context, s *svcState) error {
	id := "service/" + Cluster + "/" + s.name
	s.minCap, s.maxCap = 1, max(2, s.base+s.base/2) // within the capacity the runner's own scale actions use
	x := r.e.AutoScaling()
	if _, err := x.RegisterScalableTarget(ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(id),
		MinCapacity: aws.Int32(s.minCap), MaxCapacity: aws.Int32(s.maxCap)}); err != nil {
		return fmt.Errorf("RegisterScalableTarget %s: %w", s.name, err)
	}
	if _, err := x.PutScalingPolicy(ctx, &aas.PutScalingPolicyInput{PolicyName: aws.String("cpu60"), ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, ResourceId: aws.String(id), PolicyType: aastypes.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &aastypes.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(60),
			PredefinedMetricSpecification: &aastypes.PredefinedMetricSpecification{PredefinedMetricType: aastypes.MetricTypeECSServiceAverageCPUUtilization},
			ScaleOutCooldown:              aws.Int32(120), ScaleInCooldown: aws.Int32(300)}}); err != nil {
		return fmt.Errorf("PutScalingPolicy %s: %w", s.name, err)
	}
	// The deployment alarm CreateService named (world.go): more than 5
	// errors a minute on Chaos/Errors for the service.
	if _, err := r.e.CloudWatch().PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(errorAlarm(s.name)),
		Namespace: aws.String("Chaos"), MetricName: aws.String("Errors"),
		Dimensions: []cwtypes.Dimension{{Name: aws.String("Service"), Value: aws.String(s.name)}},
		Statistic:  cwtypes.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(5),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold, TreatMissingData: aws.String("notBreaching")}); err != nil {
		return fmt.Errorf("PutMetricAlarm %s: %w", s.name, err)
	}
	s.scaling = true
	return r.e.SetLoad(Cluster, s.name, fake.Load{CPU: fake.ConstantLoad(float64(s.base) * 60)})
}

// errorAlarm is the deployment alarm of a scaling service.
func errorAlarm(service string) string { return service + "-errors" }

// deploymentAlarms is the deploymentConfiguration.alarms of a scaling
// service: its error alarm, with rollback.
func deploymentAlarms(service string) *types.DeploymentAlarms {
	return &types.DeploymentAlarms{AlarmNames: []string{errorAlarm(service)}, Enable: true, Rollback: true}
}

// fireErrors is a scaling service's "errors" action: a burst of errors
// that puts its deployment alarm in ALARM at the next evaluation.
func (r *runner) fireErrors(ctx context.Context, s *svcState) error {
	r.rep.Actions["errors"]++
	_, err := r.e.CloudWatch().PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("Chaos"),
		MetricData: []cwtypes.MetricDatum{{MetricName: aws.String("Errors"), Value: aws.Float64(50),
			Dimensions: []cwtypes.Dimension{{Name: aws.String("Service"), Value: aws.String(s.name)}}}}})
	return err
}

// checkAlarmed is the deployment-alarm invariant: once a service's
// deployment alarm went to ALARM (at least a step ago), no PRIMARY
// deployment created before that is still IN_PROGRESS, unless it is a
// rollback ECS started ("rolling back").
func (r *runner) checkAlarmed(ctx context.Context, snap Snapshot) ([]Violation, error) {
	var names []string
	for _, s := range r.services {
		if s.scaling {
			names = append(names, errorAlarm(s.name))
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	out, err := r.e.CloudWatch().DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: names, MaxRecords: aws.Int32(100)})
	if err != nil {
		return nil, err
	}
	fired := map[string]time.Time{}
	for _, a := range out.MetricAlarms {
		if a.StateValue == cwtypes.StateValueAlarm {
			fired[strings.TrimSuffix(aws.ToString(a.AlarmName), "-errors")] = aws.ToTime(a.StateTransitionedTimestamp)
		}
	}
	var v []Violation
	for _, svc := range snap.Services {
		name := aws.ToString(svc.ServiceName)
		at, ok := fired[name]
		if !ok || snap.Now.Sub(at) < r.cfg.Step {
			continue
		}
		for _, d := range svc.Deployments {
			r.chk.Checks++
			if aws.ToString(d.Status) == "PRIMARY" && d.RolloutState == types.DeploymentRolloutStateInProgress && aws.ToTime(d.CreatedAt).Before(at) &&
				!strings.Contains(aws.ToString(d.RolloutStateReason), "rolling back") {
				v = append(v, Violation{At: snap.Now.Sub(r.start), Invariant: "alarm-in-progress", Subject: name,
					Detail: fmt.Sprintf("deployment %s created %s is IN_PROGRESS after its deployment alarm went to ALARM at %s", aws.ToString(d.Id),
						aws.ToTime(d.CreatedAt).Format(time.TimeOnly), at.Format(time.TimeOnly))})
			}
		}
	}
	return v, nil
}

// changeLoad is the "scale" action of a scaling service: a new CPU load
// between none and one and a half times its max capacity's worth at 60 %.
func (r *runner) changeLoad(s *svcState) error {
	l := float64(r.rng.IntN(int(s.maxCap)*90 + 1))
	r.rep.Actions["load"]++
	return r.e.SetLoad(Cluster, s.name, fake.Load{CPU: fake.ConstantLoad(l)})
}

// checkScaling is the scaling invariant: a scaling service's desiredCount
// is always within its scalable target's min and max.
func (r *runner) checkScaling(snap Snapshot) []Violation {
	var out []Violation
	byName := map[string]types.Service{}
	for _, svc := range snap.Services {
		byName[aws.ToString(svc.ServiceName)] = svc
	}
	for _, s := range r.services {
		if !s.scaling {
			continue
		}
		r.chk.Checks++
		if d := byName[s.name].DesiredCount; d < s.minCap || d > s.maxCap {
			out = append(out, Violation{At: snap.Now.Sub(r.start), Invariant: "scaling-bounds", Subject: s.name,
				Detail: fmt.Sprintf("desiredCount %d outside the scalable target's [%d, %d]", d, s.minCap, s.maxCap)})
		}
	}
	return out
}

// markScaled marks scaling services whose scaler changed the desired count
// in the last two steps as disturbed: a scale-in and a scale-out between
// two checks replace a task without the desired count the checker sees
// changing, and tasks a scale-out started are not yet healthy in the
// scheduler's sense (40 s after start without health checks), so the
// scheduler may stop them (on an instance drained meanwhile) before their
// replacements are healthy, which the checker, counting every RUNNING task
// as healthy, would report as a min-healthy violation (seed 118).
func (r *runner) markScaled(ctx context.Context, now time.Time) error {
	for _, s := range r.services {
		if !s.scaling {
			continue
		}
		out, err := r.e.AutoScaling().DescribeScalingActivities(ctx, &aas.DescribeScalingActivitiesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
			ResourceId: aws.String("service/" + Cluster + "/" + s.name), MaxResults: aws.Int32(1)})
		if err != nil {
			return err
		}
		if len(out.ScalingActivities) == 0 {
			continue
		}
		at := *out.ScalingActivities[0].StartTime
		if at.After(r.lastCheck) {
			r.rep.Actions["scaled"]++
		}
		if at.After(now.Add(-2 * r.cfg.Step)) {
			r.disturbed[s.name] = true
		}
	}
	return nil
}
