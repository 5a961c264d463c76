package ecsdeploy

import (
	"context"
	"strconv"
	"time"

	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// targetGroupAttributesReader is the optional part of a LoadBalancerAPI
// that reads target group attributes (*elasticloadbalancingv2.Client and
// the fake's *fake.ELBv2 have it): with it, the poll schedule knows how
// long a blue/green clean-up drains blue's targets.
type targetGroupAttributesReader interface {
	DescribeTargetGroupAttributes(ctx context.Context, in *elbv2.DescribeTargetGroupAttributesInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeTargetGroupAttributesOutput, error)
}

// defaultDeregistrationDelay is Elastic Load Balancing's default
// deregistration_delay.timeout_seconds ("Target group attributes" in the
// ALB user guide), for a group whose attributes do not list it.
const defaultDeregistrationDelay = 300 * time.Second

// deregistrationDelay reads target group tg's deregistration delay
// (deregistration_delay.timeout_seconds): one
// DescribeTargetGroupAttributes. ok is false without an ELB client that
// can read attributes, or when the read failed.
func (d *deployer) deregistrationDelay(ctx context.Context, cfg config, tg string) (time.Duration, bool) {
	r, can := cfg.elb.(targetGroupAttributesReader)
	if !can || tg == "" {
		return 0, false
	}
	out, err := r.DescribeTargetGroupAttributes(ctx, &elbv2.DescribeTargetGroupAttributesInput{TargetGroupArn: &tg})
	if err != nil {
		return 0, false
	}
	for _, a := range out.Attributes {
		if valueOf(a.Key) == "deregistration_delay.timeout_seconds" {
			sec, err := strconv.Atoi(valueOf(a.Value))
			if err != nil || sec < 0 {
				return 0, false
			}
			return time.Duration(sec) * time.Second, true
		}
	}
	return defaultDeregistrationDelay, true
}
