package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/alarm"
)

// metricAlarm is one metric alarm.
type metricAlarm struct {
	name, arn  string
	desc       string
	ns, metric string
	dims       map[string]string
	dimList    []cwtypes.Dimension
	stat       cwtypes.Statistic
	unit       cwtypes.StandardUnit
	cfg        alarm.Config
	actionsOn  bool
	alarmActs  []string
	okActs     []string
	insuffActs []string
	state      alarm.State
	reason     string
	reasonData string
	updated    time.Time // state updated
	transition time.Time // state transitioned
	configured time.Time
	gen        uint64 // generation of the pending evaluation event
	deleted    bool
	owner      string // non-empty: created by a target-tracking policy (its ARN)
}

// checkAlarmInput validates PutMetricAlarm outside the lock (CloudWatch
// API Reference, PutMetricAlarm: names 1-255 characters, EvaluationPeriods
// >= 1, Period 10, 20, 30 or a multiple of 60, DatapointsToAlarm <=
// EvaluationPeriods, exactly one of Statistic and ExtendedStatistic, at most
// 30 dimensions and 5 actions of each kind).
func checkAlarmInput(in *cloudwatch.PutMetricAlarmInput) (*metricAlarm, error) {
	if in == nil {
		return nil, errCWNull("alarmName")
	}
	name := aws.ToString(in.AlarmName)
	switch {
	case in.AlarmName == nil:
		return nil, errCWNull("alarmName")
	case name == "":
		return nil, errCWValidation(name, "alarmName", "have length greater than or equal to 1")
	case len(name) > 255:
		return nil, errCWValidation(name, "alarmName", "have length less than or equal to 255")
	case in.EvaluationPeriods == nil:
		return nil, errCWNull("evaluationPeriods")
	case *in.EvaluationPeriods < 1:
		return nil, errCWValidation(fmt.Sprint(*in.EvaluationPeriods), "evaluationPeriods", "have value greater than or equal to 1")
	case in.ComparisonOperator == "":
		return nil, errCWNull("comparisonOperator")
	case !alarm.Comparison(in.ComparisonOperator).Valid():
		return nil, errCWValidation(string(in.ComparisonOperator), "comparisonOperator",
			"satisfy enum value set: [GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold]")
	case !alarm.Missing(aws.ToString(in.TreatMissingData)).Valid():
		return nil, errCWInvalidValue("Invalid value for TreatMissingData: %s. Valid values are breaching, notBreaching, ignore, missing.", aws.ToString(in.TreatMissingData))
	case len(in.Metrics) > 0:
		return nil, errCWInvalidValue("Metric math and multi-metric alarms (Metrics) are not simulated by the fake; use MetricName, Namespace and Statistic.")
	case in.MetricName == nil || aws.ToString(in.MetricName) == "":
		return nil, errCWMissing("Either MetricName or Metrics must be specified.")
	case in.Namespace == nil || aws.ToString(in.Namespace) == "":
		return nil, errCWMissing("Namespace is required when MetricName is specified.")
	case in.Statistic == "" && in.ExtendedStatistic == nil:
		return nil, errCWMissing("Statistic or ExtendedStatistic must be specified.")
	case in.Statistic != "" && in.ExtendedStatistic != nil:
		return nil, errCWCombination("Exactly one of Statistic or ExtendedStatistic must be specified.")
	case in.ExtendedStatistic != nil:
		return nil, errCWInvalidValue("ExtendedStatistic (percentiles) is not simulated by the fake.")
	case in.Period == nil:
		return nil, errCWMissing("Period is required when MetricName is specified.")
	case *in.Period < 60 || *in.Period%60 != 0:
		return nil, errCWInvalidValue("The parameter Period must be a multiple of 60 (the fake publishes one-minute metrics; high-resolution periods of 10, 20 and 30 seconds are not simulated).")
	case int64(*in.Period)*int64(*in.EvaluationPeriods) > 7*86400:
		return nil, errCWInvalidValue("The evaluation period (Period x EvaluationPeriods) must not exceed 7 days.")
	case in.Threshold == nil:
		return nil, errCWMissing("Threshold is required for a static-threshold alarm.")
	case len(in.Dimensions) > 30:
		return nil, errCWValidation(fmt.Sprint(len(in.Dimensions)), "dimensions", "have length less than or equal to 30")
	case len(in.AlarmActions) > 5 || len(in.OKActions) > 5 || len(in.InsufficientDataActions) > 5:
		return nil, errCWValidation("actions", "alarmActions", "have length less than or equal to 5")
	}
	switch in.Statistic {
	case cwtypes.StatisticAverage, cwtypes.StatisticMaximum, cwtypes.StatisticMinimum, cwtypes.StatisticSum, cwtypes.StatisticSampleCount:
	default:
		return nil, errCWValidation(string(in.Statistic), "statistic", "satisfy enum value set: [SampleCount, Average, Sum, Minimum, Maximum]")
	}
	m := int(aws.ToInt32(in.DatapointsToAlarm))
	if in.DatapointsToAlarm != nil && (m < 1 || m > int(*in.EvaluationPeriods)) {
		return nil, errCWInvalidValue("DatapointsToAlarm must be between 1 and EvaluationPeriods (%d).", *in.EvaluationPeriods)
	}
	dims := map[string]string{}
	for i, d := range in.Dimensions {
		n, v := aws.ToString(d.Name), aws.ToString(d.Value)
		if n == "" || v == "" {
			return nil, errCWMissing("The dimension %d must have a Name and a Value.", i+1)
		}
		if _, dup := dims[n]; dup {
			return nil, errCWInvalidValue("No duplicate dimension names are allowed: %s.", n)
		}
		dims[n] = v
	}
	a := &metricAlarm{
		name: name, desc: aws.ToString(in.AlarmDescription),
		ns: aws.ToString(in.Namespace), metric: aws.ToString(in.MetricName), dims: dims,
		dimList: append([]cwtypes.Dimension(nil), in.Dimensions...), stat: in.Statistic, unit: in.Unit,
		cfg: alarm.Config{
			Period: time.Duration(*in.Period) * time.Second, EvaluationPeriods: int(*in.EvaluationPeriods),
			DatapointsToAlarm: m, Threshold: *in.Threshold, Comparison: alarm.Comparison(in.ComparisonOperator),
			TreatMissing: alarm.Missing(aws.ToString(in.TreatMissingData)),
		},
		actionsOn: in.ActionsEnabled == nil || *in.ActionsEnabled,
		alarmActs: append([]string(nil), in.AlarmActions...), okActs: append([]string(nil), in.OKActions...),
		insuffActs: append([]string(nil), in.InsufficientDataActions...),
	}
	return a, nil
}

