package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestRegisterContainerInstanceAndResources(t *testing.T) {
	e := newCluster(t, 0)
	out, err := e.RegisterContainerInstance(bg, &ecs.RegisterContainerInstanceInput{
		TotalResources: []types.Resource{{Name: aws.String("CPU"), IntegerValue: 4096}, {Name: aws.String("MEMORY"), IntegerValue: 8000}},
		Attributes:     []types.Attribute{{Name: aws.String("ecs.availability-zone"), Value: aws.String("us-east-1b")}, {Name: aws.String("team"), Value: aws.String("a")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	arn := *out.ContainerInstance.ContainerInstanceArn
	td := register(t, e, tdWith("r", 1024, aws.Int32(2000), nil, pm(80, 8080)))
	run(t, e, &ecs.RunTaskInput{TaskDefinition: &td})
	e.Advance(time.Minute)
	d, _ := e.DescribeContainerInstances(bg, &ecs.DescribeContainerInstancesInput{ContainerInstances: []string{arn, "nope"}})
	ci := d.ContainerInstances[0]
	if ci.RemainingResources[0].IntegerValue != 3072 || ci.RemainingResources[1].IntegerValue != 6000 || ci.RunningTasksCount != 1 {
		t.Fatalf("remaining %+v running %d", ci.RemainingResources, ci.RunningTasksCount)
	}
	if len(d.Failures) != 1 || *d.Failures[0].Reason != "MISSING" {
		t.Fatalf("failures %v", d.Failures)
	}
	l, _ := e.ListContainerInstances(bg, &ecs.ListContainerInstancesInput{Filter: aws.String("attribute:team == a")})
	if len(l.ContainerInstanceArns) != 1 {
		t.Fatalf("filter: %v", l.ContainerInstanceArns)
	}
	_, err = e.ListContainerInstances(bg, &ecs.ListContainerInstancesInput{Filter: aws.String("attribute:team ==")})
	apiErr(t, err, "InvalidParameterException", "")
}

func TestDeregisterContainerInstanceWithTasks(t *testing.T) {
	e := newCluster(t, 1)
	td := register(t, e, simpleTD("a", "img"))
	arn := *run(t, e, &ecs.RunTaskInput{TaskDefinition: &td}).Tasks[0].ContainerInstanceArn
	_, err := e.DeregisterContainerInstance(bg, &ecs.DeregisterContainerInstanceInput{ContainerInstance: &arn})
	apiErr(t, err, "InvalidParameterException", "Found running tasks on the instance.")
	out, err := e.DeregisterContainerInstance(bg, &ecs.DeregisterContainerInstanceInput{ContainerInstance: &arn, Force: aws.Bool(true)})
	if err != nil || *out.ContainerInstance.Status != "INACTIVE" {
		t.Fatal(err)
	}
}

func TestListTasksFiltersAndPagination(t *testing.T) {
	e := newCluster(t, 20)
	a := register(t, e, simpleTD("a", "img"))
	b := register(t, e, simpleTD("b", "img"))
	var first string
	for range 15 {
		out := run(t, e, &ecs.RunTaskInput{TaskDefinition: &a, Count: aws.Int32(10), StartedBy: aws.String("ci")})
		if first == "" {
			first = *out.Tasks[0].TaskArn
		}
	}
	run(t, e, &ecs.RunTaskInput{TaskDefinition: &b, Group: aws.String("service:api")})
	e.StopTask(bg, &ecs.StopTaskInput{Task: &first})
	count := func(in *ecs.ListTasksInput) int {
		t.Helper()
		n := 0
		p := ecs.NewListTasksPaginator(e, in)
		for p.HasMorePages() {
			out, err := p.NextPage(bg)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.TaskArns) > 100 {
				t.Fatalf("page of %d", len(out.TaskArns))
			}
			n += len(out.TaskArns)
		}
		return n
	}
	tests := []struct {
		name string
		in   *ecs.ListTasksInput
		want int
	}{
		{"all running", &ecs.ListTasksInput{}, 150},
		{"family", &ecs.ListTasksInput{Family: aws.String("a")}, 149},
		{"startedBy", &ecs.ListTasksInput{StartedBy: aws.String("ci")}, 149},
		{"serviceName", &ecs.ListTasksInput{ServiceName: aws.String("api")}, 1},
		{"desiredStatus STOPPED", &ecs.ListTasksInput{DesiredStatus: types.DesiredStatusStopped}, 1},
		{"small pages", &ecs.ListTasksInput{MaxResults: aws.Int32(7)}, 150},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := count(tc.in); got != tc.want {
				t.Fatalf("got %d, want %d", got, tc.want)
			}
		})
	}
	ci := *describe(t, e, first).ContainerInstanceArn
	byInst := count(&ecs.ListTasksInput{ContainerInstance: &ci})
	total := 0
	l, _ := e.ListContainerInstances(bg, nil)
	for _, arn := range l.ContainerInstanceArns {
		total += count(&ecs.ListTasksInput{ContainerInstance: aws.String(arn)})
	}
	if byInst == 0 || total != 150 {
		t.Fatalf("by instance %d total %d", byInst, total)
	}
}

func TestDescribeTasksLimits(t *testing.T) {
	e := newCluster(t, 1)
	_, err := e.DescribeTasks(bg, &ecs.DescribeTasksInput{})
	apiErr(t, err, "InvalidParameterException", "Tasks cannot be empty.")
	_, err = e.DescribeTasks(bg, &ecs.DescribeTasksInput{Tasks: make([]string, 101)})
	apiErr(t, err, "InvalidParameterException", "")
	out, _ := e.DescribeTasks(bg, &ecs.DescribeTasksInput{Tasks: []string{"0123456789abcdef0123456789abcdef"}})
	if len(out.Failures) != 1 || *out.Failures[0].Arn != "arn:aws:ecs:us-east-1:123456789012:task/default/0123456789abcdef0123456789abcdef" {
		t.Fatalf("failures %+v", out.Failures)
	}
	_, err = e.StopTask(bg, &ecs.StopTaskInput{Task: aws.String("nope")})
	apiErr(t, err, "InvalidParameterException", "The referenced task was not found.")
}

func TestTags(t *testing.T) {
	e := newCluster(t, 1)
	td := register(t, e, simpleTD("a", "img"))
	task := *run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}).Tasks[0].TaskArn
	for _, arn := range []string{td, task, "arn:aws:ecs:us-east-1:123456789012:cluster/default"} {
		if _, err := e.TagResource(bg, &ecs.TagResourceInput{ResourceArn: aws.String(arn), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("x")}}}); err != nil {
			t.Fatal(arn, err)
		}
		e.UntagResource(bg, &ecs.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"k"}})
		out, err := e.ListTagsForResource(bg, &ecs.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		if err != nil || len(out.Tags) != 1 || *out.Tags[0].Key != "team" {
			t.Fatalf("%s tags %+v %v", arn, out, err)
		}
	}
	d, _ := e.DescribeTasks(bg, &ecs.DescribeTasksInput{Tasks: []string{task}, Include: []types.TaskField{types.TaskFieldTags}})
	if len(d.Tasks[0].Tags) != 1 {
		t.Fatalf("describe tags %+v", d.Tasks[0].Tags)
	}
	_, err := e.TagResource(bg, &ecs.TagResourceInput{ResourceArn: aws.String("arn:aws:ecs:us-east-1:123456789012:cluster/none"), Tags: []types.Tag{{Key: aws.String("a")}}})
	apiErr(t, err, "ResourceNotFoundException", "")
	_, err = e.TagResource(bg, &ecs.TagResourceInput{ResourceArn: &td, Tags: []types.Tag{{Key: aws.String("aws:x")}}})
	apiErr(t, err, "InvalidParameterException", "")
}
