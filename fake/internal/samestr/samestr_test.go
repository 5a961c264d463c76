package samestr

import (
	"strings"
	"testing"
)

// TestSameString checks Same against ==.
func TestSameString(t *testing.T) {
	a := "RUNNING"
	for _, b := range []string{a, strings.Clone(a), "STOPPED", "RUN", "", a[:3]} {
		if got, want := Same(a, b), a == b; got != want {
			t.Errorf("Same(%q, %q) = %v, want %v", a, b, got, want)
		}
		if got, want := Same(a[:3], b), a[:3] == b; got != want {
			t.Errorf("Same(%q, %q) = %v, want %v", a[:3], b, got, want)
		}
	}
}
