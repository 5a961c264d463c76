// Package capacity is the pure core of capacity provider strategies: given
// a strategy (provider, base, weight) and the tasks each provider already
// runs, it says where new tasks go and which providers give up tasks first.
// Nothing here touches state, clocks or locks.
//
// The rules (ECS Developer Guide, "Capacity provider strategies"; API
// Reference, CapacityProviderStrategyItem):
//
//   - the base (only one item may have one) is satisfied first, on its
//     provider, whatever its weight;
//   - the tasks beyond the base are split by weight; a weight-0 provider
//     gets nothing beyond its base;
//   - the split is computed task by task: each next task goes to the
//     provider with the smallest (tasks beyond base + 1) / weight (the
//     D'Hondt divisor rule), ties to the earlier item of the strategy. So
//     weights 1:1 split evenly, and 1:4 puts four tasks on the second
//     provider for every one on the first. Task-by-task placement makes the
//     split "house monotone": adding a task never moves one already placed,
//     as a service that scales out never moves its running tasks.
//
// How ECS rounds a split that is not exact is not documented; the divisor
// rule above is the fake's choice (docs/fidelity.md).
package capacity

// Item is one entry of a strategy.
type Item struct {
	// Provider is the capacity provider's short name.
	Provider string
	// Base is how many tasks, at a minimum, run on Provider (0-100000).
	Base int
	// Weight is Provider's relative share of the tasks beyond the base (0-1000).
	Weight int
}

// beyondBase returns how many of counts[i] tasks are beyond item i's base.
func beyondBase(s []Item, counts []int, i int) int {
	return max(0, counts[i]-s[i].Base)
}

// next returns the item the next task goes to given counts (per item), or
// -1 when no item can take a task (every weight is 0 and every base is
// met).
func next(s []Item, counts []int) int {
	// The base first.
	for i, it := range s {
		if counts[i] < it.Base {
			return i
		}
	}
	best := -1
	var bn, bw int // best's (beyond+1) and weight: compare bn/bw by cross-multiplying
	for i, it := range s {
		if it.Weight <= 0 {
			continue
		}
		n := beyondBase(s, counts, i) + 1
		if best < 0 || n*bw < bn*it.Weight {
			best, bn, bw = i, n, it.Weight
		}
	}
	return best
}

// Split returns how many of total tasks each item of s runs. When no item
// has a positive weight, the tasks beyond the bases are not placed: the
// result then sums to less than total. O(len(s) * total).
func Split(s []Item, total int) []int {
	return Assign(s, make([]int, len(s)), total)
}

// Assign places n more tasks on top of current (per item; not modified)
// and returns how many go to each item. Tasks no item can take (all
// weights 0, bases met) are left out. O(len(s) * n).
func Assign(s []Item, current []int, n int) []int {
	counts := append([]int(nil), current...)
	add := make([]int, len(s))
	for range n {
		i := next(s, counts)
		if i < 0 {
			break
		}
		counts[i]++
		add[i]++
	}
	return add
}

// last returns the item that received the last of the tasks in split (a
// result of Split): the inverse of next, so that Split(s, t) minus one task
// on last(s, Split(s, t)) is Split(s, t-1). It returns -1 for no tasks.
func last(s []Item, split []int) int {
	best := -1
	var bb, bw int // best's beyond-base count and weight
	for i, it := range s {
		b := beyondBase(s, split, i)
		if b == 0 || it.Weight <= 0 {
			continue
		}
		// Largest b/w; ties to the later item (next gave ties to the earlier).
		if best < 0 || b*bw >= bb*it.Weight {
			best, bb, bw = i, b, it.Weight
		}
	}
	if best >= 0 {
		return best
	}
	for i := range s {
		if split[i] > 0 {
			return i
		}
	}
	return -1
}

// Stops returns how many of k tasks to stop on each item so that what
// remains is as close as possible to the split for the tasks that remain:
// each stop comes from the item whose count most exceeds its target for
// the remaining total (ties to the later item of the strategy, so the base
// and the first-listed providers keep theirs). avail, when not nil, caps
// the stops per item (the tasks that may be stopped there); k is capped by
// what can be stopped. O(len(s) * (total + k)) for total = sum(current).
func Stops(s []Item, current []int, k int, avail []int) []int {
	out := make([]int, len(s))
	counts := append([]int(nil), current...)
	total := 0
	for _, c := range counts {
		total += c
	}
	target := Split(s, total)
	for range min(k, total) {
		if i := last(s, target); i >= 0 {
			target[i]--
		}
		best, bestOver := -1, 0
		for i := range s {
			if counts[i] == 0 || (avail != nil && out[i] >= avail[i]) {
				continue
			}
			if over := counts[i] - target[i]; best < 0 || over >= bestOver {
				best, bestOver = i, over
			}
		}
		if best < 0 {
			break
		}
		counts[best]--
		out[best]++
	}
	return out
}
