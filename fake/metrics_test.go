package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

func TestScheduleShapes(t *testing.T) {
	t0 := defaultStart
	r := RampLoad(100, 300, t0.Add(time.Minute), 2*time.Minute)
	for _, c := range []struct {
		at   time.Duration
		want float64
	}{{0, 100}, {time.Minute, 100}, {2 * time.Minute, 200}, {3 * time.Minute, 300}, {time.Hour, 300}} {
		if got := r.At(t0.Add(c.at)); got != c.want {
			t.Errorf("ramp at %v = %v, want %v", c.at, got, c.want)
		}
	}
	s := StepLoad(10, LoadStep{At: t0.Add(time.Minute), Value: 50}, LoadStep{At: t0.Add(2 * time.Minute), Value: 20})
	for _, c := range []struct {
		at   time.Duration
		want float64
	}{{0, 10}, {59 * time.Second, 10}, {time.Minute, 50}, {90 * time.Second, 50}, {5 * time.Minute, 20}} {
		if got := s.At(t0.Add(c.at)); got != c.want {
			t.Errorf("steps at %v = %v, want %v", c.at, got, c.want)
		}
	}
	if ConstantLoad(7).At(t0.Add(100*time.Hour)) != 7 {
		t.Error("constant")
	}
}

// TestServiceCPUIsLoadSharedByRunningTasks: CPUUtilization of a service is
// the demand divided among its running tasks, per one-minute datapoint
// (AWS/ECS, dimensions ClusterName and ServiceName; "Amazon ECS CloudWatch
// metrics": service utilization is the tasks' total use over their total
// reservation).
func TestServiceCPUIsLoadSharedByRunningTasks(t *testing.T) {
	e := scalingWorld(t, 4)
	if err := e.SetLoad("default", "web", Load{CPU: ConstantLoad(200), Memory: ConstantLoad(100)}); err != nil {
		t.Fatal(err)
	}
	start := e.Now().Truncate(time.Minute)
	e.Advance(3 * time.Minute)
	out, err := e.CloudWatch().GetMetricStatistics(bg, &cloudwatch.GetMetricStatisticsInput{
		Namespace: aws.String(NamespaceECS), MetricName: aws.String(MetricCPUUtilization),
		Dimensions: []cwtypes.Dimension{{Name: aws.String("ClusterName"), Value: aws.String("default")}, {Name: aws.String("ServiceName"), Value: aws.String("web")}},
		StartTime:  aws.Time(start.Add(time.Minute)), EndTime: aws.Time(start.Add(3 * time.Minute)), Period: aws.Int32(60),
		Statistics: []cwtypes.Statistic{cwtypes.StatisticAverage, cwtypes.StatisticSampleCount}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Datapoints) != 2 {
		t.Fatalf("got %d datapoints, want 2 (complete minutes)", len(out.Datapoints))
	}
	for _, dp := range out.Datapoints {
		if *dp.Average != 50 || *dp.SampleCount != 4 || dp.Unit != cwtypes.StandardUnitPercent {
			t.Fatalf("datapoint %+v: want Average 50 over 4 tasks", dp)
		}
	}
	// Halving the tasks doubles the utilization of later minutes.
	update(t, e, updateDesired("web", 2))
	e.Advance(2 * time.Minute)
	now := e.Now().Truncate(time.Minute)
	md, err := e.CloudWatch().GetMetricData(bg, &cloudwatch.GetMetricDataInput{StartTime: aws.Time(now.Add(-time.Minute)), EndTime: aws.Time(now),
		MetricDataQueries: []cwtypes.MetricDataQuery{{Id: aws.String("m"), MetricStat: &cwtypes.MetricStat{Period: aws.Int32(60), Stat: aws.String("Average"),
			Metric: &cwtypes.Metric{Namespace: aws.String(NamespaceECS), MetricName: aws.String(MetricMemUtilization),
				Dimensions: []cwtypes.Dimension{{Name: aws.String("ClusterName"), Value: aws.String("default")}, {Name: aws.String("ServiceName"), Value: aws.String("web")}}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if r := md.MetricDataResults[0]; len(r.Values) != 1 || r.Values[0] != 50 || r.StatusCode != cwtypes.StatusCodeComplete {
		t.Fatalf("memory after scale-in: %+v (want 100/2 = 50)", r)
	}
}

// TestGetMetricStatisticsDatapointLimit: at most 1,440 datapoints per
// request (CloudWatch API Reference, GetMetricStatistics).
func TestGetMetricStatisticsDatapointLimit(t *testing.T) {
	e := New()
	now := e.Now()
	_, err := e.CloudWatch().GetMetricStatistics(bg, &cloudwatch.GetMetricStatisticsInput{Namespace: aws.String("x"), MetricName: aws.String("y"),
		StartTime: aws.Time(now.Add(-1441 * time.Minute)), EndTime: aws.Time(now), Period: aws.Int32(60), Statistics: []cwtypes.Statistic{"Sum"}})
	var ce *cwtypes.InvalidParameterCombinationException
	if !errorsAs(err, &ce) || *ce.Message != "You have requested up to 1,441 datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range." {
		t.Fatalf("got %v", err)
	}
}
