package fake

import (
	"container/heap"
	"math"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/logfilter"
)

// match is one matching event of a FilterLogEvents scan: its timestamp,
// sequence number, stream and index there (no pointers: cheap to collect
// and merge).
type match struct {
	ts     int64
	seq    uint64
	stream int32
	i      int32
}

func (m match) key() eventKey { return eventKey{m.ts, m.seq} }

// filterPage is what one FilterLogEvents call found.
type filterPage struct {
	streams  []*logStream
	matches  []match
	next     *eventKey // continue after this key; nil: nothing left
	complete []bool    // per stream: searched to the end of the range
}

var maxKey = eventKey{math.MaxInt64, math.MaxUint64}

// filterStreams finds the first n events (in timestamp order across the
// streams) after key after, with timestamps in [lo, hi), that match pat.
//
// Each stream is scanned on its own (no per-event merge): up to n
// matches, within its share of the scan budget; then only the matches are
// merged (an empty pattern merges the streams' ranges without collecting
// anything). The horizon is the smallest last key scanned among the
// streams that stopped early; every event up to it
// has been examined in every stream, so the page is the first n matches
// not past the horizon, and the next token continues after the page's
// last event (or after the horizon when fewer than n matched). Each
// stream examines at least one event past after, so paging always
// progresses. Bytes are bounded by the 1 MB page limit.
func filterStreams(streams []*logStream, pat *logfilter.Pattern, after eventKey, lo, hi int64, n, budget, jsonBudget int) filterPage {
	page := filterPage{streams: streams, complete: make([]bool, len(streams))}
	share := max(1, budget/max(1, len(streams)))
	jsonShare := max(1, jsonBudget/max(1, len(streams)))
	horizon := maxKey
	runs := make(runHeap, 0, len(streams))
	for si, s := range streams {
		i := lowerTS(s.events, lo)
		if after.ts >= lo {
			k, _ := slices.BinarySearchFunc(s.events, after, func(ev logEvent, k eventKey) int {
				if ev.key().less(k) || ev.key() == k {
					return -1
				}
				return 1
			})
			i = max(i, k)
		}
		end := lowerTS(s.events, hi)
		if i >= end {
			page.complete[si] = true
			continue
		}
		if pat.MatchesAll() {
			// Every event matches: the run is a range, nothing to collect.
			stop := min(end, i+share, i+n)
			runs = append(runs, &matchRun{s: s, si: int32(si), i: i, end: stop})
			if stop < end {
				if k := s.events[stop-1].key(); k.less(horizon) {
					horizon = k
				}
			} else {
				page.complete[si] = true
			}
			continue
		}
		var cand []match
		scanned, parsed := 0, 0
		stopped := false
		for ; i < end; i++ {
			if scanned == share || (pat.IsJSON() && parsed == jsonShare) || len(cand) == n {
				stopped = true
				break
			}
			ev := &s.events[i]
			scanned++
			ok, didParse := pat.MatchCost(ev.msg)
			if didParse {
				parsed++
			}
			if ok {
				cand = append(cand, match{ev.ts, ev.seq, int32(si), int32(i)})
			}
		}
		if len(cand) > 0 {
			runs = append(runs, &matchRun{s: s, si: int32(si), list: cand, end: len(cand)})
		}
		if stopped {
			if k := s.events[i-1].key(); k.less(horizon) {
				horizon = k
			}
		} else {
			page.complete[si] = true
		}
	}
	// Merge the streams' matches (each in key order) up to n, the 1 MB
	// limit or the horizon: the cost follows the page, not the scan.
	heap.Init(&runs)
	total := 0
	for _, r := range runs {
		total += r.end - r.i
	}
	page.matches = make([]match, 0, min(n, total))
	bytes := 0
	for runs.Len() > 0 {
		r := runs[0]
		m := r.head()
		if horizon.less(m.key()) {
			break
		}
		size := len(streams[m.stream].events[m.i].msg)
		if len(page.matches) == n || bytes+size > maxReadBytes {
			last := page.matches[len(page.matches)-1].key()
			page.next = &last
			return page
		}
		bytes += size + LogEventOverhead
		page.matches = append(page.matches, m)
		if r.i++; r.i == r.end {
			heap.Pop(&runs)
		} else {
			heap.Fix(&runs, 0)
		}
	}
	if horizon != maxKey {
		page.next = &horizon
	}
	return page
}

// run is one stream's matches still to merge: list[i:end], or, when list
// is nil (every event matches), the stream's events[i:end].
type matchRun struct {
	s      *logStream
	si     int32
	list   []match
	i, end int
}

func (r *matchRun) head() match {
	if r.list != nil {
		return r.list[r.i]
	}
	ev := &r.s.events[r.i]
	return match{ev.ts, ev.seq, r.si, int32(r.i)}
}

// runHeap orders runs by their next match.
type runHeap []*matchRun

func (h runHeap) Len() int { return len(h) }
func (h runHeap) Less(a, b int) bool {
	x, y := h[a].head(), h[b].head()
	return x.ts < y.ts || x.ts == y.ts && x.seq < y.seq
}
func (h runHeap) Swap(a, b int) { h[a], h[b] = h[b], h[a] }
func (h *runHeap) Push(x any)   { *h = append(*h, x.(*matchRun)) }
func (h *runHeap) Pop() any {
	old := *h
	r := old[len(old)-1]
	*h = old[:len(old)-1]
	return r
}

// output renders the page (few allocations: numbers, messages and ids
// live in slabs; each stream's name is shared).
func (p filterPage) output() *cloudwatchlogs.FilterLogEventsOutput {
	n := len(p.matches)
	out := &cloudwatchlogs.FilterLogEventsOutput{Events: make([]types.FilteredLogEvent, n)}
	nums := make([]int64, 2*n)
	strs := make([]string, 2*n)
	names := make([]*string, len(p.streams))
	// Every event ID (40 digits) is a slice of one string.
	idBuf := make([]byte, 0, 40*n)
	for _, m := range p.matches {
		ev := &p.streams[m.stream].events[m.i]
		idBuf = appendPadded(appendPadded(idBuf, uint64(ev.ts)), ev.seq)
	}
	ids := string(idBuf)
	for i, m := range p.matches {
		name := names[m.stream]
		if name == nil {
			name = aws.String(p.streams[m.stream].name)
			names[m.stream] = name
		}
		ev := &p.streams[m.stream].events[m.i]
		nums[2*i], nums[2*i+1] = ev.ts, ev.ingest
		strs[2*i], strs[2*i+1] = ev.msg, ids[40*i:40*i+40]
		out.Events[i] = types.FilteredLogEvent{EventId: &strs[2*i+1], LogStreamName: name,
			Timestamp: &nums[2*i], IngestionTime: &nums[2*i+1], Message: &strs[2*i]}
	}
	if p.next != nil {
		out.NextToken = aws.String(encodeKey("x", *p.next))
	}
	return out
}

// appendPadded appends v as 20 decimal digits.
func appendPadded(b []byte, v uint64) []byte {
	var d [20]byte
	s := strconv.AppendUint(d[:0], v, 10)
	for range 20 - len(s) {
		b = append(b, '0')
	}
	return append(b, s...)
}
