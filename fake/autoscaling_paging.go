package fake

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
)

// aasStart parses an Application Auto Scaling list token (the decimal
// index of the first item, "" or nil for 0) against n listed items; a
// token that does not parse or lies outside [0, n] is an
// InvalidNextTokenException.
func aasStart(token *string, n int) (int, error) {
	start := 0
	if tok := aws.ToString(token); tok != "" {
		if _, err := fmt.Sscan(tok, &start); err != nil || start < 0 || start > n {
			return 0, &aastypes.InvalidNextTokenException{Message: aws.String("Invalid token")}
		}
	}
	return start, nil
}

// aasPage cuts items[start:] to limit. The page is never nil (the
// outputs list [] when empty); the next token is the index of the first
// item left out, nil at the end.
func aasPage[T any](items []T, start, limit int) ([]T, *string) {
	end := min(start+limit, len(items))
	page := append([]T{}, items[start:end]...)
	if end == len(items) {
		return page, nil
	}
	return page, aws.String(fmt.Sprint(end))
}

// oneTargetArgs is listArgs for the operations filtered by at most one
// ResourceId that page what they list with their own token: the matching
// resource ids and the page size.
func (x *AutoScaling) oneTargetArgs(ns aastypes.ServiceNamespace, dim aastypes.ScalableDimension, resourceID *string, maxResults *int32) ([]string, int, error) {
	var ids []string
	if resourceID != nil {
		ids = []string{*resourceID}
	}
	ids, _, limit, err := x.listArgs(ns, dim, ids, maxResults, nil)
	return ids, limit, err
}

// nameSet is the set of names a Describe call filters by; empty means
// every name.
func nameSet(names []string) map[string]bool {
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	return want
}
