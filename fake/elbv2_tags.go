package fake

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// maxELBTags is ELB's limit of tags per resource.
const maxELBTags = 50

// checkELBTags applies ELB's tag rules: keys 1-128 characters not starting
// with "aws:", values up to 256, unique keys, at most 50.
func checkELBTags(tags []elbtypes.Tag) error {
	if len(tags) > maxELBTags {
		return &elbtypes.TooManyTagsException{Message: aws.String(fmt.Sprintf("You can have at most %d tags per resource", maxELBTags))}
	}
	seen := map[string]bool{}
	for i, t := range tags {
		k := aws.ToString(t.Key)
		switch {
		case k == "" || len(k) > 128:
			return errELBValidation(fmt.Sprintf("Tags[%d].Key must be 1-128 characters", i))
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			return errELBValidation(fmt.Sprintf("Tags[%d].Key '%s': keys beginning with 'aws:' are reserved", i, k))
		case len(aws.ToString(t.Value)) > 256:
			return errELBValidation(fmt.Sprintf("Tags[%d].Value must be at most 256 characters", i))
		case seen[k]:
			return &elbtypes.DuplicateTagKeysException{Message: aws.String(fmt.Sprintf("Tag key '%s' is duplicated", k))}
		}
		seen[k] = true
	}
	return nil
}

// elbResourceLocked reports whether arn names a load balancer,
// target group, listener or rule, and the not-found error otherwise.
func (e *ECS) elbResourceLocked(arn string) error {
	w := e.elb
	switch {
	case w.lbByArn[arn] != nil, w.tgByArn[arn] != nil, w.listeners[arn] != nil, w.rules[arn] != nil:
		return nil
	case strings.Contains(arn, ":targetgroup/"):
		return errTGNotFound()
	case strings.Contains(arn, ":listener/"):
		return errListenerNotFound()
	case strings.Contains(arn, ":listener-rule/"):
		return errRuleNotFound()
	}
	return errLBNotFound()
}

// elbResourcesLocked is elbResourceLocked for each ARN, all or nothing.
func (e *ECS) elbResourcesLocked(arns []string) error {
	for _, arn := range arns {
		if err := e.elbResourceLocked(arn); err != nil {
			return err
		}
	}
	return nil
}

// checkTagResourceArns applies the tag operations' bound on ResourceArns.
func checkTagResourceArns(arns []string) error {
	if len(arns) == 0 || len(arns) > 20 {
		return errELBValidation("ResourceArns must name 1-20 resources")
	}
	return nil
}

// beginTagChange is the start AddTags and RemoveTags share: the bound on
// arns, then bad (the operation's own validation error, nil when none),
// then begin and the lookup of every resource, so a missing one changes
// nothing. unlock is valid (and must be deferred) even on error.
func (x *ELBv2) beginTagChange(ctx context.Context, op string, in any, arns []string, bad error) (unlock func(), err error) {
	unlock = func() {}
	if err = checkTagResourceArns(arns); err != nil {
		return unlock, err
	}
	if bad != nil {
		return unlock, bad
	}
	_, unlock, err = x.begin(ctx, op, in)
	if err != nil {
		return unlock, err
	}
	return unlock, x.e.elbResourcesLocked(arns)
}

// AddTags adds or overwrites tags of up to 20 resources.
func (x *ELBv2) AddTags(ctx context.Context, in *elbv2.AddTagsInput, _ ...func(*elbv2.Options)) (*elbv2.AddTagsOutput, error) {
	if in == nil {
		in = &elbv2.AddTagsInput{}
	}
	var bad error
	if len(in.Tags) == 0 {
		bad = errELBValidation("At least one tag must be specified")
	} else {
		bad = checkELBTags(in.Tags)
	}
	unlock, err := x.beginTagChange(ctx, "AddTags", in, in.ResourceArns, bad)
	defer unlock()
	if err != nil {
		return nil, err
	}
	e := x.e
	merged := make(map[string][]elbtypes.Tag, len(in.ResourceArns))
	for _, arn := range in.ResourceArns {
		tags := slices.Clone(e.elb.tags[arn])
		for _, t := range in.Tags {
			if i := slices.IndexFunc(tags, func(o elbtypes.Tag) bool { return aws.ToString(o.Key) == *t.Key }); i >= 0 {
				tags[i] = t
			} else {
				tags = append(tags, t)
			}
		}
		if len(tags) > maxELBTags {
			return nil, &elbtypes.TooManyTagsException{Message: aws.String(fmt.Sprintf("You can have at most %d tags per resource (%s)", maxELBTags, arn))}
		}
		merged[arn] = tags
	}
	for arn, tags := range merged {
		e.elb.tags[arn] = tags
	}
	return &elbv2.AddTagsOutput{}, nil
}

// DescribeTags returns the tags of up to 20 resources.
func (x *ELBv2) DescribeTags(ctx context.Context, in *elbv2.DescribeTagsInput, _ ...func(*elbv2.Options)) (*elbv2.DescribeTagsOutput, error) {
	if in == nil {
		in = &elbv2.DescribeTagsInput{}
	}
	if err := checkTagResourceArns(in.ResourceArns); err != nil {
		return nil, err
	}
	_, unlock, err := x.begin(ctx, "DescribeTags", in)
	defer unlock()
	if err != nil {
		return nil, err
	}
	e := x.e
	out := &elbv2.DescribeTagsOutput{TagDescriptions: []elbtypes.TagDescription{}}
	for _, arn := range in.ResourceArns {
		if err := e.elbResourceLocked(arn); err != nil {
			return nil, err
		}
		out.TagDescriptions = append(out.TagDescriptions, elbtypes.TagDescription{
			ResourceArn: aws.String(arn), Tags: append([]elbtypes.Tag{}, e.elb.tags[arn]...)})
	}
	return out, nil
}

// RemoveTags removes tags by key from up to 20 resources.
func (x *ELBv2) RemoveTags(ctx context.Context, in *elbv2.RemoveTagsInput, _ ...func(*elbv2.Options)) (*elbv2.RemoveTagsOutput, error) {
	if in == nil {
		in = &elbv2.RemoveTagsInput{}
	}
	var bad error
	if len(in.TagKeys) == 0 {
		bad = errELBValidation("At least one tag key must be specified")
	}
	unlock, err := x.beginTagChange(ctx, "RemoveTags", in, in.ResourceArns, bad)
	defer unlock()
	if err != nil {
		return nil, err
	}
	e := x.e
	for _, arn := range in.ResourceArns {
		tags := slices.DeleteFunc(slices.Clone(e.elb.tags[arn]), func(t elbtypes.Tag) bool { return slices.Contains(in.TagKeys, aws.ToString(t.Key)) })
		if len(tags) == 0 {
			delete(e.elb.tags, arn)
		} else {
			e.elb.tags[arn] = tags
		}
	}
	return &elbv2.RemoveTagsOutput{}, nil
}
