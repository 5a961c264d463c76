package ecsdeploytest

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// ELBv2Setup is the part of *elasticloadbalancingv2.Client that
// TargetGroupsOn uses to stage target groups (the fake's *fake.ELBv2
// satisfies it too).
type ELBv2Setup interface {
	CreateLoadBalancer(context.Context, *elbv2.CreateLoadBalancerInput, ...func(*elbv2.Options)) (*elbv2.CreateLoadBalancerOutput, error)
	DeleteLoadBalancer(context.Context, *elbv2.DeleteLoadBalancerInput, ...func(*elbv2.Options)) (*elbv2.DeleteLoadBalancerOutput, error)
	CreateTargetGroup(context.Context, *elbv2.CreateTargetGroupInput, ...func(*elbv2.Options)) (*elbv2.CreateTargetGroupOutput, error)
	DeleteTargetGroup(context.Context, *elbv2.DeleteTargetGroupInput, ...func(*elbv2.Options)) (*elbv2.DeleteTargetGroupOutput, error)
	ModifyTargetGroupAttributes(context.Context, *elbv2.ModifyTargetGroupAttributesInput, ...func(*elbv2.Options)) (*elbv2.ModifyTargetGroupAttributesOutput, error)
	CreateListener(context.Context, *elbv2.CreateListenerInput, ...func(*elbv2.Options)) (*elbv2.CreateListenerOutput, error)
}

var stagedLBs atomic.Int64

// TargetGroupsOn returns a Backend.TargetGroup hook that, for each call,
// creates an internal ALB in subnets, an HTTP:80 target group in vpc with
// the requested target type and deregistration delay, and an HTTP:80
// listener forwarding to it; they are deleted when the test ends.
func TargetGroupsOn(api ELBv2Setup, vpc string, subnets []string) func(t *testing.T, targetType string, delay time.Duration) string {
	run := strconv.FormatInt(time.Now().UnixNano()%46656, 36) // keeps names unique across runs on one account
	return func(t *testing.T, targetType string, delay time.Duration) string {
		t.Helper()
		ctx := context.WithoutCancel(t.Context())
		name := fmt.Sprintf("ecsdt-%s-%d", run, stagedLBs.Add(1))
		lb, err := api.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: &name, Subnets: subnets, Scheme: elbtypes.LoadBalancerSchemeEnumInternal})
		if err != nil {
			t.Fatalf("CreateLoadBalancer(%s): %v", name, err)
		}
		lbArn := lb.LoadBalancers[0].LoadBalancerArn
		tg, err := api.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: &name, Protocol: elbtypes.ProtocolEnumHttp, Port: ptr(int32(80)),
			VpcId: &vpc, TargetType: elbtypes.TargetTypeEnum(targetType)})
		if err != nil {
			t.Fatalf("CreateTargetGroup(%s): %v", name, err)
		}
		tgArn := tg.TargetGroups[0].TargetGroupArn
		t.Cleanup(func() {
			_, _ = api.DeleteLoadBalancer(ctx, &elbv2.DeleteLoadBalancerInput{LoadBalancerArn: lbArn})
			_, _ = api.DeleteTargetGroup(ctx, &elbv2.DeleteTargetGroupInput{TargetGroupArn: tgArn})
		})
		secs := strconv.Itoa(int(delay / time.Second))
		if _, err := api.ModifyTargetGroupAttributes(ctx, &elbv2.ModifyTargetGroupAttributesInput{TargetGroupArn: tgArn,
			Attributes: []elbtypes.TargetGroupAttribute{{Key: ptr("deregistration_delay.timeout_seconds"), Value: &secs}}}); err != nil {
			t.Fatalf("ModifyTargetGroupAttributes(%s): %v", name, err)
		}
		if _, err := api.CreateListener(ctx, &elbv2.CreateListenerInput{LoadBalancerArn: lbArn, Protocol: elbtypes.ProtocolEnumHttp, Port: ptr(int32(80)),
			DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tgArn}}}); err != nil {
			t.Fatalf("CreateListener(%s): %v", name, err)
		}
		return *tgArn
	}
}
