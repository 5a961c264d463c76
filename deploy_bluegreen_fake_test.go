package ecsdeploy_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// bgALB is an Application Load Balancer with target groups blue (web-tg)
// and green (web-tg-2) and, on its :80 listener, a production rule and a
// test rule forwarding blue 100 / green 0: what an ECS-native blue/green
// service needs. tg and alt are the service's targetGroupArn and
// alternateTargetGroupArn; blue and green name the groups by role for the
// next deployment (bgWorld.create swaps them once a blue/green service's
// first deployment went to the alternate group).
type bgALB struct {
	blue, green, prod, test string
	tg, alt                 string
}

// newBlueGreenALB creates bgALB in x.
func newBlueGreenALB(t testing.TB, x *fake.ELBv2) bgALB {
	t.Helper()
	s, err := makeBlueGreenALB(x)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// makeBlueGreenALB creates bgALB in x.
func makeBlueGreenALB(x *fake.ELBv2) (bgALB, error) {
	ctx := context.Background()
	lb, err := x.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: ptr("web-lb"), Subnets: []string{"subnet-us-east-1a", "subnet-us-east-1b"}})
	if err != nil {
		return bgALB{}, err
	}
	var s bgALB
	for _, g := range []struct {
		name string
		arn  *string
	}{{"web-tg", &s.blue}, {"web-tg-2", &s.green}} {
		out, err := x.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: ptr(g.name), Protocol: elbtypes.ProtocolEnumHttp, Port: ptr(int32(80)),
			VpcId: ptr("vpc-1"), TargetType: elbtypes.TargetTypeEnumIp})
		if err != nil {
			return s, err
		}
		*g.arn = *out.TargetGroups[0].TargetGroupArn
	}
	s.tg, s.alt = s.blue, s.green
	l, err := x.CreateListener(ctx, &elbv2.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn, Port: ptr(int32(80)),
		Protocol: elbtypes.ProtocolEnumHttp, DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: &s.blue}}})
	if err != nil {
		return s, err
	}
	fwd := []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{
		{TargetGroupArn: &s.blue, Weight: ptr(int32(100))}, {TargetGroupArn: &s.green, Weight: ptr(int32(0))}}}}}
	for _, r := range []struct {
		prio int32
		cond elbtypes.RuleCondition
		arn  *string
	}{
		{1, elbtypes.RuleCondition{Field: ptr("path-pattern"), Values: []string{"/*"}}, &s.prod},
		{2, elbtypes.RuleCondition{Field: ptr("http-header"), HttpHeaderConfig: &elbtypes.HttpHeaderConditionConfig{HttpHeaderName: ptr("X-Test"), Values: []string{"1"}}}, &s.test},
	} {
		out, err := x.CreateRule(ctx, &elbv2.CreateRuleInput{ListenerArn: l.Listeners[0].ListenerArn, Priority: &r.prio,
			Conditions: []elbtypes.RuleCondition{r.cond}, Actions: fwd})
		if err != nil {
			return s, err
		}
		*r.arn = *out.Rules[0].RuleArn
	}
	return s, nil
}

// routing is the service's advancedConfiguration for s.
func (s bgALB) routing() ecsdeploy.BlueGreenRouting {
	return ecsdeploy.BlueGreenRouting{AlternateTargetGroupArn: s.alt, ProductionListenerRule: s.prod, TestListenerRule: s.test,
		RoleArn: "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers"}
}

