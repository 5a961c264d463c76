package fake

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// The SDK's own TasksRunning and TasksStopped waiters, given *fake.ECS,
// finish in virtual time: inside a synctest bubble with the RealTime clock
// the waiters' sleeps are synthetic.
func TestSDKWaitersInSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newCluster(t, 1, WithClock(RealTime(1)))
		td := register(t, e, simpleTD("a", "img"))
		out := run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(3)})
		var arns []string
		for _, tk := range out.Tasks {
			arns = append(arns, *tk.TaskArn)
		}
		realStart := time.Now()
		err := ecs.NewTasksRunningWaiter(e).Wait(context.Background(), &ecs.DescribeTasksInput{Tasks: arns}, 5*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range arns {
			if s := *describe(t, e, a).LastStatus; s != "RUNNING" {
				t.Fatalf("after waiter: %s", s)
			}
		}
		for _, a := range arns {
			e.StopTask(bg, &ecs.StopTaskInput{Task: aws.String(a)})
		}
		err = ecs.NewTasksStoppedWaiter(e).Wait(context.Background(), &ecs.DescribeTasksInput{Tasks: arns}, 5*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(realStart); d < 10*time.Second {
			t.Fatalf("synthetic time elapsed %v; the waiters should have slept", d)
		}
	})
}

func TestTasksRunningWaiterFailsOnStoppedTask(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newCluster(t, 1, WithClock(RealTime(1)))
		e.InjectFault(Fault{Action: FaultFailStart})
		td := register(t, e, simpleTD("a", "img"))
		arn := *run(t, e, &ecs.RunTaskInput{TaskDefinition: &td}).Tasks[0].TaskArn
		err := ecs.NewTasksRunningWaiter(e).Wait(context.Background(), &ecs.DescribeTasksInput{Tasks: []string{arn}}, 5*time.Minute)
		if err == nil {
			t.Fatal("waiter succeeded on a task that failed to start")
		}
	})
}

func TestSleepManualClockAdvances(t *testing.T) {
	e := newCluster(t, 1)
	td := register(t, e, simpleTD("a", "img"))
	arn := *run(t, e, &ecs.RunTaskInput{TaskDefinition: &td}).Tasks[0].TaskArn
	start := e.Now()
	if err := e.Sleep(bg, 15*time.Second); err != nil {
		t.Fatal(err)
	}
	if got := e.Now().Sub(start); got != 15*time.Second {
		t.Fatalf("slept %v", got)
	}
	if s := *describe(t, e, arn).LastStatus; s != "RUNNING" {
		t.Fatalf("status %s after sleeping through startup", s)
	}
	ctx, cancel := context.WithCancel(bg)
	cancel()
	if err := e.Sleep(ctx, time.Second); err == nil {
		t.Fatal("Sleep ignored a cancelled context")
	}
}

func TestRealTimeSpeed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := New(WithClock(RealTime(60)))
		start := e.Now()
		time.Sleep(time.Second) // synthetic time inside the bubble
		if got := e.Now().Sub(start); got != time.Minute {
			t.Fatalf("1s real at speed 60 = %v virtual", got)
		}
		if err := e.Sleep(context.Background(), time.Minute); err != nil {
			t.Fatal(err)
		}
		if got := e.Now().Sub(start); got != 2*time.Minute {
			t.Fatalf("after Sleep(1m) = %v", got)
		}
		e.Advance(time.Hour)
		if got := e.Now().Sub(start); got != time.Hour+2*time.Minute {
			t.Fatalf("after Advance(1h) = %v", got)
		}
	})
}

// The fake is safe for concurrent use (run with -race).
func TestConcurrentUse(t *testing.T) {
	e := newCluster(t, 20)
	td := register(t, e, simpleTD("a", "img"))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				switch (g + i) % 5 {
				case 0:
					out, err := e.RunTask(bg, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(2)})
					if err == nil && len(out.Tasks) > 0 {
						e.StopTask(bg, &ecs.StopTaskInput{Task: out.Tasks[0].TaskArn})
					}
				case 1:
					e.ListTasks(bg, &ecs.ListTasksInput{})
				case 2:
					e.Advance(time.Second)
				case 3:
					e.DescribeClusters(bg, nil)
				case 4:
					_ = e.Tasks("default")
					_ = e.CallCounts()
				}
			}
		}()
	}
	wg.Wait()
	e.Advance(time.Minute)
	running := 0
	for _, tk := range e.Tasks("default") {
		if *tk.LastStatus == "RUNNING" {
			running++
		} else if *tk.LastStatus != "STOPPED" {
			t.Fatalf("task stuck in %s", *tk.LastStatus)
		}
	}
	if running == 0 || e.CallCount("RunTask") == 0 {
		t.Fatalf("running %d calls %v", running, e.CallCounts())
	}
}

func TestResetClearsState(t *testing.T) {
	e := newCluster(t, 1)
	register(t, e, simpleTD("a", "img"))
	e.FailOperation("ListClusters", "ServerException", 0, 0)
	e.Reset()
	l, err := e.ListClusters(bg, nil)
	if err != nil || len(l.ClusterArns) != 0 || e.CallCount("RegisterTaskDefinition") != 0 {
		t.Fatalf("after Reset: %v %v %v", l, err, e.CallCounts())
	}
}
