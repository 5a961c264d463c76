package plan

import (
	"testing"

	"pgregory.net/rapid"
)

// index's per-deployment counts (depState.counts, live, liveGone), which
// schedule, rollout and steadyState read instead of the tasks, equal a
// count over each deployment's tasks, for arbitrary snapshots (orphans,
// duplicate and unsorted ids included).
func TestIndexCountsMatchTasks(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := drawSnapshot(t)
		for i := range s.Tasks {
			switch rapid.IntRange(0, 3).Draw(t, "idOrder") {
			case 0: // a duplicate id
				if i > 0 {
					s.Tasks[i].ID = s.Tasks[i-1].ID
				}
			case 1: // out of order
				s.Tasks[i].ID = s.Tasks[len(s.Tasks)-1-i].ID + "x"
			}
		}
		if len(s.Deployments) == 0 {
			return
		}
		buf := scratchPool.Get().(*scratch)
		defer buf.release()
		c := &computation{s: &s, buf: buf}
		c.index(buf)
		total := 0
		for _, ds := range c.deps {
			var counts [condUnhealthy + 1]int
			liveN, liveGone := 0, 0
			for _, ts := range ds.tasks {
				counts[ts.cond]++
				if live(ts.t) {
					liveN++
					if ts.cond == condGone {
						liveGone++
					}
				}
			}
			if counts != ds.counts || liveN != ds.live || liveGone != ds.liveGone {
				t.Fatalf("deployment %s: counts %v, live %d, live gone %d; its tasks give %v, %d, %d",
					ds.orig.ID, ds.counts, ds.live, ds.liveGone, counts, liveN, liveGone)
			}
			total += len(ds.tasks)
		}
		if total != len(s.Tasks) {
			t.Fatalf("%d tasks filed, %d in the snapshot", total, len(s.Tasks))
		}
	})
}
