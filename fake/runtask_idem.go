package fake

import (
	"crypto/sha256"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// RunTask idempotency (ECS API Reference, "Ensuring idempotency"): a
// RunTask with a clientToken that a successful RunTask of the same
// cluster used before, with the same parameters, answers that request's
// result without starting anything; with other parameters it fails with
// ConflictException naming the tasks the token started. A token lives the
// lower of 24 hours and the lifetime of its tasks (creation to the last
// one's STOPPED) plus one hour.
const (
	// runTokenMaxLen is the longest clientToken RunTask accepts.
	runTokenMaxLen = 64
	// runTokenMaxTTL is the longest a token is remembered.
	runTokenMaxTTL = 24 * time.Hour
	// runTokenAfterStop is how long a token outlives its last task.
	runTokenAfterStop = time.Hour
	// minRunTokenSweep is the number of remembered tokens below which no
	// sweep runs.
	minRunTokenSweep = 64
)

// runTokenKey scopes a token to one cluster (by ARN, so a cluster named
// by name or by ARN is the same scope).
type runTokenKey struct{ cluster, token string }

// runTokenRecord is what a token remembers of the RunTask that used it:
// a hash of its parameters, not the request itself, and the ARNs of its
// tasks, not the tasks (their storage is reused once forgotten).
type runTokenRecord struct {
	fp       [sha256.Size]byte
	created  time.Time
	arns     []string
	stops    []time.Time // per task: when it was seen STOPPED (zero: not yet)
	failures []types.Failure
}

// runTokens holds the live tokens of every cluster.
type runTokens struct {
	m map[runTokenKey]*runTokenRecord
	// swept is the number of tokens left by the last sweep: the next one
	// runs when the table has doubled, so sweeping is O(1) amortised per
	// RunTask and the table stays within twice its live tokens.
	swept int
}

// checkClientToken validates a clientToken: up to maxLen ASCII
// characters in 33-126 (64 for RunTask, 36 for CreateService; the token
// itself is not quoted back). An empty token is none.
func checkClientToken(tok string, maxLen int) error {
	if len(tok) > maxLen || strings.IndexFunc(tok, func(r rune) bool { return r < 33 || r > 126 }) >= 0 {
		return errInvalidParam("clientToken: up to %d ASCII characters in the range 33-126 (inclusive) are allowed.", maxLen)
	}
	return nil
}

// runFingerprint hashes what makes two RunTask requests "the same
// parameters": every member of the request except clientToken and
// cluster (the token's scope), with count defaulted to 1. Region and
// Availability Zone, which ECS leaves out of the comparison, are not
// request members. Values are compared as sent: "web" and "web:3" are
// different task definitions, a reordered tag list is a different list.
func runFingerprint(in *ecs.RunTaskInput) [sha256.Size]byte {
	cp := *in
	cp.ClientToken = nil
	cp.Cluster = nil
	if cp.Count == nil {
		cp.Count = aws.Int32(1)
	}
	return requestFingerprint(&cp)
}

// requestFingerprint is the one idempotency fingerprint of the API calls
// that take a client token (RunTask, CreateService): a hash of the
// request's JSON, which its caller has cleared of clientToken and cluster.
func requestFingerprint(in any) [sha256.Size]byte {
	b, _ := json.Marshal(in)
	return sha256.Sum256(b)
}

// runTokenReplayLocked answers a RunTask whose token c already knows: the
// original result with the tasks as they are now (a STOPPED task shows
// only taskArn, lastStatus and desiredStatus) and the failures as first
// answered, or ConflictException when the parameters differ. ok is false
// when the token is unknown or has expired (it is dropped).
func (e *ECS) runTokenReplayLocked(c *cluster, tok string, fp [sha256.Size]byte, now time.Time) (out *ecs.RunTaskOutput, ok bool, err error) {
	key := runTokenKey{c.arn, tok}
	r := e.runTokens.m[key]
	if r == nil {
		return nil, false, nil
	}
	if e.runTokenExpiredLocked(r, now) {
		delete(e.runTokens.m, key)
		return nil, false, nil
	}
	if r.fp != fp {
		return nil, true, &types.ConflictException{
			Message:     aws.String("The clientToken is already in use with a different RunTask request; run RunTask with a unique clientToken, or with this one and the original parameters."),
			ResourceIds: slices.Clone(r.arns),
		}
	}
	out = &ecs.RunTaskOutput{Tasks: make([]types.Task, 0, len(r.arns)), Failures: slices.Clone(r.failures)}
	if out.Failures == nil {
		out.Failures = []types.Failure{}
	}
	for _, arn := range r.arns {
		t := e.taskByARNLocked(arn)
		if t == nil || t.lastStatus == statusStopped {
			out.Tasks = append(out.Tasks, types.Task{TaskArn: aws.String(arn),
				LastStatus: aws.String(statusStopped), DesiredStatus: aws.String(statusStopped)})
			continue
		}
		out.Tasks = append(out.Tasks, t.view(copyTags(e.tags[t.arn()])))
	}
	return out, true, nil
}

// rememberRunLocked keeps the token of a successful RunTask and sweeps
// expired tokens once the table has doubled since the last sweep.
func (e *ECS) rememberRunLocked(c *cluster, tok string, fp [sha256.Size]byte, now time.Time, out *ecs.RunTaskOutput) {
	r := &runTokenRecord{fp: fp, created: now, arns: make([]string, len(out.Tasks)),
		stops: make([]time.Time, len(out.Tasks)), failures: slices.Clone(out.Failures)}
	for i, t := range out.Tasks {
		r.arns[i] = aws.ToString(t.TaskArn)
	}
	if e.runTokens.m == nil {
		e.runTokens.m = map[runTokenKey]*runTokenRecord{}
	}
	e.runTokens.m[runTokenKey{c.arn, tok}] = r
	if n := len(e.runTokens.m); n >= max(minRunTokenSweep, 2*e.runTokens.swept) {
		for k, r := range e.runTokens.m {
			if e.runTokenExpiredLocked(r, now) {
				delete(e.runTokens.m, k)
			}
		}
		e.runTokens.swept = len(e.runTokens.m)
	}
}

// runTokenExpiredLocked says whether r's token has outlived the lower of
// 24 hours and its tasks' lifetime plus one hour, noting the STOPPED
// times it sees. A task the fake has already forgotten (its retention,
// an hour by default, is over) counts as stopped one retention period
// before now, the latest it can have stopped; a request that started no
// task lives an hour.
func (e *ECS) runTokenExpiredLocked(r *runTokenRecord, now time.Time) bool {
	if !now.Before(r.created.Add(runTokenMaxTTL)) {
		return true
	}
	last := r.created
	for i, arn := range r.arns {
		if r.stops[i].IsZero() {
			switch t := e.taskByARNLocked(arn); {
			case t == nil:
				r.stops[i] = now.Add(-e.cfg.timing.Retention)
			case t.lastStatus == statusStopped:
				r.stops[i] = t.stoppedAt
			default:
				return false
			}
		}
		if r.stops[i].After(last) {
			last = r.stops[i]
		}
	}
	return !now.Before(last.Add(runTokenAfterStop))
}

// taskByARNLocked returns the remembered task with arn, or nil.
func (e *ECS) taskByARNLocked(arn string) *task {
	t := e.tasks.get(arn[strings.LastIndexByte(arn, '/')+1:])
	if t == nil || t.forgotten || t.arn() != arn {
		return nil
	}
	return t
}
