package wildcard

import "testing"

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"abc", "abc", true},
		{"abc", "abcd", false},
		{"*", "", true},
		{"*", "anything", true},
		{"a*", "abc", true},
		{"a*", "ba", false},
		{"*c", "abc", true},
		{"*c", "cb", false},
		{"a*c", "ac", true},
		{"a*a", "a", false}, // prefix and suffix may not overlap
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "acb", false},
		{"*b*b*", "abb", true},
		{"*b*b*", "ab", false},
		{"i-*", "i-0123", true},
		{"nginx:*", "httpd:2", false},
	} {
		if got := Match(c.pattern, c.s); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}
