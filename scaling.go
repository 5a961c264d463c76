package ecsdeploy

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
)

// ScalingAPI is the part of *applicationautoscaling.Client the Deployer
// calls for service auto scaling. The SDK client and the fake's
// *fake.AutoScaling satisfy it.
type ScalingAPI interface {
	RegisterScalableTarget(ctx context.Context, in *aas.RegisterScalableTargetInput, optFns ...func(*aas.Options)) (*aas.RegisterScalableTargetOutput, error)
	DescribeScalableTargets(ctx context.Context, in *aas.DescribeScalableTargetsInput, optFns ...func(*aas.Options)) (*aas.DescribeScalableTargetsOutput, error)
	PutScalingPolicy(ctx context.Context, in *aas.PutScalingPolicyInput, optFns ...func(*aas.Options)) (*aas.PutScalingPolicyOutput, error)
	DescribeScalingPolicies(ctx context.Context, in *aas.DescribeScalingPoliciesInput, optFns ...func(*aas.Options)) (*aas.DescribeScalingPoliciesOutput, error)
	DeleteScalingPolicy(ctx context.Context, in *aas.DeleteScalingPolicyInput, optFns ...func(*aas.Options)) (*aas.DeleteScalingPolicyOutput, error)
	DescribeScalingActivities(ctx context.Context, in *aas.DescribeScalingActivitiesInput, optFns ...func(*aas.Options)) (*aas.DescribeScalingActivitiesOutput, error)
}

var _ ScalingAPI = (*aas.Client)(nil)

// scalingSource is an API that also offers Application Auto Scaling (the
// fake's *fake.ECS does), so New(f) sees it without WithScaling.
type scalingSource interface {
	ScalingAPI() ScalingAPI
}

// WithScaling lets the Deployer apply DeployInput.Scaling, suspend dynamic
// scaling during a deploy (WithSuspendScaling) and show the scalable
// target, its policies and latest activities in Status. New(f) on a
// *fake.ECS sets it.
func WithScaling(api ScalingAPI) Option {
	return func(c *config) {
		if api != nil {
			c.scaling = api
		}
	}
}

// WithSuspendScaling suspends the service's dynamic scaling (scale in and
// scale out) for the deploy and restores the previous suspended state
// afterwards, whether the deploy succeeds, fails or its context is
// cancelled (the way ecspresso's --suspend-auto-scaling works). Without a
// registered scalable target it does nothing.
func WithSuspendScaling() Option { return func(c *config) { c.suspendScaling = true } }

// ScalingMetric is a predefined target-tracking metric of ECS services.
type ScalingMetric string

// Predefined metrics (Application Auto Scaling API Reference,
// PredefinedMetricSpecification).
const (
	ScalingCPU               ScalingMetric = "ECSServiceAverageCPUUtilization"
	ScalingMemory            ScalingMetric = "ECSServiceAverageMemoryUtilization"
	ScalingRequestsPerTarget ScalingMetric = "ALBRequestCountPerTarget"
)

// Scaling declares a service's auto scaling: its desired-count bounds and
// its policies. Deploy applies it: it registers the scalable target,
// creates or replaces the declared policies and deletes the service's
// other policies.
type Scaling struct {
	// Min and Max bound the desired count.
	Min, Max int32
	// TargetTracking policies.
	TargetTracking []TargetTrackingPolicy
	// Steps are step-scaling policies; attach their ARNs (DeployResult's
	// ScalingPolicies) to your CloudWatch alarms.
	Steps []StepPolicy
}

// TargetTrackingPolicy keeps a metric at Target.
type TargetTrackingPolicy struct {
	// Name is the policy name (unique per service).
	Name string
	// Metric is the predefined metric; ScalingRequestsPerTarget needs
	// ResourceLabel (app/<lb>/<id>/targetgroup/<tg>/<id>).
	Metric        ScalingMetric
	ResourceLabel string
	// Target is the metric's target value (percent, or requests per target
	// per minute).
	Target float64
	// DisableScaleIn lets the policy only scale out.
	DisableScaleIn bool
	// ScaleInCooldown and ScaleOutCooldown; zero means the service default
	// (300 s for ECS).
	ScaleInCooldown, ScaleOutCooldown time.Duration
}

// StepPolicy is a step-scaling policy.
type StepPolicy struct {
	Name string
	// AdjustmentType is ChangeInCapacity, ExactCapacity or
	// PercentChangeInCapacity.
	AdjustmentType aastypes.AdjustmentType
	// Steps, relative to the alarm threshold.
	Steps []aastypes.StepAdjustment
	// Cooldown; zero means the service default.
	Cooldown time.Duration
}

