package fake

import (
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/logfilter"
)

// Paging FilterLogEvents with any limit and any scan budget returns
// exactly the matching events of the streams, in (timestamp, sequence)
// order, each once: the per-stream scan, the horizon and the merge never
// skip or repeat an event, and every page makes progress.
func TestFilterPagingMatchesBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		patterns := []string{"", "ERROR", "-ERROR", "?ERROR ?WARN", `{ $.n > 2 }`, `{ $.level = "ERROR" }`}
		pat, err := logfilter.Parse(rapid.SampledFrom(patterns).Draw(t, "pattern"))
		if err != nil {
			t.Fatal(err)
		}
		var seq uint64
		nStreams := rapid.IntRange(1, 5).Draw(t, "streams")
		streams := make([]*logStream, nStreams)
		for si := range streams {
			s := &logStream{name: fmt.Sprint("s", si)}
			for range rapid.IntRange(0, 30).Draw(t, "events") {
				seq++
				level := rapid.SampledFrom([]string{"INFO", "WARN", "ERROR"}).Draw(t, "level")
				msg := fmt.Sprintf(`{"level":%q,"n":%d}`, level, rapid.IntRange(0, 5).Draw(t, "n"))
				if rapid.Bool().Draw(t, "plain") {
					msg = level + " plain"
				}
				s.events = append(s.events, logEvent{ts: rapid.Int64Range(0, 20).Draw(t, "ts"), seq: seq, msg: msg})
			}
			slices.SortFunc(s.events, func(a, b logEvent) int { return cmpKey(a.key(), b.key()) })
			streams[si] = s
		}
		lo, hi := rapid.Int64Range(0, 10).Draw(t, "lo"), rapid.Int64Range(5, 25).Draw(t, "hi")
		var want []eventKey
		for _, s := range streams {
			for _, ev := range s.events {
				if ev.ts >= lo && ev.ts < hi && pat.Match(ev.msg) {
					want = append(want, ev.key())
				}
			}
		}
		slices.SortFunc(want, cmpKey)
		n := rapid.IntRange(1, 6).Draw(t, "limit")
		budget, jsonBudget := rapid.IntRange(1, 40).Draw(t, "budget"), rapid.IntRange(1, 20).Draw(t, "jsonBudget")
		var got []eventKey
		after := eventKey{-1, 0}
		for round := 0; ; round++ {
			if round > 1000 {
				t.Fatalf("no end after %d pages", round)
			}
			page := filterStreams(streams, pat, after, lo, hi, n, budget, jsonBudget)
			if len(page.matches) > n {
				t.Fatalf("page of %d > limit %d", len(page.matches), n)
			}
			for _, m := range page.matches {
				got = append(got, m.key())
			}
			if page.next == nil {
				break
			}
			if !after.less(*page.next) && after != (eventKey{-1, 0}) {
				t.Fatalf("page %d made no progress: after %v, next %v", round, after, *page.next)
			}
			after = *page.next
		}
		if !slices.Equal(got, want) {
			t.Fatalf("paged %v\nwant    %v", got, want)
		}
	})
}
