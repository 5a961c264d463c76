package plan

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestComputeIsPureAndDeterministic(t *testing.T) {
	s := rollout(svc(6, 50, 150), healthy(oldID, 6), join(pending(newID, 1), failedStart(newID, 1)))
	s.Service.CircuitBreaker = CircuitBreaker{Enable: true}
	before := Snapshot{Service: s.Service, Deployments: slices.Clone(s.Deployments), Tasks: slices.Clone(s.Tasks), Now: s.Now}
	first := Compute(s)
	if !reflect.DeepEqual(before, s) {
		t.Fatalf("Compute modified its snapshot")
	}
	shuffled := before
	shuffled.Tasks = slices.Clone(before.Tasks)
	slices.Reverse(shuffled.Tasks)
	shuffled.Deployments = slices.Clone(before.Deployments)
	slices.Reverse(shuffled.Deployments)
	second := Compute(shuffled)
	// A mark names its task's row (TaskMark.Row): the one part of a plan
	// that follows the input's order.
	for _, c := range []struct {
		s Snapshot
		p *Plan
	}{{before, &first}, {shuffled, &second}} {
		if len(c.p.Marks) == 0 {
			t.Fatal("no mark: the test checks none")
		}
		for i, m := range c.p.Marks {
			if m.Row < 0 || m.Row >= len(c.s.Tasks) || c.s.Tasks[m.Row].ID != m.TaskID {
				t.Fatalf("mark %+v does not name its task's row", m)
			}
			c.p.Marks[i].Row = 0
		}
	}
	if !reflect.DeepEqual(first, second) {
		t.Errorf("plan depends on input order:\n%+v\n%+v", first, second)
	}
}

func TestNextWakeup(t *testing.T) {
	tests := []struct {
		name string
		snap Snapshot
		want time.Time
	}{
		{"40-second healthy rule", rollout(svc(1, 100, 200), healthy(oldID, 1), func() []Task {
			ts := healthy(newID, 1)
			ts[0].StartedAt = t0.Add(-10 * time.Second)
			return ts
		}()), t0.Add(30 * time.Second)},
		{"grace period end", func() Snapshot {
			s := steadyWithHC(svc(1, 100, 200), unhealthyTasks(healthy(newID, 1), 1))
			s.Service.HealthCheckGracePeriod = 90 * time.Minute
			return s
		}(), t0.Add(30 * time.Minute)},
		{"nothing to wait for", rollout(svc(2, 100, 200), healthy(oldID, 2), pending(newID, 2)), time.Time{}},
		{"no deployments", Snapshot{Service: svc(1, 100, 200), Now: t0}, time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Compute(tc.snap).NextWakeup; !got.Equal(tc.want) {
				t.Errorf("NextWakeup %v, want %v", got, tc.want)
			}
		})
	}
}
