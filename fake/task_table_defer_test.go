package fake

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// A task waits in e.tasks's queue until a look-up by ID files it, and its
// ID waits in its cluster's idBatch until something reads it
// (task_table.go, task_ids.go). Between look-ups tasks are created, asked
// to stop, forgotten (their storage reused), orphaned or lost with their
// instance, in any number: a look-up of any ID ever seen still finds
// exactly the remembered task a scan of the clusters finds, and none for
// a forgotten one; all and len hold the remembered tasks without filing
// them; the queue and the batches hold each task at most once, no task
// they hold is reusable, and no storage on the free list is reachable; an
// ID once read never changes.
func TestDeferredTableMatchesAFullScan(t *testing.T) {
	e := newCluster(t, 4)
	tds := []string{register(t, e, tdWith("a", 16, aws.Int32(32), nil)), register(t, e, tdWith("b", 16, aws.Int32(32), nil))}
	if err := e.InjectFault(Fault{Family: "b", Action: FaultExit, ExitCode: 1, After: 40 * time.Second}); err != nil {
		t.Fatal(err)
	}
	createSvc(t, e, "loop", tds[1], 6, svcOpts{min: 100, max: 200})
	rng := rand.New(rand.NewPCG(23, 5))
	var arns []string
	seen := map[string]string{} // every ID read, to a copy of it
	lookups, queuedSeen, droppedSeen := 0, 0, 0
	note := func(id string) {
		if _, ok := seen[id]; !ok {
			seen[id] = strings.Clone(id)
		}
	}
	// remembered returns the remembered tasks by a scan of every
	// cluster's task list (the forgotten ones stay there for a while).
	remembered := func() map[*task]bool {
		m := map[*task]bool{}
		for _, c := range e.clusters {
			for _, x := range c.tasks {
				if !x.forgotten {
					m[x] = true
				}
			}
		}
		return m
	}
	invariants := func(step int) {
		e.mu.Lock()
		want := remembered()
		tt := &e.tasks
		// all and len: the remembered tasks, each once, filing none.
		queueLen := len(tt.queue)
		got := map[*task]bool{}
		for x := range tt.all() {
			if got[x] {
				t.Fatalf("step %d: all yields a task twice", step)
			}
			got[x] = true
			if !want[x] {
				t.Fatalf("step %d: all yields a task that is not remembered (forgotten %v)", step, x.forgotten)
			}
		}
		if len(got) != len(want) || tt.len() != len(want) {
			t.Fatalf("step %d: all yields %d tasks, len %d, want %d", step, len(got), tt.len(), len(want))
		}
		if len(tt.queue) != queueLen {
			t.Fatalf("step %d: all or len filed tasks", step)
		}
		// The queue: each task once, queued ones remembered, counts right,
		// at most twice the remembered tasks, nothing reusable.
		held, queued, dropped := map[*task]bool{}, 0, 0
		for _, x := range tt.queue {
			if held[x] {
				t.Fatalf("step %d: the queue holds a task twice", step)
			}
			held[x] = true
			switch x.tabled {
			case tableQueued:
				queued++
				if !want[x] {
					t.Fatalf("step %d: the queue holds a forgotten task to be filed", step)
				}
			case tableDropped:
				dropped++
			default:
				t.Fatalf("step %d: the queue holds a task in state %d", step, x.tabled)
			}
			if e.reusable(x) {
				t.Fatalf("step %d: a task the queue holds counts as reusable", step)
			}
		}
		if queued != tt.queued || dropped != tt.dropped {
			t.Fatalf("step %d: the queue holds %d tasks to file and %d dropped, counts %d and %d",
				step, queued, dropped, tt.queued, tt.dropped)
		}
		if len(tt.queue) > 2*len(want)+1 {
			t.Fatalf("step %d: the queue holds %d entries for %d remembered tasks", step, len(tt.queue), len(want))
		}
		queuedSeen, droppedSeen = max(queuedSeen, queued), max(droppedSeen, dropped)
		// A task the queue let go of says so (else it is never reused).
		notHeld := func(where string, x *task) {
			if (x.tabled == tableQueued || x.tabled == tableDropped) && !held[x] {
				t.Fatalf("step %d: %s task in state %d, not in the queue", step, where, x.tabled)
			}
		}
		for _, c := range e.clusters {
			for _, x := range c.tasks {
				notHeld("listed", x)
			}
		}
		for _, x := range e.taskFree.retired {
			notHeld("retired", x)
		}
		// A remembered task is queued or filed in the slots.
		for x := range want {
			if x.tabled == tableQueued {
				continue
			}
			if x.tabled != tableFiled || tt.slots[slotOf(tt, x)].t != x {
				t.Fatalf("step %d: a remembered task is neither queued nor filed (state %d)", step, x.tabled)
			}
		}
		// The ID batches: tasks whose ID is not made yet, nothing reusable.
		for _, c := range e.clusters {
			b := &c.ids
			for _, x := range b.tasks[:b.n] {
				if x.idText != "" || !x.idPending || e.reusable(x) {
					t.Fatalf("step %d: cluster %s's ID batch holds a task with ID %q (reusable %v)",
						step, c.name, x.idText, e.reusable(x))
				}
			}
			for _, x := range b.tasks[b.n:] {
				if x != nil {
					t.Fatalf("step %d: cluster %s's ID batch keeps a task past its end", step, c.name)
				}
			}
		}
		for _, l := range e.taskFree.byN {
			for _, st := range l {
				if st.t.tabled != notTabled || st.t.idText == "" || st.t.idPending {
					t.Fatalf("step %d: a free storage's task is in state %d with ID %q", step, st.t.tabled, st.t.idText)
				}
			}
		}
		e.mu.Unlock()
		if bad := freedTasksReachable(e); len(bad) > 0 {
			t.Fatalf("step %d: freed storage reachable: %v", step, bad)
		}
	}
	// lookup checks every ID seen, the remembered tasks' and a few no task
	// has, against the scan (filing the queue).
	lookup := func(step int) {
		e.mu.Lock()
		defer e.mu.Unlock()
		lookups++
		want := map[string]*task{}
		for x := range remembered() {
			id := x.id()
			note(id)
			if want[id] != nil {
				t.Fatalf("step %d: two remembered tasks with ID %s", step, id)
			}
			want[id] = x
		}
		for id := range seen {
			if got := e.tasks.get(id); got != want[id] {
				t.Fatalf("step %d: get(%s) = %p, the scan finds %p", step, id, got, want[id])
			}
		}
		for _, id := range []string{"", "0", strings.Repeat("f", 32), strings.Repeat("0", 31) + "1"} {
			if got := e.tasks.get(id); got != want[id] {
				t.Fatalf("step %d: get(%q) = %p, want %p", step, id, got, want[id])
			}
		}
	}
	for step := range 500 {
		switch r := rng.IntN(20); {
		case r < 5:
			in := &ecs.RunTaskInput{TaskDefinition: &tds[rng.IntN(2)], Count: aws.Int32(int32(1 + rng.IntN(3)))}
			for _, tk := range run(t, e, in).Tasks {
				arns = append(arns, *tk.TaskArn)
				note((*tk.TaskArn)[strings.LastIndexByte(*tk.TaskArn, '/')+1:])
			}
		case r == 5 && len(arns) > 0: // a look-up by ID: files the queue
			_, _ = e.StopTask(bg, &ecs.StopTaskInput{Task: &arns[rng.IntN(len(arns))]})
		case r < 15:
			e.Advance(time.Duration(1+rng.IntN(20)) * time.Minute)
		case r == 15:
			if ins := e.clusters["default"].instances; len(ins) > 1 {
				_, _ = e.DeregisterContainerInstance(bg, &ecs.DeregisterContainerInstanceInput{
					ContainerInstance: aws.String(ins[rng.IntN(len(ins))].arn), Force: aws.Bool(true)})
				if _, err := e.AddInstance("default", InstanceSpec{CPU: 2048, Memory: 4096}); err != nil {
					t.Fatal(err)
				}
			}
		case r == 16:
			if ins := e.clusters["default"].instances; len(ins) > 1 {
				_ = e.LoseInstance(ins[rng.IntN(len(ins))].arn)
				if _, err := e.AddInstance("default", InstanceSpec{CPU: 2048, Memory: 4096}); err != nil {
					t.Fatal(err)
				}
			}
		case r == 17 && len(arns) > 0 && rng.IntN(4) == 0:
			// Through the API: a task is described while remembered.
			arn := arns[rng.IntN(len(arns))]
			out, err := e.DescribeTasks(bg, &ecs.DescribeTasksInput{Tasks: []string{arn}})
			if err != nil {
				t.Fatal(err)
			}
			e.mu.Lock()
			x := e.tasks.get(arn[strings.LastIndexByte(arn, '/')+1:])
			e.mu.Unlock()
			if found := len(out.Tasks) == 1 && *out.Tasks[0].TaskArn == arn; found != (x != nil) {
				t.Fatalf("step %d: DescribeTasks found %s: %v, remembered %v", step, arn, found, x != nil)
			}
		default:
			if rng.IntN(3) == 0 { // now and then: most tasks are forgotten unlooked-up
				invariants(step)
				lookup(step)
			}
		}
		invariants(step)
	}
	lookup(500)
	invariants(500)
	for id, c := range seen {
		if id != c {
			t.Fatalf("ID %q changed since it was read (was %q)", id, c)
		}
	}
	if lookups < 5 || queuedSeen == 0 || droppedSeen == 0 || e.taskFree.reused == 0 {
		t.Fatalf("%d look-ups, at most %d tasks queued and %d dropped at once, %d storages reused: the test did not exercise the queue",
			lookups, queuedSeen, droppedSeen, e.taskFree.reused)
	}
	t.Logf("%d IDs, %d look-ups, at most %d queued and %d dropped, %d storages reused",
		len(seen), lookups, queuedSeen, droppedSeen, e.taskFree.reused)
}

