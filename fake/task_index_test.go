package fake

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"pgregory.net/rapid"
)

// The task index answers every filter combination exactly as a scan of
// all the cluster's tasks would, in creation order, through random runs,
// stops, losses and the forgetting of stopped tasks.
func TestTaskIndexMatchesAFullScan(t *testing.T) {
	e := newCluster(t, 4)
	tds := []string{register(t, e, tdWith("a", 16, aws.Int32(32), nil)), register(t, e, tdWith("b", 16, aws.Int32(32), nil))}
	rng := rand.New(rand.NewPCG(7, 7))
	var arns []string
	check := func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		c := e.clusters["default"]
		fams := []*string{nil, aws.String("a"), aws.String("b"), aws.String("zz")}
		starts := []*string{nil, aws.String("x"), aws.String("y")}
		insts := []*string{nil}
		for _, in := range c.instances {
			insts = append(insts, &in.id)
		}
		for _, desired := range []string{statusRunning, statusStopped, statusPending} {
			for _, fam := range fams {
				for _, sb := range starts {
					for _, inst := range insts {
						for _, lt := range []string{"", "EC2", "FARGATE"} {
							f := taskFilter{desired: desired, family: fam, startedBy: sb, instance: inst, launchType: lt}
							got, want := indexAndScanLocked(e, c, f, 7)
							if !slices.Equal(got, want) {
								t.Fatalf("filter %+v: index gave %d tasks, scan %d", f, len(got), len(want))
							}
						}
					}
				}
			}
		}
	}
	for step := range 300 {
		switch r := rng.IntN(10); {
		case r < 5:
			sb := []string{"", "x", "y"}[rng.IntN(3)]
			in := &ecs.RunTaskInput{TaskDefinition: &tds[rng.IntN(2)], Count: aws.Int32(int32(1 + rng.IntN(3)))}
			if sb != "" {
				in.StartedBy = &sb
			}
			for _, tk := range run(t, e, in).Tasks {
				arns = append(arns, *tk.TaskArn)
			}
		case r < 8 && len(arns) > 0:
			_, _ = e.StopTask(bg, &ecs.StopTaskInput{Task: &arns[rng.IntN(len(arns))]})
		case r < 9:
			e.Advance(time.Duration(rng.IntN(40)) * time.Minute)
		default:
			if step%50 == 0 {
				if ins := e.clusters["default"].instances; len(ins) > 0 {
					_ = e.LoseInstance(ins[rng.IntN(len(ins))].arn)
					e.AddInstance("default", InstanceSpec{})
				}
			}
		}
		check()
	}
}

// A taskList holds exactly the tasks inserted and not removed, in seq
// order, from any position, through any mix of appends, inserts in the
// middle, removes of the oldest, of any task and of absent tasks, while
// it grows and then shrinks; after every step its blocks are non-empty,
// bounded and dense (two adjacent blocks, the first pair aside, hold more
// than half a block between them). rapid draws the sizes and the mix; a
// seeded source picks the tasks (rapid's small-value bias would keep the
// picks among the oldest tasks).
func TestTaskListMatchesASortedSet(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(1, 3000).Draw(rt, "tasks")
		grow := rapid.IntRange(n/2, 3*n).Draw(rt, "grow")   // steps while the list grows
		shrink := rapid.IntRange(0, 3*n).Draw(rt, "shrink") // then removes only
		appendP, insertP, oldestP := rapid.IntRange(0, 10).Draw(rt, "append"), rapid.IntRange(0, 10).Draw(rt, "insert"), rapid.IntRange(0, 10).Draw(rt, "oldest")
		rng := rand.New(rand.NewPCG(rapid.Uint64().Draw(rt, "seed"), 1))
		tasks := make([]*task, n)
		for i := range tasks {
			tasks[i] = &task{seq: uint64(2*i + 1)} // gaps: searches land between tasks too
		}
		l := taskList{pool: &taskBlockPool{}}
		in := map[*task]bool{}
		newest := 0 // the next task to append
		for k := range grow + shrink {
			op := rng.IntN(appendP + insertP + oldestP + 5)
			if k >= grow && op < appendP+insertP {
				op += appendP + insertP // a remove instead
			}
			switch {
			case op < appendP: // the next newer task
				if newest < n {
					if tk := tasks[newest]; !in[tk] {
						l.insert(tk)
						in[tk] = true
					}
					newest++
				}
			case op < appendP+insertP: // any absent task
				if tk := tasks[rng.IntN(n)]; !in[tk] {
					l.insert(tk)
					in[tk] = true
				}
			case op < appendP+insertP+oldestP: // the oldest task
				for _, tk := range tasks {
					if in[tk] {
						l.remove(tk)
						delete(in, tk)
						break
					}
				}
			default: // any task, present or not
				tk := tasks[rng.IntN(n)]
				l.remove(tk)
				delete(in, tk)
			}
			checkTaskListBlocks(rt, &l)
		}
		var want []*task
		for _, tk := range tasks {
			if in[tk] {
				want = append(want, tk)
			}
		}
		if l.len() != len(want) {
			rt.Fatalf("len %d, want %d", l.len(), len(want))
		}
		for range 20 {
			after := uint64(rng.IntN(2*n + 2))
			from, _ := slices.BinarySearchFunc(want, after+1, func(tk *task, seq uint64) int { return cmp.Compare(tk.seq, seq) })
			if got := slices.Collect(l.all(after)); !slices.Equal(got, want[from:]) {
				rt.Fatalf("after %d: %d tasks, want %d", after, len(got), len(want[from:]))
			}
		}
		if got := slices.Collect(l.all(0)); !slices.Equal(got, want) {
			rt.Fatalf("all: %d tasks, want %d", len(got), len(want))
		}
	})
}

