package fake_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// TestTagResourceOnServicesAndCapacityProviders: the API Reference
// (TagResource) lists capacity providers and services among the taggable
// resources; tags set by ARN show in ListTagsForResource and in the
// Describe operation with include TAGS, in process and over HTTP. A
// service's short ARN (service/name) is InvalidParameterException, as the
// API Reference says.
func TestTagResourceOnServicesAndCapacityProviders(t *testing.T) {
	for _, tr := range []string{"in process", "http"} {
		t.Run(tr, func(t *testing.T) {
			e, a := arnFixture(t)
			var api interface {
				TagResource(context.Context, *ecs.TagResourceInput, ...func(*ecs.Options)) (*ecs.TagResourceOutput, error)
				UntagResource(context.Context, *ecs.UntagResourceInput, ...func(*ecs.Options)) (*ecs.UntagResourceOutput, error)
				ListTagsForResource(context.Context, *ecs.ListTagsForResourceInput, ...func(*ecs.Options)) (*ecs.ListTagsForResourceOutput, error)
				DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
				DescribeCapacityProviders(context.Context, *ecs.DescribeCapacityProvidersInput, ...func(*ecs.Options)) (*ecs.DescribeCapacityProvidersOutput, error)
			} = e
			if tr == "http" {
				api = faketest.NewServerFor(t, e).Client
			}
			ctx := t.Context()
			for _, arn := range []string{a.service, a.provider} {
				if _, err := api.TagResource(ctx, &ecs.TagResourceInput{ResourceArn: aws.String(arn),
					Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}, {Key: aws.String("env"), Value: aws.String("prod")}}}); err != nil {
					t.Fatalf("TagResource(%s): %v", arn, err)
				}
				if _, err := api.UntagResource(ctx, &ecs.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"env"}}); err != nil {
					t.Fatalf("UntagResource(%s): %v", arn, err)
				}
				out, err := api.ListTagsForResource(ctx, &ecs.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
				if err != nil || len(out.Tags) != 1 || *out.Tags[0].Key != "team" || *out.Tags[0].Value != "a" {
					t.Fatalf("ListTagsForResource(%s): %v %+v, want team=a", arn, err, out)
				}
			}
			sv, err := api.DescribeServices(ctx, &ecs.DescribeServicesInput{Services: []string{"web"}, Include: []types.ServiceField{types.ServiceFieldTags}})
			if err != nil || len(sv.Services) != 1 || len(sv.Services[0].Tags) != 1 || *sv.Services[0].Tags[0].Key != "team" {
				t.Errorf("DescribeServices with TAGS: %v %+v, want the tag team", err, sv)
			}
			cp, err := api.DescribeCapacityProviders(ctx, &ecs.DescribeCapacityProvidersInput{CapacityProviders: []string{"cp-a"},
				Include: []types.CapacityProviderField{types.CapacityProviderFieldTags}})
			if err != nil || len(cp.CapacityProviders) != 1 || len(cp.CapacityProviders[0].Tags) != 1 || *cp.CapacityProviders[0].Tags[0].Key != "team" {
				t.Errorf("DescribeCapacityProviders with TAGS: %v %+v, want the tag team", err, cp)
			}
			short := "arn:aws:ecs:us-east-1:" + acct + ":service/web"
			before := arnDump(t, e, a)
			_, err = api.TagResource(ctx, &ecs.TagResourceInput{ResourceArn: aws.String(short), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
			if errorCode(err) != "InvalidParameterException" {
				t.Errorf("TagResource(%s): %v, want InvalidParameterException", short, err)
			}
			if _, err := api.ListTagsForResource(ctx, &ecs.ListTagsForResourceInput{ResourceArn: aws.String(a.fargate)}); errorCode(err) != "ResourceNotFoundException" {
				t.Errorf("ListTagsForResource(%s): %v, want ResourceNotFoundException", a.fargate, err)
			}
			if after := arnDump(t, e, a); after != before {
				t.Fatalf("state changed:\n%s", firstDiff(before, after))
			}
		})
	}
}
