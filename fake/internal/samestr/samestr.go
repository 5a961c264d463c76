// Package samestr compares strings that are mostly the same string in
// memory, for the fake's hot loops.
package samestr

import "unsafe"

// Same reports whether a == b, comparing the bytes only when the two are
// not the same string in memory: a snapshot's rows mostly share their
// deployment ids, a placement's tasks their group string, a task its
// status constant, and a call to compare equal bytes costs more than the
// rest of the loop that asks.
func Same(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}