// slotOf returns the slot of tt that holds x, filed, or of the empty
// slot its probe ends at.
func slotOf(tt *taskTable, x *task) uint64 {
	mask := uint64(len(tt.slots) - 1)
	i := x.idHash & mask
	for tt.slots[i].t != nil && tt.slots[i].t != x {
		i = (i + 1) & mask
	}
	return i
}

// TestIDBatch checks the ID batch: IDs are drawn as before (the same
// digits as appendHex's), made strings together on the first read of
// any, each a substring that never changes, a full batch makes its IDs
// before drawing the next, and a task whose ID is not made is not
// reusable.
func TestIDBatch(t *testing.T) {
	e := New(WithSeed(9))
	ref := New(WithSeed(9))
	c := &cluster{}
	var ts []*task
	var want []string
	for i := range idBatchCap + 3 {
		st := newTaskStorage(1)
		x := &st.t
		*x = task{c: c, st: st, released: true}
		c.ids.drawLocked(e)
		c.ids.claim(x)
		ts = append(ts, x)
		want = append(want, string(ref.appendHex(nil, 32)))
		if i < idBatchCap {
			if x.idText != "" || e.reusable(x) {
				t.Fatalf("task %d: ID %q before any read, reusable %v", i, x.idText, e.reusable(x))
			}
		}
	}
	if c.ids.n != 3 {
		t.Fatalf("a full batch was not made before the next draw: %d held", c.ids.n)
	}
	for i, x := range ts[:idBatchCap] {
		if x.idText != want[i] {
			t.Fatalf("task %d: ID %q, want %q", i, x.idText, want[i])
		}
	}
	if got := ts[idBatchCap+1].id(); got != want[idBatchCap+1] || c.ids.n != 0 {
		t.Fatalf("id() = %q, want %q; %d still held", got, want[idBatchCap+1], c.ids.n)
	}
	for i, x := range ts {
		if x.idText != want[i] || !e.reusable(x) {
			t.Fatalf("task %d: ID %q, want %q; reusable %v", i, x.idText, want[i], e.reusable(x))
		}
	}
	// A new batch in the same array leaves the strings made before as
	// they were.
	kept := ts[idBatchCap].id()
	for range idBatchCap {
		x := &task{c: c}
		c.ids.drawLocked(e)
		c.ids.claim(x)
		_ = x.id()
	}
	if kept != want[idBatchCap] {
		t.Fatalf("an ID made before changed to %q, want %q", kept, want[idBatchCap])
	}
}