// checkTaskListBlocks fails t unless l's blocks are non-empty, at most
// taskBlockMax long, dense, sorted, with their last seq right, and counted
// by l.len(), and the storage around them (and the pool) holds no task.
func checkTaskListBlocks(t *rapid.T, l *taskList) {
	total := 0
	var prev uint64
	for b, blk := range l.blocks {
		n := len(blk.refs)
		if n == 0 || n > taskBlockMax {
			t.Fatalf("block %d holds %d tasks", b, n)
		}
		if b > 1 && n+len(l.blocks[b-1].refs) <= taskBlockMax/2 {
			t.Fatalf("blocks %d and %d hold %d and %d tasks: not merged", b-1, b, len(l.blocks[b-1].refs), n)
		}
		if !sameArray(blk.base, blk.refs) {
			t.Fatalf("block %d: its tasks are not in its base array", b)
		}
		// Entries of the array outside the block's tasks hold nothing.
		off, all := cap(blk.base)-cap(blk.refs), blk.base[:cap(blk.base)]
		for j, r := range all {
			if (j < off || j >= off+n) && r != (taskRef{}) {
				t.Fatalf("block %d: entry %d of its array (tasks at %d..%d) still holds task %d", b, j, off, off+n, r.seq)
			}
		}
		for _, r := range blk.refs {
			if r.seq != r.t.seq || r.seq <= prev {
				t.Fatalf("block %d: seq %d (task %d) after %d", b, r.seq, r.t.seq, prev)
			}
			prev = r.seq
		}
		if blk.last != prev {
			t.Fatalf("block %d: last %d, its last task %d", b, blk.last, prev)
		}
		total += n
	}
	if l.pool != nil {
		for i, s := range l.pool.free {
			for j, r := range s[:cap(s)] {
				if r != (taskRef{}) {
					t.Fatalf("pooled block %d, entry %d still holds task %d", i, j, r.seq)
				}
			}
		}
	}
	if total != l.len() {
		t.Fatalf("blocks hold %d tasks, len says %d", total, l.len())
	}
}

// indexAndScanLocked returns every task of c the index lists for f,
// paging n at a time from the start, and the tasks a scan of c.tasks
// finds for f (orphans excepted: they are not listed, orphans.go).
func indexAndScanLocked(e *ECS, c *cluster, f taskFilter, n int) (got, want []*task) {
	for _, t := range c.tasks {
		if f.match(t) && !t.orphaned {
			want = append(want, t)
		}
	}
	var after uint64
	for {
		page, more := e.listTasksLocked(c, f, after, n)
		got = append(got, page...)
		if !more {
			return got, want
		}
		after = page[len(page)-1].seq
	}
}
