package ecsdeploy

import (
	"sort"
	"strings"
)

func ptr[T any](v T) *T { return &v }

func valueOf[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// lastSegment is what follows the last "/" of an ARN (all of it without
// one).
func lastSegment(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

// taskID returns the last path element of a task ARN (the 32-hex id).
func taskID(arn string) string { return lastSegment(arn) }

// familyOf returns the family of "family", "family:rev" or a task
// definition ARN.
func familyOf(ref string) string {
	if i := strings.LastIndexByte(ref, '/'); i >= 0 {
		ref = ref[i+1:]
	}
	if i := strings.IndexByte(ref, ':'); i >= 0 {
		ref = ref[:i]
	}
	return ref
}

// shortTD returns "family:rev" for a task definition ARN.
func shortTD(arn string) string { return lastSegment(arn) }
