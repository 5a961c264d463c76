package awsquery

import (
	"net/url"
	"testing"

	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// FuzzUnmarshal: any form decodes into an input or fails with an error, never panics, and a
// decoded input is re-encoded by the encoder without error.
func FuzzUnmarshal(f *testing.F) {
	for _, s := range []string{
		"TargetGroupArn=a&Targets.member.1.Id=10.0.0.1&Targets.member.1.Port=80",
		"Name=x&Protocol=HTTP&Port=80&VpcId=v&Matcher.HttpCode=200&HealthCheckEnabled=true",
		"Targets.member.2.Id=x", "Targets.member.1=x", "Port=99999999999", "Tags.member.1.Key=k&Tags.member.1.Value=%ff",
		"A.entry.1.key=k", "Targets=", "Targets.member.1.Id.x=1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		form, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		for _, in := range []any{&elbv2.DescribeTargetHealthInput{}, &elbv2.CreateTargetGroupInput{}, &elbv2.CreateListenerInput{}} {
			if Unmarshal(form, in, UnmarshalOptions{}) == nil {
				if _, err := Marshal(in); err != nil {
					t.Fatalf("decoded %q but cannot encode it: %v", q, err)
				}
			}
		}
	})
}
