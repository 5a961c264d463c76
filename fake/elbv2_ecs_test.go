package fake

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// webFargateTD is a Fargate task definition "web" with container "web" on port 80.
func webFargateTD(image string) *ecs.RegisterTaskDefinitionInput {
	in := fargateTD("web", image)
	in.ContainerDefinitions[0].Name = aws.String("web")
	in.ContainerDefinitions[0].PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(80)}}
	return in
}

// lbService creates Fargate service "web" behind s.tg (container web:80).
func lbService(t tb, e *ECS, td string, desired int32, tg string, o svcOpts) types.Service {
	t.Helper()
	in := &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(desired),
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: netCfg,
		DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(o.min), MaximumPercent: aws.Int32(o.max),
			DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: o.breaker, Rollback: o.rollback}},
		LoadBalancers: []types.LoadBalancer{{TargetGroupArn: aws.String(tg), ContainerName: aws.String("web"), ContainerPort: aws.Int32(80)}}}
	if o.grace > 0 {
		in.HealthCheckGracePeriodSeconds = aws.Int32(o.grace)
	}
	out, err := e.CreateService(bg, in)
	if err != nil {
		t.Fatalf("CreateService: %v", err)
	}
	return *out.Service
}

func serviceTasks(t tb, e *ECS, desired types.DesiredStatus) []types.Task {
	t.Helper()
	l, err := e.ListTasks(bg, &ecs.ListTasksInput{ServiceName: aws.String("web"), DesiredStatus: desired})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.TaskArns) == 0 {
		return nil
	}
	d, err := e.DescribeTasks(bg, &ecs.DescribeTasksInput{Tasks: l.TaskArns})
	if err != nil {
		t.Fatal(err)
	}
	return d.Tasks
}

func detail(tk types.Task, name string) string {
	for _, a := range tk.Attachments {
		for _, d := range a.Details {
			if aws.ToString(d.Name) == name {
				return aws.ToString(d.Value)
			}
		}
	}
	return ""
}

// ECS developer guide ("Use load balancing to distribute Amazon ECS service traffic", service
// event messages): a service task that reaches RUNNING is registered (awsvpc: its private IP
// and the container port) with the event "(service web) registered N targets in (target-group
// ARN)"; the deployment completes only once the targets are healthy (5 checks at 30 s), not 40 s
// after RUNNING.
func TestServiceTaskRegisteredOnRunningAndGatedOnTargetHealth(t *testing.T) {
	e := newCluster(t, 0)
	x := e.ELBv2()
	s := newALB(t, x, elbtypes.TargetTypeEnumIp)
	td := register(t, e, webFargateTD("web:1"))
	lbService(t, e, td, 2, s.tg, svcOpts{min: 100, max: 200})
	e.Advance(secs(20)) // provisioning 10 s, pull 8 s, activating 2 s
	tasks := serviceTasks(t, e, types.DesiredStatusRunning)
	if len(tasks) != 2 || aws.ToString(tasks[0].LastStatus) != "RUNNING" {
		t.Fatalf("tasks: %d", len(tasks))
	}
	h := health(t, x, s.tg)
	if len(h) != 2 {
		t.Fatalf("%d targets registered", len(h))
	}
	ips := map[string]bool{}
	for _, tk := range tasks {
		ip := detail(tk, "privateIPv4Address")
		if !strings.HasPrefix(ip, "10.0.") || aws.ToString(tk.Containers[0].NetworkInterfaces[0].PrivateIpv4Address) != ip ||
			detail(tk, "privateDnsName") != "ip-"+strings.ReplaceAll(ip, ".", "-")+".ec2.internal" {
			t.Fatalf("task IP %q, DNS name %q", ip, detail(tk, "privateDnsName"))
		}
		ips[ip] = true
	}
	for _, d := range h {
		if !ips[*d.Target.Id] || *d.Target.Port != 80 || d.TargetHealth.State != "initial" {
			t.Fatalf("target %s:%d %s", *d.Target.Id, *d.Target.Port, d.TargetHealth.State)
		}
	}
	sv := svc(t, e, "web")
	if n := countEvents(sv, "(service web) registered 2 targets in (target-group "+s.tg+")"); n != 1 {
		t.Fatalf("events %q", eventTexts(sv))
	}
	e.Advance(secs(60)) // 40 s after RUNNING would count healthy without a load balancer
	if completed(t, e, "web", td) {
		t.Fatal("deployment completed before the targets were healthy")
	}
	// Registration 10 s, then checks at 30, 60, 90, 120, 150 s after creation.
	e.Advance(secs(69))
	if completed(t, e, "web", td) {
		t.Fatal("completed at 149 s")
	}
	e.Advance(secs(1))
	if st := states(health(t, x, s.tg)); st["healthy"] != 2 {
		t.Fatalf("states %v", st)
	}
	if !completed(t, e, "web", td) {
		t.Fatalf("not completed once healthy: %q", eventTexts(svc(t, e, "web")))
	}
}

