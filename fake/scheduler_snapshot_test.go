package fake

import (
	"os"
	"strings"
)

// Every test of the package checks each incremental planner snapshot
// against a full rebuild (scheduler_snapshot.go); benchmarks measure the
// snapshot without the check.
func init() {
	verifySnapshotRows = !argHasPrefix(os.Args[1:], "-test.bench=")
}

// argHasPrefix reports whether an argument starts with prefix
// (and names a benchmark pattern other than none).
func argHasPrefix(args []string, prefix string) bool {
	for _, a := range args {
		if strings.HasPrefix(a, prefix) && a != prefix {
			return true
		}
	}
	return false
}
