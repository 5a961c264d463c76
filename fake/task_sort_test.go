package fake

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestSortTasksByIDMatchesStringOrder checks sortTasksByID against a plain
// sort of the IDs: random task IDs, IDs sharing their first eight bytes
// or more, short and empty IDs, on both sides of smallTaskSort and of
// maxStackKeyed.
func TestSortTasksByIDMatchesStringOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	id := func() string {
		switch r.IntN(4) {
		case 0: // a shared prefix, so the whole IDs decide
			return "0123456789abcdef"[:8+r.IntN(9)] + string(rune('a'+r.IntN(26)))
		case 1: // shorter than the prefix read (never empty: task.id makes an empty ID)
			return "abcdefgh"[:1+r.IntN(8)]
		default:
			var b [32]byte
			for i := range b {
				b[i] = hexDigits[r.IntN(16)]
			}
			return string(b[:])
		}
	}
	sizes := []int{maxStackKeyed, maxStackKeyed + 1, 3 * maxStackKeyed}
	for n := range 2*smallTaskSort + 2 {
		sizes = append(sizes, n)
	}
	for _, n := range sizes {
		for range 20 {
			seen := map[string]bool{}
			var ts []*task
			for len(ts) < n {
				if s := id(); !seen[s] {
					seen[s] = true
					ts = append(ts, &task{idText: s})
				}
			}
			want := make([]string, n)
			for i, x := range ts {
				want[i] = x.id()
			}
			slices.SortFunc(want, strings.Compare)
			sortTasksByID(ts)
			for i, x := range ts {
				if x.id() != want[i] {
					t.Fatalf("n=%d: position %d holds %q, want %q", n, i, x.id(), want[i])
				}
			}
		}
	}
}
