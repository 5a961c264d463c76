package plan

import "unsafe"

// sameString reports whether a == b, comparing the bytes only when the
// two are not the same string in memory: a snapshot's rows mostly share
// their deployment ids (every task of a deployment names it with the same
// string), and a call to compare equal bytes costs more than the rest of
// the loop that asks (computation.index).
func sameString(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}
