package fake

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"sort"
	"strings"
	"time"
)

// Namespaces and metric names the fake publishes (CloudWatch User Guide,
// "Amazon ECS CloudWatch metrics" and "CloudWatch metrics for your
// Application Load Balancer").
const (
	NamespaceECS          = "AWS/ECS"
	NamespaceALB          = "AWS/ApplicationELB"
	MetricCPUUtilization  = "CPUUtilization"
	MetricMemUtilization  = "MemoryUtilization"
	MetricRequestsPerTgt  = "RequestCountPerTarget"
	dimClusterName        = "ClusterName"
	dimServiceName        = "ServiceName"
	dimTargetGroup        = "TargetGroup"
	dimLoadBalancer       = "LoadBalancer"
	maxDatapointsPerQuery = 1440
)

// metricKey identifies a metric: namespace, name and its dimensions in a
// canonical "name=value" list sorted by name.
type metricKey struct {
	ns, name, dims string
}

func newMetricKey(ns, name string, dims map[string]string) metricKey {
	keys := make([]string, 0, len(dims))
	for k := range dims {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k + "=" + dims[k])
	}
	return metricKey{ns: ns, name: name, dims: b.String()}
}

// series reads one metric's one-minute datapoints.
type series func(start time.Time) (stats, bool)

// seriesLocked resolves a metric to its datapoints: a service metric of the
// world or datapoints published with PutMetricData. ok is false for a
// metric the world does not know (no datapoints: an alarm on it stays
// INSUFFICIENT_DATA, as in CloudWatch).
func (e *ECS) seriesLocked(ns, name string, dims map[string]string) (series, bool) {
	switch {
	case ns == NamespaceECS && (name == MetricCPUUtilization || name == MetricMemUtilization) && len(dims) == 2:
		c := e.clusters[dims[dimClusterName]]
		if c == nil {
			break
		}
		s := e.services[serviceKey{c, dims[dimServiceName]}]
		if s == nil {
			break
		}
		which := metricCPU
		if name == MetricMemUtilization {
			which = metricMemory
		}
		sm := e.metrics.of(s)
		return func(start time.Time) (stats, bool) { return sm.datapoint(which, start) }, true
	case ns == NamespaceALB && name == MetricRequestsPerTgt && dims[dimTargetGroup] != "" && (len(dims) == 1 || len(dims) == 2 && dims[dimLoadBalancer] != ""):
		if s := e.serviceBehindLocked(dims[dimTargetGroup]); s != nil {
			sm := e.metrics.of(s)
			return func(start time.Time) (stats, bool) { return sm.datapoint(metricRequestsPerTarget, start) }, true
		}
	}
	if pts, ok := e.metrics.custom[newMetricKey(ns, name, dims)]; ok {
		return func(start time.Time) (stats, bool) {
			st := pts[start.Unix()]
			if st == nil {
				return stats{}, false
			}
			return *st, true
		}, true
	}
	return func(time.Time) (stats, bool) { return stats{}, false }, false
}

// serviceBehindLocked finds the ACTIVE service registering its tasks with
// the target group whose ARN ends with suffix ("targetgroup/name/id", the
// TargetGroup dimension).
func (e *ECS) serviceBehindLocked(suffix string) *service {
	for _, s := range e.svcOrder {
		if s.status != serviceActive {
			continue
		}
		for _, lb := range s.loadBalancers {
			if arn := aws.ToString(lb.TargetGroupArn); arn != "" && strings.HasSuffix(arn, ":"+suffix) {
				return s
			}
		}
	}
	return nil
}

// TargetGroupDimension returns the TargetGroup dimension value of a target
// group ARN ("targetgroup/name/id").
func TargetGroupDimension(arn string) string {
	if i := strings.Index(arn, ":targetgroup/"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}
