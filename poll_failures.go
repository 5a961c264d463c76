package ecsdeploy

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// unseenFailureAfter is what the poll schedule assumes of a deployment
// none of whose tasks has failed yet: a task does not fail (is not
// counted in failedTasks) within this long of its launch, nor sooner than
// 4/5 of the time the service's tasks took to start (pull, from its
// history: a task exits only once started, and a pull that cannot succeed
// gives up after retries). It is the assumption the quiet phase (the
// 40-second rule) always rested on; a Fargate task spends about that long
// provisioning alone. Once a task of the deployment failed, its own
// launch-to-failure time replaces it.
const unseenFailureAfter = healthyAfterRunning

// launches returns the launch instants of the tasks ECS started for a
// deployment created at since, oldest first, one per task, from the
// service's "(service X) has started N tasks: ..." events (ECS writes one
// when it launches tasks; the events do not name the deployment, so a
// launch of another deployment's task may be counted, which only makes
// the schedule read earlier).
func launches(svc *types.Service, since time.Time) []time.Time {
	var out []time.Time
	for _, e := range svc.Events {
		at := valueOf(e.CreatedAt)
		if at.Before(since) {
			continue
		}
		m := valueOf(e.Message)
		i := strings.Index(m, ") has started ")
		if i < 0 {
			continue
		}
		rest := m[i+len(") has started "):]
		n, err := strconv.Atoi(rest[:max(strings.IndexByte(rest, ' '), 0)])
		if err != nil || n < 1 || n > 10000 {
			continue
		}
		for range n {
			out = append(out, at)
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// failureModel predicts when a deployment's circuit breaker can trip, from
// when its tasks were launched and how long the first of them took to
// fail. ECS launches a failed task's replacement when it gives up on it
// (or later, once the service throttle allows), and identical tasks take
// about as long to fail, so the next failure is predicted from the
// replacement's launch, not from the failure that preceded it (which
// already includes the failed task's stop).
type failureModel struct {
	// after is the shortest launch-to-failure time seen (0: none seen).
	after time.Duration
	// survived is the longest a task of the deployment was seen still in
	// flight (not failed) since its launch: identical tasks are expected
	// not to fail sooner either (a bound, used until a failure is seen).
	survived time.Duration
}

// alive records a reading at now in which every launched task not
// counted as failed is still in flight (pending or running): then the
// oldest of them, launched[failed], has lived now - its launch without
// failing. A reading with fewer in flight (a task gave up and awaits its
// count) or more (launches the events do not show) says nothing.
func (m *failureModel) alive(now time.Time, failed, inFlight int32, launched []time.Time) {
	f := int(max(failed, 0))
	if f >= len(launched) || int(inFlight) != len(launched)-f {
		return
	}
	m.survived = max(m.survived, now.Sub(launched[f]))
}

// observe records that failedTasks rose from before to now.failed at
// changedAt (the earliest instant it may have happened), with the
// deployment's launches oldest first. Tasks are taken to fail in the
// order they were launched: the latest launched of the newly failed
// ones bounds the time a task takes to fail.
func (m *failureModel) observe(before, failed int32, changedAt time.Time, launched []time.Time) {
	i := int(failed) - 1
	if failed <= before || i < 0 || i >= len(launched) {
		return
	}
	if d := changedAt.Sub(launched[i]); d > 0 && (m.after == 0 || d < m.after) {
		m.after = d
	}
}

// earliest returns the earliest instant the breaker can trip (failedTasks
// reaching threshold): the (threshold - failed)th earliest failure among
// the tasks launched and not yet counted as failed (each no sooner than
// its launch + the failure time, less a slack of two fast steps or a fifth
// of it, whichever is less; inFlight of them when the events show fewer)
// and tasks not launched yet (no sooner than now + that time). Before any
// failure the time is unseenFailureAfter, or 4/5 of pull, or the longest
// a task was seen surviving (less the slack), whichever is longest.
// estimate tells whether the instant rests on a failure seen in this
// deployment (then the read comes just after it) or on the assumption (a
// bound: the read comes one fast step after it).
func (m failureModel) earliest(now time.Time, failed, threshold, inFlight int32, launched []time.Time, pull, fast time.Duration) (at time.Time, estimate bool) {
	need := int(threshold - failed)
	if need < 1 {
		return now, false
	}
	after := max(unseenFailureAfter, pull*4/5, m.survived-min(fast, m.survived/5))
	if m.after > 0 {
		after = m.after - min(fast, m.after/5)
		estimate = true
	}
	uncounted := launched[min(int(max(failed, 0)), len(launched)):]
	var at0 []time.Time
	for range max(int(inFlight)-len(uncounted), 0) {
		at0 = append(at0, now) // launched, when is not told: may fail now
	}
	for _, l := range uncounted {
		at0 = append(at0, l.Add(after))
	}
	slices.SortFunc(at0, func(a, b time.Time) int { return a.Compare(b) })
	if need <= len(at0) {
		return at0[need-1], estimate
	}
	return now.Add(after), estimate
}
