package fake

import (
	"net/http"
)

// maxInstancesPerCall bounds "count" in POST /_fake/v1/instances.
const maxInstancesPerCall = 1000

// instancesRequest is the body of POST /_fake/v1/instances.
type instancesRequest struct {
	Cluster      string            `json:"cluster"`
	CPU          int               `json:"cpu"`
	Memory       int               `json:"memory"`
	AZ           string            `json:"az"`
	InstanceType string            `json:"instanceType"`
	Attributes   map[string]string `json:"attributes"`
	Count        *int              `json:"count"`
}

// controlInstances is POST /_fake/v1/instances: it registers count (default
// 1) container instances in cluster (default "default") and answers their
// ARNs.
func (s *Server) controlInstances(_ *http.Request, body []byte) (any, error) {
	var req instancesRequest
	if err := decodeControl(body, &req, false); err != nil {
		return nil, err
	}
	if req.Cluster == "" {
		req.Cluster = "default"
	}
	count := 1
	if req.Count != nil {
		count = *req.Count
	}
	if count < 1 || count > maxInstancesPerCall {
		return nil, badRequest("count: must be in [1,%d], got %d", maxInstancesPerCall, count)
	}
	spec := InstanceSpec{CPU: req.CPU, Memory: req.Memory, AZ: req.AZ, InstanceType: req.InstanceType, Attributes: req.Attributes}
	if err := checkInstanceSpec("", "az", spec); err != nil {
		return nil, err
	}
	arns, err := s.ecs.addInstances(req.Cluster, spec, count)
	if err != nil {
		return nil, refError(err, req.Cluster, "", "")
	}
	return struct {
		ContainerInstanceArns []string `json:"containerInstanceArns"`
	}{arns}, nil
}

// addInstances is AddInstance count times under one lock: all of them,
// or none when the cluster's container instance quota cannot take them
// all (journaled as count AddInstance controls).
func (e *ECS) addInstances(clusterName string, spec InstanceSpec, count int) ([]string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.catchUpLocked()
	c, err := e.clusterLocked(&clusterName)
	if err != nil {
		return nil, err
	}
	ins, err := e.registerInstancesLocked(c, spec, count, now)
	if err != nil {
		return nil, err
	}
	arns := make([]string, len(ins))
	for i, in := range ins {
		e.journalControlLocked("AddInstance", journalAddInstance{Cluster: clusterName, Spec: spec}, now)
		arns[i] = in.arn
	}
	return arns, nil
}

// loseInstanceRequest is the body of POST /_fake/v1/lose-instance.
type loseInstanceRequest struct {
	ContainerInstance string `json:"containerInstance"`
}

// controlLoseInstance is POST /_fake/v1/lose-instance: the EC2 host of a
// container instance (ARN or ID) is gone, as LoseInstance: the instance
// becomes INACTIVE and every task on it STOPPED with InfrastructureHealth;
// the service scheduler replaces service tasks. It answers the instance's
// ARN and the ARNs of the tasks it stopped.
func (s *Server) controlLoseInstance(_ *http.Request, body []byte) (any, error) {
	var req loseInstanceRequest
	if err := decodeControl(body, &req, true); err != nil {
		return nil, err
	}
	if req.ContainerInstance == "" {
		return nil, badRequest("containerInstance: the ARN or ID of a container instance is required")
	}
	arn, stopped, err := s.ecs.loseInstance(req.ContainerInstance)
	if err != nil {
		return nil, notFound("InvalidParameterException",
			"containerInstance "+echo(req.ContainerInstance)+": no such container instance, or it is no longer ACTIVE")
	}
	return struct {
		ContainerInstanceArn string   `json:"containerInstanceArn"`
		StoppedTaskArns      []string `json:"stoppedTaskArns"`
	}{arn, stopped}, nil
}
