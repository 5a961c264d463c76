package fake

import (
	"context"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// validateTags applies ECS's tag rules: at most 50 tags, keys 1-128 and
// values 0-256 characters, no "aws:" prefix.
func validateTags(tags []types.Tag) error {
	if len(tags) > 50 {
		return errInvalidParam("tags: a resource can have at most 50 tags.")
	}
	for i, t := range tags {
		k := aws.ToString(t.Key)
		if k == "" || len(k) > 128 {
			return errInvalidParam("tags[%d].key: must be 1-128 characters.", i)
		}
		if len(aws.ToString(t.Value)) > 256 {
			return errInvalidParam("tags[%d].value: must be at most 256 characters.", i)
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return errInvalidParam("Tag keys prefixed with 'aws:' are reserved.")
		}
	}
	return nil
}

// mergeTags returns old with add applied (same key replaces), sorted by key.
func mergeTags(old, add []types.Tag) []types.Tag {
	m := map[string]string{}
	for _, t := range old {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	for _, t := range add {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	out := make([]types.Tag, 0, len(m))
	for k, v := range m {
		out = append(out, types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	sort.Slice(out, func(i, j int) bool { return *out[i].Key < *out[j].Key })
	return out
}

func copyTags(tags []types.Tag) []types.Tag {
	out := make([]types.Tag, len(tags))
	for i, t := range tags {
		out[i] = types.Tag{Key: aws.String(aws.ToString(t.Key)), Value: aws.String(aws.ToString(t.Value))}
	}
	return out
}

// resourceExistsLocked reports whether arn names a resource the fake holds
// that can be tagged (API Reference, TagResource: capacity providers,
// tasks, services, task definitions, clusters and container instances).
// The whole ARN must be the resource's, so an ARN of another account,
// region or partition names nothing.
func (e *ECS) resourceExistsLocked(arn string) bool {
	kind, rest, ok := arnResource(arn)
	if !ok {
		return false
	}
	switch kind {
	case "cluster":
		c := e.clusters[rest]
		return c != nil && c.arn == arn && c.status == "ACTIVE"
	case "service":
		cl, name, _ := strings.Cut(rest, "/")
		c := e.clusters[cl]
		if c == nil {
			return false
		}
		s := e.services[serviceKey{c, name}]
		return s != nil && s.arn == arn && s.status != serviceInactive
	case "capacity-provider":
		cp := e.providers[rest]
		return cp != nil && cp.arn == arn
	case "task":
		_, id, _ := strings.Cut(rest, "/")
		t := e.tasks.get(id)
		return t != nil && t.arn() == arn
	case "container-instance":
		_, id, _ := strings.Cut(rest, "/")
		in := e.instances[id]
		return in != nil && in.arn == arn
	case "task-definition":
		td := e.taskDefByRefLocked(rest)
		return td != nil && td.arn == arn && td.status != types.TaskDefinitionStatusDeleteInProgress
	}
	return false
}

func (e *ECS) taggableLocked(arn *string) (string, error) {
	a := aws.ToString(arn)
	if a == "" {
		return "", errInvalidParam("resourceArn: must be specified.")
	}
	kind, rest, ok := arnResource(a)
	if !ok {
		return "", errInvalidParam("Invalid resource ARN %s.", a)
	}
	if kind == "service" && !strings.Contains(rest, "/") {
		// API Reference, TagResource: a service with a short ARN
		// (service/name) cannot be tagged (InvalidParameterException).
		return "", errInvalidParam("resourceArn: %s is a short service ARN; tagging needs the long format arn:aws:ecs:region:account:service/cluster-name/service-name.", a)
	}
	if !e.resourceExistsLocked(a) {
		return "", &types.ResourceNotFoundException{Message: aws.String("The specified resource could not be found.")}
	}
	return a, nil
}

// TagResource adds or replaces tags on a cluster, service, container
// instance, capacity provider, task definition or task.
func (e *ECS) TagResource(ctx context.Context, in *ecs.TagResourceInput, _ ...func(*ecs.Options)) (*ecs.TagResourceOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.TagResourceInput{}
	}
	if _, err := e.beginLocked(ctx, "TagResource", in); err != nil {
		return nil, err
	}
	arn, err := e.taggableLocked(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if len(in.Tags) == 0 {
		return nil, errInvalidParam("tags: must contain at least one tag.")
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	merged := mergeTags(e.tags[arn], in.Tags)
	if len(merged) > 50 {
		return nil, errInvalidParam("tags: a resource can have at most 50 tags.")
	}
	e.tags[arn] = merged
	return &ecs.TagResourceOutput{}, nil
}

// UntagResource removes tags by key.
func (e *ECS) UntagResource(ctx context.Context, in *ecs.UntagResourceInput, _ ...func(*ecs.Options)) (*ecs.UntagResourceOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.UntagResourceInput{}
	}
	if _, err := e.beginLocked(ctx, "UntagResource", in); err != nil {
		return nil, err
	}
	arn, err := e.taggableLocked(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if len(in.TagKeys) == 0 {
		return nil, errInvalidParam("tagKeys: must contain at least one key.")
	}
	drop := map[string]bool{}
	for _, k := range in.TagKeys {
		drop[k] = true
	}
	var kept []types.Tag
	for _, t := range e.tags[arn] {
		if !drop[aws.ToString(t.Key)] {
			kept = append(kept, t)
		}
	}
	e.tags[arn] = kept
	return &ecs.UntagResourceOutput{}, nil
}

// ListTagsForResource returns a resource's tags sorted by key.
func (e *ECS) ListTagsForResource(ctx context.Context, in *ecs.ListTagsForResourceInput, _ ...func(*ecs.Options)) (*ecs.ListTagsForResourceOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.ListTagsForResourceInput{}
	}
	if _, err := e.beginLocked(ctx, "ListTagsForResource", in); err != nil {
		return nil, err
	}
	arn, err := e.taggableLocked(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return &ecs.ListTagsForResourceOutput{Tags: copyTags(e.tags[arn])}, nil
}
