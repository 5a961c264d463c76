package plan

import (
	"reflect"
	"testing"

	"pgregory.net/rapid"
)

// TestComputeIntoReusedPlanEqualsCompute runs a sequence of arbitrary
// snapshots through one reused Plan (as the scheduler does) and checks
// each result against a fresh Compute: nothing of an earlier plan may
// leak into a later one, and the snapshot is left as it was.
func TestComputeIntoReusedPlanEqualsCompute(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var p Plan
		for i := range rapid.IntRange(1, 6).Draw(t, "passes") {
			s := drawSnapshot(t)
			before := cloneSnapshot(s)
			want := Compute(cloneSnapshot(s))
			ComputeInto(&s, &p)
			if !reflect.DeepEqual(s, before) {
				t.Fatalf("pass %d: ComputeInto changed its snapshot", i)
			}
			if !samePlan(p, want) {
				t.Fatalf("pass %d: reused plan\n%+v\nwant\n%+v", i, p, want)
			}
		}
	})
}

// cloneSnapshot copies s with its own slices.
func cloneSnapshot(s Snapshot) Snapshot {
	s.Deployments = append([]Deployment(nil), s.Deployments...)
	s.Tasks = append([]Task(nil), s.Tasks...)
	return s
}

// samePlan compares plans treating an empty slice as nil.
func samePlan(a, b Plan) bool {
	norm := func(p Plan) Plan {
		if len(p.Starts) == 0 {
			p.Starts = nil
		}
		if len(p.Stops) == 0 {
			p.Stops = nil
		}
		if len(p.Deployments) == 0 {
			p.Deployments = nil
		}
		if len(p.Marks) == 0 {
			p.Marks = nil
		}
		if len(p.Events) == 0 {
			p.Events = nil
		}
		return p
	}
	return reflect.DeepEqual(norm(a), norm(b))
}
