// Package taskid compares and hashes task IDs cheaply. Task IDs are 32
// random hex digits drawn from the fake's seeded source, so their first
// eight bytes, read as one number, almost always decide their order and
// already make a good hash; the fake's hot paths (sorting a placement's
// tasks, the planner's order check and row search, the tasks-by-ID
// table) read them so.
package taskid

// Prefix returns s's first eight bytes as a big-endian number, zero bytes
// past a shorter s: Prefix(a) < Prefix(b) implies a < b, and a < b implies
// Prefix(a) <= Prefix(b).
func Prefix(s string) uint64 {
	if len(s) >= 8 {
		_ = s[7]
		return uint64(s[7]) | uint64(s[6])<<8 | uint64(s[5])<<16 | uint64(s[4])<<24 |
			uint64(s[3])<<32 | uint64(s[2])<<40 | uint64(s[1])<<48 | uint64(s[0])<<56
	}
	var k uint64
	for i := range 8 {
		k <<= 8
		if i < len(s) {
			k |= uint64(s[i])
		}
	}
	return k
}

// Compare compares a and b as strings.Compare does, given their prefixes
// ka and kb (Prefix, read once by the caller): the prefixes decide, the
// whole strings only when the prefixes are equal.
func Compare(ka uint64, a string, kb uint64, b string) int {
	switch {
	case ka < kb:
		return -1
	case ka > kb:
		return 1
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
