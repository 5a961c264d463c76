package chaos

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// targetGroup creates, for service number i, an ALB with an HTTP:80
// listener forwarding to a new instance target group (bridge tasks with
// dynamic host ports), with a random health check interval and
// deregistration delay.
func (r *runner) targetGroup(ctx context.Context, i int) (string, error) {
	tg, _, err := r.albWithGroup(ctx, r.rng, fmt.Sprintf("chaos-%02d", i), elbtypes.TargetTypeEnumInstance)
	return tg, err
}

// albWithGroup creates the ALB name with its HTTP:80 listener and target
// group name of type tt (random choices from rng) and returns the group's
// and the listener's ARNs.
func (r *runner) albWithGroup(ctx context.Context, rng *rand.Rand, name string, tt elbtypes.TargetTypeEnum) (tg, listener string, err error) {
	x := r.e.ELBv2()
	lb, err := x.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String(name), Subnets: []string{"subnet-a", "subnet-b", "subnet-c"}})
	if err != nil {
		return "", "", err
	}
	arn, err := r.newTargetGroup(ctx, rng, name, tt)
	if err != nil {
		return "", "", err
	}
	l, err := x.CreateListener(ctx, &elbv2.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(arn)}}})
	if err != nil {
		return "", "", err
	}
	return arn, aws.ToString(l.Listeners[0].ListenerArn), nil
}

// newTargetGroup creates the HTTP:80 target group name of type tt
// (instance for tasks on EC2 in bridge mode, ip for Fargate tasks) with a
// random health check interval and deregistration delay.
func (r *runner) newTargetGroup(ctx context.Context, rng *rand.Rand, name string, tt elbtypes.TargetTypeEnum) (string, error) {
	x := r.e.ELBv2()
	interval := []int32{10, 15, 30}[rng.IntN(3)]
	tg, err := x.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: aws.String(name), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), VpcId: aws.String("vpc-chaos"), HealthCheckIntervalSeconds: aws.Int32(interval), TargetType: tt})
	if err != nil {
		return "", err
	}
	arn := tg.TargetGroups[0].TargetGroupArn
	delay := fmt.Sprint([]int{0, 30, 60, 120}[rng.IntN(4)])
	if _, err := x.ModifyTargetGroupAttributes(ctx, &elbv2.ModifyTargetGroupAttributesInput{TargetGroupArn: arn,
		Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String(delay)}}}); err != nil {
		return "", err
	}
	return *arn, nil
}

func (r *runner) hasLB() bool {
	for _, s := range r.services[:r.cfg.Services] {
		if s.tg != "" {
			return true
		}
	}
	return false
}

// targetHealthFault makes the targets of a load-balanced service fail
// their health checks after d: half the time for good (the tasks are
// replaced), half the time flapping.
func (r *runner) targetHealthFault(s *svcState, after time.Duration, times int) error {
	for s.tg == "" {
		s = r.services[r.rng.IntN(r.cfg.Services)]
	}
	return r.targetHealthFaultWith(r.rng, s, after, times)
}

// targetHealthFaultWith is targetHealthFault on s, choosing from rng.
func (r *runner) targetHealthFaultWith(rng *rand.Rand, s *svcState, after time.Duration, times int) error {
	f := fake.TargetHealthFault{Family: s.family, After: after, Times: times,
		Reason: []string{"Target.ResponseCodeMismatch", "Target.Timeout", "Target.FailedHealthChecks"}[rng.IntN(3)]}
	kind := "target-unhealthy"
	if rng.IntN(2) == 0 {
		f.Flap = time.Duration(60+rng.IntN(240)) * time.Second
		kind = "target-health-flap"
	}
	r.rep.Faults[kind]++
	return r.e.ELBv2().InjectHealthFault(f)
}
