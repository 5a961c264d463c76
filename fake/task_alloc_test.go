package fake

import (
	"math"
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// smallTD is a one-container task definition of family: "app" (image
// app:1, 128 MiB, 64 CPU units), small enough for many tasks per instance.
func smallTD(family string) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{Family: aws.String(family),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("app:1"), Memory: aws.Int32(128), Cpu: 64}}}
}

// crashLoopT is a four-instance cluster whose service "loop" runs
// desired tasks of family "crash", each exiting (code 1) 30 s after it
// starts.
func crashLoopT(t *testing.T, desired int32) *ECS {
	t.Helper()
	e := clusterT(t, 4)
	crash := registerT(t, e, smallTD("crash"))
	if err := e.InjectFault(Fault{Family: "crash", Action: FaultExit, ExitCode: 1, After: 30 * time.Second}); err != nil {
		t.Fatal(err)
	}
	createSvc(t, e, "loop", crash, desired, svcOpts{min: 100, max: 200})
	return e
}

// TestTaskStorageReuseLeavesNoStaleReference runs a crash loop (its
// forgotten tasks' storage is reused) next to tasks that are stopped and
// forgotten with lifecycle events still queued for hours (a scripted exit
// three hours after RUNNING), a deleted service (it keeps its last task
// list), orphans and a lost instance, and checks
// every minute that nothing refers to storage on the free list, and that
// every crash-looping task lived exactly its 30 s: a stale event firing on
// a reused task would stop it early.
func TestTaskStorageReuseLeavesNoStaleReference(t *testing.T) {
	e := clusterT(t, 6)
	crash := registerT(t, e, smallTD("crash"))
	slow := registerT(t, e, smallTD("slow"))
	for _, f := range []Fault{
		{Family: "crash", Action: FaultExit, ExitCode: 1, After: 30 * time.Second},
		{Family: "slow", Action: FaultExit, ExitCode: 1, After: 3 * time.Hour},
	} {
		if err := e.InjectFault(f); err != nil {
			t.Fatal(err)
		}
	}
	createSvc(t, e, "loop", crash, 20, svcOpts{min: 100, max: 200})
	createSvc(t, e, "slow", slow, 8, svcOpts{min: 100, max: 200})
	e.Advance(10 * time.Minute)
	// The slow tasks stop with their exit still queued, hours ahead.
	if _, err := e.UpdateService(bg, &ecs.UpdateServiceInput{Service: aws.String("slow"), DesiredCount: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	l, err := e.ListContainerInstances(bg, &ecs.ListContainerInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	insts := l.ContainerInstanceArns
	for minute := range 5 * 60 {
		e.Advance(time.Minute)
		switch minute {
		case 60: // orphans: a forced deregistration
			if _, err := e.DeregisterContainerInstance(bg, &ecs.DeregisterContainerInstanceInput{ContainerInstance: aws.String(insts[0]), Force: aws.Bool(true)}); err != nil {
				t.Fatal(err)
			}
		case 30:
			if _, err := e.DeleteService(bg, &ecs.DeleteServiceInput{Service: aws.String("loop"), Force: aws.Bool(true)}); err != nil {
				t.Fatal(err)
			}
			createSvc(t, e, "loop2", crash, 20, svcOpts{min: 100, max: 200})
		case 90:
			if err := e.LoseInstance(insts[1]); err != nil {
				t.Fatal(err)
			}
		}
		if bad := freedTasksReachable(e); len(bad) > 0 {
			t.Fatalf("minute %d: reused task storage still referred to by %v", minute, bad[:min(len(bad), 5)])
		}
		for _, x := range e.Tasks("default") {
			if !strings.HasPrefix(aws.ToString(x.Group), "service:loop") || aws.ToString(x.StoppedReason) != "Essential container in task exited" {
				continue
			}
			if d := x.StoppingAt.Sub(*x.StartedAt); d != 30*time.Second {
				t.Fatalf("minute %d: task %s exited %v after it started, want 30s (a stale event?)", minute, aws.ToString(x.TaskArn), d)
			}
		}
	}
	e.mu.Lock()
	reused := e.taskFree.reused
	e.mu.Unlock()
	if reused < 1000 {
		t.Fatalf("%d task storages reused, want the crash loop's forgotten ones reused", reused)
	}
}

// TestTaskStorageSize keeps a one-container task's storage within the
// allocator's 1,024-byte size class (the next is 1,152): at most 1,016
// bytes, since an object this large with pointers carries an 8-byte
// header, and measured.
func TestTaskStorageSize(t *testing.T) {
	if n := unsafe.Sizeof(taskStorage{}); n > 1016 {
		t.Fatalf("taskStorage is %d bytes, want at most 1016", n)
	}
	const n = 1000
	per := uint64(math.MaxUint64)
	for range 3 { // the least of three: another goroutine may allocate meanwhile
		keep := make([]*taskStorage, 0, n)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range n {
			keep = append(keep, newTaskStorage(1))
		}
		runtime.ReadMemStats(&after)
		per = min(per, (after.TotalAlloc-before.TotalAlloc)/n)
		runtime.KeepAlive(keep)
	}
	if per > 1024 {
		t.Fatalf("a task's storage takes %d bytes, want 1024", per)
	}
}