// Validate checks the declaration, naming the field and the rule.
func (s *Scaling) Validate() error {
	var errs []error
	bad := func(field, rule string) { errs = append(errs, &ValidationError{Field: field, Rule: rule}) }
	if s.Min < 0 {
		bad("Scaling.Min", "must be >= 0")
	}
	if s.Min > s.Max {
		bad("Scaling.Max", fmt.Sprintf("must be >= Min (%d)", s.Min))
	}
	names := map[string]bool{}
	name := func(field, n string) {
		switch {
		case n == "":
			bad(field, "is required")
		case strings.ContainsAny(n, ":/"):
			bad(field, "must not contain ':' or '/'")
		case names[n]:
			bad(field, fmt.Sprintf("%q is used by another policy", n))
		}
		names[n] = true
	}
	for i, p := range s.TargetTracking {
		f := fmt.Sprintf("Scaling.TargetTracking[%d]", i)
		name(f+".Name", p.Name)
		switch p.Metric {
		case ScalingCPU, ScalingMemory:
		case ScalingRequestsPerTarget:
			if len(strings.Split(p.ResourceLabel, "/")) != 6 {
				bad(f+".ResourceLabel", "must be app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id> for ALBRequestCountPerTarget")
			}
		default:
			bad(f+".Metric", "must be ScalingCPU, ScalingMemory or ScalingRequestsPerTarget")
		}
		if p.Target <= 0 {
			bad(f+".Target", "must be > 0")
		}
		if p.ScaleInCooldown < 0 || p.ScaleOutCooldown < 0 {
			bad(f+".ScaleInCooldown", "cooldowns must be >= 0")
		}
	}
	for i, p := range s.Steps {
		f := fmt.Sprintf("Scaling.Steps[%d]", i)
		name(f+".Name", p.Name)
		if len(p.Steps) == 0 {
			bad(f+".Steps", "needs at least one step adjustment")
		}
		switch p.AdjustmentType {
		case aastypes.AdjustmentTypeChangeInCapacity, aastypes.AdjustmentTypeExactCapacity, aastypes.AdjustmentTypePercentChangeInCapacity:
		default:
			bad(f+".AdjustmentType", "must be ChangeInCapacity, ExactCapacity or PercentChangeInCapacity")
		}
	}
	return errors.Join(errs...)
}

// resourceID is Application Auto Scaling's id of an ECS service.
func resourceID(cluster, service string) string {
	if cluster == "" {
		cluster = "default"
	}
	if i := strings.LastIndex(cluster, "/"); i >= 0 {
		cluster = cluster[i+1:]
	}
	if i := strings.LastIndex(service, "/"); i >= 0 {
		service = service[i+1:]
	}
	return "service/" + cluster + "/" + service
}

const ecsDesiredCount = aastypes.ScalableDimensionECSServiceDesiredCount

// applyScaling registers the target and puts the declared policies,
// deleting the service's undeclared ones; it returns the policy ARNs.
func (d *deployer) applyScaling(ctx context.Context, cfg config, cluster, service string, s *Scaling) (map[string]string, error) {
	if cfg.scaling == nil {
		return nil, errors.New("ecsdeploy: DeployInput.Scaling needs WithScaling (an Application Auto Scaling client)")
	}
	id := resourceID(cluster, service)
	if _, err := cfg.scaling.RegisterScalableTarget(ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: ecsDesiredCount, ResourceId: aws.String(id), MinCapacity: aws.Int32(s.Min), MaxCapacity: aws.Int32(s.Max)}); err != nil {
		return nil, wrapAPI("RegisterScalableTarget", err)
	}
	arns := map[string]string{}
	declared := map[string]bool{}
	put := func(in *aas.PutScalingPolicyInput) error {
		in.ServiceNamespace, in.ScalableDimension, in.ResourceId = aastypes.ServiceNamespaceEcs, ecsDesiredCount, aws.String(id)
		out, err := cfg.scaling.PutScalingPolicy(ctx, in)
		if err != nil {
			return wrapAPI("PutScalingPolicy", err)
		}
		arns[*in.PolicyName] = aws.ToString(out.PolicyARN)
		declared[*in.PolicyName] = true
		return nil
	}
	for _, p := range s.TargetTracking {
		c := &aastypes.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(p.Target), DisableScaleIn: aws.Bool(p.DisableScaleIn),
			PredefinedMetricSpecification: &aastypes.PredefinedMetricSpecification{PredefinedMetricType: aastypes.MetricType(p.Metric)}}
		if p.ResourceLabel != "" {
			c.PredefinedMetricSpecification.ResourceLabel = aws.String(p.ResourceLabel)
		}
		if p.ScaleInCooldown > 0 {
			c.ScaleInCooldown = aws.Int32(int32(p.ScaleInCooldown / time.Second))
		}
		if p.ScaleOutCooldown > 0 {
			c.ScaleOutCooldown = aws.Int32(int32(p.ScaleOutCooldown / time.Second))
		}
		if err := put(&aas.PutScalingPolicyInput{PolicyName: aws.String(p.Name), PolicyType: aastypes.PolicyTypeTargetTrackingScaling, TargetTrackingScalingPolicyConfiguration: c}); err != nil {
			return arns, err
		}
	}
	for _, p := range s.Steps {
		c := &aastypes.StepScalingPolicyConfiguration{AdjustmentType: p.AdjustmentType, StepAdjustments: p.Steps}
		if p.Cooldown > 0 {
			c.Cooldown = aws.Int32(int32(p.Cooldown / time.Second))
		}
		if err := put(&aas.PutScalingPolicyInput{PolicyName: aws.String(p.Name), PolicyType: aastypes.PolicyTypeStepScaling, StepScalingPolicyConfiguration: c}); err != nil {
			return arns, err
		}
	}
	cur, err := cfg.scaling.DescribeScalingPolicies(ctx, &aas.DescribeScalingPoliciesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ScalableDimension: ecsDesiredCount, ResourceId: aws.String(id)})
	if err != nil {
		return arns, wrapAPI("DescribeScalingPolicies", err)
	}
	for _, p := range cur.ScalingPolicies {
		if n := aws.ToString(p.PolicyName); !declared[n] {
			if _, err := cfg.scaling.DeleteScalingPolicy(ctx, &aas.DeleteScalingPolicyInput{PolicyName: p.PolicyName, ServiceNamespace: aastypes.ServiceNamespaceEcs,
				ScalableDimension: ecsDesiredCount, ResourceId: aws.String(id)}); err != nil {
				return arns, wrapAPI("DeleteScalingPolicy", err)
			}
		}
	}
	d.action(cfg, "service %s: scaling %d..%d with %d policies", service, s.Min, s.Max, len(declared))
	return arns, nil
}

