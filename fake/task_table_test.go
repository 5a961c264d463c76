package fake

import (
	"math/rand/v2"
	"testing"
)

// TestTaskTableMatchesMap drives a taskTable and a map with the same
// random puts, removes and look-ups (the fake's hex IDs, short IDs and IDs
// that share their hashed bytes) and checks they always agree.
func TestTaskTableMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var tt taskTable
	ref := map[string]*task{}
	var ids []string
	newID := func() string {
		switch rng.IntN(4) {
		case 0:
			return string(rune('a' + rng.IntN(26))) // short
		case 1: // the same first and last eight bytes
			b := []byte("0123456789abcdef0123456789abcdef")
			b[8+rng.IntN(16)] = "0123456789abcdef"[rng.IntN(16)]
			return string(b)
		}
		b := make([]byte, 32)
		for i := range b {
			b[i] = "0123456789abcdef"[rng.IntN(16)]
		}
		return string(b)
	}
	for step := range 200_000 {
		switch op := rng.IntN(10); {
		case op < 5 || len(ids) == 0:
			x := &task{idText: newID()}
			tt.put(x)
			if ref[x.id()] == nil {
				ids = append(ids, x.id())
			}
			ref[x.id()] = x
		case op < 8:
			i := rng.IntN(len(ids))
			id := ids[i]
			// Removing a task the table does not hold under its ID changes
			// nothing: the search starts at the ID's home slot (the hash
			// put would have noted) and passes the task held there.
			tt.remove(&task{idText: id, idHash: idHash(id)})
			if got := tt.get(id); got != ref[id] {
				t.Fatalf("step %d: removing another task with ID %q dropped the one held", step, id)
			}
			tt.remove(ref[id])
			delete(ref, id)
			ids[i] = ids[len(ids)-1]
			ids = ids[:len(ids)-1]
		default:
			id := newID()
			if rng.IntN(2) == 0 {
				id = ids[rng.IntN(len(ids))]
			}
			if got, want := tt.get(id), ref[id]; got != want {
				t.Fatalf("step %d: get(%q) = %p, want %p", step, id, got, want)
			}
		}
		if tt.len() != len(ref) {
			t.Fatalf("step %d: len %d, want %d", step, tt.len(), len(ref))
		}
	}
	n := 0
	for x := range tt.all() {
		if ref[x.id()] != x {
			t.Fatalf("all yields %q, not held", x.id())
		}
		n++
	}
	if n != len(ref) {
		t.Fatalf("all yields %d tasks, want %d", n, len(ref))
	}
	for _, id := range ids {
		if tt.get(id) != ref[id] {
			t.Fatalf("get(%q) wrong at the end", id)
		}
	}
}
