package fake

import (
	"errors"
	"net/http"

	"github.com/aws/smithy-go"
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
	switch {
	case count < 1 || count > maxInstancesPerCall:
		return nil, badRequest("count: must be in [1,%d], got %d", maxInstancesPerCall, count)
	case req.CPU < 0:
		return nil, badRequest("cpu: must not be negative, got %d", req.CPU)
	case req.Memory < 0:
		return nil, badRequest("memory: must not be negative, got %d", req.Memory)
	}
	spec := InstanceSpec{CPU: req.CPU, Memory: req.Memory, AZ: req.AZ, InstanceType: req.InstanceType, Attributes: req.Attributes}
	arns := make([]string, 0, count)
	for range count {
		arn, err := s.ecs.AddInstance(req.Cluster, spec)
		if err != nil {
			return nil, apiControlError("cluster "+quote(req.Cluster), err)
		}
		arns = append(arns, arn)
	}
	return struct {
		ContainerInstanceArns []string `json:"containerInstanceArns"`
	}{arns}, nil
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
		return nil, &controlError{status: http.StatusNotFound, code: "InvalidParameterException",
			message: "containerInstance " + quote(clipString(req.ContainerInstance, 256)) + ": no such container instance, or it is no longer ACTIVE"}
	}
	return struct {
		ContainerInstanceArn string   `json:"containerInstanceArn"`
		StoppedTaskArns      []string `json:"stoppedTaskArns"`
	}{arn, stopped}, nil
}

// apiControlError turns an ECS error into a control error naming what.
func apiControlError(what string, err error) error {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return err
	}
	status := http.StatusBadRequest
	if apiErr.ErrorCode() == "ClusterNotFoundException" {
		status = http.StatusNotFound
	}
	return &controlError{status: status, code: apiErr.ErrorCode(), message: what + ": " + apiErr.ErrorMessage()}
}

func quote(s string) string { return "\"" + s + "\"" }