// prodWeights is the production rule's weights, blue's and green's.
func (s bgALB) prodWeights(t testing.TB, x *fake.ELBv2) (blue, green int32) {
	t.Helper()
	out, err := x.DescribeRules(context.Background(), &elbv2.DescribeRulesInput{RuleArns: []string{s.prod}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range out.Rules[0].Actions[0].ForwardConfig.TargetGroups {
		switch aws.ToString(tt.TargetGroupArn) {
		case s.blue:
			blue = aws.ToInt32(tt.Weight)
		case s.green:
			green = aws.ToInt32(tt.Weight)
		}
	}
	return blue, green
}

// webTD is a Fargate definition of family web: container "app" (image)
// listening on port 80.
func webTD(image string) *ecs.RegisterTaskDefinitionInput {
	td := taskDef("web", image)
	td.ContainerDefinitions[0].PortMappings = []types.PortMapping{{ContainerPort: ptr(int32(80))}}
	return td
}

// bgWorld is a fake with cluster prod, a bgALB and a Deployer (poll 5 s,
// virtual time) over api.
type bgWorld struct {
	e   *fake.ECS
	alb bgALB
	d   ecsdeploy.Deployer
	// events are the Deployer's events; on, when set, sees each.
	events []ecsdeploy.Event
	on     func(ecsdeploy.Event)
}

func newBGWorld(t testing.TB, e *fake.ECS, api ecsdeploy.API, opts ...ecsdeploy.Option) *bgWorld {
	t.Helper()
	if _, err := e.CreateCluster(context.Background(), &ecs.CreateClusterInput{ClusterName: ptr("prod")}); err != nil {
		t.Fatal(err)
	}
	w := &bgWorld{e: e, alb: newBlueGreenALB(t, e.ELBv2())}
	opts = append([]ecsdeploy.Option{ecsdeploy.WithClock(e), ecsdeploy.WithPollInterval(5 * time.Second),
		ecsdeploy.WithEvents(func(ev ecsdeploy.Event) {
			w.events = append(w.events, ev)
			if w.on != nil {
				w.on(ev)
			}
		})}, opts...)
	w.d = ecsdeploy.New(api, opts...)
	return w
}

// create registers web (nginx:1) and creates service web (2 tasks) with
// the strategy set by strategy, through the ServiceBuilder. A blue/green
// service's first deployment is a blue/green one into the alternate group:
// create waits for it to complete and swaps w.alb's roles (web:1 is then
// blue, in web-tg-2).
func (w *bgWorld) create(t testing.TB, strategy func(*ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder) {
	t.Helper()
	in := w.serviceInput(t, strategy)
	if _, err := w.d.CreateService(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if in.DeploymentConfiguration == nil || in.DeploymentConfiguration.Strategy == "" || in.DeploymentConfiguration.Strategy == types.DeploymentStrategyRolling {
		return
	}
	// CreateService waited for the first deployment's completion.
	if d := describeService(t, w.e, "web").Deployments; len(d) != 1 || d[0].RolloutState != types.DeploymentRolloutStateCompleted {
		t.Fatalf("the first blue/green deployment did not complete: %+v", d)
	}
	w.alb.blue, w.alb.green = w.alb.alt, w.alb.tg
}

// lastStopped is when the last task of service web with task definition
// td reached STOPPED (zero: none).
func lastStopped(t testing.TB, e *fake.ECS, td string) time.Time {
	t.Helper()
	var last time.Time
	for _, tk := range e.Tasks("prod") {
		if aws.ToString(tk.TaskDefinitionArn) == td && aws.ToString(tk.LastStatus) == "STOPPED" && aws.ToTime(tk.StoppedAt).After(last) {
			last = aws.ToTime(tk.StoppedAt)
		}
	}
	return last
}

// TestDeployBlueGreenWaitsForCleanUp: Deploy of a BLUE_GREEN service
// returns success only once its deployment is COMPLETED, that is after
// green's traffic shift, the bake time and the clean-up of blue (blue's
// last task stopped), within one poll of it, with production on green and
// the targets of green healthy; and with few calls.
//
// Over HTTP the Deployer reads the fake through the Go SDK's ECS and ELB
// clients (faketest.Server), and sees the same.
func TestDeployBlueGreenWaitsForCleanUp(t *testing.T) {
	inProcessAndOverHTTP(t, blueGreenWaitsForCleanUp)
}

// inProcessAndOverHTTP runs fn on a bgWorld whose Deployer reads the fake
// in process (subtest InProcess) and over HTTP through the Go SDK's ECS
// and ELB clients (faketest.Server; subtest OverHTTP).
func inProcessAndOverHTTP(t *testing.T, fn func(*testing.T, *bgWorld)) {
	t.Run("InProcess", func(t *testing.T) {
		e := fake.New()
		fn(t, newBGWorld(t, e, e))
	})
	t.Run("OverHTTP", func(t *testing.T) {
		srv := faketest.NewServer(t)
		api := srv.NewClient(func(o *ecs.Options) { o.Retryer = aws.NopRetryer{} })
		fn(t, newBGWorld(t, srv.ECS, api, ecsdeploy.WithLoadBalancers(srv.NewELBv2Client())))
	})
}

// putAlarm creates CloudWatch alarm web-5xx in e (sum of App/Errors over
// one 60 s period above 5), the deployment alarm the tests set off.
func putAlarm(t testing.TB, e *fake.ECS) {
	t.Helper()
	if _, err := e.CloudWatch().PutMetricAlarm(context.Background(), &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("web-5xx"), Namespace: aws.String("App"),
		MetricName: aws.String("Errors"), Statistic: cwtypes.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1),
		Threshold: aws.Float64(5), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold, TreatMissingData: aws.String("notBreaching")}); err != nil {
		t.Fatal(err)
	}
}

// fireAlarm sets the alarm "web-5xx" of cw to ALARM with reason (a test's
// failure is reported with t.Error: it runs in event and clock callbacks).
func fireAlarm(t testing.TB, cw *fake.CloudWatch, reason string) {
	t.Helper()
	if _, err := cw.SetAlarmState(t.Context(), &cloudwatch.SetAlarmStateInput{AlarmName: aws.String("web-5xx"),
		StateValue: cwtypes.StateValueAlarm, StateReason: aws.String(reason)}); err != nil {
		t.Error(err)
	}
}

func blueGreenWaitsForCleanUp(t *testing.T, w *bgWorld) {
	e := w.e
	w.create(t, func(b *ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder { return b.BlueGreen(5) })
	blueTD := aws.ToString(describeService(t, e, "web").TaskDefinition)
	before := e.CallCounts()
	start := e.Now()
	res, err := w.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: "nginx:2"})
	if err != nil {
		t.Fatal(err)
	}
	took := e.Now().Sub(start)
	calls := delta(before, e.CallCounts())
	if d := res.Status.Deployment; d == nil || d.RolloutState != types.DeploymentRolloutStateCompleted || aws.ToString(d.Id) != res.DeploymentID {
		t.Fatalf("Deploy returned with deployment %+v", res.Status.Deployment)
	}
	cleaned := lastStopped(t, e, blueTD)
	if cleaned.IsZero() || e.Now().Before(cleaned) || e.Now().Sub(cleaned) > 5*time.Second {
		t.Fatalf("Deploy returned at %v, blue's last task stopped at %v: want within one poll after it", e.Now(), cleaned)
	}
	if cleaned.Sub(start) < 5*time.Minute {
		t.Fatalf("blue cleaned up %v after the update: the bake time (5 min) was not waited for", cleaned.Sub(start))
	}
	if b, g := w.alb.prodWeights(t, e.ELBv2()); b != 0 || g != 100 {
		t.Fatalf("production weights blue %d green %d, want 0/100", b, g)
	}
	healthy := 0
	for _, h := range res.Status.TargetGroups {
		healthy += h.Healthy
	}
	if healthy != 2 || len(res.Status.TargetGroups) != 2 {
		t.Fatalf("target groups %v, want both groups read and 2 healthy targets (green's)", res.Status.TargetGroups)
	}
	stages := lifecycleStages(w.events)
	t.Logf("blue/green deploy took %v (virtual), clean-up done %v after the update, calls %v, stages %v", took, cleaned.Sub(start), calls, stages)
	// The poll schedule knows the bake and the clean-up's drain: one read
	// per watch interval (1 min) and a few around the predicted instants
	// (poll_bluegreen.go; the figures: TestBlueGreenEconomy).
	polls := int(took/time.Minute) + 8
	if calls["UpdateService"] != 1 || calls["RegisterTaskDefinition"] != 1 || calls["DescribeServices"] > polls || calls["DescribeServiceDeployments"] > polls/2 {
		t.Fatalf("calls %v, want 1 update, at most %d DescribeServices (one per minute and 8 more) and %d DescribeServiceDeployments", calls, polls, polls/2)
	}
	want := []string{"SCALE_UP", "BAKE_TIME", "CLEAN_UP"}
	if len(stages) < 3 || !containsInOrder(stages, want) {
		t.Fatalf("stages reported %v, want %v among them in order", stages, want)
	}
}

// describeService reads service web of cluster prod.
func describeService(t testing.TB, e *fake.ECS, name string) types.Service {
	t.Helper()
	out, err := e.DescribeServices(context.Background(), &ecs.DescribeServicesInput{Cluster: ptr("prod"), Services: []string{name}})
	if err != nil || len(out.Services) != 1 {
		t.Fatalf("DescribeServices: %v", err)
	}
	return out.Services[0]
}

// lifecycleStages lists the lifecycle stages the Deployer reported.
func lifecycleStages(evs []ecsdeploy.Event) []string {
	var out []string
	for _, ev := range evs {
		if s, ok := ev.(*ecsdeploy.StageEvent); ok {
			out = append(out, string(s.Stage))
		}
	}
	return out
}

// containsInOrder reports whether want appears in got in order.
func containsInOrder(got, want []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}

// TestDeployCanaryWaitsForCleanUp: a CANARY deploy (10% for 2 minutes,
// then the rest, bake 3 minutes) returns once blue is cleaned up, with
// production on green, and reports the traffic shift stage.
func TestDeployCanaryWaitsForCleanUp(t *testing.T) {
	e := fake.New()
	w := newBGWorld(t, e, e)
	w.create(t, func(b *ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder { return b.Canary(10, 2, 3) })
	blueTD := aws.ToString(describeService(t, e, "web").TaskDefinition)
	before, start := e.CallCounts(), e.Now()
	res, err := w.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: "nginx:2"})
	if err != nil {
		t.Fatal(err)
	}
	calls := delta(before, e.CallCounts())
	cleaned := lastStopped(t, e, blueTD)
	if res.Status.Deployment.RolloutState != types.DeploymentRolloutStateCompleted || cleaned.IsZero() || e.Now().Sub(cleaned) > 5*time.Second || e.Now().Before(cleaned) {
		t.Fatalf("Deploy returned at %v (deployment %+v), blue's last task stopped at %v", e.Now(), res.Status.Deployment, cleaned)
	}
	if cleaned.Sub(start) < 5*time.Minute {
		t.Fatalf("blue cleaned up %v after the update: canary bake (2 min) + bake (3 min) not waited for", cleaned.Sub(start))
	}
	if b, g := w.alb.prodWeights(t, e.ELBv2()); b != 0 || g != 100 {
		t.Fatalf("production weights blue %d green %d, want 0/100", b, g)
	}
	stages := lifecycleStages(w.events)
	t.Logf("canary deploy took %v (virtual), calls %v, stages %v", e.Now().Sub(start), calls, stages)
	if !containsInOrder(stages, []string{"SCALE_UP", "PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP"}) {
		t.Fatalf("stages %v: want the canary's PRODUCTION_TRAFFIC_SHIFT (2 min long) between SCALE_UP and BAKE_TIME", stages)
	}
}