// Bridge mode with a dynamic host port: the target is the instance id and the host port.
func TestBridgeTaskRegisteredByInstanceAndDynamicPort(t *testing.T) {
	e := newCluster(t, 1)
	x := e.ELBv2()
	s := newALB(t, x, elbtypes.TargetTypeEnumInstance)
	td := register(t, e, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"),
		ContainerDefinitions: []types.ContainerDefinition{containerDef("web", "web:1", 256, types.PortMapping{ContainerPort: aws.Int32(80)})}})
	_, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1),
		LoadBalancers: []types.LoadBalancer{{TargetGroupArn: aws.String(s.tg), ContainerName: aws.String("web"), ContainerPort: aws.Int32(80)}}})
	if err != nil {
		t.Fatal(err)
	}
	e.Advance(secs(30))
	tasks := serviceTasks(t, e, types.DesiredStatusRunning)
	hp := aws.ToInt32(tasks[0].Containers[0].NetworkBindings[0].HostPort)
	h := health(t, x, s.tg)
	var ec2 string
	for _, in := range e.instances {
		ec2 = in.ec2ID
	}
	if len(h) != 1 || *h[0].Target.Id != ec2 || *h[0].Target.Port != hp || hp < 49153 {
		t.Fatalf("target %s:%d, want %s:%d (dynamic)", *h[0].Target.Id, *h[0].Target.Port, ec2, hp)
	}
}

// An unhealthy target's task is stopped with "Task failed ELB health checks in (target-group
// ARN)" and the event "(service web) (port 80) is unhealthy in (target-group ARN) due to
// (reason Health checks failed with these codes: [502])." and replaced.
func TestUnhealthyTargetTaskStoppedAndReplaced(t *testing.T) {
	e := newCluster(t, 0)
	x := e.ELBv2()
	s := newALB(t, x, "ip")
	if err := x.InjectHealthFault(TargetHealthFault{Image: "web:bad", Times: 1}); err != nil {
		t.Fatal(err)
	}
	td := register(t, e, webFargateTD("web:bad"))
	lbService(t, e, td, 1, s.tg, svcOpts{min: 100, max: 200})
	e.Advance(secs(59)) // RUNNING at 20 s, checks at 30 and 60 s
	if st := serviceTasks(t, e, types.DesiredStatusStopped); len(st) != 0 {
		t.Fatal("stopped before the second failed check")
	}
	e.Advance(secs(1))
	stopped := serviceTasks(t, e, types.DesiredStatusStopped)
	if len(stopped) != 1 {
		t.Fatalf("%d stopped", len(stopped))
	}
	if r := aws.ToString(stopped[0].StoppedReason); r != "Task failed ELB health checks in (target-group "+s.tg+")" {
		t.Fatalf("stoppedReason %q", r)
	}
	sv := svc(t, e, "web")
	want := "(service web) (port 80) is unhealthy in (target-group " + s.tg + ") due to (reason Health checks failed with these codes: [502])."
	if countEvents(sv, want) != 1 {
		t.Fatalf("events %q", eventTexts(sv))
	}
	if n := len(serviceTasks(t, e, types.DesiredStatusRunning)); n != 1 {
		t.Fatalf("replacement: %d running", n)
	}
	// The replacement is not hit (Times 1): it turns healthy and the deployment completes.
	stepUntil(t, e, secs(10), 20*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
}

// healthCheckGracePeriodSeconds: "the period of time ... that the Amazon ECS service scheduler
// ignores unhealthy Elastic Load Balancing target health checks" (CreateService).
func TestGracePeriodIgnoresUnhealthyTargets(t *testing.T) {
	e := newCluster(t, 0)
	x := e.ELBv2()
	s := newALB(t, x, "ip")
	x.InjectHealthFault(TargetHealthFault{Image: "web:slow", Times: 1})
	td := register(t, e, webFargateTD("web:slow"))
	lbService(t, e, td, 1, s.tg, svcOpts{min: 100, max: 200, grace: 120})
	e.Advance(secs(60)) // unhealthy at 60 s, RUNNING since 20 s: grace runs to 140 s
	if st := states(health(t, x, s.tg)); st["unhealthy"] != 1 {
		t.Fatalf("%v", st)
	}
	e.Advance(secs(79))
	if n := len(serviceTasks(t, e, types.DesiredStatusStopped)); n != 0 {
		t.Fatal("stopped during the grace period")
	}
	e.Advance(secs(1))
	if n := len(serviceTasks(t, e, types.DesiredStatusStopped)); n != 1 {
		t.Fatalf("not stopped at the end of the grace period (%d)", n)
	}
}

// A task being stopped is first deregistered ("(service web) deregistered 1 targets in
// (target-group ARN)"), stays DEACTIVATING while its target drains for the deregistration
// delay ("Amazon ECS task lifecycle": target group deregistration occurs in DEACTIVATING), then
// stops; the rolling deployment therefore lasts at least the delay.
func TestStoppingTaskDrainsForDeregistrationDelay(t *testing.T) {
	e := newCluster(t, 0)
	x := e.ELBv2()
	s := newALB(t, x, "ip")
	if _, err := x.ModifyTargetGroupAttributes(bg, &elbv2.ModifyTargetGroupAttributesInput{TargetGroupArn: aws.String(s.tg),
		Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String("120")}}}); err != nil {
		t.Fatal(err)
	}
	td1 := register(t, e, webFargateTD("web:1"))
	lbService(t, e, td1, 1, s.tg, svcOpts{min: 100, max: 200})
	stepUntil(t, e, secs(10), 10*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
	td2 := register(t, e, webFargateTD("web:2"))
	start := e.Now()
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	// The new task becomes healthy at +150 s; then the old one is stopped and drains 120 s.
	var stopAt time.Time
	stepUntil(t, e, secs(5), 20*time.Minute, func() {
		for _, tk := range serviceTasks(t, e, types.DesiredStatusStopped) {
			if aws.ToString(tk.TaskDefinitionArn) == td1 && stopAt.IsZero() {
				stopAt = e.Now()
				if ls := aws.ToString(tk.LastStatus); ls != "DEACTIVATING" {
					t.Fatalf("stopping task is %s, want DEACTIVATING while draining", ls)
				}
				if st := states(health(t, x, s.tg)); st["draining"] != 1 {
					t.Fatalf("target states %v", st)
				}
			}
		}
	}, func() bool { return completed(t, e, "web", td2) })
	if stopAt.IsZero() {
		t.Fatal("old task never seen stopping")
	}
	if d := e.Now().Sub(stopAt); d < 120*time.Second {
		t.Fatalf("deployment completed %v after the old task was asked to stop; the drain is 120 s", d)
	}
	if d := e.Now().Sub(start); d < 270*time.Second {
		t.Fatalf("rollout took %v, want >= 150 s health + 120 s drain", d)
	}
	sv := svc(t, e, "web")
	if countEvents(sv, "(service web) deregistered 1 targets in (target-group "+s.tg+")") != 1 {
		t.Fatalf("events %q", eventTexts(sv))
	}
	if n := len(health(t, x, s.tg)); n != 1 {
		t.Fatalf("%d targets left, want the new one", n)
	}
}

