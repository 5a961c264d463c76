package plan

// Which tasks the scheduler stops first when it has more than it needs
// (desiredCount lowered, or a deployment above maximumPercent): those that
// have made the least progress. maximumPercent bounds the tasks RUNNING or
// PENDING (PROVISIONING is a pending state), minimumHealthyPercent counts
// only healthy RUNNING tasks (API Reference, DeploymentConfiguration), so
// a task that never got compute takes room under the first bound and gives
// nothing to the second; stopping it first keeps both. The Developer Guide
// does not document an order beyond the Availability Zone balance
// ("Service scheduler concepts"), which applies within each rank here;
// docs/ecs-semantics.md, "Scale-in order", says so.

// progress ranks a task: 0 PROVISIONING (no compute yet), 1 PENDING or
// ACTIVATING, 2 RUNNING but not healthy yet, 3 healthy.
func progress(ts *taskState) int {
	switch {
	case ts.cond == condHealthy:
		return 3
	case ts.t.LastStatus == TaskRunning:
		return 2
	case ts.t.LastStatus == TaskProvisioning:
		return 0
	}
	return 1
}

// pickByProgress picks up to n of cands, rank by rank (progress), each
// rank as pick does (Availability Zone balance, budget for healthy ones).
func (s *selector) pickByProgress(cands []*taskState, n int, budget *int) []*taskState {
	if n <= 0 || len(cands) == 0 {
		return nil
	}
	var ranks [4][]*taskState
	for _, ts := range cands {
		r := progress(ts)
		ranks[r] = append(ranks[r], ts)
	}
	var out []*taskState
	for _, rank := range ranks {
		if len(out) >= n {
			break
		}
		out = append(out, s.pick(rank, n-len(out), budget)...)
	}
	return out
}

// notHealthyYet lists the tasks of every deployment that are starting
// (pending, or RUNNING and not healthy yet) and not among stops.
func (c *computation) notHealthyYet(stops []Stop) []*taskState {
	var chosen map[string]bool // with unique ids, taskState.stopped says it
	if !c.unique {
		chosen = stopIDs(stops)
	}
	var out []*taskState
	for _, ds := range c.deps {
		for _, ts := range ds.tasks {
			if ts.cond == condStarting && !ts.stopped && !chosen[ts.t.ID] {
				out = append(out, ts)
			}
		}
	}
	return out
}
