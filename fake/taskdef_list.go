package fake

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// listFamilyLocked is ListTaskDefinitions with a familyPrefix: the family
// is looked up directly and its revisions paged by revision number (the
// nextToken names the last revision listed), so a page costs the
// revisions it lists and skips, not the whole family (up to 1,000,000
// revisions) nor every family of the account.
func (e *ECS) listFamilyLocked(name string, status types.TaskDefinitionStatus, desc bool, token *string, maxResults *int32, now time.Time) (*ecs.ListTaskDefinitionsOutput, error) {
	n := 100
	if maxResults != nil {
		if *maxResults < 1 || *maxResults > 100 {
			return nil, errInvalidParam("maxResults must be between 1 and %d.", 100)
		}
		n = int(*maxResults)
	}
	f := e.families[name]
	var revs []*taskDef
	if f != nil {
		revs = f.revs
	}
	// i is the index (revision-1) to look at next.
	i, step := 0, 1
	if desc {
		i, step = len(revs)-1, -1
	}
	if token != nil && *token != "" {
		last, ok := parseRevisionToken(*token)
		if !ok || last < 1 || last > len(revs) {
			return nil, errInvalidParam("Invalid token %s", *token)
		}
		i = last - 1 + step
	}
	out := &ecs.ListTaskDefinitionsOutput{TaskDefinitionArns: []string{}}
	lastRev := 0
	for ; i >= 0 && i < len(revs); i += step {
		td := revs[i]
		if td.status != status || td.deleted || hidden(td.visibleAt, now) {
			continue
		}
		if len(out.TaskDefinitionArns) == n {
			tok := revisionToken(lastRev)
			out.NextToken = &tok
			break
		}
		out.TaskDefinitionArns = append(out.TaskDefinitionArns, td.arn)
		lastRev = i + 1
	}
	return out, nil
}

// revisionToken encodes the last revision listed; parseRevisionToken
// reads it back.
func revisionToken(rev int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("rev:" + strconv.Itoa(rev)))
}

func parseRevisionToken(tok string) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	v, ok := strings.CutPrefix(string(raw), "rev:")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}
