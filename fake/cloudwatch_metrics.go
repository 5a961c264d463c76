package fake

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// dimsOf turns a dimension list into a map, rejecting empty names/values
// and duplicates.
func dimsOf(ds []cwtypes.Dimension) (map[string]string, error) {
	m := make(map[string]string, len(ds))
	for i, d := range ds {
		n, v := aws.ToString(d.Name), aws.ToString(d.Value)
		if n == "" || v == "" {
			return nil, errCWMissing("The dimension %d must have a Name and a Value.", i+1)
		}
		if _, dup := m[n]; dup {
			return nil, errCWInvalidValue("No duplicate dimension names are allowed: %s.", n)
		}
		m[n] = v
	}
	return m, nil
}

// checkRange validates a time range and period: at most 1,440 datapoints
// (CloudWatch API Reference, GetMetricStatistics).
func checkRange(start, end *time.Time, period int32, member string) (time.Time, time.Time, error) {
	switch {
	case start == nil:
		return time.Time{}, time.Time{}, errCWNull("startTime")
	case end == nil:
		return time.Time{}, time.Time{}, errCWNull("endTime")
	case period < 60 || period%60 != 0:
		return time.Time{}, time.Time{}, errCWInvalidValue("The parameter %s must be a multiple of 60 (the fake publishes one-minute metrics).", member)
	case !end.After(*start):
		return time.Time{}, time.Time{}, errCWInvalidValue("The parameter StartTime must be less than the parameter EndTime.")
	}
	p := time.Duration(period) * time.Second
	s := start.UTC().Truncate(p)
	n := int64((end.Sub(s) + p - 1) / p)
	if n > maxDatapointsPerQuery {
		return time.Time{}, time.Time{}, errCWCombination("You have requested up to %s datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.", commaInt(n))
	}
	return s, end.UTC(), nil
}

