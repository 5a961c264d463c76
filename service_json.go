package ecsdeploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/internal/awsjson"
)

// serviceModel names the model unknown service members are missing from.
const serviceModel = "the ECS CreateService request or Service model"

// describeServicesDocument is the output of `aws ecs describe-services`.
type describeServicesDocument struct {
	Services []types.Service
	Failures []types.Failure
}

// serviceDocument is the output of `aws ecs create-service` and
// `update-service` ({"service": {...}}).
type serviceDocument struct {
	Service *types.Service
}

// LoadServiceJSON reads a service definition in any JSON form the AWS CLI
// uses: the input of `aws ecs create-service --cli-input-json`, the output
// of `aws ecs describe-services` (exactly one service) or the output of
// create-service / update-service ({"service": {...}}). Timestamps may be
// epoch seconds (AWS CLI v1) or ISO 8601 strings (v2). Read-only members of
// a described service (serviceArn, status, runningCount, deployments,
// events, ...) are type-checked and dropped; clusterArn becomes cluster and
// roleArn role.
//
// taskDefinition and desiredCount may be left out: Deploy and Plan then
// keep the service's current ones. Unknown members are errors unless
// IgnoreUnknownFields is given; unless SkipValidation is given the result
// is validated like ValidateServiceInput. Every problem is reported at
// once — unknown and mistyped members together with the rules the rest
// breaks — as *ValidationErrors naming the member, inside an errors.Join;
// syntax errors give their line and column.
func LoadServiceJSON(data []byte, opts ...JSONOption) (*ecs.CreateServiceInput, error) {
	var o jsonOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	uo := o.unmarshalOptions()
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil || top == nil {
		var in ecs.CreateServiceInput
		if derr := awsjson.Unmarshal(data, &in, uo); derr != nil {
			return nil, errors.Join(decodeProblemList(derr, "", "service", serviceModel)...)
		}
		return nil, errors.Join(&ValidationError{Field: "service", Rule: "must be a JSON object"})
	}
	var in *ecs.CreateServiceInput
	var problems []error
	decode := func(v any) error {
		list, fatal := memberProblems(awsjson.Unmarshal(data, v, uo), "service", serviceModel)
		problems = list
		return fatal
	}
	switch {
	case top["services"] != nil:
		var doc describeServicesDocument
		if err := decode(&doc); err != nil {
			return nil, err
		}
		if len(doc.Services) != 1 && len(problems) == 0 {
			return nil, errors.Join(&ValidationError{Field: "services", Rule: fmt.Sprintf("must hold exactly one service to load, got %d", len(doc.Services))})
		}
		if len(doc.Services) == 1 {
			in = CreateInput(&doc.Services[0])
		}
	case top["service"] != nil:
		var doc serviceDocument
		if err := decode(&doc); err != nil {
			return nil, err
		}
		in = CreateInput(doc.Service)
	case top["serviceArn"] != nil || top["clusterArn"] != nil:
		// One described service on its own (`jq '.services[0]'`).
		var svc types.Service
		if err := decode(&svc); err != nil {
			return nil, err
		}
		in = CreateInput(&svc)
	default:
		in = &ecs.CreateServiceInput{}
		if err := decode(in); err != nil {
			return nil, err
		}
	}
	if in == nil && len(problems) == 0 {
		return nil, errors.Join(&ValidationError{Field: "service", Rule: "must be a JSON object"})
	}
	if in != nil && !o.skipValidation {
		problems = withValidation(problems, validateServiceFile(in))
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return in, nil
}

// validateServiceFile is ValidateServiceInput for a service file, in which
// taskDefinition and desiredCount may be left out.
func validateServiceFile(in *ecs.CreateServiceInput) error {
	cp := *in
	if cp.TaskDefinition == nil {
		cp.TaskDefinition = aws.String("placeholder")
	}
	if cp.DesiredCount == nil {
		cp.DesiredCount = aws.Int32(0)
	}
	return ValidateServiceInput(&cp, nil)
}

// CreateInput converts a described service (DescribeServices output) to the
// CreateService request that would recreate it: clusterArn becomes the
// cluster's name, roleArn the role, and read-only members (status, counts,
// deployments, events, task sets, createdAt/By) are dropped. It returns nil
// for nil.
func CreateInput(svc *types.Service) *ecs.CreateServiceInput {
	if svc == nil {
		return nil
	}
	in := &ecs.CreateServiceInput{
		ServiceName:                   svc.ServiceName,
		Cluster:                       clusterName(svc.ClusterArn),
		TaskDefinition:                svc.TaskDefinition,
		DesiredCount:                  aws.Int32(svc.DesiredCount),
		AvailabilityZoneRebalancing:   svc.AvailabilityZoneRebalancing,
		CapacityProviderStrategy:      slices.Clone(svc.CapacityProviderStrategy),
		DeploymentConfiguration:       svc.DeploymentConfiguration,
		DeploymentController:          svc.DeploymentController,
		EnableECSManagedTags:          svc.EnableECSManagedTags,
		EnableExecuteCommand:          svc.EnableExecuteCommand,
		HealthCheckGracePeriodSeconds: svc.HealthCheckGracePeriodSeconds,
		LaunchType:                    svc.LaunchType,
		LoadBalancers:                 slices.Clone(svc.LoadBalancers),
		NetworkConfiguration:          svc.NetworkConfiguration,
		PlacementConstraints:          slices.Clone(svc.PlacementConstraints),
		PlacementStrategy:             slices.Clone(svc.PlacementStrategy),
		PlatformVersion:               svc.PlatformVersion,
		PropagateTags:                 svc.PropagateTags,
		Role:                          svc.RoleArn,
		SchedulingStrategy:            svc.SchedulingStrategy,
		ServiceRegistries:             slices.Clone(svc.ServiceRegistries),
		Tags:                          slices.Clone(svc.Tags),
	}
	return in
}

// clusterName is the name in a cluster ARN (arn:...:cluster/NAME), or the
// value itself.
func clusterName(arn *string) *string {
	if arn == nil {
		return nil
	}
	s := *arn
	if i := strings.LastIndex(s, ":cluster/"); i >= 0 {
		s = s[i+len(":cluster/"):]
	}
	return &s
}

// MarshalServiceJSON writes in as the JSON that
// `aws ecs create-service --cli-input-json` accepts (and LoadServiceJSON
// reads back): camelCase members, unset ones omitted, indented by two
// spaces.
func MarshalServiceJSON(in *ecs.CreateServiceInput) ([]byte, error) {
	if in == nil {
		return nil, fmt.Errorf("ecsdeploy: MarshalServiceJSON: nil input")
	}
	return marshalCLIJSON("MarshalServiceJSON", in)
}
