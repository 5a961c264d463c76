package fake

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"
)

// lbSetup is an ALB with an HTTP :80 listener forwarding to one target group.
type lbSetup struct {
	lb, tg, listener string
}

// newALB creates ALB "web-lb" and target group "web-tg" (port 80, HTTP, the
// given target type) behind an HTTP :80 listener.
func newALB(t tb, x *ELBv2, tt elbtypes.TargetTypeEnum) lbSetup {
	t.Helper()
	lb, err := x.CreateLoadBalancer(bg, &elbv2.CreateLoadBalancerInput{Name: aws.String("web-lb"),
		Subnets: []string{"subnet-us-east-1a", "subnet-us-east-1b"}})
	if err != nil {
		t.Fatalf("CreateLoadBalancer: %v", err)
	}
	tg := newTG(t, x, "web-tg", tt)
	l, err := x.CreateListener(bg, &elbv2.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn,
		Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(tg)}}})
	if err != nil {
		t.Fatalf("CreateListener: %v", err)
	}
	return lbSetup{lb: *lb.LoadBalancers[0].LoadBalancerArn, tg: tg, listener: *l.Listeners[0].ListenerArn}
}

func newTG(t tb, x *ELBv2, name string, tt elbtypes.TargetTypeEnum) string {
	t.Helper()
	out, err := x.CreateTargetGroup(bg, &elbv2.CreateTargetGroupInput{Name: aws.String(name), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), VpcId: aws.String("vpc-1"), TargetType: tt})
	if err != nil {
		t.Fatalf("CreateTargetGroup: %v", err)
	}
	return *out.TargetGroups[0].TargetGroupArn
}

// health describes every target of tg.
func health(t tb, x *ELBv2, tg string) []elbtypes.TargetHealthDescription {
	t.Helper()
	out, err := x.DescribeTargetHealth(bg, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(tg)})
	if err != nil {
		t.Fatalf("DescribeTargetHealth: %v", err)
	}
	return out.TargetHealthDescriptions
}

// states counts targets per state.
func states(ds []elbtypes.TargetHealthDescription) map[elbtypes.TargetHealthStateEnum]int {
	m := map[elbtypes.TargetHealthStateEnum]int{}
	for _, d := range ds {
		m[d.TargetHealth.State]++
	}
	return m
}

// wantAPIError checks err's code (and, when set, that it is of type T).
func wantAPIError[T error](t *testing.T, err error, code string) T {
	t.Helper()
	var typed T
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != code {
		t.Fatalf("err = %v, want code %s", err, code)
	}
	errors.As(err, &typed)
	return typed
}

func secs(n int) time.Duration { return time.Duration(n) * time.Second }

func errorsAs(err error, target any) bool { return errors.As(err, target) }
