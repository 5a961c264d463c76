package fake

import (
	"cmp"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/capacity"
	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// Placement with a capacity provider strategy: the hooks the service
// scheduler and RunTask call. The split itself is the pure
// fake/internal/capacity; here it meets the world's tasks.

// startForDeploymentLocked starts the tasks of req for deployment d of s:
// with a strategy, split between its providers on top of the tasks the
// deployment already runs on each (so a deployment keeps its split as it
// scales); otherwise as startTasksLocked does.
func (e *ECS) startForDeploymentLocked(s *service, d *deployment, req placementRequest, now time.Time) ([]*task, []types.Failure, error) {
	if len(d.cps) == 0 {
		return e.startTasksLocked(s.c, d.td, req, now)
	}
	items := strategyItems(d.cps)
	current := make([]int, len(items))
	for _, t := range s.tasks {
		if t.startedBy != d.id || t.desiredStatus != statusRunning {
			continue
		}
		if i := slices.IndexFunc(items, func(it capacity.Item) bool { return it.Provider == t.capacityProvider }); i >= 0 {
			current[i]++
		}
	}
	return e.startSplitLocked(s.c, d.td, req, items, capacity.Assign(items, current, req.count), now)
}

// runTaskSplitLocked starts RunTask's count split by strategy cps.
func (e *ECS) runTaskSplitLocked(c *cluster, td *taskDef, req placementRequest, cps []types.CapacityProviderStrategyItem, now time.Time) ([]*task, []types.Failure, error) {
	items := strategyItems(cps)
	return e.startSplitLocked(c, td, req, items, capacity.Split(items, req.count), now)
}

// startSplitLocked starts per[i] tasks on provider items[i]. FARGATE_SPOT
// launches fail with ECS's capacity reason while Spot has no capacity
// (capacity_spot.go); Fargate never puts Spot's share on FARGATE (ECS
// Developer Guide, "AWS Fargate capacity providers"). Tasks no provider
// can take (all weights 0) are not started.
func (e *ECS) startSplitLocked(c *cluster, td *taskDef, req placementRequest, items []capacity.Item, per []int, now time.Time) ([]*task, []types.Failure, error) {
	var started []*task
	var failures []types.Failure
	for i, it := range items {
		if per[i] == 0 {
			continue
		}
		if it.Provider == providerFargateSpot && e.spotUnavailable {
			for range per[i] {
				failures = append(failures, types.Failure{Reason: aws.String(capacityUnavailable)})
			}
			continue
		}
		r := req
		r.count, r.capacityProvider, r.launchType = per[i], it.Provider, types.LaunchTypeFargate
		if !builtinProvider(it.Provider) {
			// An Auto Scaling group provider: EC2 on its group's instances.
			r.launchType, r.pool = types.LaunchTypeEc2, e.asgInstancesLocked(it.Provider)
		}
		got, fs, err := e.startTasksLocked(c, td, r, now)
		if err != nil {
			return started, failures, err
		}
		if len(fs) > 0 {
			// With managed scaling, tasks that do not fit wait for capacity.
			waiting, err := e.waitForCapacityLocked(c, td, r, len(fs), now)
			if err != nil {
				return started, failures, err
			}
			if len(waiting) > 0 {
				got, fs = append(got, waiting...), nil
			}
		}
		started = append(started, got...)
		failures = append(failures, fs...)
	}
	return started, failures, nil
}

// capacityStopsLocked re-picks which tasks the plan's stops hit inside
// deployments that use a strategy, so that each keeps its split: among
// tasks the planner treats alike (same deployment, status, container
// health, condition (plannerCond), stop code and reason), those of the
// providers most over their share stop first (capacity.Stops), preferring
// the planner's own picks within a provider. The number of stops of each
// kind never changes, so minimumHealthyPercent and maximumPercent hold as
// the planner planned. Services behind load balancers (whose health the
// planner also reads from targets) keep the planner's picks.
func (e *ECS) capacityStopsLocked(s *service, stops []plan.Stop) []plan.Stop {
	if len(stops) > 0 {
		e.scalingForServiceLocked(s, e.simNow) // capacity_scaling.go
	}
	if len(s.loadBalancers) > 0 {
		return stops
	}
	type key struct {
		dep, status string
		health      types.HealthStatus
		cond        string // the planner's condition (plannerCond)
		code        types.TaskStopCode
		reason      string
	}
	var keys []key
	picked := map[key][]*task{}
	for _, st := range stops {
		t := e.tasks.get(st.TaskID)
		if t == nil || t.svc != s || t.capacityProvider == "" || t.desiredStatus != statusRunning {
			continue
		}
		if d := s.deploymentByID(t.startedBy); d == nil || len(d.cps) == 0 {
			continue
		}
		k := key{t.startedBy, t.lastStatus, t.health, e.plannerCond(s, t), st.StopCode, st.Reason}
		if _, ok := picked[k]; !ok {
			keys = append(keys, k)
		}
		picked[k] = append(picked[k], t)
	}
	if len(keys) == 0 {
		return stops
	}
	replaced := map[string]string{} // planner's pick -> new pick
	gone := map[string]bool{}       // tasks already chosen (by any key)
	for _, st := range stops {
		gone[st.TaskID] = true
	}
	current := map[string][]int{} // per deployment, per item: live tasks left
	for _, k := range keys {
		d := s.deploymentByID(k.dep)
		items := strategyItems(d.cps)
		idx := func(p string) int {
			return slices.IndexFunc(items, func(it capacity.Item) bool { return it.Provider == p })
		}
		cur, ok := current[k.dep]
		if !ok {
			cur = make([]int, len(items))
			for _, t := range s.tasks {
				if t.startedBy == k.dep && t.desiredStatus == statusRunning {
					if i := idx(t.capacityProvider); i >= 0 {
						cur[i]++
					}
				}
			}
			current[k.dep] = cur
		}
		// Candidates: the planner's picks first, then alike tasks not
		// chosen by any stop, by id.
		mine := picked[k]
		cands := make([][]*task, len(items))
		for _, t := range mine {
			if i := idx(t.capacityProvider); i >= 0 {
				cands[i] = append(cands[i], t)
			}
		}
		var others []*task
		for _, t := range s.tasks {
			if t.startedBy == k.dep && t.desiredStatus == statusRunning && !gone[t.id()] && t.lastStatus == k.status &&
				t.health == k.health && e.plannerCond(s, t) == k.cond && idx(t.capacityProvider) >= 0 {
				others = append(others, t)
			}
		}
		slices.SortFunc(others, func(a, b *task) int { return cmp.Compare(a.id(), b.id()) })
		for _, t := range others {
			i := idx(t.capacityProvider)
			cands[i] = append(cands[i], t)
		}
		avail := make([]int, len(items))
		for i := range cands {
			avail[i] = len(cands[i])
		}
		per := capacity.Stops(items, cur, len(mine), avail)
		var chosen []*task
		for i, n := range per {
			chosen = append(chosen, cands[i][:n]...)
			cur[i] -= n
		}
		if len(chosen) != len(mine) {
			continue // cannot happen (the planner's picks are candidates); keep its choice
		}
		// Map the planner's picks that were not chosen to chosen tasks
		// that were not picked.
		keep := make(map[*task]bool, len(chosen))
		for _, t := range chosen {
			keep[t] = true
		}
		wasMine := make(map[*task]bool, len(mine))
		for _, t := range mine {
			wasMine[t] = true
		}
		var in []*task
		for _, t := range chosen {
			if !wasMine[t] {
				in = append(in, t)
			}
		}
		for _, t := range mine {
			if !keep[t] {
				replaced[t.id()] = in[0].id()
				gone[in[0].id()] = true
				in = in[1:]
			}
		}
	}
	if len(replaced) == 0 {
		return stops
	}
	out := slices.Clone(stops)
	for i, st := range out {
		if id, ok := replaced[st.TaskID]; ok {
			out[i].TaskID = id
		}
	}
	return out
}

// plannerCond is the condition the planner gives a task of s not behind a
// load balancer (fake/internal/plan, classify): "starting", "healthy" or
// "unhealthy" at the fake's current time.
func (e *ECS) plannerCond(s *service, t *task) string {
	if t.lastStatus != statusRunning {
		return "starting"
	}
	if hasEssentialHealthCheck(t.td) {
		switch t.health {
		case types.HealthStatusHealthy:
			return "healthy"
		case types.HealthStatusUnhealthy:
			if e.simNow.Before(t.startedAt.Add(time.Duration(aws.ToInt32(s.grace)) * time.Second)) {
				return "starting"
			}
			return "unhealthy"
		}
		return "starting"
	}
	if e.simNow.Before(t.startedAt.Add(plan.NoHealthCheckDelay)) {
		return "starting"
	}
	return "healthy"
}
