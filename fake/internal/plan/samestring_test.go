package plan

import (
	"strings"
	"testing"
)

// TestSameString checks sameString against ==.
func TestSameString(t *testing.T) {
	a := "RUNNING"
	for _, b := range []string{a, strings.Clone(a), "STOPPED", "RUN", "", a[:3]} {
		if got, want := sameString(a, b), a == b; got != want {
			t.Errorf("sameString(%q, %q) = %v, want %v", a, b, got, want)
		}
		if got, want := sameString(a[:3], b), a[:3] == b; got != want {
			t.Errorf("sameString(%q, %q) = %v, want %v", a[:3], b, got, want)
		}
	}
}
