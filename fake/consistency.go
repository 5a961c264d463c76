package fake

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Eventual consistency (opt-in). ECS's reads lag its writes (API
// Reference, RunTask: "The Amazon ECS API follows an eventual consistency
// model"; the result of a command "might not be immediately visible to all
// subsequent commands"), and the SDK's tasks-running waiter fails on a
// MISSING task. With WithEventualConsistency(d), every RunTask,
// StartTask, CreateService, UpdateService and RegisterTaskDefinition draws
// a lag in [0, d] from the seeded source, and until it has passed (in
// virtual time) reads do not see the change:
//
//   - DescribeTasks answers MISSING for a task RunTask/StartTask started,
//     and ListTasks leaves it out;
//   - DescribeServices answers MISSING for a new service, and ListServices
//     leaves it out;
//   - after UpdateService, DescribeServices shows the service as it was
//     before the update (its deployment list and configuration);
//   - ListTaskDefinitions leaves a new revision out. DescribeTaskDefinition
//     sees it at once (a client's change detection reads the family's
//     latest revision right after registering; that lag is not modelled).
//
// Writes always see the latest state. The same seed and calls give the same
// lags, so a test that fails under it fails every time.

// WithEventualConsistency makes reads lag writes by up to d of virtual
// time (see above). Zero, the default, turns it off.
func WithEventualConsistency(d time.Duration) Option {
	return func(c *config) { c.consistency = max(d, 0) }
}

// lagLocked is how long a write made at now stays invisible to reads: zero
// when eventual consistency is off, else uniform in [0, d] (seeded).
func (e *ECS) lagLocked(now time.Time) time.Time {
	d := e.cfg.consistency
	if d <= 0 {
		return time.Time{}
	}
	return now.Add(time.Duration(e.rng.Int64N(int64(d) + 1)))
}

// hidden reports whether a change visible from visibleAt is still invisible
// to a read at now.
func hidden(visibleAt, now time.Time) bool { return now.Before(visibleAt) }

// staleView returns the view a read at now must see of s after an
// UpdateService whose change is not yet visible, or nil.
func (s *service) staleView(now time.Time) *types.Service {
	if s.stale == nil || !hidden(s.staleUntil, now) {
		s.stale = nil
		return nil
	}
	return s.stale
}