// PutMetricAlarm creates or updates a metric alarm. A new alarm starts in
// INSUFFICIENT_DATA and is evaluated at once; an update keeps the state and
// overwrites the configuration (CloudWatch API Reference, PutMetricAlarm).
func (cw *CloudWatch) PutMetricAlarm(ctx context.Context, in *cloudwatch.PutMetricAlarmInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricAlarmOutput, error) {
	a, verr := checkAlarmInput(in)
	now, unlock, err := cw.begin(ctx, "PutMetricAlarm", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	if verr != nil {
		return nil, verr
	}
	cw.e.putAlarmLocked(a, now)
	return &cloudwatch.PutMetricAlarmOutput{}, nil
}

// putAlarmLocked stores a (new or replacing an alarm of the same name) and
// queues its evaluation.
func (e *ECS) putAlarmLocked(a *metricAlarm, now time.Time) {
	if old := e.cw.alarms[a.name]; old != nil {
		a.arn, a.state, a.reason, a.reasonData = old.arn, old.state, old.reason, old.reasonData
		a.updated, a.transition, a.gen = old.updated, old.transition, old.gen
		if a.owner == "" {
			a.owner = old.owner
		}
		old.deleted = true
	} else {
		a.arn = fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", e.cfg.region, e.cfg.account, a.name)
		a.state, a.reason = alarm.InsufficientData, "Unchecked: Initial alarm creation"
		a.updated, a.transition = now, now
	}
	a.configured = now
	e.cw.alarms[a.name] = a
	e.queueEvalLocked(a, now)
}

// queueEvalLocked schedules a's next evaluation at at; an older pending
// evaluation is dropped by its generation.
func (e *ECS) queueEvalLocked(a *metricAlarm, at time.Time) {
	a.gen++
	gen := a.gen
	e.scheduleLocked(at, func(now time.Time) {
		if a.deleted || a.gen != gen {
			return
		}
		e.evaluateAlarmLocked(a, now)
	})
}

// evaluateAlarmLocked evaluates one alarm at now (cost: its own evaluation
// range, whatever the number of alarms), applies the result and queues the
// next evaluation at the end of the next period.
func (e *ECS) evaluateAlarmLocked(a *metricAlarm, now time.Time) {
	e.cw.evals++
	ser, _ := e.seriesLocked(a.ns, a.metric, a.dims)
	starts := alarm.Range(a.cfg, now)
	points := make([]alarm.Point, len(starts))
	for i, st := range starts {
		v, ok := aggregate(ser, st, a.cfg.Period, a.stat)
		points[i] = alarm.Point{Start: st, Value: v, Present: ok}
	}
	r := alarm.Evaluate(a.cfg, points, a.state, now)
	if r.Changed {
		e.setAlarmStateLocked(a, r.State, r.Reason, reasonData(a, points), now)
	} else if a.state == alarm.Alarm {
		// Auto Scaling actions are invoked for every period the alarm stays
		// in ALARM (Application Auto Scaling User Guide, "Step scaling
		// policies": the alarm keeps invoking the policy).
		e.invokeScalingActionsLocked(a, now)
	}
	e.queueEvalLocked(a, r.NextWakeup)
}

// setAlarmStateLocked moves a to state and runs what reacts to it: the
// alarm's Auto Scaling actions and the ECS deployments watching it.
func (e *ECS) setAlarmStateLocked(a *metricAlarm, state alarm.State, reason, data string, now time.Time) {
	changed := a.state != state
	a.state, a.reason, a.reasonData, a.updated = state, reason, data, now
	if !changed {
		return
	}
	a.transition = now
	if state == alarm.Alarm {
		e.invokeScalingActionsLocked(a, now)
		e.deploymentAlarmLocked(a, now)
	}
}

// invokeScalingActionsLocked runs the Application Auto Scaling policies
// among the actions of a's current state.
func (e *ECS) invokeScalingActionsLocked(a *metricAlarm, now time.Time) {
	if !a.actionsOn {
		return
	}
	acts := a.okActs
	switch a.state {
	case alarm.Alarm:
		acts = a.alarmActs
	case alarm.InsufficientData:
		acts = a.insuffActs
	}
	for _, arn := range acts {
		if strings.HasPrefix(arn, "arn:aws:autoscaling:") {
			e.runPolicyLocked(arn, a, now)
		}
	}
}

// aggregate is one period's statistic from the one-minute datapoints.
func aggregate(ser series, start time.Time, period time.Duration, stat cwtypes.Statistic) (float64, bool) {
	var sum, n, mins, maxs, count float64
	first := true
	for t := start; t.Before(start.Add(period)); t = t.Add(metricPeriod) {
		st, ok := ser(t)
		if !ok {
			continue
		}
		if first || st.min < mins {
			mins = st.min
		}
		if first || st.max > maxs {
			maxs = st.max
		}
		first = false
		sum += st.sum
		n += st.n
		count++
	}
	if count == 0 {
		return 0, false
	}
	switch stat {
	case cwtypes.StatisticMaximum:
		return maxs, true
	case cwtypes.StatisticMinimum:
		return mins, true
	case cwtypes.StatisticSum:
		return sum, true
	case cwtypes.StatisticSampleCount:
		return n, true
	}
	if n == 0 {
		return 0, false
	}
	return sum / n, true
}

// reasonData is CloudWatch's StateReasonData JSON for a threshold alarm.
func reasonData(a *metricAlarm, points []alarm.Point) string {
	var recent []float64
	for _, p := range points {
		if p.Present {
			recent = append(recent, p.Value)
		}
	}
	b, _ := json.Marshal(map[string]any{
		"version": "1.0", "queryDate": "", "statistic": string(a.stat), "period": int(a.cfg.Period / time.Second),
		"recentDatapoints": recent, "threshold": a.cfg.Threshold, "evaluatedDatapoints": len(points),
	})
	return string(b)
}

// DescribeAlarms lists metric alarms sorted by name, filtered by
// AlarmNames (at most 100), AlarmNamePrefix, StateValue and ActionPrefix,
// MaxRecords (1-100, default 50) at a time.
func (cw *CloudWatch) DescribeAlarms(ctx context.Context, in *cloudwatch.DescribeAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	if in == nil {
		in = &cloudwatch.DescribeAlarmsInput{}
	}
	_, unlock, err := cw.begin(ctx, "DescribeAlarms", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	switch {
	case len(in.AlarmNames) > 100:
		return nil, errCWValidation(fmt.Sprint(len(in.AlarmNames)), "alarmNames", "have length less than or equal to 100")
	case in.AlarmNamePrefix != nil && len(in.AlarmNames) > 0:
		return nil, errCWCombination("AlarmNamePrefix and AlarmNames cannot be specified together.")
	case in.MaxRecords != nil && (*in.MaxRecords < 1 || *in.MaxRecords > 100):
		return nil, errCWValidation(fmt.Sprint(*in.MaxRecords), "maxRecords", "have value between 1 and 100")
	}
	if in.StateValue != "" && in.StateValue != cwtypes.StateValueOk && in.StateValue != cwtypes.StateValueAlarm && in.StateValue != cwtypes.StateValueInsufficientData {
		return nil, errCWValidation(string(in.StateValue), "stateValue", "satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]")
	}
	want := map[string]bool{}
	for _, n := range in.AlarmNames {
		want[n] = true
	}
	var names []string
	for n, a := range cw.e.cw.alarms {
		switch {
		case len(want) > 0 && !want[n],
			in.AlarmNamePrefix != nil && !strings.HasPrefix(n, *in.AlarmNamePrefix),
			in.StateValue != "" && string(a.state) != string(in.StateValue),
			in.ActionPrefix != nil && !hasPrefixed(a.alarmActs, a.okActs, a.insuffActs, *in.ActionPrefix):
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	start := 0
	if tok := aws.ToString(in.NextToken); tok != "" {
		start = sort.SearchStrings(names, tok)
		if start >= len(names) || names[start] != tok {
			return nil, &cwtypes.InvalidNextToken{Message: aws.String("The service returned an invalid next token.")}
		}
	}
	limit := 50
	if in.MaxRecords != nil {
		limit = int(*in.MaxRecords)
	}
	out := &cloudwatch.DescribeAlarmsOutput{MetricAlarms: []cwtypes.MetricAlarm{}}
	for i := start; i < len(names); i++ {
		if len(out.MetricAlarms) == limit {
			out.NextToken = aws.String(names[i])
			break
		}
		out.MetricAlarms = append(out.MetricAlarms, cw.e.cw.alarms[names[i]].view())
	}
	return out, nil
}

// hasPrefixed reports whether an action of any list starts with prefix.
func hasPrefixed(a, b, c []string, prefix string) bool {
	for _, l := range [][]string{a, b, c} {
		for _, s := range l {
			if strings.HasPrefix(s, prefix) {
				return true
			}
		}
	}
	return false
}

// view is the alarm as DescribeAlarms shows it.
func (a *metricAlarm) view() cwtypes.MetricAlarm {
	v := cwtypes.MetricAlarm{
		AlarmName: aws.String(a.name), AlarmArn: aws.String(a.arn),
		AlarmConfigurationUpdatedTimestamp: aws.Time(a.configured),
		ActionsEnabled:                     aws.Bool(a.actionsOn),
		AlarmActions:                       nonNil(a.alarmActs), OKActions: nonNil(a.okActs), InsufficientDataActions: nonNil(a.insuffActs),
		ComparisonOperator: cwtypes.ComparisonOperator(a.cfg.Comparison),
		EvaluationPeriods:  aws.Int32(int32(a.cfg.EvaluationPeriods)),
		Dimensions:         append([]cwtypes.Dimension{}, a.dimList...),
		MetricName:         aws.String(a.metric), Namespace: aws.String(a.ns),
		Period: aws.Int32(int32(a.cfg.Period / time.Second)), Statistic: a.stat, Unit: a.unit,
		Threshold:  aws.Float64(a.cfg.Threshold),
		StateValue: cwtypes.StateValue(a.state), StateReason: aws.String(a.reason),
		StateUpdatedTimestamp: aws.Time(a.updated), StateTransitionedTimestamp: aws.Time(a.transition),
	}
	if a.desc != "" {
		v.AlarmDescription = aws.String(a.desc)
	}
	if a.cfg.DatapointsToAlarm > 0 {
		v.DatapointsToAlarm = aws.Int32(int32(a.cfg.DatapointsToAlarm))
	}
	if a.cfg.TreatMissing != "" {
		v.TreatMissingData = aws.String(string(a.cfg.TreatMissing))
	}
	if a.reasonData != "" {
		v.StateReasonData = aws.String(a.reasonData)
	}
	return v
}

// DeleteAlarms deletes alarms (at most 100 names). If any name is unknown
// nothing is deleted and ResourceNotFound names it (CloudWatch API
// Reference, DeleteAlarms: "If you specify an incorrect alarm name or make
// any other error in the operation, no alarms are deleted").
func (cw *CloudWatch) DeleteAlarms(ctx context.Context, in *cloudwatch.DeleteAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DeleteAlarmsOutput, error) {
	if in == nil {
		in = &cloudwatch.DeleteAlarmsInput{}
	}
	_, unlock, err := cw.begin(ctx, "DeleteAlarms", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	if in.AlarmNames == nil {
		return nil, errCWNull("alarmNames")
	}
	if len(in.AlarmNames) > 100 {
		return nil, errCWValidation(fmt.Sprint(len(in.AlarmNames)), "alarmNames", "have length less than or equal to 100")
	}
	for _, n := range in.AlarmNames {
		if cw.e.cw.alarms[n] == nil {
			return nil, errCWNotFound("%d alarm(s) not found: %s", 1, n)
		}
	}
	for _, n := range in.AlarmNames {
		cw.e.deleteAlarmLocked(n)
	}
	return &cloudwatch.DeleteAlarmsOutput{}, nil
}

func (e *ECS) deleteAlarmLocked(name string) {
	if a := e.cw.alarms[name]; a != nil {
		a.deleted = true
		delete(e.cw.alarms, name)
	}
}

// SetAlarmState sets an alarm's state until its next evaluation; a change
// to ALARM runs the alarm's actions (CloudWatch API Reference,
// SetAlarmState). StateReasonData, when given, must be JSON.
func (cw *CloudWatch) SetAlarmState(ctx context.Context, in *cloudwatch.SetAlarmStateInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.SetAlarmStateOutput, error) {
	if in == nil {
		in = &cloudwatch.SetAlarmStateInput{}
	}
	now, unlock, err := cw.begin(ctx, "SetAlarmState", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	switch {
	case in.AlarmName == nil:
		return nil, errCWNull("alarmName")
	case in.StateValue == "":
		return nil, errCWNull("stateValue")
	case in.StateReason == nil:
		return nil, errCWNull("stateReason")
	case len(aws.ToString(in.StateReason)) > 1023:
		return nil, errCWValidation(aws.ToString(in.StateReason), "stateReason", "have length less than or equal to 1023")
	}
	st := alarm.State(in.StateValue)
	if st != alarm.OK && st != alarm.Alarm && st != alarm.InsufficientData {
		return nil, errCWValidation(string(in.StateValue), "stateValue", "satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]")
	}
	if d := aws.ToString(in.StateReasonData); d != "" && !json.Valid([]byte(d)) {
		return nil, &cwtypes.InvalidFormatFault{Message: aws.String("Reason data is not valid JSON")}
	}
	a := cw.e.cw.alarms[aws.ToString(in.AlarmName)]
	if a == nil {
		return nil, errCWNotFound("Alarm %s not found", aws.ToString(in.AlarmName))
	}
	cw.e.setAlarmStateLocked(a, st, aws.ToString(in.StateReason), aws.ToString(in.StateReasonData), now)
	return &cloudwatch.SetAlarmStateOutput{}, nil
}
