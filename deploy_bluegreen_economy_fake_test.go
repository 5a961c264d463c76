package ecsdeploy_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/smithy-go"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// bgWatch is the longest the Deployer goes without reading a blue/green
// deployment at the tests' 5 s poll interval: 12 polls (docs/deployer.md,
// "Blue/green, linear and canary deployments").
const bgWatch = time.Minute

// bgStrategy is a blue/green-family strategy the economy tests deploy
// with, and the calls its deploys may make (measured figures, with a
// margin of 2 DescribeServices).
type bgStrategy struct {
	name string
	set  func(*ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder
	// maxReads is the most DescribeServices of the first and the second
	// deploy.
	maxReads [2]int
}

var bgStrategies = []bgStrategy{
	{"BLUE_GREEN", func(b *ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder { return b.BlueGreen(5) }, [2]int{22, 19}},
	{"CANARY", func(b *ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder { return b.Canary(10, 2, 3) }, [2]int{22, 19}},
	{"LINEAR", func(b *ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder { return b.Linear(25, 1, 3) }, [2]int{23, 20}},
}

// TestBlueGreenEconomy: a first and a second deploy of a blue/green,
// canary and linear service (2 tasks, the target groups' default 300 s
// deregistration delay) return within one poll of blue's clean-up, with
// the reads the schedule plans: one DescribeTargetGroupAttributes (the
// delay of the group blue drains from), the service read once per watch
// interval plus a few around the predicted instants (bounds in
// bgStrategies), the stage read only while green scales up and when it
// may have changed. In process and over HTTP through the SDK's ECS and
// ELB clients, with the same figures.
func TestBlueGreenEconomy(t *testing.T) {
	for _, st := range bgStrategies {
		t.Run(st.name, func(t *testing.T) {
			inProcessAndOverHTTP(t, func(t *testing.T, w *bgWorld) { blueGreenEconomy(t, w, st) })
		})
	}
}

func blueGreenEconomy(t *testing.T, w *bgWorld, st bgStrategy) {
	e := w.e
	w.create(t, st.set)
	var reads [2]int
	for i, image := range []string{"nginx:2", "nginx:3"} {
		blueTD := aws.ToString(describeService(t, e, "web").TaskDefinition)
		before, start := e.CallCounts(), e.Now()
		res, err := w.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: image})
		if err != nil {
			t.Fatal(err)
		}
		calls := delta(before, e.CallCounts())
		took := e.Now().Sub(start)
		cleaned := lastStopped(t, e, blueTD)
		if res.Status.Deployment.RolloutState != types.DeploymentRolloutStateCompleted || cleaned.IsZero() ||
			e.Now().Before(cleaned) || e.Now().Sub(cleaned) > 5*time.Second {
			t.Fatalf("deploy %d returned at +%v, blue's last task stopped at +%v: want within one poll after it", i+1, took, cleaned.Sub(start))
		}
		reads[i] = calls["DescribeServices"]
		t.Logf("%s deploy %d: %v (virtual), returned %v after the clean-up, calls %v", st.name, i+1, took, e.Now().Sub(cleaned), calls)
		if calls["UpdateService"] != 1 || calls["DescribeTargetGroupAttributes"] != 1 || calls["DescribeTargetHealth"] != 2 {
			t.Errorf("deploy %d: calls %v, want 1 UpdateService, 1 DescribeTargetGroupAttributes (blue's group), 2 DescribeTargetHealth", i+1, calls)
		}
		if reads[i] > st.maxReads[i] {
			t.Errorf("deploy %d: %d DescribeServices, want at most %d", i+1, reads[i], st.maxReads[i])
		}
		// Every read of the service is at most a watch interval after the
		// previous one, so it cannot read less than this.
		if least := int(took / bgWatch); reads[i] < least {
			t.Errorf("deploy %d: %d DescribeServices in %v: fewer than one per watch interval (%d)", i+1, reads[i], took, least)
		}
		if sd := calls["DescribeServiceDeployments"]; sd > reads[i]/2 {
			t.Errorf("deploy %d: %d DescribeServiceDeployments for %d DescribeServices, want at most half", i+1, sd, reads[i])
		}
	}
	if reads[1] >= reads[0] {
		t.Errorf("DescribeServices %v: the second deploy, which knows the clean-up, should read less", reads)
	}
}

// triggerClock is the fake's virtual clock for a Deployer, which runs fn
// once, at the virtual instant at, inside the Deployer's sleep that spans
// it: what someone else does while Deploy waits.
type triggerClock struct {
	e    *fake.ECS
	at   time.Time
	fn   func()
	done bool
}

func (c *triggerClock) Now() time.Time { return c.e.Now() }

func (c *triggerClock) Sleep(ctx context.Context, d time.Duration) error {
	if until := c.at.Sub(c.e.Now()); !c.done && until <= d {
		if until > 0 {
			if err := c.e.Sleep(ctx, until); err != nil {
				return err
			}
			d -= until
		}
		c.done = true
		c.fn()
	}
	return c.e.Sleep(ctx, d)
}

// stageOf is the lifecycle stage of service web's current service
// deployment.
func stageOf(t testing.TB, e *fake.ECS) types.ServiceDeploymentLifecycleStage {
	t.Helper()
	arn := describeService(t, e, "web").CurrentServiceDeployment
	out, err := e.DescribeServiceDeployments(context.Background(), &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{aws.ToString(arn)}})
	if err != nil || len(out.ServiceDeployments) != 1 {
		t.Fatalf("DescribeServiceDeployments: %v", err)
	}
	return out.ServiceDeployments[0].LifecycleStage
}

// bgFailedAt is the instant of the service's "(deployment id) deployment
// failed" event (zero: none).
func bgFailedAt(t testing.TB, e *fake.ECS, id string) time.Time {
	t.Helper()
	for _, ev := range describeService(t, e, "web").Events {
		if strings.Contains(aws.ToString(ev.Message), "(deployment "+id+") deployment failed") {
			return aws.ToTime(ev.CreatedAt)
		}
	}
	return time.Time{}
}

// TestBlueGreenRollbackDuringBakeSeenWithinWatch: someone rolls a
// BLUE_GREEN deployment back (StopServiceDeployment ROLLBACK) at various
// instants of a 30-minute bake; Deploy reports the failure, with the
// rollback started, within the watch interval of it (it read the service
// at least once a minute), not at the bake's predicted end.
func TestBlueGreenRollbackDuringBakeSeenWithinWatch(t *testing.T) {
	for _, after := range []time.Duration{5 * time.Minute, 5*time.Minute + 17*time.Second, 11*time.Minute + 43*time.Second, 29 * time.Minute} {
		t.Run(after.String(), func(t *testing.T) {
			e := fake.New()
			w := newBGWorld(t, e, e)
			w.create(t, func(b *ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder { return b.BlueGreen(30) })
			blueTD := aws.ToString(describeService(t, e, "web").TaskDefinition)
			start := e.Now()
			var stage types.ServiceDeploymentLifecycleStage
			clock := &triggerClock{e: e, at: start.Add(after), fn: func() {
				stage = stageOf(t, e)
				arn := describeService(t, e, "web").CurrentServiceDeployment
				if _, err := e.StopServiceDeployment(context.Background(), &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: arn,
					StopType: types.StopServiceDeploymentStopTypeRollback}); err != nil {
					t.Error(err)
				}
			}}
			_, err := w.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: "nginx:2"}, ecsdeploy.WithClock(clock))
			if !clock.done || stage != types.ServiceDeploymentLifecycleStageBakeTime {
				t.Fatalf("rollback at +%v not made during the bake (stage %q); Deploy: %v", after, stage, err)
			}
			var fe *ecsdeploy.DeploymentFailedError
			if !errors.As(err, &fe) || !fe.RollbackStarted || fe.RollbackBy != "outside" || fe.RollbackTaskDefinition != blueTD {
				t.Fatalf("Deploy: %v, want a *DeploymentFailedError with the rollback to %s started by someone else", err, blueTD)
			}
			seen := e.Now().Sub(clock.at)
			t.Logf("rolled back %v after the update, seen %v later: %v", after, seen, err)
			if seen > bgWatch {
				t.Fatalf("the rollback was seen %v after it was made, want within %v", seen, bgWatch)
			}
		})
	}
}

