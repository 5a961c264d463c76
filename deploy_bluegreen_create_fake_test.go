package ecsdeploy_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// createMaxReads is the most DescribeServices and DescribeServiceDeployments
// a CreateService of a bgStrategies service may make, by strategy
// (measured figures, 9/5, 9/6 and 10/6, with a margin of 2 and 1; before
// the first deployment followed the blue/green schedule: 97/10, 97/10 and
// 109/11).
var createMaxReads = map[string][2]int{"BLUE_GREEN": {11, 6}, "CANARY": {11, 7}, "LINEAR": {12, 7}}

// serviceInput is service web (2 tasks, Fargate, the bgALB of w) of
// task definition web:1 (nginx:1, registered here) with the strategy set
// by strategy.
func (w *bgWorld) serviceInput(t testing.TB, strategy func(*ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder) *ecs.CreateServiceInput {
	t.Helper()
	td := webTD("nginx:1")
	if _, err := w.d.Register(context.Background(), td); err != nil {
		t.Fatal(err)
	}
	b := ecsdeploy.NewService("web").Cluster("prod").ForTaskDefinition(td).DesiredCount(2).Fargate().
		Network([]string{"subnet-0123456789abcdef0"}, nil, false).
		BlueGreenLoadBalancer(w.alb.tg, "app", 80, w.alb.routing())
	in, err := strategy(b).Build()
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// TestBlueGreenCreateEconomy: CreateService of a blue/green, canary and
// linear service, whose first deployment is a blue/green one into the
// alternate group (stages, bakes, CLEAN_UP: docs/ecs-semantics.md),
// returns within one poll of its completion with the reads of the
// blue/green schedule: the service read once per watch interval plus a
// few around the predicted instants (createMaxReads), the stage read
// only while green scales up and when it may have changed, and no
// DescribeTargetGroupAttributes (nothing drains). In process and over
// HTTP through the SDK's ECS and ELB clients, with the same figures.
func TestBlueGreenCreateEconomy(t *testing.T) {
	for _, st := range bgStrategies {
		t.Run(st.name, func(t *testing.T) {
			inProcessAndOverHTTP(t, func(t *testing.T, w *bgWorld) { blueGreenCreateEconomy(t, w, st) })
		})
	}
}

func blueGreenCreateEconomy(t *testing.T, w *bgWorld, st bgStrategy) {
	e := w.e
	in := w.serviceInput(t, st.set)
	before, start := e.CallCounts(), e.Now()
	res, err := w.d.CreateService(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	calls := delta(before, e.CallCounts())
	took := e.Now().Sub(start)
	svc := describeService(t, e, "web")
	if res.Deployment == nil || res.Deployment.RolloutState != types.DeploymentRolloutStateCompleted || len(svc.Deployments) != 1 {
		t.Fatalf("CreateService returned with deployment %+v", res.Deployment)
	}
	completed := completionEventAt(t, svc)
	if completed.IsZero() || e.Now().Before(completed) || e.Now().Sub(completed) > 5*time.Second {
		t.Fatalf("returned at +%v, the deployment completed at +%v: want within one poll after it", took, completed.Sub(start))
	}
	if b, g := w.alb.prodWeights(t, e.ELBv2()); b != 0 || g != 100 {
		t.Fatalf("production weights %d/%d, want the alternate group's", b, g)
	}
	reads := calls["DescribeServices"]
	t.Logf("%s create: %v (virtual), returned %v after the completion, calls %v", st.name, took, e.Now().Sub(completed), calls)
	if calls["CreateService"] != 1 || calls["DescribeTargetGroupAttributes"] != 0 {
		t.Errorf("calls %v, want 1 CreateService and no DescribeTargetGroupAttributes (nothing drains)", calls)
	}
	if bound := createMaxReads[st.name]; reads > bound[0] || calls["DescribeServiceDeployments"] > bound[1] {
		t.Errorf("%d DescribeServices and %d DescribeServiceDeployments, want at most %d and %d", reads, calls["DescribeServiceDeployments"], bound[0], bound[1])
	}
	if least := int(took / bgWatch); reads < least {
		t.Errorf("%d DescribeServices in %v: fewer than one per watch interval (%d)", reads, took, least)
	}
}

// completionEventAt is the instant of service svc's latest "deployment
// completed" event (zero: none).
func completionEventAt(t testing.TB, svc types.Service) time.Time {
	t.Helper()
	var at time.Time
	for _, ev := range svc.Events {
		if strings.HasSuffix(aws.ToString(ev.Message), ") deployment completed.") && aws.ToTime(ev.CreatedAt).After(at) {
			at = aws.ToTime(ev.CreatedAt)
		}
	}
	return at
}

// TestBlueGreenCreateFailure: the first deployment of a blue/green
// service fails, green crash-looping with the circuit breaker's rollback
// on, or a deployment alarm going off in the bake; ECS has nothing to
// roll back to (ROLLBACK_FAILED, "No rollback candidate was found to run
// the rollback."). CreateService says so, without waiting for a rollback,
// within the watch interval of ECS's "deployment failed" event, quoting
// the service deployment as the wait's last read showed it (with
// WithEvents) or as one read after it (without).
func TestBlueGreenCreateFailure(t *testing.T) {
	breaker := func(t *testing.T, api func(*fake.ECS) ecsdeploy.API, quoted bool, opts ...ecsdeploy.Option) {
		e := fake.New()
		a := api(e)
		w := newBGWorld(t, e, a, opts...)
		if err := e.InjectFault(fake.Fault{Image: "nginx:1", Action: fake.FaultExit, ExitCode: 1, After: 10 * time.Second}); err != nil {
			t.Fatal(err)
		}
		in := w.serviceInput(t, func(b *ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder {
			return b.BlueGreen(20).CircuitBreaker(true)
		})
		before, start := e.CallCounts(), e.Now()
		_, err := w.d.CreateService(t.Context(), in)
		log, _ := a.(*readLog)
		checkCreateFailure(t, e, err, before, start, log, quoted)
	}
	logged := func(e *fake.ECS) ecsdeploy.API { return &readLog{ECS: e} }
	t.Run("circuit breaker", func(t *testing.T) { breaker(t, logged, true) })
	// Without WithEvents the reading that sees the failure does not read
	// the service deployment: it is read once after it.
	t.Run("circuit breaker, no events", func(t *testing.T) { breaker(t, logged, true, ecsdeploy.WithEvents(nil)) })
	// An API without DescribeServiceDeployments: the configuration's
	// rollback, with the failed deployment alone, tells.
	t.Run("circuit breaker, no service deployments", func(t *testing.T) {
		breaker(t, func(e *fake.ECS) ecsdeploy.API { return struct{ ecsdeploy.API }{e} }, false)
	})
	// A listener rule deleted under the first deployment fails its test
	// traffic shift; ECS rolls back whatever the circuit breaker says
	// (off here), and has nothing to roll back to.
	t.Run("deleted test rule", func(t *testing.T) {
		e := fake.New()
		log := &readLog{ECS: e}
		w := newBGWorld(t, e, log)
		in := w.serviceInput(t, func(b *ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder { return b.BlueGreen(20) })
		before, start := e.CallCounts(), e.Now()
		clock := &triggerClock{e: e, at: start.Add(time.Second), fn: func() {
			if _, err := e.ELBv2().DeleteRule(context.Background(), &elbv2.DeleteRuleInput{RuleArn: aws.String(w.alb.test)}); err != nil {
				t.Error(err)
			}
		}}
		_, err := w.d.CreateService(t.Context(), in, ecsdeploy.WithClock(clock))
		if !clock.done {
			t.Fatalf("rule not deleted; CreateService: %v", err)
		}
		checkCreateFailure(t, e, err, before, start, log, true)
	})
	t.Run("alarm", func(t *testing.T) {
		e := fake.New()
		log := &readLog{ECS: e}
		w := newBGWorld(t, e, log)
		cw := e.CloudWatch()
		putAlarm(t, e)
		in := w.serviceInput(t, func(b *ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder {
			return b.BlueGreen(20).DeploymentAlarms(true, "web-5xx")
		})
		before, start := e.CallCounts(), e.Now()
		var stage types.ServiceDeploymentLifecycleStage
		clock := &triggerClock{e: e, at: start.Add(7*time.Minute + 13*time.Second), fn: func() {
			stage = stageOf(t, e)
			fireAlarm(t, cw, "errors after the shift")
		}}
		_, err := w.d.CreateService(t.Context(), in, ecsdeploy.WithClock(clock))
		if !clock.done || stage != types.ServiceDeploymentLifecycleStageBakeTime {
			t.Fatalf("alarm set in stage %q; CreateService: %v", stage, err)
		}
		var ae *ecsdeploy.AlarmFailedError
		if !errors.As(err, &ae) {
			t.Fatalf("CreateService: %v, want an *AlarmFailedError", err)
		}
		checkCreateFailure(t, e, err, before, start, log, true)
	})
}

// readLog is the fake's ECS API recording the order of its
// DescribeServices and DescribeServiceDeployments calls (the Deployer
// makes its calls one at a time).
type readLog struct {
	*fake.ECS
	calls []string
}

// DescribeServices records the call and makes it.
func (l *readLog) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, opts ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	l.calls = append(l.calls, "DescribeServices")
	return l.ECS.DescribeServices(ctx, in, opts...)
}

// DescribeServiceDeployments records the call and makes it.
func (l *readLog) DescribeServiceDeployments(ctx context.Context, in *ecs.DescribeServiceDeploymentsInput, opts ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error) {
	l.calls = append(l.calls, "DescribeServiceDeployments")
	return l.ECS.DescribeServiceDeployments(ctx, in, opts...)
}

// readsAfterService counts the DescribeServiceDeployments calls after the
// last DescribeServices.
func (l *readLog) readsAfterService() int {
	n := 0
	for _, c := range l.calls {
		switch c {
		case "DescribeServices":
			n = 0
		case "DescribeServiceDeployments":
			n++
		}
	}
	return n
}

// checkCreateFailure checks that CreateService, which returned err,
// reported the failed first deployment with no rollback (quoting the
// service deployment's ROLLBACK_FAILED status when quoted), and saw ECS's
// "deployment failed" event within the watch interval. With log, one
// DescribeServiceDeployments follows the wait's last DescribeServices:
// the stage read of that reading (WithEvents), which explains the
// failure too, or else the explanation's own read.
func checkCreateFailure(t *testing.T, e *fake.ECS, err error, before map[string]int, start time.Time, log *readLog, quoted bool) {
	t.Helper()
	var fe *ecsdeploy.DeploymentFailedError
	if !errors.As(err, &fe) {
		t.Fatalf("CreateService: %v, want a *DeploymentFailedError", err)
	}
	failed := bgFailedAt(t, e, fe.DeploymentID)
	seen := e.Now().Sub(failed)
	calls := delta(before, e.CallCounts())
	t.Logf("failed %v after the creation, seen %v later, calls %v: %v", failed.Sub(start), seen, calls, err)
	if failed.IsZero() || seen < 0 || seen > bgWatch {
		t.Fatalf("failure (at +%v) seen %v after it, want within %v", failed.Sub(start), seen, bgWatch)
	}
	if fe.RollbackStarted || fe.RolledBack || !errors.Is(fe.RollbackErr, ecsdeploy.ErrNoRollbackCandidate) || calls["UpdateService"] != 0 {
		t.Fatalf("failure %+v, calls %v: want no rollback, RollbackErr ErrNoRollbackCandidate, no update", fe, calls)
	}
	for i, want := range []string{"not rolled back: ECS found nothing to roll back to", "the service's first deployment", "ROLLBACK_FAILED",
		"No rollback candidate was found to run the rollback."} {
		if i >= 2 && !quoted {
			break
		}
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error %q does not say %q", err, want)
		}
	}
	if log != nil {
		if n := log.readsAfterService(); n != 1 {
			t.Errorf("%d DescribeServiceDeployments after the wait's last DescribeServices, want 1 (calls %v)", n, calls)
		}
	}
	svc := describeService(t, e, "web")
	if len(svc.Deployments) != 1 || svc.Deployments[0].RolloutState != types.DeploymentRolloutStateFailed {
		t.Fatalf("deployments %+v, want the failed first deployment alone", svc.Deployments)
	}
}

// TestBlueGreenCreateThenWait: Wait on a blue/green service created with
// WithNoWait follows its first deployment on the same blue/green schedule
// as CreateService (within one read and createMaxReads), and returns
// within one poll of its completion.
func TestBlueGreenCreateThenWait(t *testing.T) {
	for _, st := range bgStrategies {
		t.Run(st.name, func(t *testing.T) {
			e := fake.New()
			w := newBGWorld(t, e, e)
			in := w.serviceInput(t, st.set)
			before, start := e.CallCounts(), e.Now()
			if _, err := w.d.CreateService(t.Context(), in, ecsdeploy.WithNoWait()); err != nil {
				t.Fatal(err)
			}
			res, err := w.d.Wait(t.Context(), "prod", "web")
			if err != nil {
				t.Fatal(err)
			}
			calls := delta(before, e.CallCounts())
			completed := completionEventAt(t, describeService(t, e, "web"))
			t.Logf("%s create, then Wait: %v (virtual), returned %v after the completion, calls %v", st.name, e.Now().Sub(start), e.Now().Sub(completed), calls)
			if res.Deployment == nil || res.Deployment.RolloutState != types.DeploymentRolloutStateCompleted || completed.IsZero() ||
				e.Now().Sub(completed) > 5*time.Second {
				t.Fatalf("Wait returned at +%v, the deployment completed at +%v: want within one poll after it", e.Now().Sub(start), completed.Sub(start))
			}
			// Wait reads the service once before its schedule starts.
			if bound := createMaxReads[st.name]; calls["DescribeServices"] > bound[0]+1 || calls["DescribeServiceDeployments"] > bound[1]+1 {
				t.Errorf("calls %v, want at most %d DescribeServices and %d DescribeServiceDeployments", calls, bound[0]+1, bound[1]+1)
			}
		})
	}
}
