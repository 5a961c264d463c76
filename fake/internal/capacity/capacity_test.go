package capacity

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// TestSplitDocumentedExamples checks the split against the worked examples
// of the documentation:
//   - API Reference, CapacityProviderStrategyItem (weight): two providers
//     of weight 1 split evenly once the base is satisfied; weights 1 and 4
//     put four tasks on the second provider for every one on the first;
//     weight-0 providers are not used to place tasks;
//   - ECS Developer Guide, "Capacity provider strategies" / the EC2 Spot
//     workshop's default strategy: base 2 and weight 1 on the on-demand
//     provider, weight 3 on Spot: 2 tasks first on on-demand, the rest 1:3;
//   - issue #14's acceptance strategy: FARGATE base 1 weight 1,
//     FARGATE_SPOT weight 3.
func TestSplitDocumentedExamples(t *testing.T) {
	even := []Item{{"A", 0, 1}, {"B", 0, 1}}
	oneFour := []Item{{"A", 0, 1}, {"B", 0, 4}}
	workshop := []Item{{"CP-OD", 2, 1}, {"CP-SPOT", 0, 3}}
	accept := []Item{{"FARGATE", 1, 1}, {"FARGATE_SPOT", 0, 3}}
	baseOnly := []Item{{"FARGATE", 2, 0}, {"FARGATE_SPOT", 0, 1}}
	allZero := []Item{{"FARGATE", 3, 0}, {"FARGATE_SPOT", 0, 0}}
	for _, tc := range []struct {
		name  string
		s     []Item
		total int
		want  []int
	}{
		{"EvenWeightsEvenCount", even, 10, []int{5, 5}},
		{"EvenWeightsOddCountFirstListedGetsTheExtra", even, 3, []int{2, 1}},
		{"OneToFourFive", oneFour, 5, []int{1, 4}},
		{"OneToFourTen", oneFour, 10, []int{2, 8}},
		{"WorkshopBaseFirst", workshop, 2, []int{2, 0}},
		{"WorkshopThenOneToThree", workshop, 6, []int{3, 3}},
		{"WorkshopTen", workshop, 10, []int{4, 6}},
		{"AcceptanceOne", accept, 1, []int{1, 0}},
		{"AcceptanceTwo", accept, 2, []int{1, 1}},
		{"AcceptanceFourTieToTheEarlierItem", accept, 4, []int{2, 2}},
		{"AcceptanceThree", accept, 3, []int{1, 2}},
		{"AcceptanceFive", accept, 5, []int{2, 3}},
		{"AcceptanceNine", accept, 9, []int{3, 6}},
		{"WeightZeroGetsOnlyItsBase", baseOnly, 5, []int{2, 3}},
		{"BaseAboveTotal", baseOnly, 1, []int{1, 0}},
		{"AllWeightsZeroPlaceOnlyTheBase", allZero, 5, []int{3, 0}},
		{"Zero", accept, 0, []int{0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Split(tc.s, tc.total); !slices.Equal(got, tc.want) {
				t.Fatalf("Split(%v, %d) = %v, want %v", tc.s, tc.total, got, tc.want)
			}
		})
	}
}

// TestStopsScaleInFromOverProvider: scaling the acceptance strategy in from
// 9 (3 FARGATE, 6 SPOT) to 4 stops 1 FARGATE and 4 SPOT, leaving the split
// for 4 (2, 2); and when a strategy changed, the provider furthest over
// its new share gives up tasks first.
func TestStopsScaleInFromOverProvider(t *testing.T) {
	accept := []Item{{"FARGATE", 1, 1}, {"FARGATE_SPOT", 0, 3}}
	if got := Stops(accept, []int{3, 6}, 5, nil); !slices.Equal(got, []int{1, 4}) {
		t.Fatalf("scale-in stops = %v, want [1 4]", got)
	}
	// All on FARGATE (strategy changed to the acceptance one): stopping 4 of
	// 8 stops FARGATE tasks only.
	if got := Stops(accept, []int{8, 0}, 4, nil); !slices.Equal(got, []int{4, 0}) {
		t.Fatalf("strategy-change stops = %v, want [4 0]", got)
	}
	// The base survives to the last task.
	if got := Stops(accept, []int{1, 3}, 3, nil); !slices.Equal(got, []int{0, 3}) {
		t.Fatalf("stops keep the base = %v, want [0 3]", got)
	}
	// avail caps what one provider can give up.
	if got := Stops(accept, []int{3, 6}, 5, []int{2, 1}); !slices.Equal(got, []int{2, 1}) {
		t.Fatalf("stops with avail = %v, want [2 1]", got)
	}
}