// TestBlueGreenFailureDuringBakeSeenWithinWatch: the failures ECS itself
// reports during a blue/green bake, a deployment alarm going to ALARM and
// green's tasks crashing with the circuit breaker on, are seen within the
// watch interval of ECS's "deployment failed" event: the default minute,
// or 15 s with WithWatchInterval.
func TestBlueGreenFailureDuringBakeSeenWithinWatch(t *testing.T) {
	for _, watch := range []time.Duration{0, 15 * time.Second} {
		bound, opts := bgWatch, []ecsdeploy.Option(nil)
		if watch > 0 {
			bound, opts = watch, []ecsdeploy.Option{ecsdeploy.WithWatchInterval(watch)}
		}
		t.Run(fmt.Sprintf("alarm, watch %v", bound), func(t *testing.T) {
			e := fake.New()
			w := newBGWorld(t, e, e)
			cw := e.CloudWatch()
			putAlarm(t, e)
			w.create(t, func(b *ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder {
				return b.BlueGreen(20).DeploymentAlarms(true, "web-5xx")
			})
			before, start := e.CallCounts(), e.Now()
			var stage types.ServiceDeploymentLifecycleStage
			clock := &triggerClock{e: e, at: start.Add(7*time.Minute + 13*time.Second), fn: func() {
				stage = stageOf(t, e)
				fireAlarm(t, cw, "errors after the shift")
			}}
			_, err := w.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: "nginx:2"},
				append(opts, ecsdeploy.WithClock(clock))...)
			var ae *ecsdeploy.AlarmFailedError
			if !clock.done || stage != types.ServiceDeploymentLifecycleStageBakeTime || !errors.As(err, &ae) {
				t.Fatalf("alarm set in stage %q; Deploy: %v, want an *AlarmFailedError", stage, err)
			}
			checkSeenWithin(t, e, err, before, start, bound)
		})
		t.Run(fmt.Sprintf("circuit breaker, watch %v", bound), func(t *testing.T) {
			e := fake.New()
			w := newBGWorld(t, e, e)
			w.create(t, func(b *ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder {
				return b.DesiredCount(3).BlueGreen(20).CircuitBreaker(true)
			})
			// Green's three tasks crash 6 minutes after RUNNING, in the bake
			// (healthy by then: not counted), and their replacements 10 s
			// after RUNNING, before they count healthy: three failures.
			for _, f := range []fake.Fault{{Image: "nginx:2", Action: fake.FaultExit, ExitCode: 1, After: 6 * time.Minute, Times: 3},
				{Image: "nginx:2", Action: fake.FaultExit, ExitCode: 1, After: 10 * time.Second}} {
				if err := e.InjectFault(f); err != nil {
					t.Fatal(err)
				}
			}
			before, start := e.CallCounts(), e.Now()
			var stage types.ServiceDeploymentLifecycleStage
			w.on = func(ev ecsdeploy.Event) {
				if s, ok := ev.(*ecsdeploy.ServiceEvent); ok && strings.Contains(s.String(), "deployment failed") && stage == "" {
					stage = stageOf(t, e)
				}
			}
			_, err := w.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: "nginx:2"}, opts...)
			var fe *ecsdeploy.DeploymentFailedError
			if !errors.As(err, &fe) || fe.RollbackBy != "circuit-breaker" {
				t.Fatalf("Deploy: %v, want the circuit breaker's failure", err)
			}
			if stage != types.ServiceDeploymentLifecycleStageBakeTime {
				t.Fatalf("failed in stage %q, want BAKE_TIME", stage)
			}
			checkSeenWithin(t, e, err, before, start, bound)
		})
	}
}

