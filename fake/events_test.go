package fake

import (
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
	if len(e.tasks) != 0 || len(e.clusters["default"].tasks) > 1 || e.events.Len() != 0 {
		t.Fatalf("held: %d tasks, %d in cluster list, %d events", len(e.tasks), len(e.clusters["default"].tasks), e.events.Len())
	}
	for _, in := range e.instances {
		if in.cpuFree != in.cpuTotal || len(in.groups) != 0 || len(in.tasks) != 0 {
			t.Fatalf("instance not released: cpu %d/%d groups %v", in.cpuFree, in.cpuTotal, in.groups)
		}
	}
}
