package ecsdeploy_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// lbEnv is a fake with an ALB forwarding to ip target group "web-tg" and a Deployer that sees it.
type lbEnv struct {
	e  *fake.ECS
	x  *fake.ELBv2
	d  ecsdeploy.Deployer
	tg string
}

func newLBEnv(t *testing.T) *lbEnv {
	t.Helper()
	e := fake.New()
	x := e.ELBv2()
	ctx := t.Context()
	if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: ptr("prod")}); err != nil {
		t.Fatal(err)
	}
	lb, err := x.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: ptr("web"), Subnets: []string{"subnet-us-east-1a", "subnet-us-east-1b"}})
	if err != nil {
		t.Fatal(err)
	}
	tg, err := x.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: ptr("web-tg"), Protocol: elbtypes.ProtocolEnumHttp, Port: ptr(int32(80)),
		VpcId: ptr("vpc-1"), TargetType: elbtypes.TargetTypeEnumIp, HealthCheckPath: ptr("/healthz")})
	if err != nil {
		t.Fatal(err)
	}
	arn := *tg.TargetGroups[0].TargetGroupArn
	if _, err := x.CreateListener(ctx, &elbv2.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn, Port: ptr(int32(80)),
		Protocol: elbtypes.ProtocolEnumHttp, DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: &arn}}}); err != nil {
		t.Fatal(err)
	}
	d := ecsdeploy.New(e, ecsdeploy.WithClock(e), ecsdeploy.WithPollInterval(5*time.Second)) // finds f.ELBv2() by itself
	return &lbEnv{e: e, x: x, d: d, tg: arn}
}

func (l *lbEnv) createService(t *testing.T, image string, desired int32) {
	t.Helper()
	td := taskDef("web", image)
	td.ContainerDefinitions[0].PortMappings = []types.PortMapping{{ContainerPort: ptr(int32(80))}}
	reg, err := l.d.Register(t.Context(), td)
	if err != nil {
		t.Fatal(err)
	}
	st, err := l.d.CreateService(t.Context(), &ecs.CreateServiceInput{Cluster: ptr("prod"), ServiceName: ptr("web"), TaskDefinition: &reg.Arn,
		DesiredCount: ptr(desired), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: awsvpc,
		DeploymentConfiguration: &types.DeploymentConfiguration{DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}},
		LoadBalancers:           []types.LoadBalancer{{TargetGroupArn: &l.tg, ContainerName: ptr("app"), ContainerPort: ptr(int32(80))}}})
	if err != nil {
		t.Fatalf("CreateService: %v", err)
	}
	if len(st.TargetGroups) != 1 || st.TargetGroups[0].Healthy != int(desired) || st.TargetGroups[0].Initial != 0 {
		t.Fatalf("CreateService returned with target groups %v, want %d healthy", st.TargetGroups, desired)
	}
}

// CreateService returns only once the new service's targets are healthy, and Status counts
// each target group's targets by state.
func TestDeployerWaitsForHealthyTargetsAndCountsThem(t *testing.T) {
	l := newLBEnv(t)
	start := l.e.Now()
	l.createService(t, "web:1", 2)
	// RUNNING at 20 s, registration 10 s, 5 checks at 30 s: healthy at 150 s.
	if took := l.e.Now().Sub(start); took < 150*time.Second {
		t.Fatalf("CreateService returned after %v, before the targets could be healthy", took)
	}
	st, err := l.d.Status(t.Context(), "prod", "web")
	if err != nil {
		t.Fatal(err)
	}
	if got := st.TargetGroups[0].String(); !strings.Contains(got, "targetgroup/web-tg/") || !strings.HasSuffix(got, ": 2 healthy") {
		t.Errorf("Status target group = %q", got)
	}
}

// A release that fails ELB health checks trips the circuit breaker; the Deployer's error names
// the target group, ELB's reason code and description, the group's health check and a hint.
func TestDeployExplainsELBHealthCheckFailure(t *testing.T) {
	l := newLBEnv(t)
	l.createService(t, "web:1", 1)
	if err := l.x.InjectHealthFault(fake.TargetHealthFault{Image: "web:broken", Code: 503}); err != nil {
		t.Fatal(err)
	}
	_, err := l.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: "web:broken"}, ecsdeploy.WithTimeout(time.Hour))
	var fe *ecsdeploy.DeploymentFailedError
	if !errors.As(err, &fe) {
		t.Fatalf("Deploy: %v", err)
	}
	if !fe.RollbackStarted || len(fe.LoadBalancer) != 1 {
		t.Fatalf("rollback started %v, load balancer failures %+v", fe.RollbackStarted, fe.LoadBalancer)
	}
	f := fe.LoadBalancer[0]
	if f.TargetGroupArn != l.tg || f.Tasks < 3 || f.Reason != "Target.ResponseCodeMismatch" || f.Description != "Health checks failed with these codes: [503]" ||
		f.Port != 80 || f.HealthCheckProtocol != "HTTP" || f.HealthCheckPath != "/healthz" || f.Matcher != "200" || f.HealthCheckPort != "traffic-port" {
		t.Fatalf("%+v", f)
	}
	msg := err.Error()
	for _, want := range []string{"failed ELB health checks in " + l.tg, "Target.ResponseCodeMismatch", "health check HTTP port traffic-port path /healthz expecting 200", "hint: "} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
}

// Without read access to ELB (or when it fails), a deployment ECS completed is still a success:
// the Deployer says it could not read target health and Status has no counts.
func TestTargetHealthReadErrorsDoNotFailADeploy(t *testing.T) {
	l := newLBEnv(t)
	l.createService(t, "web:1", 1)
	l.e.FailOperation("DescribeTargetHealth", "AccessDeniedException", 0, 0)
	var notes []string
	d := ecsdeploy.New(l.e, ecsdeploy.WithClock(l.e), ecsdeploy.WithRetryAttempts(1), ecsdeploy.WithEvents(func(ev ecsdeploy.Event) {
		if a, ok := ev.(*ecsdeploy.ActionEvent); ok {
			notes = append(notes, a.Message)
		}
	}))
	if _, err := d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: "web:2"}); err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	if !strings.Contains(strings.Join(notes, "\n"), "could not read the target health of service web") {
		t.Errorf("no note about target health: %q", notes)
	}
	st, err := d.Status(t.Context(), "prod", "web")
	if err != nil || st.TargetGroups != nil {
		t.Errorf("Status: %v, target groups %v", err, st.TargetGroups)
	}
}
