package plan

import (
	"cmp"
	"slices"
	"strings"
)

// selector picks tasks to stop where the service has the most tasks: first
// by availability zone, then by container instance. It tracks the counts of
// the service's schedulable tasks and lowers them as tasks are picked. The
// counts are taken at the first pick that can choose something: most
// passes pick nothing, and counting costs a pass over every task.
type selector struct {
	perAZ       *[]azCount // a handful of AZs: a list, not a map
	perInstance map[string]int
	buf         *scratch
	deps        []*depState // counted at the first pick
	counted     bool
}

// newSelector returns a selector over the schedulable tasks of all
// deployments (counted per AZ and per instance, in buf's maps, when first
// needed).
func newSelector(deps []*depState, buf *scratch) *selector {
	return &selector{buf: buf, deps: deps}
}

// count takes the counts of the selector's tasks, once.
func (s *selector) count() {
	if s.counted {
		return
	}
	s.counted = true
	buf := s.buf
	if buf.perInstance == nil {
		buf.perInstance = map[string]int{}
	}
	s.perAZ, s.perInstance = &buf.perAZ, buf.perInstance
	var last *azCount // tasks of one AZ often follow each other
	for _, ds := range s.deps {
		for _, ts := range ds.tasks {
			if ts.cond != condGone {
				if last == nil || last.az != ts.t.AZ {
					last = s.azCount(ts.t.AZ)
				}
				last.n++
				s.perInstance[ts.t.ContainerInstance]++
			}
		}
	}
}

// azCount is the selector's count of schedulable tasks in one AZ.
type azCount struct {
	az string
	n  int
}

// azCount returns az's count, added at zero if absent. The pointer is
// valid until the next addition.
func (s *selector) azCount(az string) *azCount {
	l := s.perAZ
	for i := range *l {
		if (*l)[i].az == az {
			return &(*l)[i]
		}
	}
	*l = append(*l, azCount{az: az})
	return &(*l)[len(*l)-1]
}

// cand is a candidate of pick: its index in pick's candidates and its
// instance's task count. It holds no pointer, so sorting candidates costs
// no write barriers while the collector runs.
type cand struct {
	i int32
	n int32
}

// azGroup is one AZ's candidates in pick; n is the index of the AZ's
// count in the selector's perAZ (taken once every AZ of the candidates
// has one).
type azGroup struct {
	az   string
	size int
	g    []cand
	n    int
}

// pick chooses up to n of the candidates, repeatedly from the AZ with the most
// tasks (ties: AZ name), within it from the instance with the most tasks
// (ties: task id). When budget is not nil each healthy pick consumes one unit
// and healthy candidates are skipped once it is zero. O(c log c + n * AZs).
func (s *selector) pick(cands []*taskState, n int, budget *int) []*taskState {
	if n <= 0 || len(cands) == 0 {
		return nil
	}
	s.count()
	// Each candidate carries its instance's count, read once: the sort
	// then compares integers instead of hashing instance names. The
	// candidates are grouped by AZ in one array (counted first); a
	// service spans a handful of AZs, so they are found by a scan.
	azs := s.buf.azs[:0]
	find := func(az string) *azGroup {
		for k := range azs {
			if azs[k].az == az {
				return &azs[k]
			}
		}
		return nil
	}
	for _, ts := range cands {
		if g := find(ts.t.AZ); g != nil {
			g.size++
			continue
		}
		azs = append(azs, azGroup{az: ts.t.AZ, size: 1})
	}
	all := s.buf.cands(len(cands))
	for k := range azs {
		azs[k].g, all = all[:0:azs[k].size], all[azs[k].size:]
	}
	for i, ts := range cands {
		g := find(ts.t.AZ)
		g.g = append(g.g, cand{int32(i), int32(s.perInstance[ts.t.ContainerInstance])})
	}
	slices.SortFunc(azs, func(a, b azGroup) int { return strings.Compare(a.az, b.az) })
	for k := range azs {
		s.azCount(azs[k].az) // present (at zero if absent) before indexes are taken
	}
	for k := range azs {
		azs[k].n = slices.IndexFunc(*s.perAZ, func(c azCount) bool { return c.az == azs[k].az })
	}
	for k := range azs {
		g := azs[k].g
		// Candidates usually come in task id order (index sorts each
		// deployment's tasks): a stable sort on the count alone then
		// gives the same order as sorting on (count, id), comparing
		// integers only.
		if slices.IsSortedFunc(g, func(a, b cand) int { return strings.Compare(cands[a.i].t.ID, cands[b.i].t.ID) }) {
			s.sortByCount(g)
			continue
		}
		slices.SortFunc(g, func(a, b cand) int {
			if n := cmp.Compare(b.n, a.n); n != 0 {
				return n
			}
			return strings.Compare(cands[a.i].t.ID, cands[b.i].t.ID)
		})
	}
	s.buf.azs = azs
	out := make([]*taskState, 0, min(n, len(cands)))
	for len(out) < n {
		var best *azGroup
		for k := range azs {
			z := &azs[k]
			for len(z.g) > 0 && budget != nil && *budget <= 0 && cands[z.g[0].i].cond == condHealthy {
				z.g = z.g[1:]
			}
			if len(z.g) == 0 {
				continue
			}
			if best == nil || (*s.perAZ)[z.n].n > (*s.perAZ)[best.n].n {
				best = z
			}
		}
		if best == nil {
			break
		}
		ts := cands[best.g[0].i]
		best.g = best.g[1:]
		if budget != nil && ts.cond == condHealthy {
			*budget--
		}
		s.azCount(ts.t.AZ).n--
		s.perInstance[ts.t.ContainerInstance]--
		out = append(out, ts)
	}
	return out
}

// sortByCount sorts g by count, highest first, keeping the order of equal
// counts (what slices.SortStableFunc on the count gives), by counting when
// the counts span a small range.
func (s *selector) sortByCount(g []cand) {
	if len(g) < 2 {
		return
	}
	lo, hi := g[0].n, g[0].n
	for _, c := range g[1:] {
		lo, hi = min(lo, c.n), max(hi, c.n)
	}
	if lo == hi {
		return
	}
	span := int(hi-lo) + 1
	if span > 4*len(g)+64 {
		slices.SortStableFunc(g, func(a, b cand) int { return cmp.Compare(b.n, a.n) })
		return
	}
	starts := s.buf.counts(span + 1)
	for _, c := range g {
		starts[int(hi-c.n)+1]++
	}
	for k := 1; k <= span; k++ {
		starts[k] += starts[k-1]
	}
	tmp := s.buf.sorted(len(g))
	for _, c := range g {
		k := int(hi - c.n)
		tmp[starts[k]] = c
		starts[k]++
	}
	copy(g, tmp)
}