// checkSeenWithin checks that Deploy, which returned err, saw ECS's
// "deployment failed" event within watch (the watch interval).
func checkSeenWithin(t *testing.T, e *fake.ECS, err error, before map[string]int, start time.Time, watch time.Duration) {
	t.Helper()
	var fe *ecsdeploy.DeploymentFailedError
	if !errors.As(err, &fe) {
		t.Fatalf("Deploy: %v", err)
	}
	failed := bgFailedAt(t, e, fe.DeploymentID)
	seen := e.Now().Sub(failed)
	t.Logf("failed %v after the update, seen %v later, calls %v: %v", failed.Sub(start), seen, delta(before, e.CallCounts()), err)
	if failed.IsZero() || seen < 0 || seen > watch {
		t.Fatalf("failure (at +%v) seen %v after it, want within %v", failed.Sub(start), seen, watch)
	}
}

// TestBlueGreenOutsideRollbackAwaited: with WithRollback, a rollback
// someone else started during the bake is awaited (production back on
// blue, RolledBack), and the Deployer starts none of its own.
func TestBlueGreenOutsideRollbackAwaited(t *testing.T) {
	e := fake.New()
	w := newBGWorld(t, e, e)
	w.create(t, func(b *ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder { return b.BlueGreen(30) })
	blueTD := aws.ToString(describeService(t, e, "web").TaskDefinition)
	before, start := e.CallCounts(), e.Now()
	clock := &triggerClock{e: e, at: start.Add(9 * time.Minute), fn: func() {
		arn := describeService(t, e, "web").CurrentServiceDeployment
		if _, err := e.StopServiceDeployment(context.Background(), &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: arn,
			StopType: types.StopServiceDeploymentStopTypeRollback}); err != nil {
			t.Error(err)
		}
	}}
	_, err := w.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: "nginx:2"}, ecsdeploy.WithClock(clock), ecsdeploy.WithRollback())
	calls := delta(before, e.CallCounts())
	var fe *ecsdeploy.DeploymentFailedError
	if !errors.As(err, &fe) || !fe.RolledBack || fe.RollbackBy != "outside" || fe.RollbackTaskDefinition != blueTD {
		t.Fatalf("Deploy: %v, want the outside rollback to %s awaited to completion", err, blueTD)
	}
	if calls["UpdateService"] != 1 {
		t.Fatalf("calls %v: the Deployer updated the service again (a rollback of its own) while ECS rolled back", calls)
	}
	if b, g := w.alb.prodWeights(t, e.ELBv2()); b != 100 || g != 0 {
		t.Fatalf("production weights blue %d green %d after the rollback, want 100/0", b, g)
	}
	t.Logf("rollback made %v after the update, Deploy returned %v after it, calls %v", clock.at.Sub(start), e.Now().Sub(clock.at), calls)
}

