package fake

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// TestTaskARNMadeOnFirstReadAndNotReused runs a crash loop whose
// forgotten tasks' storage is reused, reading every remembered task (its
// ARN) each minute, and checks that a task's ARN is made only when read
// and is always its own: a reused storage that kept the previous task's
// ARN would show it for the new task.
func TestTaskARNMadeOnFirstReadAndNotReused(t *testing.T) {
	e := crashLoopT(t, 10)
	e.Advance(10 * time.Minute)
	e.mu.Lock()
	n := 0
	for x := range e.tasks.all() {
		if x.arnMemo != "" {
			t.Errorf("task %s has its ARN made though nobody read it", x.id())
		}
		n++
	}
	e.mu.Unlock()
	if n == 0 {
		t.Fatal("no task remembered")
	}
	for minute := range 3 * 60 {
		e.Advance(time.Minute)
		shown := e.Tasks("default")
		for _, v := range shown {
			arn := aws.ToString(v.TaskArn)
			id := arn[strings.LastIndexByte(arn, '/')+1:]
			if c := aws.ToString(v.Containers[0].ContainerArn); !strings.Contains(c, "/default/"+id+"/") {
				t.Fatalf("minute %d: task %s has container %s of another task", minute, arn, c)
			}
		}
		e.mu.Lock()
		for x := range e.tasks.all() {
			if want := e.arn(x.c.region, "task/"+x.c.name+"/"+x.id()); x.arnMemo != "" && x.arnMemo != want {
				e.mu.Unlock()
				t.Fatalf("minute %d: task %s keeps ARN %s", minute, want, x.arnMemo)
			}
		}
		e.mu.Unlock()
	}
	e.mu.Lock()
	reused := e.taskFree.reused
	e.mu.Unlock()
	if reused < 100 {
		t.Fatalf("%d task storages reused, want the crash loop's forgotten ones reused", reused)
	}
}

// TestTaskARNRegionAndAccount checks a task's ARN names its cluster's
// region and the fake's account, and that the task is found by it.
func TestTaskARNRegionAndAccount(t *testing.T) {
	e := New(WithRegion("eu-west-1"), WithAccount("111122223333"))
	ctx := ContextWithRegion(bg, "ap-south-1")
	if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("a")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.AddInstance("a", InstanceSpec{CPU: 2048, Memory: 4096}); err != nil {
		t.Fatal(err)
	}
	td := registerT(t, e, smallTD("app"))
	out, err := e.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String("a"), TaskDefinition: aws.String(td)})
	if err != nil || len(out.Tasks) != 1 {
		t.Fatalf("RunTask: %v %v", out, err)
	}
	arn := aws.ToString(out.Tasks[0].TaskArn)
	const prefix = "arn:aws:ecs:ap-south-1:111122223333:task/a/"
	if !strings.HasPrefix(arn, prefix) || len(arn) != len(prefix)+32 {
		t.Fatalf("task ARN %s, want %s<32 hex digits>", arn, prefix)
	}
	if c := aws.ToString(out.Tasks[0].Containers[0].ContainerArn); !strings.HasPrefix(c, "arn:aws:ecs:ap-south-1:111122223333:container/a/"+arn[len(prefix):]+"/") {
		t.Fatalf("container ARN %s of task %s", c, arn)
	}
	d, err := e.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String("a"), Tasks: []string{arn}})
	if err != nil || len(d.Tasks) != 1 || aws.ToString(d.Tasks[0].TaskArn) != arn {
		t.Fatalf("DescribeTasks(%s): %+v %v", arn, d, err)
	}
}
