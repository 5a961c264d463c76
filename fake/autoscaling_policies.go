package fake

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/alarm"
	"github.com/ecsdeploy/ecsdeploy/fake/internal/scaling"
)

// scalingPolicy is one policy of a target.
type scalingPolicy struct {
	t       *scalableTarget
	name    string
	arn     string
	typ     aastypes.PolicyType
	created time.Time
	tt      *aastypes.TargetTrackingScalingPolicyConfiguration
	step    *aastypes.StepScalingPolicyConfiguration
	// alarms the policy created and owns (target tracking).
	alarms []*metricAlarm
	// lastOut / lastIn: the policy's last scale-out / scale-in.
	lastOut, lastIn time.Time
	// outBase is the capacity before the last scale-out.
	outBase int
}

// Defaults for ECS (Application Auto Scaling User Guide, "Target tracking
// scaling policies", cooldown: 300 seconds for ECS services).
const defaultECSCooldown = 300 * time.Second

// PutScalingPolicy creates or replaces a TargetTrackingScaling or
// StepScaling policy on a registered target. A target-tracking policy
// creates its CloudWatch alarms (TargetTracking-<resource id>-AlarmHigh-<uuid>
// and, unless DisableScaleIn, -AlarmLow-<uuid>) and returns them.
func (x *AutoScaling) PutScalingPolicy(ctx context.Context, in *applicationautoscaling.PutScalingPolicyInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.PutScalingPolicyOutput, error) {
	if in == nil {
		in = &applicationautoscaling.PutScalingPolicyInput{}
	}
	now, unlock, err := x.begin(ctx, "PutScalingPolicy", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	if in.PolicyName == nil {
		return nil, errAASNull("policyName")
	}
	if n := len(*in.PolicyName); n < 1 || n > 256 {
		return nil, errAASConstraint(*in.PolicyName, "policyName", "have length between 1 and 256")
	}
	if strings.ContainsAny(*in.PolicyName, ":/") {
		return nil, errAASConstraint(*in.PolicyName, "policyName", `satisfy regular expression pattern: \p{Print}&&[^:/]+`)
	}
	if in.ScalableDimension == "" {
		return nil, errAASNull("scalableDimension")
	}
	cluster, svc, err := checkTargetRef(in.ServiceNamespace, in.ScalableDimension, in.ResourceId)
	if err != nil {
		return nil, err
	}
	e := x.e
	t := e.aas.targets[*in.ResourceId]
	if t == nil {
		return nil, errNoTarget(*in.ResourceId)
	}
	typ := in.PolicyType
	if typ == "" {
		typ = aastypes.PolicyTypeStepScaling // the API's default
	}
	p := &scalingPolicy{t: t, name: *in.PolicyName, typ: typ, created: now}
	switch typ {
	case aastypes.PolicyTypeTargetTrackingScaling:
		c := in.TargetTrackingScalingPolicyConfiguration
		if c == nil {
			return nil, errAASValidation("TargetTrackingScalingPolicyConfiguration is required for a policy of type TargetTrackingScaling")
		}
		if err := checkTargetTracking(c); err != nil {
			return nil, err
		}
		cp := *c
		p.tt = &cp
	case aastypes.PolicyTypeStepScaling:
		c := in.StepScalingPolicyConfiguration
		if c == nil {
			return nil, errAASValidation("StepScalingPolicyConfiguration is required for a policy of type StepScaling")
		}
		if err := checkStep(c); err != nil {
			return nil, err
		}
		cp := *c
		p.step = &cp
	case aastypes.PolicyTypePredictiveScaling:
		return nil, errAASValidation("PredictiveScaling policies are not simulated by the fake")
	default:
		return nil, errAASConstraint(string(typ), "policyType", "satisfy enum value set: [PredictiveScaling, StepScaling, TargetTrackingScaling]")
	}
	// Replace a policy of the same name (keeping its ARN), else a new ARN.
	var old *scalingPolicy
	for _, q := range t.policies {
		if q.name == p.name {
			old = q
		}
	}
	if old != nil {
		p.arn, p.created, p.lastIn, p.lastOut, p.outBase = old.arn, old.created, old.lastIn, old.lastOut, old.outBase
		if old.typ != p.typ {
			return nil, errAASValidation("Cannot change the policy type of an existing policy from %s to %s", old.typ, p.typ)
		}
		e.dropPolicyLocked(old)
	} else {
		p.arn = fmt.Sprintf("arn:aws:autoscaling:%s:%s:scalingPolicy:%s:resource/ecs/%s:policyName/%s", e.cfg.region, e.cfg.account, e.uuid(), t.resourceID, p.name)
	}
	t.policies = append(t.policies, p)
	e.aas.policies[p.arn] = p
	out := &applicationautoscaling.PutScalingPolicyOutput{PolicyARN: aws.String(p.arn), Alarms: []aastypes.Alarm{}}
	if p.tt != nil {
		e.createTrackingAlarmsLocked(p, cluster, svc, now)
		for _, a := range p.alarms {
			out.Alarms = append(out.Alarms, aastypes.Alarm{AlarmName: aws.String(a.name), AlarmARN: aws.String(a.arn)})
		}
	}
	return out, nil
}

// checkTargetTracking validates a target-tracking configuration: a
// predefined metric of ECS (ALBRequestCountPerTarget needs a ResourceLabel),
// a target value in [8.515920e-109, 6.174270e+307], cooldowns >= 0.
func checkTargetTracking(c *aastypes.TargetTrackingScalingPolicyConfiguration) error {
	switch {
	case c.TargetValue == nil:
		return errAASNull("targetTrackingScalingPolicyConfiguration.targetValue")
	case *c.TargetValue < 8.515920e-109 || *c.TargetValue > 6.174270e+307:
		return errAASValidation("The target value must be between 8.515920e-109 and 6.174270e+307")
	case c.CustomizedMetricSpecification != nil:
		return errAASValidation("CustomizedMetricSpecification is not simulated by the fake; use a PredefinedMetricSpecification")
	case c.PredefinedMetricSpecification == nil:
		return errAASValidation("Either PredefinedMetricSpecification or CustomizedMetricSpecification must be specified")
	case c.ScaleInCooldown != nil && *c.ScaleInCooldown < 0, c.ScaleOutCooldown != nil && *c.ScaleOutCooldown < 0:
		return errAASValidation("Cooldown must be greater than or equal to 0")
	}
	pm := c.PredefinedMetricSpecification
	switch pm.PredefinedMetricType {
	case aastypes.MetricTypeECSServiceAverageCPUUtilization, aastypes.MetricTypeECSServiceAverageMemoryUtilization:
	case aastypes.MetricTypeALBRequestCountPerTarget:
		if _, _, ok := splitResourceLabel(aws.ToString(pm.ResourceLabel)); !ok {
			return errAASValidation("ResourceLabel must be specified for ALBRequestCountPerTarget in the format app/<load-balancer-name>/<load-balancer-id>/targetgroup/<target-group-name>/<target-group-id>")
		}
	default:
		return errAASValidation("Unsupported predefined metric type %s for service namespace ecs", pm.PredefinedMetricType)
	}
	return nil
}

// splitResourceLabel splits app/<lb>/<id>/targetgroup/<tg>/<id>.
func splitResourceLabel(l string) (lb, tg string, ok bool) {
	parts := strings.Split(l, "/")
	if len(parts) != 6 || parts[0] != "app" || parts[3] != "targetgroup" {
		return "", "", false
	}
	for _, p := range parts {
		if p == "" {
			return "", "", false
		}
	}
	return strings.Join(parts[:3], "/"), strings.Join(parts[3:], "/"), true
}

// checkStep validates a step-scaling configuration: an adjustment type,
// at least one step, non-overlapping intervals (User Guide, "Step scaling
// policies": the ranges must not overlap or have gaps).
func checkStep(c *aastypes.StepScalingPolicyConfiguration) error {
	switch c.AdjustmentType {
	case aastypes.AdjustmentTypeChangeInCapacity, aastypes.AdjustmentTypeExactCapacity, aastypes.AdjustmentTypePercentChangeInCapacity:
	case "":
		return errAASValidation("AdjustmentType must be specified for a StepScaling policy")
	default:
		return errAASConstraint(string(c.AdjustmentType), "stepScalingPolicyConfiguration.adjustmentType", "satisfy enum value set: [PercentChangeInCapacity, ExactCapacity, ChangeInCapacity]")
	}
	if len(c.StepAdjustments) == 0 {
		return errAASValidation("StepAdjustments must contain at least one step adjustment")
	}
	if c.MinAdjustmentMagnitude != nil && c.AdjustmentType != aastypes.AdjustmentTypePercentChangeInCapacity {
		return errAASValidation("MinAdjustmentMagnitude is only supported for adjustment type PercentChangeInCapacity")
	}
	unboundedLow, unboundedHigh := 0, 0
	for i, s := range c.StepAdjustments {
		if s.ScalingAdjustment == nil {
			return errAASNull(fmt.Sprintf("stepScalingPolicyConfiguration.stepAdjustments.%d.member.scalingAdjustment", i+1))
		}
		if s.MetricIntervalLowerBound == nil {
			unboundedLow++
		}
		if s.MetricIntervalUpperBound == nil {
			unboundedHigh++
		}
		if s.MetricIntervalLowerBound != nil && s.MetricIntervalUpperBound != nil && *s.MetricIntervalLowerBound >= *s.MetricIntervalUpperBound {
			return errAASValidation("Step adjustment interval lower bound must be less than the upper bound")
		}
		for j := range i {
			if overlap(c.StepAdjustments[j], s) {
				return errAASValidation("Step adjustments must not overlap")
			}
		}
	}
	if unboundedLow > 1 || unboundedHigh > 1 {
		return errAASValidation("There can be at most one step adjustment with a null lower bound and at most one with a null upper bound")
	}
	return nil
}

func overlap(a, b aastypes.StepAdjustment) bool {
	lo := func(s aastypes.StepAdjustment) float64 {
		if s.MetricIntervalLowerBound == nil {
			return -1e308
		}
		return *s.MetricIntervalLowerBound
	}
	hi := func(s aastypes.StepAdjustment) float64 {
		if s.MetricIntervalUpperBound == nil {
			return 1e308
		}
		return *s.MetricIntervalUpperBound
	}
	return lo(a) < hi(b) && lo(b) < hi(a)
}

// createTrackingAlarmsLocked creates the alarms of a target-tracking policy
// with the names and settings Application Auto Scaling documents.
func (e *ECS) createTrackingAlarmsLocked(p *scalingPolicy, cluster, svc string, now time.Time) {
	pm := p.tt.PredefinedMetricSpecification
	ns, metric, stat := NamespaceECS, MetricCPUUtilization, cwtypes.StatisticAverage
	dims := []cwtypes.Dimension{{Name: aws.String(dimClusterName), Value: aws.String(cluster)}, {Name: aws.String(dimServiceName), Value: aws.String(svc)}}
	unit := cwtypes.StandardUnitPercent
	switch pm.PredefinedMetricType {
	case aastypes.MetricTypeECSServiceAverageMemoryUtilization:
		metric = MetricMemUtilization
	case aastypes.MetricTypeALBRequestCountPerTarget:
		lb, tg, _ := splitResourceLabel(aws.ToString(pm.ResourceLabel))
		ns, metric, stat, unit = NamespaceALB, MetricRequestsPerTgt, cwtypes.StatisticSum, ""
		dims = []cwtypes.Dimension{{Name: aws.String(dimLoadBalancer), Value: aws.String(lb)}, {Name: aws.String(dimTargetGroup), Value: aws.String(tg)}}
	}
	target := *p.tt.TargetValue
	mk := func(kind string, n int, cmp alarm.Comparison, threshold float64) *metricAlarm {
		dm := map[string]string{}
		for _, d := range dims {
			dm[*d.Name] = *d.Value
		}
		return &metricAlarm{
			name: fmt.Sprintf("TargetTracking-%s-%s-%s", p.t.resourceID, kind, e.uuid()),
			desc: "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy " + p.arn + ".",
			ns:   ns, metric: metric, dims: dm, dimList: dims, stat: stat, unit: unit,
			cfg:       alarm.Config{Period: time.Minute, EvaluationPeriods: n, DatapointsToAlarm: n, Threshold: threshold, Comparison: cmp},
			actionsOn: true, alarmActs: []string{p.arn}, owner: p.arn,
		}
	}
	p.alarms = []*metricAlarm{mk("AlarmHigh", scaling.HighEvaluationPeriods, alarm.Greater, target)}
	if !aws.ToBool(p.tt.DisableScaleIn) {
		p.alarms = append(p.alarms, mk("AlarmLow", scaling.LowEvaluationPeriods, alarm.Less, target*scaling.LowFraction))
	}
	for _, a := range p.alarms {
		e.putAlarmLocked(a, now)
	}
}

// dropPolicyLocked removes a policy and deletes the alarms it owns.
func (e *ECS) dropPolicyLocked(p *scalingPolicy) {
	for _, a := range p.alarms {
		if e.cw.alarms[a.name] == a {
			e.deleteAlarmLocked(a.name)
		}
	}
	delete(e.aas.policies, p.arn)
	t := p.t
	if i := slices.Index(t.policies, p); i >= 0 {
		t.policies = slices.Delete(t.policies, i, i+1)
	}
}

// DescribeScalingPolicies lists policies (filtered by resource id and
// policy names), with their alarms.
func (x *AutoScaling) DescribeScalingPolicies(ctx context.Context, in *applicationautoscaling.DescribeScalingPoliciesInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DescribeScalingPoliciesOutput, error) {
	if in == nil {
		in = &applicationautoscaling.DescribeScalingPoliciesInput{}
	}
	_, unlock, err := x.begin(ctx, "DescribeScalingPolicies", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	ids, limit, err := x.oneTargetArgs(in.ServiceNamespace, in.ScalableDimension, in.ResourceId, in.MaxResults)
	if err != nil {
		return nil, err
	}
	if len(in.PolicyNames) > 50 {
		return nil, errAASConstraint(fmt.Sprint(len(in.PolicyNames)), "policyNames", "have length less than or equal to 50")
	}
	want := nameSet(in.PolicyNames)
	var all []*scalingPolicy
	for _, id := range ids {
		for _, p := range x.e.aas.targets[id].policies {
			if len(want) == 0 || want[p.name] {
				all = append(all, p)
			}
		}
	}
	start, err := aasStart(in.NextToken, len(all))
	if err != nil {
		return nil, err
	}
	page, next := aasPage(all, start, limit)
	out := &applicationautoscaling.DescribeScalingPoliciesOutput{ScalingPolicies: make([]aastypes.ScalingPolicy, len(page)), NextToken: next}
	for i, p := range page {
		out.ScalingPolicies[i] = p.view()
	}
	return out, nil
}

func (p *scalingPolicy) view() aastypes.ScalingPolicy {
	v := aastypes.ScalingPolicy{
		PolicyARN: aws.String(p.arn), PolicyName: aws.String(p.name), PolicyType: p.typ,
		ResourceId: aws.String(p.t.resourceID), ServiceNamespace: aasNamespace, ScalableDimension: aasDimension,
		CreationTime: aws.Time(p.created), Alarms: []aastypes.Alarm{},
		TargetTrackingScalingPolicyConfiguration: p.tt, StepScalingPolicyConfiguration: p.step,
	}
	for _, a := range p.alarms {
		v.Alarms = append(v.Alarms, aastypes.Alarm{AlarmName: aws.String(a.name), AlarmARN: aws.String(a.arn)})
	}
	return v
}

// DeleteScalingPolicy deletes a policy and the alarms target tracking
// created for it (alarms of a step policy are the user's and stay).
func (x *AutoScaling) DeleteScalingPolicy(ctx context.Context, in *applicationautoscaling.DeleteScalingPolicyInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DeleteScalingPolicyOutput, error) {
	if in == nil {
		in = &applicationautoscaling.DeleteScalingPolicyInput{}
	}
	_, unlock, err := x.begin(ctx, "DeleteScalingPolicy", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	if in.PolicyName == nil {
		return nil, errAASNull("policyName")
	}
	if in.ScalableDimension == "" {
		return nil, errAASNull("scalableDimension")
	}
	if _, _, err := checkTargetRef(in.ServiceNamespace, in.ScalableDimension, in.ResourceId); err != nil {
		return nil, err
	}
	e := x.e
	if t := e.aas.targets[*in.ResourceId]; t != nil {
		for _, p := range t.policies {
			if p.name == *in.PolicyName {
				e.dropPolicyLocked(p)
				return &applicationautoscaling.DeleteScalingPolicyOutput{}, nil
			}
		}
	}
	return nil, &aastypes.ObjectNotFoundException{Message: aws.String(fmt.Sprintf(
		"No scaling policy found for service namespace: ecs, resource ID: %s, scalable dimension: ecs:service:DesiredCount, policy name: %s", *in.ResourceId, *in.PolicyName))}
}
