package fake

import (
	"context"
	"maps"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// PutAttributes, DeleteAttributes and ListAttributes on container instances
// (API Reference; the only targetType is container-instance). The rules
// are attributes.go's, plus: at most 10 attributes in a call ("You can
// specify up to 10 attributes in a single call"), a short targetId needs
// targetType ("This parameter is required if you use the short form ID"),
// an unknown or INACTIVE target is TargetNotFoundException, and more than
// 10 custom attributes on one instance is AttributeLimitExceededException.
// A call is checked whole before anything changes. The built-in and
// optional attributes (ecs.*, com.amazonaws.ecs.*) are Amazon ECS's and
// its agent's: putting or deleting them is refused (the fake's choice; ECS
// documents nothing for it). Placement sees new attributes at the next
// placement; tasks already placed stay (constraints are checked when a
// task is placed).

// maxAttributesPerCall bounds the attributes of one PutAttributes or
// DeleteAttributes call.
const maxAttributesPerCall = 10

// errTargetNotFound is TargetNotFoundException with its model's text.
func errTargetNotFound(i int, id string) error {
	return &types.TargetNotFoundException{Message: aws.String("attributes[" + strconv.Itoa(i) + "].targetId: " + echo(id) +
		": The specified target wasn't found. You can view your available container instances with ListContainerInstances. " +
		"Amazon ECS container instances are cluster-specific and Region-specific.")}
}

// checkAttributeCall checks the attributes of a PutAttributes (withValues)
// or DeleteAttributes call and resolves each one's target in c.
func (e *ECS) checkAttributeCall(c *cluster, attrs []types.Attribute, withValues bool) ([]*instance, error) {
	if n := len(attrs); n < 1 || n > maxAttributesPerCall {
		return nil, errInvalidParam("attributes: must contain between 1 and %d attributes in a single call, got %d.", maxAttributesPerCall, n)
	}
	items := make([]attrIn, len(attrs))
	for i, a := range attrs {
		items[i] = attrIn{name: aws.ToString(a.Name), index: i}
		if withValues {
			items[i].value = aws.ToString(a.Value)
		}
	}
	if msg := checkAttributes("attributes", items); msg != "" {
		return nil, errInvalidParam("%s", msg)
	}
	targets := make([]*instance, len(attrs))
	for i, a := range attrs {
		if !customAttribute(items[i].name) {
			return nil, errInvalidParam("attributes[%d].name: %s: the ecs.* and com.amazonaws.ecs.* attributes are set by Amazon ECS and its agent.", i, items[i].name)
		}
		id := aws.ToString(a.TargetId)
		switch {
		case a.TargetType != "" && a.TargetType != types.TargetTypeContainerInstance:
			return nil, errInvalidParam("attributes[%d].targetType: must be container-instance, got %s.", i, string(a.TargetType))
		case id == "":
			return nil, errInvalidParam("attributes[%d].targetId: must be specified.", i)
		}
		if _, _, isARN := arnResource(id); !isARN && a.TargetType == "" {
			return nil, errInvalidParam("attributes[%d].targetType: required when targetId is a short ID (%s).", i, id)
		}
		inst := e.instanceLocked(c, id)
		if inst == nil || inst.status == "INACTIVE" {
			return nil, errTargetNotFound(i, id)
		}
		targets[i] = inst
	}
	return targets, nil
}

// PutAttributes creates or replaces custom attributes of container
// instances.
func (e *ECS) PutAttributes(ctx context.Context, in *ecs.PutAttributesInput, _ ...func(*ecs.Options)) (*ecs.PutAttributesOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.PutAttributesInput{}
	}
	if _, err := e.beginLocked(ctx, "PutAttributes", in); err != nil {
		return nil, err
	}
	c, err := e.clusterLocked(in.Cluster)
	if err != nil {
		return nil, err
	}
	targets, err := e.checkAttributeCall(c, in.Attributes, true)
	if err != nil {
		return nil, err
	}
	// The per-instance limit, counted on what each instance would have.
	after := map[*instance]map[string]bool{}
	for i, inst := range targets {
		names := after[inst]
		if names == nil {
			names = map[string]bool{}
			for name := range inst.attrs {
				if customAttribute(name) {
					names[name] = true
				}
			}
			after[inst] = names
		}
		names[aws.ToString(in.Attributes[i].Name)] = true
		if len(names) > maxCustomAttributes {
			return nil, &types.AttributeLimitExceededException{Message: aws.String("attributes[" + strconv.Itoa(i) + "]: container instance " +
				inst.arn + " would have " + strconv.Itoa(len(names)) + " custom attributes; you can apply up to 10 custom attributes for each resource.")}
		}
	}
	for i, inst := range targets {
		a := in.Attributes[i]
		name, value := aws.ToString(a.Name), aws.ToString(a.Value)
		if old, ok := inst.attrs[name]; !ok || old != value {
			inst.attrs[name] = value
			inst.version++
		}
	}
	return &ecs.PutAttributesOutput{Attributes: slices.Clone(in.Attributes)}, nil
}

