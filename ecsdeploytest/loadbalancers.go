package ecsdeploytest

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/ecsdeploy/ecsdeploy"
)

// Load balancer scenarios: a service behind an ALB target group, deployed,
// failing the target group's health checks, and drained on every stop.

func (s *suite) needLB(t *testing.T) {
	t.Helper()
	if s.b.LoadBalancers == nil || s.b.TargetGroup == nil {
		t.Skip("backend has no LoadBalancers/TargetGroup hooks")
	}
}

// lbDeployer is the suite's Deployer seeing the backend's load balancers.
func (s *suite) lbDeployer(opts ...ecsdeploy.Option) ecsdeploy.Deployer {
	return s.deployer(append([]ecsdeploy.Option{ecsdeploy.WithLoadBalancers(s.b.LoadBalancers)}, opts...)...)
}

// lbTaskDef is taskDef with container port 80 (a dynamic host port in bridge mode).
func (s *suite) lbTaskDef(family, image string) *ecs.RegisterTaskDefinitionInput {
	in := s.taskDef(family, image, nil)
	in.ContainerDefinitions[0].PortMappings = []types.PortMapping{{ContainerPort: ptr(int32(80))}}
	return in
}

// newLBService creates svc behind a new target group and waits until its
// targets are healthy; it returns the task definition and target group.
func (s *suite) newLBService(t *testing.T, svc string, desired int32, br breaker, delay time.Duration) (td, tg string) {
	t.Helper()
	tt := "instance"
	if s.fargate() {
		tt = "ip"
	}
	tg = s.b.TargetGroup(t, tt, delay)
	td = s.register(t, s.lbTaskDef(svc, s.b.Image))
	in := &ecs.CreateServiceInput{
		Cluster: ptr(s.b.Cluster), ServiceName: ptr(svc), TaskDefinition: ptr(td), DesiredCount: ptr(desired), LaunchType: s.b.LaunchType,
		DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: ptr(int32(100)), MaximumPercent: ptr(int32(200)),
			DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: br != noBreaker, Rollback: br == breakerWithRollback}},
		LoadBalancers: []types.LoadBalancer{{TargetGroupArn: ptr(tg), ContainerName: ptr("app"), ContainerPort: ptr(int32(80))}},
	}
	if s.fargate() {
		in.NetworkConfiguration = s.b.NetworkConfiguration
	}
	t.Cleanup(func() { s.cleanupService(t, svc) })
	st, err := s.lbDeployer().CreateService(s.ctx(t), in)
	if err != nil {
		t.Fatalf("CreateService(%s) behind %s: %v", svc, tg, err)
	}
	s.checkSteady(t, st, td, desired)
	s.checkTargets(t, st, tg, int(desired))
	return td, tg
}

// checkTargets asserts the status counts healthy targets in tg and none
// initial or unhealthy.
func (s *suite) checkTargets(t *testing.T, st *ecsdeploy.Status, tg string, healthy int) {
	t.Helper()
	if st == nil || len(st.TargetGroups) != 1 || st.TargetGroups[0].TargetGroupArn != tg {
		t.Fatalf("status target groups = %v, want %s", st.TargetGroups, tg)
	}
	h := st.TargetGroups[0]
	if h.Healthy != healthy || h.Initial != 0 || h.Unhealthy != 0 {
		t.Errorf("target group %s, want %d healthy and none initial or unhealthy", h, healthy)
	}
}

// lbDeploy: a service behind an ALB reports success only once its targets
// are healthy; each running task is a registered, healthy target; a new
// image deploys and ends with the new tasks' targets healthy.
func (s *suite) lbDeploy(t *testing.T) {
	s.needLB(t)
	svc := s.name(t, "lb")
	_, tg := s.newLBService(t, svc, 2, breakerWithRollback, 0)
	res, err := s.lbDeployer().Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, Image: s.b.OtherImage})
	if err != nil {
		t.Fatalf("Deploy behind the load balancer: %v", err)
	}
	s.checkSteady(t, res.Status, res.TaskDefinitionArn, 2)
	s.checkTargets(t, res.Status, tg, 2)
	out, err := s.b.LoadBalancers.DescribeTargetHealth(s.ctx(t), &elbv2.DescribeTargetHealthInput{TargetGroupArn: ptr(tg)})
	if err != nil {
		t.Fatal(err)
	}
	tasks := s.runningTasks(t, svc)
	desc, err := s.b.API.DescribeTasks(s.ctx(t), &ecs.DescribeTasksInput{Cluster: ptr(s.b.Cluster), Tasks: tasks})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, tk := range desc.Tasks {
		want[targetOf(tk)] = true
	}
	healthy := 0
	for _, d := range out.TargetHealthDescriptions {
		if d.TargetHealth.State == elbtypes.TargetHealthStateEnumHealthy {
			healthy++
			port := itoa(deref(d.Target.Port))
			if id := deref(d.Target.Id) + ":" + port; !want[id] && !want["*:"+port] {
				t.Errorf("healthy target %s is not a running task of the service (%v)", id, want)
			}
		}
	}
	if healthy != 2 {
		t.Errorf("%d healthy targets, want 2", healthy)
	}
}

