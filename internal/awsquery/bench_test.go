package awsquery

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// BenchmarkAppendResponseDescribeTargetHealth: the XML answer of DescribeTargetHealth for
// 1,000 targets.
func BenchmarkAppendResponseDescribeTargetHealth(b *testing.B) {
	out := &elbv2.DescribeTargetHealthOutput{}
	for i := range 1000 {
		out.TargetHealthDescriptions = append(out.TargetHealthDescriptions, types.TargetHealthDescription{
			Target:          &types.TargetDescription{Id: aws.String(fmt.Sprintf("10.0.%d.%d", i/256, i%256)), Port: aws.Int32(80)},
			HealthCheckPort: aws.String("80"),
			TargetHealth: &types.TargetHealth{State: types.TargetHealthStateEnumUnhealthy, Reason: types.TargetHealthReasonEnumResponseCodeMismatch,
				Description: aws.String("Health checks failed with these codes: [502]")}})
	}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = AppendResponse(buf[:0], "DescribeTargetHealth", ELBv2.Namespace, "r", out); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}

// BenchmarkUnmarshalRegisterTargets: a RegisterTargets request of 1,000 targets.
func BenchmarkUnmarshalRegisterTargets(b *testing.B) {
	form := url.Values{"Action": {"RegisterTargets"}, "Version": {ELBv2.Version}, "TargetGroupArn": {"arn"}}
	for i := range 1000 {
		form.Set(fmt.Sprintf("Targets.member.%d.Id", i+1), fmt.Sprintf("10.0.%d.%d", i/256, i%256))
		form.Set(fmt.Sprintf("Targets.member.%d.Port", i+1), "80")
	}
	b.ReportAllocs()
	for b.Loop() {
		var in elbv2.RegisterTargetsInput
		if err := Unmarshal(form, &in, UnmarshalOptions{}); err != nil || len(in.Targets) != 1000 {
			b.Fatal(err)
		}
	}
}