// TestDeployBlueGreenCircuitBreakerRollback: green's tasks fail to start;
// the circuit breaker fails the deployment and rolls back to blue, which
// kept production. Deploy returns a *DeploymentFailedError saying so, with
// the stopped tasks, and production still on blue.
func TestDeployBlueGreenCircuitBreakerRollback(t *testing.T) {
	e := fake.New()
	w := newBGWorld(t, e, e)
	w.create(t, func(b *ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder {
		return b.BlueGreen(5).CircuitBreaker(true)
	})
	blueTD := aws.ToString(describeService(t, e, "web").TaskDefinition)
	if err := e.InjectFault(fake.Fault{Image: "nginx:bad", Action: fake.FaultFailStart}); err != nil {
		t.Fatal(err)
	}
	before, start := e.CallCounts(), e.Now()
	_, err := w.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: "nginx:bad"})
	calls := delta(before, e.CallCounts())
	var fe *ecsdeploy.DeploymentFailedError
	if !errors.As(err, &fe) {
		t.Fatalf("Deploy: %v, want a *DeploymentFailedError", err)
	}
	if !fe.RollbackStarted || fe.RollbackBy != "circuit-breaker" || fe.RollbackTaskDefinition != blueTD || !fe.RolledBack || len(fe.StoppedTasks) == 0 {
		t.Fatalf("failure %+v: want the circuit breaker's completed rollback to %s and the stopped tasks", fe, blueTD)
	}
	if b, g := w.alb.prodWeights(t, e.ELBv2()); b != 100 || g != 0 {
		t.Fatalf("production weights blue %d green %d, want 100/0 (blue kept)", b, g)
	}
	if svc := describeService(t, e, "web"); aws.ToString(svc.TaskDefinition) != blueTD || svc.RunningCount != 2 {
		t.Fatalf("service after the rollback runs %s x%d", aws.ToString(svc.TaskDefinition), svc.RunningCount)
	}
	t.Logf("failed blue/green deploy returned after %v (virtual), calls %v: %v", e.Now().Sub(start), calls, err)
}

