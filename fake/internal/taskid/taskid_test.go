package taskid

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestCompareIsStringOrder checks Compare against strings.Compare:
// random hex IDs, IDs sharing their first eight bytes or more, and short
// ones.
func TestCompareIsStringOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const hex = "0123456789abcdef"
	id := func() string {
		n := []int{0, 3, 8, 9, 32}[r.IntN(5)]
		b := make([]byte, n)
		for i := range b {
			if i < 9 && r.IntN(2) == 0 {
				b[i] = 'a' // shared prefixes
			} else {
				b[i] = hex[r.IntN(16)]
			}
		}
		return string(b)
	}
	for range 100000 {
		a, b := id(), id()
		if got, want := Compare(Prefix(a), a, Prefix(b), b), strings.Compare(a, b); got != want {
			t.Fatalf("Compare(%q, %q) = %d, want %d", a, b, got, want)
		}
	}
}
