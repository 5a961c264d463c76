// Package wildcard matches strings against patterns where * stands for any
// run of characters (and nothing else is special): CloudWatch Logs filter
// pattern values and cluster query language values share it.
package wildcard

import "strings"

// Match reports whether s matches pattern, where each * matches any run of
// characters, including none.
func Match(pattern, s string) bool {
	if !strings.Contains(pattern, "*") {
		return pattern == s
	}
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, part := range parts[1 : len(parts)-1] {
		i := strings.Index(s, part)
		if i < 0 {
			return false
		}
		s = s[i+len(part):]
	}
	return strings.HasSuffix(s, last)
}