// TestDeployBlueGreenLongBakeOutlastsTheTimeout: with a bake of 30
// minutes, longer than the default 15-minute timeout, Deploy still waits
// for the clean-up: the timeout bounds ECS's work, and the wait gets the
// bake on top; a shorter timeout than the work outside the bake still
// times out.
func TestDeployBlueGreenLongBakeOutlastsTheTimeout(t *testing.T) {
	e := fake.New()
	w := newBGWorld(t, e, e)
	w.create(t, func(b *ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder { return b.BlueGreen(30) })
	start := e.Now()
	res, err := w.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: "nginx:2"})
	if err != nil || res.Status.Deployment.RolloutState != types.DeploymentRolloutStateCompleted {
		t.Fatalf("Deploy after %v: %v", e.Now().Sub(start), err)
	}
	if took := e.Now().Sub(start); took < 35*time.Minute {
		t.Fatalf("Deploy returned after %v, before bake (30 min) + clean-up", took)
	}
	_, err = w.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: "nginx:3"}, ecsdeploy.WithTimeout(time.Minute))
	if !errors.Is(err, ecsdeploy.ErrTimeout) {
		t.Fatalf("Deploy with a 1-minute timeout (+30 min bake): %v, want a timeout", err)
	}
}

// TestDeployBlueGreenAlarmDuringBakeRollsBack: a deployment alarm that
// goes to ALARM while green bakes (production already on green) fails the
// deploy with an *AlarmFailedError; ECS rolls back, production returns to
// blue, and the Deployer (WithRollback) waits for the rollback.
func TestDeployBlueGreenAlarmDuringBakeRollsBack(t *testing.T) {
	e := fake.New()
	w := newBGWorld(t, e, e)
	cw := e.CloudWatch()
	putAlarm(t, e)
	w.create(t, func(b *ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder {
		return b.BlueGreen(10).DeploymentAlarms(true, "web-5xx")
	})
	blueTD := aws.ToString(describeService(t, e, "web").TaskDefinition)
	var firedAt time.Time
	var greenWeight int32
	w.on = func(ev ecsdeploy.Event) {
		if s, ok := ev.(*ecsdeploy.StageEvent); ok && s.Stage == types.ServiceDeploymentLifecycleStageBakeTime && firedAt.IsZero() {
			firedAt = e.Now()
			_, greenWeight = w.alb.prodWeights(t, e.ELBv2())
			fireAlarm(t, cw, "errors after the shift")
		}
	}
	start := e.Now()
	_, err := w.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: "nginx:2"}, ecsdeploy.WithRollback())
	if firedAt.IsZero() || greenWeight != 100 {
		t.Fatalf("BAKE_TIME not reported with production on green (weight %d); Deploy: %v", greenWeight, err)
	}
	var ae *ecsdeploy.AlarmFailedError
	var fe *ecsdeploy.DeploymentFailedError
	if !errors.As(err, &ae) || ae.Alarm != "web-5xx" || !errors.As(err, &fe) || fe.RollbackBy != "alarm" || !fe.RolledBack || fe.RollbackTaskDefinition != blueTD {
		t.Fatalf("Deploy: %T %v; want an *AlarmFailedError naming web-5xx and the alarm's completed rollback to %s", err, err, blueTD)
	}
	if b, g := w.alb.prodWeights(t, e.ELBv2()); b != 100 || g != 0 {
		t.Fatalf("production weights blue %d green %d after the rollback, want 100/0", b, g)
	}
	t.Logf("alarm fired %v after the update; Deploy returned %v after it: %v", firedAt.Sub(start), e.Now().Sub(firedAt), err)
}

