package ecsdeploy

import (
	"encoding/json"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// maxKnownTaskDefinitions bounds the task definitions a Deployer remembers.
const maxKnownTaskDefinitions = 256

// healthChecks remembers, per task definition ARN the Deployer registered
// or described, the revision itself and whether it has an essential
// container health check: what the poll schedule needs to predict the
// 40-second rule, what reading a failed container's logs needs, and what
// the next Deploy of an image on top of that revision needs, without
// another DescribeTaskDefinition (a revision's content never changes once
// registered; its tags can, and are not kept). Safe for concurrent use;
// bounded (the oldest half is forgotten when full).
type healthChecks struct {
	mu         sync.Mutex
	has        map[string]bool
	containers map[string][]types.ContainerDefinition
	defs       map[string]*types.TaskDefinition
	order      []string
}

// note records td.
func (h *healthChecks) note(td *types.TaskDefinition) {
	if td == nil || td.TaskDefinitionArn == nil {
		return
	}
	arn, has := *td.TaskDefinitionArn, *taskDefinitionHealthCheck(td.ContainerDefinitions)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.has == nil {
		h.has, h.containers, h.defs = map[string]bool{}, map[string][]types.ContainerDefinition{}, map[string]*types.TaskDefinition{}
	}
	if _, ok := h.has[arn]; !ok {
		if len(h.order) >= maxKnownTaskDefinitions {
			for _, old := range h.order[:len(h.order)/2] {
				delete(h.has, old)
				delete(h.containers, old)
				delete(h.defs, old)
			}
			h.order = append(h.order[:0], h.order[len(h.order)/2:]...)
		}
		h.order = append(h.order, arn)
	}
	h.has[arn] = has
	h.containers[arn] = td.ContainerDefinitions
	h.defs[arn] = copyTaskDefinition(td)
}

// copyTaskDefinition returns a deep copy of td (nil when it cannot be
// copied), so that a caller changing the revision it was handed does not
// change the one remembered. The SDK's TaskDefinition has only exported
// data members (no interfaces), which encoding/json copies faithfully.
func copyTaskDefinition(td *types.TaskDefinition) *types.TaskDefinition {
	b, err := json.Marshal(td)
	if err != nil {
		return nil
	}
	var cp types.TaskDefinition
	if json.Unmarshal(b, &cp) != nil {
		return nil
	}
	return &cp
}

// taskDefinition returns the revision arn as registered or described, if
// known. Callers must not modify it.
func (h *healthChecks) taskDefinition(arn string) (*types.TaskDefinition, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	td := h.defs[arn]
	return td, td != nil
}

// containerDefs returns arn's container definitions, if known.
func (h *healthChecks) containerDefs(arn string) ([]types.ContainerDefinition, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, ok := h.containers[arn]
	return c, ok
}

// of returns whether arn has a health check, nil when unknown.
func (h *healthChecks) of(arn string) *bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	has, ok := h.has[arn]
	if !ok {
		return nil
	}
	return &has
}