// targetOf is the target a task registers: "ip:containerPort" (awsvpc) or
// "instance-id:hostPort" is unknown to ECS's task view, so for bridge tasks
// the host port alone identifies it ("*:hostPort").
func targetOf(tk types.Task) string {
	for _, a := range tk.Attachments {
		for _, d := range a.Details {
			if deref(d.Name) == "privateIPv4Address" {
				return deref(d.Value) + ":80"
			}
		}
	}
	for _, c := range tk.Containers {
		for _, b := range c.NetworkBindings {
			if deref(b.ContainerPort) == 80 {
				return "*:" + itoa(deref(b.HostPort))
			}
		}
	}
	return ""
}

// lbHealthCheckFailure: a release whose tasks fail the target group's
// health checks trips the circuit breaker and rolls back; the error names
// the target group and ELB's reason.
func (s *suite) lbHealthCheckFailure(t *testing.T) {
	s.needLB(t)
	if s.b.FailingHealthCheckImage == nil {
		t.Skip("backend has no FailingHealthCheckImage hook")
	}
	svc := s.name(t, "lbfail")
	old, tg := s.newLBService(t, svc, 1, breakerWithRollback, 0)
	// WithRollback: wait for the breaker's rollback to complete too.
	_, err := s.lbDeployer(ecsdeploy.WithTimeout(2*s.b.Timeout)).Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, Image: s.b.FailingHealthCheckImage(t)},
		ecsdeploy.WithRollback())
	df := checkFailed(t, err, svc)
	if !df.RollbackStarted || !df.RolledBack || df.RollbackBy != "circuit-breaker" || df.RollbackTaskDefinition != old {
		t.Errorf("rollback started=%v completed=%v (%s, err %v) by %q to %s, want completed by circuit-breaker to %s",
			df.RollbackStarted, df.RolledBack, df.RollbackState, df.RollbackErr, df.RollbackBy, df.RollbackTaskDefinition, old)
	}
	elbStops := 0
	for _, st := range df.StoppedTasks {
		if strings.HasPrefix(st.StoppedReason, "Task failed ELB health checks in (target-group "+tg+")") {
			elbStops++
		}
	}
	if elbStops == 0 {
		t.Errorf("no stopped task says it failed ELB health checks in %s: %v", tg, df.StoppedTasks)
	}
	if len(df.LoadBalancer) != 1 || df.LoadBalancer[0].TargetGroupArn != tg || df.LoadBalancer[0].Reason == "" || df.LoadBalancer[0].HealthCheckProtocol == "" {
		t.Errorf("LoadBalancer explanation = %+v, want %s with a reason code and its health check", df.LoadBalancer, tg)
	}
	if !strings.Contains(err.Error(), "failed ELB health checks in "+tg) {
		t.Errorf("error %q does not explain the load balancer failure", err)
	}
	st, err := s.lbDeployer().Wait(s.ctx(t), s.b.Cluster, svc)
	if err != nil {
		t.Fatalf("Wait after rollback: %v", err)
	}
	s.checkSteady(t, st, old, 1)
}

// lbDrainDuration: every stopped task drains for the target group's
// deregistration delay first, so a rolling deployment lasts at least the
// delay beyond the new targets' health checks.
func (s *suite) lbDrainDuration(t *testing.T) {
	s.needLB(t)
	const delay = 90 * time.Second
	svc := s.name(t, "lbdrain")
	s.newLBService(t, svc, 1, noBreaker, delay)
	start := s.b.Clock.Now()
	res, err := s.lbDeployer().Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, Image: s.b.OtherImage})
	if err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	if took := s.b.Clock.Now().Sub(start); took < delay {
		t.Errorf("rollout took %v, less than the deregistration delay %v", took, delay)
	}
	s.checkSteady(t, res.Status, res.TaskDefinitionArn, 1)
	if h := res.Status.TargetGroups[0]; h.Draining != 0 {
		t.Errorf("deployment reported complete with targets still draining: %s", h)
	}
}

// lbDeployDuringDraining: a deploy started while the previous release's
// targets drain completes, and the service ends on the newest release
// with only its targets healthy.
func (s *suite) lbDeployDuringDraining(t *testing.T) {
	s.needLB(t)
	const delay = 120 * time.Second
	svc := s.name(t, "lbredeploy")
	_, tg := s.newLBService(t, svc, 1, noBreaker, delay)
	d := s.lbDeployer()
	if _, err := d.Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, Image: s.b.OtherImage}, ecsdeploy.WithNoWait()); err != nil {
		t.Fatalf("Deploy (no wait): %v", err)
	}
	draining := false
	for waited := time.Duration(0); waited < s.b.Timeout && !draining; waited += s.b.PollInterval {
		st, err := d.Status(s.ctx(t), s.b.Cluster, svc)
		if err != nil {
			t.Fatal(err)
		}
		draining = len(st.TargetGroups) == 1 && st.TargetGroups[0].Draining > 0
		if !draining {
			if err := s.b.Clock.Sleep(s.ctx(t), s.b.PollInterval); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !draining {
		t.Fatal("the first release's target never drained")
	}
	res, err := d.Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, Image: s.b.Image, ForceNewDeployment: true})
	if err != nil {
		t.Fatalf("Deploy during draining: %v", err)
	}
	s.checkSteady(t, res.Status, res.TaskDefinitionArn, 1)
	s.checkTargets(t, res.Status, tg, 1)
}
