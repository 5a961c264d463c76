package fake

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Tasks that wait in PROVISIONING for an Auto Scaling group's instances are
// listed like every other task: ListTasks shows them (desiredStatus
// RUNNING) while they wait, by service and family too, and once placed by
// their container instance; stopped, they are listed as STOPPED.
func TestListTasksShowsTasksThatWaitedForCapacity(t *testing.T) {
	e := scalingCluster(t)
	td := register(t, e, bigTD("web"))
	if _, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	e.Advance(30 * time.Second)
	list := func(in *ecs.ListTasksInput) []string {
		t.Helper()
		out, err := e.ListTasks(bg, in)
		if err != nil {
			t.Fatal(err)
		}
		return out.TaskArns
	}
	waiting := list(&ecs.ListTasksInput{})
	if len(waiting) != 2 {
		t.Fatalf("ListTasks while the tasks wait for capacity: %d tasks, want the 2 in PROVISIONING", len(waiting))
	}
	if n := len(list(&ecs.ListTasksInput{ServiceName: aws.String("web")})); n != 2 {
		t.Fatalf("ListTasks by service: %d, want 2", n)
	}
	if n := len(list(&ecs.ListTasksInput{Family: aws.String("web")})); n != 2 {
		t.Fatalf("ListTasks by family: %d, want 2", n)
	}
	stepUntil(t, e, 5*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
	running := list(&ecs.ListTasksInput{})
	if !slices.Equal(sorted(running), sorted(waiting)) {
		t.Fatalf("ListTasks once placed: %v, want the same tasks %v", running, waiting)
	}
	insts, err := e.ListContainerInstances(bg, &ecs.ListContainerInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	onInstances := 0
	for _, ci := range insts.ContainerInstanceArns {
		onInstances += len(list(&ecs.ListTasksInput{ContainerInstance: aws.String(ci)}))
	}
	if onInstances != 2 {
		t.Fatalf("ListTasks by container instance: %d tasks in all, want 2", onInstances)
	}
	if _, err := e.UpdateService(bg, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	e.Advance(5 * time.Minute)
	if n := len(list(&ecs.ListTasksInput{})); n != 0 {
		t.Fatalf("ListTasks RUNNING after scaling to 0: %d", n)
	}
	stopped := list(&ecs.ListTasksInput{DesiredStatus: types.DesiredStatusStopped})
	if !slices.Equal(sorted(stopped), sorted(waiting)) {
		t.Fatalf("ListTasks STOPPED: %v, want %v", stopped, waiting)
	}
}

func sorted(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }
