package fake

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Service events about capacity providers.
//
// When a service's tasks cannot be placed because the Auto Scaling group
// capacity provider its strategy names has no container instance at all
// (and managed scaling is off, so the tasks do not wait in PROVISIONING),
// ECS writes the "unable to place a task" event with the capacity
// provider's reason rather than the cluster's. The text is as a user
// quoted it from the service's events (aws/containers-roadmap#653,
// 2019-12-23: "... was unable to place a task because no container
// instance met all of its requirements. Reason: No Container Instances
// were found in your capacity provider."); the quote has no "For more
// information" sentence, so neither has the fake's.
//
// Fargate Spot's texts are in capacity.go (capacityUnavailable, the
// placement failure and its event) and capacity_spot.go (the stop code
// SpotInterruption and stoppedReason of an interrupted task). Tasks
// waiting for a managed-scaling group, a group at its maximum size and a
// task bigger than the group's instance type write no service event in
// the fake: no ECS text for them could be sourced (docs/fidelity.md).

// noInstancesInProvider is the reason of the event above.
const noInstancesInProvider = "No Container Instances were found in your capacity provider."

// capacityUnplacedMessageLocked returns the capacity provider's "unable to
// place a task" event for deployment d of s when f says no container
// instance was there at all (AGENT with no closest instance) and an Auto
// Scaling group provider of d's strategy, without managed scaling, has no
// ACTIVE instance; ok is false otherwise (unplacedMessage applies).
func (e *ECS) capacityUnplacedMessageLocked(s *service, d *deployment, f types.Failure) (msg string, ok bool) {
	if d == nil || aws.ToString(f.Reason) != "AGENT" || aws.ToString(f.Arn) != "" {
		return "", false
	}
	for _, it := range d.cps {
		name := aws.ToString(it.CapacityProvider)
		if builtinProvider(name) || e.providers[name] == nil || e.providers[name].scalingOn() {
			continue
		}
		if len(e.asgInstancesLocked(name)) == 0 {
			return "(service " + s.name + ") was unable to place a task because no container instance met all of its requirements. Reason: " +
				noInstancesInProvider, true
		}
	}
	return "", false
}
