package fake

import (
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// spreadCand is an instance that can take one more task, with its
// registration index (the tie breaker placeOneLocked uses).
type spreadCand struct {
	in  *instance
	idx int
	n   int // the group's tasks on the instance when last ordered (spreadPlaceLocked updates it after each placement)
}

// spreadHeap is a binary min-heap of one AZ's candidates, ordered by the
// group's tasks on the instance, then registration order (a total order:
// registration indexes are unique, so the top is the one minimum whatever
// the heap's shape). Its operations are written out for the element type,
// without container/heap's interface calls per comparison and swap.
type spreadHeap []spreadCand

// less reports whether a precedes b.
func (a spreadCand) less(b spreadCand) bool {
	if a.n != b.n {
		return a.n < b.n
	}
	return a.idx < b.idx
}

// init orders h as a heap.
func (h spreadHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

// down moves entry i down to its place.
func (h spreadHeap) down(i int) {
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h[r].less(h[l]) {
			m = r
		}
		if !h[m].less(h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// popCand removes the heap's top candidate.
func (h *spreadHeap) popCand() {
	old := *h
	last := len(old) - 1
	old[0] = old[last]
	old[last] = spreadCand{}
	*h = old[:last]
	if last > 0 {
		h.down(0)
	}
}

// fits reports whether in can take one more task with needs n (resources
// and ports; the service spread path has no constraints).
func fits(in *instance, n *needs) bool {
	return in.status == "ACTIVE" && in.connected && in.cpuFree >= n.cpu && in.memFree >= n.mem && portsFree(in, n)
}

// spreadPlaceLocked places req.count tasks with the service default
// strategy (spread over AZs, then instances, no constraints) in
// O(instances + count * (log instances + AZs)), choosing exactly what
// placeOneLocked would choose task by task: the fitting instance with the
// fewest group tasks in its AZ, then on the instance, then the earliest
// registered. Tasks that do not fit get placeOneLocked's failure.
func (e *ECS) spreadPlaceLocked(c *cluster, td *taskDef, req placementRequest, now time.Time) ([]*task, []types.Failure, error) {
	n, err := needsFor(td, &req)
	if err != nil {
		return nil, nil, err
	}
	// One entry per AZ with a fitting instance, in the order the instances
	// were registered; n is the group's tasks in the AZ, kept in step with
	// the group's counts (createTaskLocked adds one per task placed) so
	// that the loop below reads none.
	buf := e.takeSpreadScratch()
	defer e.putSpreadScratch(buf)
	zones := buf.zones[:0]
	gid := c.groupID(req.group) // -1: no task of the group is counted
	for i, in := range c.instances {
		if !fits(in, n) {
			continue
		}
		var z *zone
		for _, x := range zones {
			if x.azID == in.azID {
				z = x
				break
			}
		}
		if z == nil {
			z = buf.zone(len(zones))
			z.az, z.azID, z.n = in.az(), in.azID, c.inAZ(gid, in.azID)
			zones = append(zones, z)
		}
		z.h = append(z.h, spreadCand{in: in, idx: i, n: in.groupCount(gid)})
	}
	for _, z := range zones {
		z.h.init()
	}
	buf.zones = zones
	started := slices.Grow(buf.started[:0], req.count)
	buf.started = nil // the caller holds it until it hands it back (putStarted)
	for placed := 0; placed < req.count; placed++ {
		var best *zone
		for _, z := range zones {
			if len(z.h) == 0 {
				continue
			}
			if best == nil {
				best = z
				continue
			}
			top, cur := z.h[0], best.h[0]
			if z.n < best.n || (z.n == best.n && (top.n < cur.n || (top.n == cur.n && top.idx < cur.idx))) {
				best = z
			}
		}
		if best == nil {
			_, f := e.placeOneLocked(c, n, &req)
			if f == nil {
				f = &types.Failure{Reason: strPtr("RESOURCE:CPU")}
			}
			failures := make([]types.Failure, 0, req.count-placed)
			for range req.count - placed {
				failures = append(failures, *f)
			}
			return started, failures, nil
		}
		in := best.h[0].in
		started = append(started, e.createTaskLocked(c, td, n, &req, in, best.az, now))
		best.n++
		if fits(in, n) {
			// The instance stays, with one more of the group's tasks
			// (bindLocked counts it in in.groupN: one more, not read
			// here): its count only grows, so it moves down from
			// the top (the heap's order is total: the same top as a pop
			// and a push).
			best.h[0].n++
			best.h.down(0)
		} else {
			best.h.popCand()
		}
	}
	return started, nil, nil
}

func strPtr(s string) *string { return &s }

// zone is one AZ's candidates in spreadPlaceLocked.
type zone struct {
	az   string
	azID int32 // the AZ's number in the cluster (group_counts.go)
	h    spreadHeap
	n    int
}

// spreadScratch is spreadPlaceLocked's storage, kept between placements
// (a crash loop places tasks many times a virtual minute): the zones and
// their heaps.
type spreadScratch struct {
	zones []*zone
	store []*zone // every zone ever made, reused in order
	// started is the storage of the tasks a placement returns, while
	// no caller holds it (putStarted).
	started []*task
}

// zone returns the i-th zone of a placement, emptied.
func (b *spreadScratch) zone(i int) *zone {
	if i == len(b.store) {
		b.store = append(b.store, &zone{})
	}
	z := b.store[i]
	z.h = z.h[:0]
	return z
}

// takeSpreadScratch takes e's scratch (a new one while it is in use).
func (e *ECS) takeSpreadScratch() *spreadScratch {
	b := e.spreadBuf
	if b == nil {
		return &spreadScratch{}
	}
	e.spreadBuf = nil
	return b
}

// putSpreadScratch hands b back, holding no instance.
func (e *ECS) putSpreadScratch(b *spreadScratch) {
	for _, z := range b.zones {
		clear(z.h)
		z.az = ""
	}
	clear(b.zones)
	b.zones = b.zones[:0]
	e.spreadBuf = b
}

// putStarted hands back the storage of tasks, a list spreadPlaceLocked
// returned that the caller no longer reads, for the next placement.
func (e *ECS) putStarted(tasks []*task) {
	if b := e.spreadBuf; b != nil && cap(tasks) > cap(b.started) {
		clear(tasks)
		b.started = tasks[:0]
	}
}