func commaInt(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// unitOf is the unit a metric is published with.
func unitOf(ns, name string) cwtypes.StandardUnit {
	switch {
	case ns == NamespaceECS:
		return cwtypes.StandardUnitPercent
	case ns == NamespaceALB:
		return cwtypes.StandardUnitCount
	}
	return cwtypes.StandardUnitNone
}

// GetMetricStatistics returns a metric's statistics per period between
// StartTime and EndTime (complete periods before now only), oldest first.
func (cw *CloudWatch) GetMetricStatistics(ctx context.Context, in *cloudwatch.GetMetricStatisticsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricStatisticsOutput, error) {
	if in == nil {
		in = &cloudwatch.GetMetricStatisticsInput{}
	}
	now, unlock, err := cw.begin(ctx, "GetMetricStatistics", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	switch {
	case in.Namespace == nil:
		return nil, errCWNull("namespace")
	case in.MetricName == nil:
		return nil, errCWNull("metricName")
	case in.Period == nil:
		return nil, errCWNull("period")
	case len(in.Statistics) == 0 && len(in.ExtendedStatistics) == 0:
		return nil, errCWMissing("Must specify either Statistics or ExtendedStatistics.")
	case len(in.ExtendedStatistics) > 0:
		return nil, errCWInvalidValue("ExtendedStatistics (percentiles) are not simulated by the fake.")
	}
	dims, err := dimsOf(in.Dimensions)
	if err != nil {
		return nil, err
	}
	start, end, err := checkRange(in.StartTime, in.EndTime, *in.Period, "Period")
	if err != nil {
		return nil, err
	}
	ns, name := *in.Namespace, *in.MetricName
	ser, _ := cw.e.seriesLocked(ns, name, dims)
	p := time.Duration(*in.Period) * time.Second
	out := &cloudwatch.GetMetricStatisticsOutput{Label: aws.String(name), Datapoints: []cwtypes.Datapoint{}}
	for t := start; t.Before(end) && !t.Add(p).After(now); t = t.Add(p) {
		dp := cwtypes.Datapoint{Timestamp: aws.Time(t), Unit: unitOf(ns, name)}
		any := false
		for _, st := range in.Statistics {
			v, ok := aggregate(ser, t, p, st)
			if !ok {
				continue
			}
			any = true
			switch st {
			case cwtypes.StatisticAverage:
				dp.Average = aws.Float64(v)
			case cwtypes.StatisticMaximum:
				dp.Maximum = aws.Float64(v)
			case cwtypes.StatisticMinimum:
				dp.Minimum = aws.Float64(v)
			case cwtypes.StatisticSum:
				dp.Sum = aws.Float64(v)
			case cwtypes.StatisticSampleCount:
				dp.SampleCount = aws.Float64(v)
			}
		}
		if any {
			out.Datapoints = append(out.Datapoints, dp)
		}
	}
	return out, nil
}

// GetMetricData answers MetricStat queries (metric math expressions are
// not simulated): for each query with ReturnData (default true), the
// timestamps and values of complete periods, newest first unless ScanBy is
// TimestampAscending.
func (cw *CloudWatch) GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	if in == nil {
		in = &cloudwatch.GetMetricDataInput{}
	}
	now, unlock, err := cw.begin(ctx, "GetMetricData", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	if in.MetricDataQueries == nil {
		return nil, errCWNull("metricDataQueries")
	}
	if len(in.MetricDataQueries) > 500 {
		return nil, errCWValidation(fmt.Sprint(len(in.MetricDataQueries)), "metricDataQueries", "have length less than or equal to 500")
	}
	out := &cloudwatch.GetMetricDataOutput{MetricDataResults: []cwtypes.MetricDataResult{}, Messages: []cwtypes.MessageData{}}
	ids := map[string]bool{}
	for i, q := range in.MetricDataQueries {
		id := aws.ToString(q.Id)
		switch {
		case id == "":
			return nil, errCWNull(fmt.Sprintf("metricDataQueries.%d.member.id", i+1))
		case ids[id]:
			return nil, errCWInvalidValue("The value %s for field Id is not unique.", id)
		case q.Expression != nil:
			return nil, errCWInvalidValue("Metric math expressions are not simulated by the fake (query %s).", id)
		case q.MetricStat == nil || q.MetricStat.Metric == nil || q.MetricStat.Period == nil || q.MetricStat.Stat == nil:
			return nil, errCWMissing("The parameter MetricDataQueries.member.%d.MetricStat must specify Metric, Period and Stat.", i+1)
		}
		ids[id] = true
		ms := q.MetricStat
		dims, err := dimsOf(ms.Metric.Dimensions)
		if err != nil {
			return nil, err
		}
		start, end, err := checkRange(in.StartTime, in.EndTime, *ms.Period, "Period")
		if err != nil {
			return nil, err
		}
		stat := cwtypes.Statistic(*ms.Stat)
		switch stat {
		case cwtypes.StatisticAverage, cwtypes.StatisticMaximum, cwtypes.StatisticMinimum, cwtypes.StatisticSum, cwtypes.StatisticSampleCount:
		default:
			return nil, errCWInvalidValue("The value %s for parameter MetricDataQueries.member.%d.MetricStat.Stat is not supported by the fake.", *ms.Stat, i+1)
		}
		if q.ReturnData != nil && !*q.ReturnData {
			continue
		}
		ns, name := aws.ToString(ms.Metric.Namespace), aws.ToString(ms.Metric.MetricName)
		ser, _ := cw.e.seriesLocked(ns, name, dims)
		p := time.Duration(*ms.Period) * time.Second
		res := cwtypes.MetricDataResult{Id: aws.String(id), Label: aws.String(name), StatusCode: cwtypes.StatusCodeComplete,
			Timestamps: []time.Time{}, Values: []float64{}}
		if q.Label != nil {
			res.Label = q.Label
		}
		for t := start; t.Before(end) && !t.Add(p).After(now); t = t.Add(p) {
			if v, ok := aggregate(ser, t, p, stat); ok {
				res.Timestamps = append(res.Timestamps, t)
				res.Values = append(res.Values, v)
			}
		}
		if in.ScanBy != cwtypes.ScanByTimestampAscending {
			for i, j := 0, len(res.Values)-1; i < j; i, j = i+1, j-1 {
				res.Timestamps[i], res.Timestamps[j] = res.Timestamps[j], res.Timestamps[i]
				res.Values[i], res.Values[j] = res.Values[j], res.Values[i]
			}
		}
		out.MetricDataResults = append(out.MetricDataResults, res)
	}
	return out, nil
}

// PutMetricData publishes custom datapoints (Value or StatisticValues per
// datum; Values/Counts), aggregated per minute. Namespaces starting with
// "AWS/" are reserved (CloudWatch API Reference, PutMetricData).
func (cw *CloudWatch) PutMetricData(ctx context.Context, in *cloudwatch.PutMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricDataOutput, error) {
	if in == nil {
		in = &cloudwatch.PutMetricDataInput{}
	}
	now, unlock, err := cw.begin(ctx, "PutMetricData", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	ns := aws.ToString(in.Namespace)
	switch {
	case in.Namespace == nil:
		return nil, errCWNull("namespace")
	case strings.HasPrefix(ns, "AWS/"):
		return nil, errCWInvalidValue("The value %s for parameter Namespace is invalid.", ns)
	case len(in.MetricData) == 0:
		return nil, errCWMissing("The parameter MetricData is required.")
	case len(in.MetricData) > 1000:
		return nil, errCWValidation(fmt.Sprint(len(in.MetricData)), "metricData", "have length less than or equal to 1000")
	}
	type add struct {
		key metricKey
		at  int64
		st  stats
	}
	adds := make([]add, 0, len(in.MetricData))
	for i, d := range in.MetricData {
		if aws.ToString(d.MetricName) == "" {
			return nil, errCWNull(fmt.Sprintf("metricData.member.%d.metricName", i+1))
		}
		dims, err := dimsOf(d.Dimensions)
		if err != nil {
			return nil, err
		}
		at := now
		if d.Timestamp != nil {
			at = *d.Timestamp
		}
		var st stats
		switch {
		case d.Value != nil:
			v := *d.Value
			st = stats{avg: v, min: v, max: v, sum: v, n: 1}
		case d.StatisticValues != nil:
			sv := d.StatisticValues
			st = stats{min: aws.ToFloat64(sv.Minimum), max: aws.ToFloat64(sv.Maximum), sum: aws.ToFloat64(sv.Sum), n: aws.ToFloat64(sv.SampleCount)}
		case len(d.Values) > 0:
			st = stats{min: d.Values[0], max: d.Values[0]}
			for j, v := range d.Values {
				c := 1.0
				if j < len(d.Counts) {
					c = d.Counts[j]
				}
				st.sum += v * c
				st.n += c
				st.min, st.max = min(st.min, v), max(st.max, v)
			}
		default:
			return nil, errCWMissing("The parameter MetricData.member.%d.Value is required.", i+1)
		}
		adds = append(adds, add{key: newMetricKey(ns, *d.MetricName, dims), at: at.UTC().Truncate(time.Minute).Unix(), st: st})
	}
	for _, a := range adds {
		m := cw.e.metrics.custom[a.key]
		if m == nil {
			m = map[int64]*stats{}
			cw.e.metrics.custom[a.key] = m
		}
		cur := m[a.at]
		if cur == nil {
			st := a.st
			m[a.at] = &st
		} else {
			cur.sum += a.st.sum
			cur.n += a.st.n
			cur.min, cur.max = min(cur.min, a.st.min), max(cur.max, a.st.max)
		}
	}
	for _, a := range adds {
		if st := cw.e.metrics.custom[a.key][a.at]; st.n > 0 {
			st.avg = st.sum / st.n
		}
	}
	return &cloudwatch.PutMetricDataOutput{}, nil
}
