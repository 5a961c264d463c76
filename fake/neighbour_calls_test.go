package fake

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/smithy-go"
)

// neighbourCall is one read operation of a service beside ECS, called on a
// fake, with the name its calls are recorded under.
type neighbourCall struct {
	name string
	call func(e *ECS) error
}

// neighbourCalls is one read of each service beside ECS: CloudWatch Logs,
// Application Auto Scaling and CloudWatch.
func neighbourCalls() []neighbourCall {
	ctx := context.Background()
	return []neighbourCall{
		{LogsCallPrefix + "DescribeLogGroups", func(e *ECS) error {
			_, err := e.Logs().DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
			return err
		}},
		{AutoScalingCallPrefix + "DescribeScalableTargets", func(e *ECS) error {
			_, err := e.AutoScaling().DescribeScalableTargets(ctx, &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs})
			return err
		}},
		{CloudWatchCallPrefix + "DescribeAlarms", func(e *ECS) error {
			_, err := e.CloudWatch().DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
			return err
		}},
	}
}

// Every service the fake serves spends the per-call latency, as ECS does:
// with WithCallLatency and the manual clock each call of Logs, Application
// Auto Scaling and CloudWatch moves virtual time by the latency.
func TestNeighbourCallsSpendCallLatency(t *testing.T) {
	for _, nc := range neighbourCalls() {
		t.Run(nc.name, func(t *testing.T) {
			e := New(WithCallLatency(250 * time.Millisecond))
			start := e.Now()
			for range 4 {
				if err := nc.call(e); err != nil {
					t.Fatal(err)
				}
			}
			if got := e.Now().Sub(start); got != time.Second {
				t.Fatalf("4 calls of 250ms took %v of virtual time, want 1s", got)
			}
		})
	}
}

// An injected fault on a neighbour operation is that service's own error,
// and its code is noted on the call in the call log (as for ECS calls).
func TestNeighbourFaultCodeNotedInCallLog(t *testing.T) {
	for _, nc := range neighbourCalls() {
		t.Run(nc.name, func(t *testing.T) {
			e := New()
			e.FailOperation(nc.name, "ThrottlingException", 1, 0)
			err := nc.call(e)
			var ae smithy.APIError
			if !errors.As(err, &ae) || !strings.HasPrefix(ae.ErrorCode(), "Throttling") {
				t.Fatalf("err = %v, want the service's throttling error", err)
			}
			calls := e.Calls()
			if len(calls) != 1 || calls[0].Op != nc.name || calls[0].Error != ae.ErrorCode() {
				t.Fatalf("calls = %+v, want one %s noted %s", calls, nc.name, ae.ErrorCode())
			}
			if err := nc.call(e); err != nil {
				t.Fatalf("second call (fault used up): %v", err)
			}
		})
	}
}

// With WithStandardRetries a throttle injected on a neighbour operation is
// retried as the SDK would: the call succeeds, both attempts are recorded
// and the backoff is spent in virtual time.
func TestNeighbourFaultRetriedWithStandardRetries(t *testing.T) {
	for _, nc := range neighbourCalls() {
		t.Run(nc.name, func(t *testing.T) {
			e := New(WithStandardRetries())
			e.FailOperation(nc.name, "ThrottlingException", 1, 0)
			start := e.Now()
			if err := nc.call(e); err != nil {
				t.Fatalf("retried call: %v", err)
			}
			if n := e.CallCount(nc.name); n != 2 {
				t.Fatalf("%d attempts recorded, want 2", n)
			}
			if e.Now() == start {
				t.Fatal("the retry's backoff took no virtual time")
			}
		})
	}
}
