package fake

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// Tasks wait in their cluster's filing queue until a reader needs the
// lists (task_index_defer.go). Between two reads they are created, asked
// to stop, forgotten, orphaned (their instance deregistered with force) or
// lost with their instance, in any number: ListTasks still gives, for
// every filter, exactly the tasks a scan of the cluster finds, in creation
// order; the queue holds each task at most once, and only tasks that are
// to be filed or whose entry has not been dropped yet; and no storage on
// the free list is reachable (a task the queue holds is not reused).
func TestDeferredFilingMatchesAFullScan(t *testing.T) {
	e := newCluster(t, 4)
	tds := []string{register(t, e, tdWith("a", 16, aws.Int32(32), nil)), register(t, e, tdWith("b", 16, aws.Int32(32), nil))}
	if err := e.InjectFault(Fault{Family: "b", Action: FaultExit, ExitCode: 1, After: 40 * time.Second}); err != nil {
		t.Fatal(err)
	}
	createSvc(t, e, "loop", tds[1], 6, svcOpts{min: 100, max: 200})
	rng := rand.New(rand.NewPCG(17, 3))
	var arns []string
	scans, filedOffSeen := 0, 0
	scan := func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		c := e.clusters["default"]
		scans++
		insts := []*string{nil}
		for _, in := range c.instances {
			insts = append(insts, &in.id)
		}
		for _, desired := range []string{statusStopped, statusRunning} {
			for _, fam := range []*string{nil, aws.String("a"), aws.String("b")} {
				for _, sb := range []*string{nil, aws.String("x")} {
					for _, inst := range insts {
						f := taskFilter{desired: desired, family: fam, startedBy: sb, instance: inst}
						got, want := indexAndScanLocked(e, c, f, 5)
						if !slices.Equal(got, want) {
							t.Fatalf("scan %d, filter %+v: index gave %d tasks, scan %d", scans, f, len(got), len(want))
						}
					}
				}
			}
		}
	}
	invariants := func(step int) {
		e.mu.Lock()
		c := e.clusters["default"]
		f := &c.filing
		held, dead := map[*task]bool{}, 0
		for _, x := range f.tasks {
			if held[x] {
				t.Fatalf("step %d: the filing queue holds task %s twice", step, x.id())
			}
			held[x] = true
			switch x.filing {
			case toFile:
				if x.forgotten || x.orphaned || x.nLists != 0 {
					t.Fatalf("step %d: task %s to file: forgotten %v orphaned %v lists %d",
						step, x.id(), x.forgotten, x.orphaned, x.nLists)
				}
			case filedOff:
				dead++
				if e.reusable(x) {
					t.Fatalf("step %d: task %s, which the filing queue holds, counts as reusable", step, x.id())
				}
			default:
				t.Fatalf("step %d: the filing queue holds task %s, which is not filing", step, x.id())
			}
		}
		if dead != f.dead {
			t.Fatalf("step %d: %d tasks filed off in the filing queue, dead %d", step, dead, f.dead)
		}
		filedOffSeen = max(filedOffSeen, dead)
		notHeld := func(where string, x *task) {
			if x.filing != notFiling && !held[x] {
				t.Fatalf("step %d: %s task %s filing %d but not in the filing queue", step, where, x.id(), x.filing)
			}
		}
		for x := range e.tasks.all() {
			notHeld("remembered", x)
		}
		for _, x := range e.taskFree.retired {
			notHeld("retired", x)
		}
		for _, l := range e.taskFree.byN {
			for _, st := range l {
				notHeld("free", &st.t)
			}
		}
		e.mu.Unlock()
		if bad := freedTasksReachable(e); len(bad) > 0 {
			t.Fatalf("step %d: freed storage reachable: %v", step, bad)
		}
	}
	for step := range 400 {
		switch r := rng.IntN(20); {
		case r < 6:
			in := &ecs.RunTaskInput{TaskDefinition: &tds[rng.IntN(2)], Count: aws.Int32(int32(1 + rng.IntN(3)))}
			if rng.IntN(2) == 0 {
				in.StartedBy = aws.String("x")
			}
			for _, tk := range run(t, e, in).Tasks {
				arns = append(arns, *tk.TaskArn)
			}
		case r < 10 && len(arns) > 0:
			_, _ = e.StopTask(bg, &ecs.StopTaskInput{Task: &arns[rng.IntN(len(arns))]})
		case r < 17:
			e.Advance(time.Duration(1+rng.IntN(15)) * time.Minute)
		case r == 17:
			if ins := e.clusters["default"].instances; len(ins) > 1 {
				_, _ = e.DeregisterContainerInstance(bg, &ecs.DeregisterContainerInstanceInput{
					ContainerInstance: aws.String(ins[rng.IntN(len(ins))].arn), Force: aws.Bool(true)})
				if _, err := e.AddInstance("default", InstanceSpec{CPU: 2048, Memory: 4096}); err != nil {
					t.Fatal(err)
				}
			}
		case r == 18:
			if ins := e.clusters["default"].instances; len(ins) > 1 {
				_ = e.LoseInstance(ins[rng.IntN(len(ins))].arn)
				if _, err := e.AddInstance("default", InstanceSpec{CPU: 2048, Memory: 4096}); err != nil {
					t.Fatal(err)
				}
			}
		default:
			if rng.IntN(4) == 0 { // now and then: most tasks are forgotten unread
				scan()
			}
		}
		invariants(step)
	}
	scan()
	invariants(400)
	if scans < 5 || filedOffSeen == 0 || e.taskFree.reused == 0 {
		t.Fatalf("%d scans, at most %d tasks filed off at once, %d storages reused: the test did not exercise the filing queue",
			scans, filedOffSeen, e.taskFree.reused)
	}
}
