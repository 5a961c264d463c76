package ecsdeploy

import (
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// maxKnownTaskDefinitions bounds the task definitions a Deployer remembers.
const maxKnownTaskDefinitions = 256

// healthChecks remembers, per task definition ARN the Deployer registered
// or described, its container definitions and whether it has an essential
// container health check: what the poll schedule needs to predict the
// 40-second rule, and what reading a failed container's logs needs,
// without another DescribeTaskDefinition. Safe for concurrent use;
// bounded (the oldest half is forgotten when full).
type healthChecks struct {
	mu         sync.Mutex
	has        map[string]bool
	containers map[string][]types.ContainerDefinition
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
		h.has, h.containers = map[string]bool{}, map[string][]types.ContainerDefinition{}
	}
	if _, ok := h.has[arn]; !ok {
		if len(h.order) >= maxKnownTaskDefinitions {
			for _, old := range h.order[:len(h.order)/2] {
				delete(h.has, old)
				delete(h.containers, old)
			}
			h.order = append(h.order[:0], h.order[len(h.order)/2:]...)
		}
		h.order = append(h.order, arn)
	}
	h.has[arn] = has
	h.containers[arn] = td.ContainerDefinitions
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