// TestDeploySwitchesRollingServiceToBlueGreen: a ServiceDefinition built
// with BlueGreen and BlueGreenLoadBalancer moves a rolling service to
// blue/green in the same Deploy as a new image (one UpdateService); that
// deployment is already a blue/green one and ends with production on the
// alternate group.
func TestDeploySwitchesRollingServiceToBlueGreen(t *testing.T) {
	e := fake.New()
	w := newBGWorld(t, e, e)
	w.create(t, func(b *ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder { return b.Rolling() })
	def, err := ecsdeploy.NewService("web").Cluster("prod").TaskDefinition("web").DesiredCount(2).Fargate().
		Network([]string{"subnet-0123456789abcdef0"}, nil, false).
		BlueGreenLoadBalancer(w.alb.tg, "app", 80, w.alb.routing()).BlueGreen(2).Build()
	if err != nil {
		t.Fatal(err)
	}
	before := e.CallCounts()
	res, err := w.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: "nginx:2", ServiceDefinition: def})
	if err != nil {
		t.Fatal(err)
	}
	calls := delta(before, e.CallCounts())
	svc := describeService(t, e, "web")
	if svc.DeploymentConfiguration.Strategy != types.DeploymentStrategyBlueGreen || svc.LoadBalancers[0].AdvancedConfiguration == nil || calls["UpdateService"] != 1 {
		t.Fatalf("service after the deploy: %+v %+v, calls %v", svc.DeploymentConfiguration, svc.LoadBalancers, calls)
	}
	if b, g := w.alb.prodWeights(t, e.ELBv2()); b != 0 || g != 100 {
		t.Fatalf("production weights blue %d green %d, want 0/100", b, g)
	}
	t.Logf("switch to blue/green with a new image: %v, stages %v, calls %v", res.Status, lifecycleStages(w.events), calls)
}