// TestBlueGreenStagesReportedWithinWatch: with WithEvents, each lifecycle
// stage that lasts a watch interval or longer (SCALE_UP, a canary's or
// linear steps' PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME, CLEAN_UP) is
// reported, within the watch interval of its start (the service
// deployment's updatedAt, which the fake stamps when the stage begins).
func TestBlueGreenStagesReportedWithinWatch(t *testing.T) {
	for _, st := range bgStrategies {
		t.Run(st.name, func(t *testing.T) {
			e := fake.New()
			w := newBGWorld(t, e, e)
			w.create(t, st.set)
			late := map[string]time.Duration{}
			w.on = func(ev ecsdeploy.Event) {
				s, ok := ev.(*ecsdeploy.StageEvent)
				if !ok || s.Status != types.ServiceDeploymentStatusInProgress {
					return
				}
				out, err := e.DescribeServiceDeployments(context.Background(), &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{s.ServiceDeploymentArn}})
				if err != nil || len(out.ServiceDeployments) != 1 {
					t.Errorf("DescribeServiceDeployments: %v", err)
					return
				}
				late[string(s.Stage)] = s.At.Sub(aws.ToTime(out.ServiceDeployments[0].UpdatedAt))
			}
			if _, err := w.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: "nginx:2"}); err != nil {
				t.Fatal(err)
			}
			want := []string{"SCALE_UP", "BAKE_TIME", "CLEAN_UP"}
			if st.name != "BLUE_GREEN" {
				want = append(want, "PRODUCTION_TRAFFIC_SHIFT")
			}
			t.Logf("reported after the stage began: %v", late)
			for _, stage := range want {
				if d, ok := late[stage]; !ok || d < 0 || d > bgWatch {
					t.Errorf("stage %s reported %v after it began (reported: %v), want within %v", stage, d, ok, bgWatch)
				}
			}
		})
	}
}

// refusingAttributes is an ELB client whose DescribeTargetGroupAttributes
// is refused (no IAM permission).
type refusingAttributes struct{ ecsdeploy.LoadBalancerAPI }

func (refusingAttributes) DescribeTargetGroupAttributes(context.Context, *elbv2.DescribeTargetGroupAttributesInput, ...func(*elbv2.Options)) (*elbv2.DescribeTargetGroupAttributesOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized to perform: elasticloadbalancing:DescribeTargetGroupAttributes"}
}

// TestBlueGreenWithoutDeregistrationDelay: when the deregistration delay
// cannot be read, a blue/green deploy still completes and returns within
// one poll of the clean-up (it reads every poll through the clean-up).
func TestBlueGreenWithoutDeregistrationDelay(t *testing.T) {
	e := fake.New()
	w := newBGWorld(t, e, e, ecsdeploy.WithLoadBalancers(refusingAttributes{e.ELBv2()}))
	w.create(t, func(b *ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder { return b.BlueGreen(5) })
	blueTD := aws.ToString(describeService(t, e, "web").TaskDefinition)
	before, start := e.CallCounts(), e.Now()
	if _, err := w.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: "nginx:2"}); err != nil {
		t.Fatal(err)
	}
	calls := delta(before, e.CallCounts())
	cleaned := lastStopped(t, e, blueTD)
	t.Logf("deploy took %v, returned %v after the clean-up, calls %v", e.Now().Sub(start), e.Now().Sub(cleaned), calls)
	if cleaned.IsZero() || e.Now().Before(cleaned) || e.Now().Sub(cleaned) > 5*time.Second {
		t.Fatalf("returned at +%v, blue's last task stopped at +%v", e.Now().Sub(start), cleaned.Sub(start))
	}
}
