package fake

import "github.com/aws/aws-sdk-go-v2/service/ecs/types"

// DELETE_IN_PROGRESS revisions are deleted once nothing uses them (ECS
// Developer Guide, "Amazon ECS task definition states": ECS "periodically
// verifies that the target task definition is not being referenced by any
// active tasks or deployments, and then deletes the task definition
// permanently"). The fake checks on the events that can end the last
// reference (the delete request, a task of the revision stopping, a
// deployment leaving its service, a service deleted) instead of on a
// timer. A deleted revision is no longer described or listed; its number
// is never reused.

// maybeDeleteTaskDefLocked deletes td if it is DELETE_IN_PROGRESS and no
// task that has not stopped and no deployment of a live service uses it.
func (e *ECS) maybeDeleteTaskDefLocked(td *taskDef) {
	if td == nil || td.deleted || td.status != types.TaskDefinitionStatusDeleteInProgress || td.live > 0 {
		return
	}
	for _, s := range e.svcOrder {
		if s.status == serviceInactive {
			continue
		}
		for _, d := range s.deployments {
			if d.td == td {
				return
			}
		}
	}
	td.deleted = true
	delete(e.tags, td.arn)
}
