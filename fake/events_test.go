package fake

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// Events run in time order, equal times in scheduling order, and only when
// the clock reaches them.
func TestEventQueueOrder(t *testing.T) {
	e := New()
	start := e.Now()
	var got []string
	e.mu.Lock()
	for _, ev := range []struct {
		at   time.Duration
		name string
	}{{3 * time.Second, "c"}, {time.Second, "a1"}, {time.Second, "a2"}, {2 * time.Second, "b"}} {
		e.scheduleLocked(start.Add(ev.at), func(now time.Time) {
			if now != start.Add(ev.at) {
				t.Errorf("%s ran at %v", ev.name, now.Sub(start))
			}
			got = append(got, ev.name)
		})
	}
	e.mu.Unlock()
	e.Advance(2 * time.Second)
	if !equal(got, []string{"a1", "a2", "b"}) {
		t.Fatalf("after 2s: %v", got)
	}
	e.Advance(time.Second)
	if !equal(got, []string{"a1", "a2", "b", "c"}) {
		t.Fatalf("after 3s: %v", got)
	}
}

// Stopped tasks are forgotten, so memory stays bounded under churn.
func TestMemoryBoundedUnderChurn(t *testing.T) {
	e := newCluster(t, 10)
	td := register(t, e, tdWith("c", 16, aws.Int32(16), nil))
	for range 50 {
		for _, tk := range run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(10)}).Tasks {
			e.StopTask(bg, &ecs.StopTaskInput{Task: tk.TaskArn})
		}
		e.Advance(5 * time.Minute)
	}
	e.Advance(2 * time.Hour)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.tasks.len() != 0 || len(e.clusters["default"].tasks) > 1 || e.events.Len() != 0 {
		t.Fatalf("held: %d tasks, %d in cluster list, %d events", e.tasks.len(), len(e.clusters["default"].tasks), e.events.Len())
	}
	for _, in := range e.instances {
		if in.cpuFree != in.cpuTotal || len(in.groupNames()) != 0 || len(in.tasks) != 0 {
			t.Fatalf("instance not released: cpu %d/%d groups %v", in.cpuFree, in.cpuTotal, in.groupNames())
		}
	}
}

// The bucketed queue pops exactly what a min-heap ordered by (time,
// scheduling order) would, under random interleavings of pushes and pops
// (pushes to the instant being run included), with buckets reused.
func TestEventQueueMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	type ref struct {
		key int64
		seq int
	}
	var q eventQueue
	var want []ref
	seq := 0
	now := int64(0)
	base := time.Unix(0, 0)
	push := func(key int64) {
		seq++
		q.push(key, event{at: base.Add(time.Duration(key)), arg: seq})
		want = append(want, ref{key, seq})
	}
	for range 20000 {
		switch r := rng.IntN(10); {
		case r < 5: // a future instant, often one already queued
			push(now + rng.Int64N(20))
		case r < 6: // the instant being run
			push(now)
		default:
			if q.Len() == 0 {
				continue
			}
			slices.SortStableFunc(want, func(a, b ref) int { return cmp.Compare(a.key, b.key) })
			ev := q.pop()
			if ev.at.UnixNano() != want[0].key || ev.arg != want[0].seq {
				t.Fatalf("popped (%d, %d), want (%d, %d)", ev.at.UnixNano(), ev.arg, want[0].key, want[0].seq)
			}
			now = want[0].key
			want = want[1:]
		}
		if q.Len() != len(want) {
			t.Fatalf("Len %d, want %d", q.Len(), len(want))
		}
		if q.Len() > 0 {
			lo := want[0].key
			for _, w := range want {
				lo = min(lo, w.key)
			}
			if q.headKey() != lo {
				t.Fatalf("headKey %d, want %d", q.headKey(), lo)
			}
		}
	}
}