// DeleteAttributes deletes custom attributes of container instances (an
// attribute the instance does not have is no error; values are ignored:
// "For custom attributes, specify the attribute name and target ID, but
// don't specify the value").
func (e *ECS) DeleteAttributes(ctx context.Context, in *ecs.DeleteAttributesInput, _ ...func(*ecs.Options)) (*ecs.DeleteAttributesOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.DeleteAttributesInput{}
	}
	if _, err := e.beginLocked(ctx, "DeleteAttributes", in); err != nil {
		return nil, err
	}
	c, err := e.clusterLocked(in.Cluster)
	if err != nil {
		return nil, err
	}
	targets, err := e.checkAttributeCall(c, in.Attributes, false)
	if err != nil {
		return nil, err
	}
	for i, inst := range targets {
		name := aws.ToString(in.Attributes[i].Name)
		if _, ok := inst.attrs[name]; ok {
			delete(inst.attrs, name)
			inst.version++
		}
	}
	return &ecs.DeleteAttributesOutput{Attributes: slices.Clone(in.Attributes)}, nil
}

// ListAttributes lists the attributes of a cluster's container instances
// (built-in ones included), one per attribute per instance, optionally
// those with a name, or a name and value.
func (e *ECS) ListAttributes(ctx context.Context, in *ecs.ListAttributesInput, _ ...func(*ecs.Options)) (*ecs.ListAttributesOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.ListAttributesInput{}
	}
	if _, err := e.beginLocked(ctx, "ListAttributes", in); err != nil {
		return nil, err
	}
	c, err := e.clusterLocked(in.Cluster)
	if err != nil {
		return nil, err
	}
	if in.TargetType != types.TargetTypeContainerInstance {
		return nil, errInvalidParam("targetType: must be container-instance, got %q.", string(in.TargetType))
	}
	name, value := aws.ToString(in.AttributeName), in.AttributeValue
	if value != nil && name == "" {
		return nil, errInvalidParam("attributeValue: You must also specify an attribute name to use this parameter.")
	}
	// Count the matches per instance (cheap), then build only this page.
	match := func(inst *instance, k string) bool {
		v, ok := inst.attrs[k]
		return ok && (value == nil || v == *value)
	}
	counts := make([]int, len(c.instances))
	total := 0
	for i, inst := range c.instances {
		switch {
		case inst.status == "INACTIVE":
		case name == "":
			counts[i] = len(inst.attrs)
		case match(inst, name):
			counts[i] = 1
		}
		total += counts[i]
	}
	start, end, next, err := pageBounds(total, in.NextToken, in.MaxResults, 100)
	if err != nil {
		return nil, err
	}
	out := make([]types.Attribute, 0, end-start)
	for i, at := 0, 0; i < len(c.instances) && at < end; at, i = at+counts[i], i+1 {
		if counts[i] == 0 || at+counts[i] <= start {
			continue
		}
		inst := c.instances[i]
		names := []string{name}
		if name == "" {
			names = slices.Sorted(maps.Keys(inst.attrs))
		}
		for j, k := range names {
			if at+j < start || at+j >= end {
				continue
			}
			a := types.Attribute{Name: aws.String(k), TargetType: types.TargetTypeContainerInstance, TargetId: aws.String(inst.arn)}
			if v := inst.attrs[k]; v != "" {
				a.Value = aws.String(v)
			}
			out = append(out, a)
		}
	}
	return &ecs.ListAttributesOutput{Attributes: out, NextToken: next}, nil
}