// TestDeployBlueGreenSecondDeployLearnsTheCleanUp: the second blue/green
// deploy of a service reads the service less: the schedule predicts the
// part of the clean-up beyond the deregistration delay (blue's tasks
// stopping) from the first one's events, and still returns within one
// poll of the clean-up.
func TestDeployBlueGreenSecondDeployLearnsTheCleanUp(t *testing.T) {
	e := fake.New()
	w := newBGWorld(t, e, e)
	w.create(t, func(b *ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder { return b.BlueGreen(5) })
	var reads [2]int
	for i, image := range []string{"nginx:2", "nginx:3"} {
		blueTD := aws.ToString(describeService(t, e, "web").TaskDefinition)
		before, start := e.CallCounts(), e.Now()
		if _, err := w.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: image}); err != nil {
			t.Fatal(err)
		}
		reads[i] = delta(before, e.CallCounts())["DescribeServices"]
		cleaned := lastStopped(t, e, blueTD)
		if e.Now().Before(cleaned) || e.Now().Sub(cleaned) > 5*time.Second {
			t.Fatalf("deploy %d returned at +%v, blue's last task stopped at +%v", i+1, e.Now().Sub(start), cleaned.Sub(start))
		}
		t.Logf("deploy %d: %v, %d DescribeServices, returned %v after the clean-up", i+1, e.Now().Sub(start), reads[i], e.Now().Sub(cleaned))
	}
	if reads[1] >= reads[0] {
		t.Fatalf("DescribeServices %v: the second deploy should read less than the first", reads)
	}
}

// TestDeployBlueGreenDeletedRuleRollbackNamed: the test listener rule
// deleted under a second deployment fails its TEST_TRAFFIC_SHIFT and ECS
// rolls back with no circuit breaker configured; Deploy reports the
// rollback as a lifecycle stage's (RollbackBy "lifecycle-stage", ECS's
// "lifecycle hook(s) failed" reason), not the circuit breaker's, and
// with WithRollback awaits ECS's rollback rather than starting its own.
func TestDeployBlueGreenDeletedRuleRollbackNamed(t *testing.T) {
	for _, rollback := range []bool{false, true} {
		t.Run(fmt.Sprintf("WithRollback=%v", rollback), func(t *testing.T) {
			e := fake.New()
			w := newBGWorld(t, e, e)
			w.create(t, func(b *ecsdeploy.ServiceBuilder) *ecsdeploy.ServiceBuilder { return b.BlueGreen(5) })
			blueTD := aws.ToString(describeService(t, e, "web").TaskDefinition)
			before := e.CallCounts()
			clock := &triggerClock{e: e, at: e.Now().Add(time.Second), fn: func() {
				if _, err := e.ELBv2().DeleteRule(context.Background(), &elbv2.DeleteRuleInput{RuleArn: aws.String(w.alb.test)}); err != nil {
					t.Error(err)
				}
			}}
			opts := []ecsdeploy.Option{ecsdeploy.WithClock(clock)}
			if rollback {
				opts = append(opts, ecsdeploy.WithRollback())
			}
			_, err := w.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: "nginx:2"}, opts...)
			var fe *ecsdeploy.DeploymentFailedError
			if !clock.done || !errors.As(err, &fe) {
				t.Fatalf("Deploy: %v, want a *DeploymentFailedError after the rule's deletion", err)
			}
			if !fe.RollbackStarted || fe.RollbackBy != "lifecycle-stage" || fe.RollbackTaskDefinition != blueTD || fe.RolledBack != rollback ||
				!strings.Contains(err.Error(), "TEST_TRAFFIC_SHIFT lifecycle hook(s) failed") || !strings.Contains(err.Error(), " (lifecycle-stage) to web:1") {
				t.Fatalf("Deploy: %v (%+v), want ECS's rollback to %s by the failed stage", err, fe, blueTD)
			}
			if n := delta(before, e.CallCounts())["UpdateService"]; n != 1 {
				t.Fatalf("%d UpdateService, want 1: ECS rolled back, the Deployer starts no rollback of its own", n)
			}
		})
	}
}
