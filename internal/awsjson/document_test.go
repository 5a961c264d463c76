package awsjson

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/document"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	smithydocument "github.com/aws/smithy-go/document"
	"github.com/google/go-cmp/cmp"
)

// TestDocumentMembersRoundTrip covers smithy document members (lifecycle hook details) in both
// directions through the SDK client.
func TestDocumentMembersRoundTrip(t *testing.T) {
	details := map[string]any{"timeout": float64(30), "steps": []any{"a", "b"}, "ok": true}
	hooks := func() *types.DeploymentConfiguration {
		return &types.DeploymentConfiguration{LifecycleHooks: []types.DeploymentLifecycleHook{{
			HookTargetArn:   aws.String("arn:aws:lambda:us-east-1:123456789012:function:hook"),
			RoleArn:         aws.String("arn:aws:iam::123456789012:role/hook"),
			LifecycleStages: []types.DeploymentLifecycleHookStage{types.DeploymentLifecycleHookStagePostScaleUp},
			HookDetails:     document.NewLazyDocument(details),
		}}}
	}
	r := newRecorder()
	r.outs["CreateService"] = &ecs.CreateServiceOutput{Service: &types.Service{ServiceName: aws.String("web"), DeploymentConfiguration: hooks()}}
	c, _ := newClient(t, r, WithDisallowUnknownFields())
	out, err := c.CreateService(t.Context(), &ecs.CreateServiceInput{ServiceName: aws.String("web"), DeploymentConfiguration: hooks()})
	if err != nil {
		t.Fatal(err)
	}
	decode := func(d document.Interface) map[string]any {
		t.Helper()
		var m map[string]any
		if err := d.UnmarshalSmithyDocument(&m); err != nil {
			t.Fatalf("UnmarshalSmithyDocument: %v", err)
		}
		return m
	}
	gotIn := r.ins["CreateService"].(*ecs.CreateServiceInput).DeploymentConfiguration.LifecycleHooks[0].HookDetails
	// Decoding into any yields smithy document Numbers, as the SDK's own deserializer does.
	want := map[string]any{"timeout": smithydocument.Number("30"), "steps": []any{"a", "b"}, "ok": true}
	if diff := cmp.Diff(want, decode(gotIn)); diff != "" {
		t.Errorf("input hookDetails (-want +got):\n%s", diff)
	}
	gotOut := out.Service.DeploymentConfiguration.LifecycleHooks[0].HookDetails
	if diff := cmp.Diff(want, decode(gotOut)); diff != "" {
		t.Errorf("output hookDetails (-want +got):\n%s", diff)
	}
}
