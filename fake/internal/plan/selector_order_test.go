package plan

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"pgregory.net/rapid"
)

// pick's choice does not depend on the order of its candidates: candidates
// in id order (sorted on the count alone) and the same candidates shuffled
// (sorted on count and id) give the same tasks in the same order, with and
// without a budget.
func TestPickIgnoresCandidateOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 60).Draw(t, "tasks")
		tasks := make([]Task, n)
		states := make([]taskState, n)
		var sorted []*taskState
		for i := range tasks {
			tasks[i] = Task{ID: fmt.Sprintf("%032x", i), AZ: rapid.SampledFrom([]string{"a", "b", "c"}).Draw(t, "az"),
				ContainerInstance: fmt.Sprintf("i-%d", rapid.IntRange(0, 6).Draw(t, "inst"))}
			states[i] = taskState{t: &tasks[i], cond: rapid.SampledFrom([]condition{condStarting, condHealthy}).Draw(t, "cond")}
			sorted = append(sorted, &states[i])
		}
		shuffled := append([]*taskState(nil), sorted...)
		rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		want := rapid.IntRange(0, n).Draw(t, "pick")
		budget := rapid.IntRange(-1, n).Draw(t, "budget")
		run := func(cands []*taskState) []string {
			buf := &scratch{}
			sel := newSelector([]*depState{{tasks: sorted}}, buf)
			var b *int
			if budget >= 0 {
				b = new(int)
				*b = budget
			}
			var ids []string
			for _, ts := range sel.pick(cands, want, b) {
				ids = append(ids, ts.t.ID)
			}
			return ids
		}
		if a, b := run(sorted), run(shuffled); !reflect.DeepEqual(a, b) {
			t.Fatalf("in id order: %v\nshuffled:    %v", a, b)
		}
	})
}
