package fake

import (
	"slices"
	"testing"
)

// TestTaskListSlidingWindow keeps a list as a crash loop keeps its
// stopped tasks: the newest appended, the oldest removed, thousands of
// times over. The list must hold exactly the window, in order, and once
// its length is steady it must stop taking new arrays for its blocks
// (they move down to the start of the one it has).
func TestTaskListSlidingWindow(t *testing.T) {
	l := &taskList{pool: &taskBlockPool{}}
	const window = 1000
	var live []*task
	seq := uint64(0)
	var arrs []*taskBlock
	for i := range 50 * window {
		seq++
		x := &task{seq: seq}
		l.insert(x)
		live = append(live, x)
		if len(live) > window {
			l.remove(live[0])
			live = live[1:]
		}
		if i%997 == 0 || i == 50*window-1 {
			got := slices.Collect(l.all(0))
			if !slices.Equal(got, live) || l.len() != len(live) {
				t.Fatalf("step %d: list holds %d tasks (len %d), want the %d of the window in order", i, len(got), l.len(), len(live))
			}
		}
		if i >= 10*window && cap(l.arr) > 0 && !slices.Contains(arrs, &l.arr[0]) {
			arrs = append(arrs, &l.arr[0])
		}
	}
	if len(arrs) > 1 {
		t.Fatalf("the blocks took %d new arrays in steady state, want at most the one they had", len(arrs))
	}
}