// suspendScaling suspends dynamic scaling of a registered target and
// returns the function restoring the previous state (run it even when
// the deploy failed or ctx was cancelled: it uses a context without
// cancel).
func (d *deployer) suspendScaling(ctx context.Context, cfg config, cluster, service string) (func(), error) {
	if cfg.scaling == nil {
		return func() {}, nil
	}
	id := resourceID(cluster, service)
	out, err := cfg.scaling.DescribeScalableTargets(ctx, &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ScalableDimension: ecsDesiredCount, ResourceIds: []string{id}})
	if err != nil {
		return nil, wrapAPI("DescribeScalableTargets", err)
	}
	if len(out.ScalableTargets) == 0 {
		return func() {}, nil
	}
	prev := aastypes.SuspendedState{DynamicScalingInSuspended: aws.Bool(false), DynamicScalingOutSuspended: aws.Bool(false)}
	if ss := out.ScalableTargets[0].SuspendedState; ss != nil {
		prev.DynamicScalingInSuspended = aws.Bool(aws.ToBool(ss.DynamicScalingInSuspended))
		prev.DynamicScalingOutSuspended = aws.Bool(aws.ToBool(ss.DynamicScalingOutSuspended))
	}
	set := func(ctx context.Context, ss aastypes.SuspendedState) error {
		_, err := cfg.scaling.RegisterScalableTarget(ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
			ScalableDimension: ecsDesiredCount, ResourceId: aws.String(id), SuspendedState: &ss})
		return err
	}
	if err := set(ctx, aastypes.SuspendedState{DynamicScalingInSuspended: aws.Bool(true), DynamicScalingOutSuspended: aws.Bool(true)}); err != nil {
		return nil, wrapAPI("RegisterScalableTarget", err)
	}
	d.action(cfg, "service %s: dynamic scaling suspended for the deploy", service)
	return func() {
		if err := set(context.WithoutCancel(ctx), prev); err != nil {
			d.action(cfg, "service %s: could not restore dynamic scaling: %v", service, err)
			return
		}
		d.action(cfg, "service %s: dynamic scaling restored", service)
	}, nil
}

// ScalingStatus is a service's auto scaling as Status shows it.
type ScalingStatus struct {
	// Target is the scalable target (nil: not registered).
	Target *aastypes.ScalableTarget
	// Policies are its scaling policies.
	Policies []aastypes.ScalingPolicy
	// Activities are the latest scaling activities, newest first (at most
	// 5).
	Activities []aastypes.ScalingActivity
}

