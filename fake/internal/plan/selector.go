package plan

import (
	"cmp"
	"slices"
)

// selector picks tasks to stop where the service has the most tasks: first
// by availability zone, then by container instance. It tracks the counts of
// the service's schedulable tasks and lowers them as tasks are picked.
type selector struct {
	perAZ       map[string]int
	perInstance map[string]int
	buf         *scratch
}

// newSelector counts the schedulable tasks of all deployments per AZ and
// per instance (in buf's maps).
func newSelector(deps []*depState, buf *scratch) *selector {
	if buf.perAZ == nil {
		buf.perAZ, buf.perInstance = map[string]int{}, map[string]int{}
	}
	s := &selector{perAZ: buf.perAZ, perInstance: buf.perInstance, buf: buf}
	for _, ds := range deps {
		for _, ts := range ds.tasks {
			if ts.cond != condGone {
				s.perAZ[ts.t.AZ]++
				s.perInstance[ts.t.ContainerInstance]++
			}
		}
	}
	return s
}

// cand is a candidate of pick with its instance's task count.
type cand struct {
	ts *taskState
	n  int
}

// pick chooses up to n of the candidates, repeatedly from the AZ with the most
// tasks (ties: AZ name), within it from the instance with the most tasks
// (ties: task id). When budget is not nil each healthy pick consumes one unit
// and healthy candidates are skipped once it is zero. O(c log c + n * AZs).
func (s *selector) pick(cands []*taskState, n int, budget *int) []*taskState {
	if n <= 0 || len(cands) == 0 {
		return nil
	}
	// Each candidate carries its instance's count, read once: the sort
	// then compares integers instead of hashing instance names. The
	// candidates are grouped by AZ in one array (counted first).
	size := map[string]int{}
	var azs []string
	for _, ts := range cands {
		if _, ok := size[ts.t.AZ]; !ok {
			azs = append(azs, ts.t.AZ)
		}
		size[ts.t.AZ]++
	}
	all := s.buf.cands(len(cands))
	groups := make(map[string][]cand, len(azs))
	for _, az := range azs {
		groups[az], all = all[:0:size[az]], all[size[az]:]
	}
	for _, ts := range cands {
		groups[ts.t.AZ] = append(groups[ts.t.AZ], cand{ts, s.perInstance[ts.t.ContainerInstance]})
	}
	slices.Sort(azs)
	for _, az := range azs {
		g := groups[az]
		// Candidates usually come in task id order (index sorts each
		// deployment's tasks): a stable sort on the count alone then
		// gives the same order as sorting on (count, id), comparing
		// integers only.
		if slices.IsSortedFunc(g, func(a, b cand) int { return cmp.Compare(a.ts.t.ID, b.ts.t.ID) }) {
			slices.SortStableFunc(g, func(a, b cand) int { return cmp.Compare(b.n, a.n) })
			continue
		}
		slices.SortFunc(g, func(a, b cand) int {
			if n := cmp.Compare(b.n, a.n); n != 0 {
				return n
			}
			return cmp.Compare(a.ts.t.ID, b.ts.t.ID)
		})
	}
	out := make([]*taskState, 0, min(n, len(cands)))
	for len(out) < n {
		best := ""
		found := false
		for _, az := range azs {
			g := groups[az]
			for len(g) > 0 && budget != nil && *budget <= 0 && g[0].ts.cond == condHealthy {
				g = g[1:]
			}
			groups[az] = g
			if len(g) == 0 {
				continue
			}
			if !found || s.perAZ[az] > s.perAZ[best] {
				best, found = az, true
			}
		}
		if !found {
			break
		}
		ts := groups[best][0].ts
		groups[best] = groups[best][1:]
		if budget != nil && ts.cond == condHealthy {
			*budget--
		}
		s.perAZ[ts.t.AZ]--
		s.perInstance[ts.t.ContainerInstance]--
		out = append(out, ts)
	}
	return out
}