// genStrategy draws a valid strategy: 1-6 items, at most one base, weights
// 0-1000 with at least one positive.
func genStrategy(t *rapid.T) []Item {
	n := rapid.IntRange(1, 6).Draw(t, "n")
	s := make([]Item, n)
	for i := range s {
		s[i] = Item{Provider: string(rune('A' + i)), Weight: rapid.IntRange(0, 1000).Draw(t, "w")}
	}
	if rapid.Bool().Draw(t, "hasBase") {
		s[rapid.IntRange(0, n-1).Draw(t, "baseAt")].Base = rapid.IntRange(0, 50).Draw(t, "base")
	}
	if !slices.ContainsFunc(s, func(it Item) bool { return it.Weight > 0 }) {
		s[rapid.IntRange(0, n-1).Draw(t, "pos")].Weight = rapid.IntRange(1, 1000).Draw(t, "w1")
	}
	return s
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// TestSplitProperties: totals exact, base first, weight-0 providers get
// nothing beyond their base, no provider could take a task from another
// and be closer to its weight (the divisor rule), house monotone, and
// deterministic.
func TestSplitProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genStrategy(t)
		total := rapid.IntRange(0, 400).Draw(t, "total")
		got := Split(s, total)
		if sum(got) != total {
			t.Fatalf("sum %v = %d, want %d", got, sum(got), total)
		}
		for i, it := range s {
			if got[i] < min(it.Base, total) {
				t.Fatalf("item %d has %d, below its base %d (total %d)", i, got[i], it.Base, total)
			}
			if it.Weight == 0 && got[i] != min(it.Base, total) {
				t.Fatalf("weight-0 item %d has %d, want only its base %d", i, got[i], min(it.Base, total))
			}
		}
		for i, a := range s {
			for j, b := range s {
				if i == j || a.Weight == 0 || b.Weight == 0 {
					continue
				}
				bi, bj := beyondBase(s, got, i), beyondBase(s, got, j)
				// bi/wi <= (bj+1)/wj: moving a task from i to j would not be fairer.
				if bi*b.Weight > (bj+1)*a.Weight {
					t.Fatalf("split %v of %v: item %d (%d beyond base, weight %d) is over item %d (%d, weight %d)", got, s, i, bi, a.Weight, j, bj, b.Weight)
				}
			}
		}
		if again := Split(s, total); !slices.Equal(again, got) {
			t.Fatalf("not deterministic: %v then %v", got, again)
		}
		more := Split(s, total+1)
		d := 0
		for i := range s {
			if more[i] < got[i] {
				t.Fatalf("adding a task moved one: %v -> %v", got, more)
			}
			d += more[i] - got[i]
		}
		if d != 1 {
			t.Fatalf("Split(%d) %v -> Split(%d) %v differ by %d tasks", total, got, total+1, more, d)
		}
	})
}

// TestAssignAndStopsProperties: Assign on top of a split extends it to the
// larger split; Stops from a split shrinks it to the smaller split; Stops
// never stops more than asked, available or running.
func TestAssignAndStopsProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genStrategy(t)
		total := rapid.IntRange(0, 300).Draw(t, "total")
		n := rapid.IntRange(0, 100).Draw(t, "n")
		cur := Split(s, total)
		add := Assign(s, cur, n)
		want := Split(s, total+n)
		for i := range s {
			if cur[i]+add[i] != want[i] {
				t.Fatalf("Split(%d)=%v + Assign(%d)=%v != Split(%d)=%v", total, cur, n, add, total+n, want)
			}
		}
		k := rapid.IntRange(0, total).Draw(t, "k")
		st := Stops(s, cur, k, nil)
		smaller := Split(s, total-k)
		for i := range s {
			if cur[i]-st[i] != smaller[i] {
				t.Fatalf("Split(%d)=%v - Stops(%d)=%v != Split(%d)=%v", total, cur, k, st, total-k, smaller)
			}
		}
		// Arbitrary counts and caps.
		arb := make([]int, len(s))
		avail := make([]int, len(s))
		for i := range arb {
			arb[i] = rapid.IntRange(0, 40).Draw(t, "arb")
			avail[i] = rapid.IntRange(0, arb[i]).Draw(t, "avail")
		}
		k2 := rapid.IntRange(0, 100).Draw(t, "k2")
		st2 := Stops(s, arb, k2, avail)
		if sum(st2) != min(k2, sum(avail)) {
			t.Fatalf("Stops(%v, k=%d, avail=%v) = %v: stopped %d", arb, k2, avail, st2, sum(st2))
		}
		for i := range s {
			if st2[i] > avail[i] {
				t.Fatalf("Stops exceeded avail: %v > %v", st2, avail)
			}
		}
	})
}