// scalingStatus reads a service's scaling (nil without WithScaling or
// without a registered target).
func (d *deployer) scalingStatus(ctx context.Context, cfg config, cluster, service string) (*ScalingStatus, error) {
	if cfg.scaling == nil {
		return nil, nil
	}
	id := resourceID(cluster, service)
	t, err := cfg.scaling.DescribeScalableTargets(ctx, &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ScalableDimension: ecsDesiredCount, ResourceIds: []string{id}})
	if err != nil || len(t.ScalableTargets) == 0 {
		return nil, err
	}
	st := &ScalingStatus{Target: &t.ScalableTargets[0]}
	p, err := cfg.scaling.DescribeScalingPolicies(ctx, &aas.DescribeScalingPoliciesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ScalableDimension: ecsDesiredCount, ResourceId: aws.String(id)})
	if err != nil {
		return st, err
	}
	st.Policies = p.ScalingPolicies
	a, err := cfg.scaling.DescribeScalingActivities(ctx, &aas.DescribeScalingActivitiesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ScalableDimension: ecsDesiredCount,
		ResourceId: aws.String(id), MaxResults: aws.Int32(5)})
	if err != nil {
		return st, err
	}
	st.Activities = a.ScalingActivities
	return st, nil
}

// AlarmFailedError is a deployment that a deployment alarm
// (deploymentConfiguration.alarms) failed: it names the alarm and ECS's
// reason, and wraps the *DeploymentFailedError (errors.As finds both).
type AlarmFailedError struct {
	// Alarm is the CloudWatch alarm that went to ALARM.
	Alarm string
	// Reason is the deployment's rolloutStateReason.
	Reason string
	// Deployment is the failed deployment's details.
	Deployment *DeploymentFailedError
}

// Error names the alarm, the deployment and whether it rolled back.
func (e *AlarmFailedError) Error() string {
	rb := ""
	switch {
	case e.Deployment.RolledBack:
		rb = fmt.Sprintf("; rolled back to %s", shortTD(e.Deployment.RollbackTaskDefinition))
	case e.Deployment.RollbackStarted:
		rb = fmt.Sprintf("; rolling back to %s", shortTD(e.Deployment.RollbackTaskDefinition))
	case errors.Is(e.Deployment.RollbackErr, ErrNoRollbackCandidate):
		rb = e.Deployment.rollbackText() // "; not rolled back: ...", as DeploymentFailedError says it
	}
	return fmt.Sprintf("deployment %s of service %s failed: deployment alarm %s went to ALARM (%s)%s",
		e.Deployment.DeploymentID, e.Deployment.Service, e.Alarm, e.Reason, rb)
}

// Unwrap returns the *DeploymentFailedError.
func (e *AlarmFailedError) Unwrap() error { return e.Deployment }

// alarmReason matches the fake's rolloutStateReason for deployment alarms.
var alarmReason = regexp.MustCompile(`alarm (\S+) is in ALARM state`)

// alarmReasonPrefix starts the reason of a deployment a deployment alarm
// failed: the fake's rolloutStateReason, and the Deployer's reading of
// ECS's "deployment failed: alarm detected." event.
const alarmReasonPrefix = "ECS deployment alarms: "

// isAlarmReason reports whether reason says a deployment alarm, not the
// circuit breaker, failed the deployment.
func isAlarmReason(reason string) bool {
	return strings.HasPrefix(reason, alarmReasonPrefix) || alarmReason.MatchString(reason)
}

// alarmFailure is asAlarmFailure with the alarms and events of the last
// status seen.
func alarmFailure(ferr *DeploymentFailedError, st *Status) error {
	var alarms, events []string
	if st != nil {
		// The failed deployment's own rolloutStateReason names the alarm;
		// the Deployer's reason may come from the service event instead.
		for _, dp := range st.Service.Deployments {
			if valueOf(dp.Id) == ferr.DeploymentID {
				if r := valueOf(dp.RolloutStateReason); alarmReason.MatchString(r) {
					m := alarmReason.FindStringSubmatch(r)
					return &AlarmFailedError{Alarm: m[1], Reason: r, Deployment: ferr}
				}
			}
		}
		if c := st.Service.DeploymentConfiguration; c != nil && c.Alarms != nil {
			alarms = c.Alarms.AlarmNames
		}
		for _, ev := range st.Service.Events {
			events = append(events, valueOf(ev.Message))
		}
	}
	return asAlarmFailure(ferr, alarms, events)
}

// asAlarmFailure turns a failure caused by a deployment alarm into an
// *AlarmFailedError: the reason names the alarm, or the service's events
// say "deployment failed: alarm detected." and the service lists alarms.
func asAlarmFailure(err error, alarms []string, events []string) error {
	var df *DeploymentFailedError
	if !errors.As(err, &df) {
		return err
	}
	if m := alarmReason.FindStringSubmatch(df.Reason); m != nil {
		return &AlarmFailedError{Alarm: m[1], Reason: df.Reason, Deployment: df}
	}
	for _, ev := range events {
		if strings.Contains(ev, df.DeploymentID) && strings.Contains(ev, "deployment failed: alarm detected") && len(alarms) > 0 {
			return &AlarmFailedError{Alarm: strings.Join(alarms, ","), Reason: df.Reason, Deployment: df}
		}
	}
	return err
}
