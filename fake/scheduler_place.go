package fake

import (
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// serviceSpread is the service scheduler's default placement: the AZ with
// the fewest of the service's tasks, then the instance with the fewest
// (ECS Developer Guide, "How Amazon ECS places tasks on container
// instances": services spread across Availability Zones by default).
var serviceSpread = []types.PlacementStrategy{
	{Type: types.PlacementStrategyTypeSpread, Field: aws.String("attribute:ecs.availability-zone")},
	{Type: types.PlacementStrategyTypeSpread, Field: aws.String("instanceId")},
}

// startServiceTasksLocked places and launches the tasks of one plan.Start
// and emits "has started N tasks" for those placed and "unable to place a
// task" for the first that could not be. It returns how many were not placed.
func (e *ECS) startServiceTasksLocked(s *service, st plan.Start, now time.Time) int {
	d := s.deploymentByID(st.DeploymentID)
	if d == nil || st.Count <= 0 {
		return 0
	}
	req := placementRequest{
		count: st.Count, group: "service:" + s.name, startedBy: d.id, launchType: s.launchType,
		constraints: s.constraints, strategies: s.strategies,
	}
	if s.launchType == types.LaunchTypeEc2 && len(req.strategies) == 0 {
		req.strategies = serviceSpread
	}
	switch s.propagateTags {
	case types.PropagateTagsService:
		req.tags = e.tags[s.arn]
	case types.PropagateTagsTaskDefinition:
		req.tags = e.tags[d.td.arn]
	}
	var started []*task
	var failures []types.Failure
	var err error
	if s.launchType == types.LaunchTypeEc2 && len(d.cps) == 0 && len(s.strategies) == 0 && len(s.constraints) == 0 && len(d.td.def.PlacementConstraints) == 0 {
		started, failures, err = e.spreadPlaceLocked(s.c, d.td, req, now)
		defer e.putStarted(started)
	} else {
		started, failures, err = e.startForDeploymentLocked(s, d, req, now) // capacity_place.go
	}
	if err != nil {
		// The request was validated when the service was created or updated;
		// an error here means the service cannot place at all.
		e.unplacedEventLocked(s, "(service "+s.name+") was unable to place a task. Reason: "+err.Error()+".", now)
		return st.Count
	}
	if len(started) > 0 {
		for _, t := range started {
			t.svc = s
		}
		// The event lists the tasks in placement order: before
		// addServiceTasksLocked sorts them by ID. Neither draws from the
		// seeded source but the event's Id.
		e.addStartedEventLocked(s, started, min(st.ReplacesUnhealthy, len(started)), now)
		e.addServiceTasksLocked(s, started) // scheduler_snapshot.go
	}
	if len(failures) == 0 {
		return 0
	}
	msg := unplacedMessage(s.name, failures[0])
	if m, ok := e.capacityUnplacedMessageLocked(s, d, failures[0]); ok { // service_events_capacity.go
		msg = m
	}
	e.unplacedEventLocked(s, msg, now)
	return st.Count - len(started)
}

// unplacedMessage renders ECS's "unable to place a task" event for a
// placement failure (reason RESOURCE:CPU, RESOURCE:MEMORY, RESOURCE:PORTS,
// ATTRIBUTE or AGENT, with the closest-matching instance's ARN).
func unplacedMessage(svc string, f types.Failure) string {
	id := aws.ToString(f.Arn)
	id = id[strings.LastIndex(id, "/")+1:]
	const prefix = ") was unable to place a task because no container instance met all of its requirements."
	const more = " For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
	switch aws.ToString(f.Reason) {
	case "RESOURCE:CPU":
		return plan.UnableToPlaceEvent(svc, id, plan.ResourceCPU)
	case "RESOURCE:MEMORY":
		return plan.UnableToPlaceEvent(svc, id, plan.ResourceMemory)
	case "RESOURCE:PORTS":
		return "(service " + svc + prefix + " The closest matching container-instance " + id + " is already using a port required by your task." + more
	case capacityUnavailable:
		return "(service " + svc + ") was unable to place a task. Reason: " + capacityUnavailable + "." + more
	case "ATTRIBUTE", memberOfUnsatisfied:
		return "(service " + svc + prefix + " The closest matching container-instance " + id + " does not satisfy the placement constraints." + more
	default:
		return "(service " + svc + prefix + " Reason: No Container Instances were found in your cluster." + more
	}
}

// unplacedEventLocked emits msg unless the same message was emitted less
// than unplacedRepeat ago (ECS does not repeat it on every retry).
func (e *ECS) unplacedEventLocked(s *service, msg string, now time.Time) {
	if msg == s.lastUnplaced && now.Before(s.lastUnplacedAt.Add(unplacedRepeat)) {
		return
	}
	s.lastUnplaced, s.lastUnplacedAt = msg, now
	e.addEventLocked(s, msg, now)
}

// mergeByID merges tasks added (any order; sorted in place) into tasks
// (sorted by id) and returns the result sorted by id: the planner sorts
// its snapshot by task id, and sorted input keeps that sort linear. The
// merge runs from the back in tasks' own array (grown when needed), so a
// batch of starts moves only the tasks after the first one it inserts
// and copies the list only when it outgrows its capacity.
func mergeByID(tasks, added []*task) []*task {
	if len(added) == 0 {
		return tasks
	}
	sortTasksByID(added)
	i, j := len(tasks)-1, len(added)-1
	tasks = slices.Grow(tasks, len(added))[:len(tasks)+len(added)]
	for k := len(tasks) - 1; j >= 0; k-- {
		if i >= 0 && tasks[i].id() > added[j].id() {
			tasks[k] = tasks[i]
			i--
		} else {
			tasks[k] = added[j]
			j--
		}
	}
	return tasks
}
