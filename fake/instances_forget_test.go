package fake

import (
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// describeInstance returns the status DescribeContainerInstances gives arn,
// or "MISSING" when it answers a MISSING failure.
func describeInstance(t *testing.T, e *ECS, arn string) string {
	t.Helper()
	out, err := e.DescribeContainerInstances(bg, &ecs.DescribeContainerInstancesInput{ContainerInstances: []string{arn}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Failures) == 1 && aws.ToString(out.Failures[0].Reason) == "MISSING" && len(out.ContainerInstances) == 0 {
		return "MISSING"
	}
	if len(out.ContainerInstances) != 1 || len(out.Failures) != 0 {
		t.Fatalf("describe %s: %+v failures %+v", arn, out.ContainerInstances, out.Failures)
	}
	return aws.ToString(out.ContainerInstances[0].Status)
}

// TestInactiveInstanceDescribedForAnHourThenUnknown: a deregistered
// instance is INACTIVE, left out of ListContainerInstances and still
// described for one hour ("Container instance lifecycle"); after that
// hour every call treats it as an unknown instance, and a STOPPED task
// that ran on it keeps its containerInstanceArn.
func TestInactiveInstanceDescribedForAnHourThenUnknown(t *testing.T) {
	tm := fastTiming
	tm.Retention = 3 * time.Hour // the task outlives the instance
	e := newCluster(t, 0, WithTiming(tm))
	reg, err := e.RegisterContainerInstance(bg, &ecs.RegisterContainerInstanceInput{
		TotalResources: []types.Resource{{Name: aws.String("CPU"), IntegerValue: 2048}, {Name: aws.String("MEMORY"), IntegerValue: 4096}},
		Tags:           []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(reg.ContainerInstance.ContainerInstanceArn)
	td := register(t, e, simpleTD("a", "img"))
	task := aws.ToString(run(t, e, &ecs.RunTaskInput{TaskDefinition: &td}).Tasks[0].TaskArn)
	e.Advance(time.Minute)
	if _, err := e.StopTask(bg, &ecs.StopTaskInput{Task: &task}); err != nil {
		t.Fatal(err)
	}
	e.Advance(time.Minute)
	if _, err := e.DeregisterContainerInstance(bg, &ecs.DeregisterContainerInstanceInput{ContainerInstance: &arn}); err != nil {
		t.Fatal(err)
	}
	if l, _ := e.ListContainerInstances(bg, &ecs.ListContainerInstancesInput{}); len(l.ContainerInstanceArns) != 0 {
		t.Fatalf("INACTIVE instance listed: %v", l.ContainerInstanceArns)
	}
	e.Advance(instanceRetention - time.Second)
	if got := describeInstance(t, e, arn); got != "INACTIVE" {
		t.Fatalf("a second before the hour: %s, want INACTIVE", got)
	}
	e.Advance(time.Second)
	if got := describeInstance(t, e, arn); got != "MISSING" {
		t.Fatalf("after the hour: %s, want MISSING", got)
	}
	// Unknown everywhere, as an instance that never existed.
	id := arn[len(arn)-32:]
	st, err := e.StartTask(bg, &ecs.StartTaskInput{TaskDefinition: &td, ContainerInstances: []string{arn}})
	if err != nil || !slices.Equal(reasons(st.Failures), []string{"MISSING"}) {
		t.Fatalf("StartTask: %v %+v", err, st)
	}
	_, err = e.DeregisterContainerInstance(bg, &ecs.DeregisterContainerInstanceInput{ContainerInstance: &id})
	apiErr(t, err, "InvalidParameterException", "Container instance "+id+" not found.")
	_, err = e.ListTasks(bg, &ecs.ListTasksInput{ContainerInstance: &arn})
	apiErr(t, err, "InvalidParameterException", "containerInstance: Container instance "+arn+" not found.")
	_, err = e.PutAttributes(bg, &ecs.PutAttributesInput{Attributes: []types.Attribute{{Name: aws.String("k"), TargetId: &arn}}})
	apiErr(t, err, "TargetNotFoundException", "")
	if _, err := e.ListTagsForResource(bg, &ecs.ListTagsForResourceInput{ResourceArn: &arn}); err == nil {
		t.Fatal("ListTagsForResource of a forgotten instance: no error")
	}
	if err := e.LoseInstance(arn); err == nil {
		t.Fatal("LoseInstance of a forgotten instance: no error")
	}
	if l, _ := e.ListContainerInstances(bg, &ecs.ListContainerInstancesInput{Status: "INACTIVE"}); len(l.ContainerInstanceArns) != 0 {
		t.Fatalf("forgotten instance listed INACTIVE: %v", l.ContainerInstanceArns)
	}
	if d := describe(t, e, task); aws.ToString(d.ContainerInstanceArn) != arn || aws.ToString(d.LastStatus) != "STOPPED" {
		t.Fatalf("task of the forgotten instance: %s on %s", aws.ToString(d.LastStatus), aws.ToString(d.ContainerInstanceArn))
	}
	c := e.clusters["default"]
	if len(c.instances) != 0 || len(e.instances) != 0 || len(c.inactive) != 0 || e.tags[arn] != nil {
		t.Fatalf("forgotten instance still held: cluster %d, fake %d, inactive %d, tags %v",
			len(c.instances), len(e.instances), len(c.inactive), e.tags[arn])
	}
	// A new instance still takes the next AZ of the round-robin (the
	// forgotten one counted), as before forgetting existed.
	next, err := e.AddInstance("default", InstanceSpec{})
	if err != nil {
		t.Fatal(err)
	}
	if az := e.instances[next[len(next)-32:]].az(); az != e.cfg.azs[1%len(e.cfg.azs)] {
		t.Fatalf("second instance's AZ %s, want %s", az, e.cfg.azs[1%len(e.cfg.azs)])
	}
}

// TestLostInstanceForgottenAfterAnHourItsTasksKeepItsArn: LoseInstance
// makes the instance INACTIVE and stops its tasks; an hour later the
// instance is MISSING while the tasks, remembered longer, still name it.
func TestLostInstanceForgottenAfterAnHourItsTasksKeepItsArn(t *testing.T) {
	tm := fastTiming
	tm.Retention = 2 * time.Hour
	e := newCluster(t, 1, WithTiming(tm))
	td := register(t, e, simpleTD("a", "img"))
	out := run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(2)})
	arn := aws.ToString(out.Tasks[0].ContainerInstanceArn)
	e.Advance(time.Minute)
	if err := e.LoseInstance(arn); err != nil {
		t.Fatal(err)
	}
	e.Advance(instanceRetention)
	if got := describeInstance(t, e, arn); got != "MISSING" {
		t.Fatalf("lost instance an hour later: %s, want MISSING", got)
	}
	for _, x := range out.Tasks {
		d := describe(t, e, aws.ToString(x.TaskArn))
		if aws.ToString(d.LastStatus) != "STOPPED" || aws.ToString(d.ContainerInstanceArn) != arn {
			t.Fatalf("task %s on %s", aws.ToString(d.LastStatus), aws.ToString(d.ContainerInstanceArn))
		}
	}
	e.Advance(tm.Retention) // the tasks go too; nothing refers to the instance
	if n := len(e.clusters["default"].instances); n != 0 {
		t.Fatalf("%d instances remembered", n)
	}
}

// TestDeregisteredGroupInstanceLeavesItsGroupWhenForgotten: an Auto
// Scaling group's instance deregistered through the API stays in its
// group's list while INACTIVE, and leaves it when forgotten.
func TestDeregisteredGroupInstanceLeavesItsGroupWhenForgotten(t *testing.T) {
	e := newCluster(t, 0)
	if _, err := e.DeclareAutoScalingGroup(AutoScalingGroupSpec{Name: "g", DesiredCapacity: 2}); err != nil {
		t.Fatal(err)
	}
	active, _, err := e.GroupInstances("g")
	if err != nil || len(active) != 2 {
		t.Fatalf("group: %v %v", active, err)
	}
	if _, err := e.DeregisterContainerInstance(bg, &ecs.DeregisterContainerInstanceInput{ContainerInstance: &active[0]}); err != nil {
		t.Fatal(err)
	}
	g := e.asgs["g"]
	if len(g.instances) != 2 {
		t.Fatalf("INACTIVE instance left its group early: %d", len(g.instances))
	}
	e.Advance(instanceRetention)
	if len(g.instances) != 1 || g.instances[0].arn != active[1] {
		t.Fatalf("group holds %d instances after the hour", len(g.instances))
	}
	if st, _ := e.DescribeGroup("g"); !slices.Equal(st.ContainerInstanceArns, active[1:]) {
		t.Fatalf("DescribeGroup: %v", st.ContainerInstanceArns)
	}
}

// TestInstanceChurnIsBoundedWithoutTime: 5,000 RegisterContainerInstance
// + DeregisterContainerInstance pairs while virtual time stands still
// leave at most maxInactiveInstances remembered, the oldest forgotten
// first; the quota check and ListContainerInstances still answer.
func TestInstanceChurnIsBoundedWithoutTime(t *testing.T) {
	e := newCluster(t, 0)
	const n = 5000
	arns := make([]string, 0, n)
	for range n {
		reg, err := e.RegisterContainerInstance(bg, &ecs.RegisterContainerInstanceInput{})
		if err != nil {
			t.Fatal(err)
		}
		arn := aws.ToString(reg.ContainerInstance.ContainerInstanceArn)
		if _, err := e.DeregisterContainerInstance(bg, &ecs.DeregisterContainerInstanceInput{ContainerInstance: &arn}); err != nil {
			t.Fatal(err)
		}
		arns = append(arns, arn)
	}
	c := e.clusters["default"]
	if len(c.instances) != maxInactiveInstances || len(e.instances) != maxInactiveInstances || len(c.inactive) != maxInactiveInstances {
		t.Fatalf("after %d pairs: cluster %d, fake %d, inactive %d, want %d", n,
			len(c.instances), len(e.instances), len(c.inactive), maxInactiveInstances)
	}
	if got := describeInstance(t, e, arns[n-maxInactiveInstances-1]); got != "MISSING" {
		t.Fatalf("newest forgotten: %s", got)
	}
	if got := describeInstance(t, e, arns[n-maxInactiveInstances]); got != "INACTIVE" {
		t.Fatalf("oldest remembered: %s", got)
	}
	l, err := e.ListContainerInstances(bg, &ecs.ListContainerInstancesInput{Status: "INACTIVE", MaxResults: aws.Int32(100)})
	if err != nil || len(l.ContainerInstanceArns) != 100 || l.ContainerInstanceArns[0] != arns[n-maxInactiveInstances] {
		t.Fatalf("INACTIVE listing: %v %d", err, len(l.ContainerInstanceArns))
	}
}

// TestInstanceChurnMemoryIsBounded: the heap left after AddInstance +
// LoseInstance pairs (virtual time standing still) stops
// growing once the cluster remembers maxInactiveInstances INACTIVE
// instances: 6,000 more pairs leave under 256 KiB more live heap (each
// remembered instance holds ~1 KiB, so unbounded growth would be ~6 MiB).
// The call log is bounded on its own; AddInstance and LoseInstance are
// controls, which it does not record, so it stays out of the figure.
func TestInstanceChurnMemoryIsBounded(t *testing.T) {
	e := newCluster(t, 0)
	churn := func(k int) {
		for range k {
			arn, err := e.AddInstance("default", InstanceSpec{})
			if err != nil {
				t.Fatal(err)
			}
			if err := e.LoseInstance(arn); err != nil {
				t.Fatal(err)
			}
		}
	}
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	churn(2 * maxInactiveInstances)
	before := heap()
	churn(6000)
	after := heap()
	grew := int64(after) - int64(before)
	t.Logf("live heap %d -> %d bytes after 6,000 more pairs (%+d)", before, after, grew)
	if grew > 256<<10 {
		t.Fatalf("live heap grew %d bytes over 6,000 instance pairs; want < 256 KiB", grew)
	}
	if n := len(e.clusters["default"].instances); n != maxInactiveInstances {
		t.Fatalf("%d instances remembered", n)
	}
	runtime.KeepAlive(e)
}

// TestRestoredWorldForgetsInactiveInstancesOnTime: a snapshot taken while
// instances are INACTIVE (one deregistered, one lost half an hour later)
// restores a world that forgets each of them when the
// original does.
func TestRestoredWorldForgetsInactiveInstancesOnTime(t *testing.T) {
	e := newCluster(t, 2, WithSnapshots())
	l, err := e.ListContainerInstances(bg, &ecs.ListContainerInstancesInput{})
	if err != nil || len(l.ContainerInstanceArns) != 2 {
		t.Fatalf("ListContainerInstances: %v %v", err, l)
	}
	arns := l.ContainerInstanceArns
	if _, err := e.DeregisterContainerInstance(bg, &ecs.DeregisterContainerInstanceInput{ContainerInstance: &arns[0]}); err != nil {
		t.Fatal(err)
	}
	e.Advance(30 * time.Minute)
	if err := e.LoseInstance(arns[1]); err != nil {
		t.Fatal(err)
	}
	r := restoredCopy(t, e)
	for _, step := range []struct {
		d    time.Duration
		want [2]string
	}{
		{29 * time.Minute, [2]string{"INACTIVE", "INACTIVE"}},
		{time.Minute, [2]string{"MISSING", "INACTIVE"}},
		{30 * time.Minute, [2]string{"MISSING", "MISSING"}},
	} {
		for _, w := range []*ECS{e, r} {
			w.Advance(step.d)
			for i, arn := range arns {
				if got := describeInstance(t, w, arn); got != step.want[i] {
					t.Fatalf("instance %d: %s, want %s (restored %v)", i, got, step.want[i], w == r)
				}
			}
		}
	}
}