// The circuit breaker's second stage counts tasks stopped for failed ELB health checks; with
// rollback the service returns to the last COMPLETED deployment.
func TestBreakerCountsELBHealthCheckFailures(t *testing.T) {
	e := newCluster(t, 0)
	x := e.ELBv2()
	s := newALB(t, x, "ip")
	td1 := register(t, e, webFargateTD("web:1"))
	lbService(t, e, td1, 1, s.tg, svcOpts{min: 100, max: 200, breaker: true, rollback: true})
	stepUntil(t, e, secs(10), 10*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
	x.InjectHealthFault(TargetHealthFault{Image: "web:bad"})
	td2 := register(t, e, webFargateTD("web:bad"))
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	stepUntil(t, e, secs(10), 60*time.Minute, nil, func() bool {
		sv := svc(t, e, "web")
		return countEvents(sv, "rolling back to deployment") > 0
	})
	sv := svc(t, e, "web")
	if countEvents(sv, "is unhealthy in (target-group "+s.tg+")") < 3 {
		t.Fatalf("events %q", eventTexts(sv))
	}
	stepUntil(t, e, secs(10), 30*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
}

// ECS validates load balancers on CreateService: a target group that does not exist, one with
// no associated load balancer (observed: "The target group with targetGroupArn ... does not
// have an associated load balancer."), and a target type that does not suit the network mode
// are InvalidParameterException; nothing is created.
func TestServiceTargetGroupValidation(t *testing.T) {
	e := newCluster(t, 1)
	x := e.ELBv2()
	s := newALB(t, x, "ip")
	lonely := newTG(t, x, "lonely", "ip")
	inst := newTG(t, x, "inst", "instance")
	x.ModifyListener(bg, &elbv2.ModifyListenerInput{ListenerArn: aws.String(s.listener), DefaultActions: []elbtypes.Action{{Type: "forward",
		ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{{TargetGroupArn: aws.String(s.tg)}, {TargetGroupArn: aws.String(inst)}}}}}})
	td := register(t, e, webFargateTD("web:1"))
	cases := []struct{ tg, want string }{
		{s.tg + "0", "Unable to assume role and validate the specified targetGroupArn."},
		{lonely, "The target group with targetGroupArn " + lonely + " does not have an associated load balancer."},
		{inst, "The provided target group " + inst + " has target type instance, which is incompatible with the awsvpc network mode specified in the task definition."},
	}
	for _, tc := range cases {
		_, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1),
			LaunchType: types.LaunchTypeFargate, NetworkConfiguration: netCfg,
			LoadBalancers: []types.LoadBalancer{{TargetGroupArn: aws.String(tc.tg), ContainerName: aws.String("web"), ContainerPort: aws.Int32(80)}}})
		var ipe *types.InvalidParameterException
		if !errorsAs(err, &ipe) || !strings.Contains(ipe.ErrorMessage(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
	l, _ := e.ListServices(bg, &ecs.ListServicesInput{})
	if len(l.ServiceArns) != 0 {
		t.Fatalf("%d services created", len(l.ServiceArns))
	}
}
