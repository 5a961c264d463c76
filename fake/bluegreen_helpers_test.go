package fake

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// bgSetup is an ALB with target groups blue (web-tg) and green (web-tg-2),
// a production rule (priority 1) and a test rule (priority 2, header
// X-Test) on its :80 listener, each forwarding blue 100 / green 0.
//
// After the service's first deployment (firstDeployed) tg and green name
// the groups by role for the next deployment: tg is the group blue serves
// from, green the one the next deployment deploys into; tgArn and altArn
// stay the service's targetGroupArn (web-tg) and alternateTargetGroupArn
// (web-tg-2).
type bgSetup struct {
	lbSetup
	green, prod, test string
	tgArn, altArn     string
}

// firstDeployed lets service web's first deployment (blue/green, bake
// minutes) complete: it deploys into the alternate group (web-tg-2) and
// the rules move to it. It returns s with the roles swapped (bgSetup):
// blue (web:1) serves from web-tg-2, the next deployment goes to web-tg.
func firstDeployed(t *testing.T, e *ECS, s bgSetup, td string, bake int) bgSetup {
	t.Helper()
	e.Advance(150*time.Second + time.Duration(bake)*time.Minute)
	if !completed(t, e, "web", td) { // CANARY and LINEAR: their shifts too
		stepUntil(t, e, 10*time.Second, 2*time.Hour, nil, func() bool { return completed(t, e, "web", td) })
	}
	if !completed(t, e, "web", td) {
		t.Fatalf("first deployment not completed: %+v", svc(t, e, "web").Deployments)
	}
	s.tg, s.green = s.altArn, s.tgArn
	if _, ok := bgSetupOf[e]; ok {
		bgSetupOf[e] = s
	}
	return s
}

// testRoleARN is the role the blue/green tests name.
const testRoleARN = "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers"

// newBlueGreenALB creates the load balancer of bgSetup with target
// groups of type ip.
func newBlueGreenALB(t tb, x *ELBv2) bgSetup {
	t.Helper()
	return newBlueGreenALBOf(t, x, elbtypes.TargetTypeEnumIp)
}

// newBlueGreenALBOf creates the load balancer of bgSetup with target
// groups of type tt.
func newBlueGreenALBOf(t tb, x *ELBv2, tt elbtypes.TargetTypeEnum) bgSetup {
	t.Helper()
	s := bgSetup{lbSetup: newALB(t, x, tt)}
	s.green = newTG(t, x, "web-tg-2", tt)
	s.tgArn, s.altArn = s.tg, s.green
	fwd := []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{
		TargetGroups: []elbtypes.TargetGroupTuple{{TargetGroupArn: aws.String(s.tg), Weight: aws.Int32(100)}, {TargetGroupArn: aws.String(s.green), Weight: aws.Int32(0)}}}}}
	rule := func(prio int32, cond elbtypes.RuleCondition) string {
		out, err := x.CreateRule(bg, &elbv2.CreateRuleInput{ListenerArn: aws.String(s.listener), Priority: aws.Int32(prio),
			Conditions: []elbtypes.RuleCondition{cond}, Actions: fwd})
		if err != nil {
			t.Fatalf("CreateRule: %v", err)
		}
		return aws.ToString(out.Rules[0].RuleArn)
	}
	s.prod = rule(1, elbtypes.RuleCondition{Field: aws.String("path-pattern"), Values: []string{"/*"}})
	s.test = rule(2, elbtypes.RuleCondition{Field: aws.String("http-header"),
		HttpHeaderConfig: &elbtypes.HttpHeaderConditionConfig{HttpHeaderName: aws.String("X-Test"), Values: []string{"1"}}})
	return s
}

// blueGreenWorld is a new world of no container instance with a bgSetup
// of ip target groups, registered for at (bgSetupOf) until t ends.
func blueGreenWorld(t *testing.T) (*ECS, bgSetup) {
	t.Helper()
	return blueGreenWorldOf(t, 0, elbtypes.TargetTypeEnumIp)
}

// blueGreenWorldOf is blueGreenWorld with instances container instances
// and target groups of type tt.
func blueGreenWorldOf(t *testing.T, instances int, tt elbtypes.TargetTypeEnum) (*ECS, bgSetup) {
	t.Helper()
	e := newCluster(t, instances)
	s := newBlueGreenALBOf(t, e.ELBv2(), tt)
	bgSetupOf[e] = s
	t.Cleanup(func() { delete(bgSetupOf, e) })
	return e, s
}

// loadBalancers is the service's loadBalancers for s.
func (s bgSetup) loadBalancers() []types.LoadBalancer {
	return []types.LoadBalancer{{TargetGroupArn: aws.String(s.tgArn), ContainerName: aws.String("web"), ContainerPort: aws.Int32(80),
		AdvancedConfiguration: &types.AdvancedConfiguration{AlternateTargetGroupArn: aws.String(s.altArn),
			ProductionListenerRule: aws.String(s.prod), TestListenerRule: aws.String(s.test), RoleArn: aws.String(testRoleARN)}}}
}

// blueGreenInput is CreateService of Fargate service "web" (desired tasks,
// td) with strategy BLUE_GREEN and bake minutes behind s.
func blueGreenInput(s bgSetup, td string, desired, bake int32) *ecs.CreateServiceInput {
	return &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(desired),
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: netCfg,
		DeploymentConfiguration: &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(bake)},
		LoadBalancers:           s.loadBalancers()}
}

// blueGreenWithoutLoadBalancer is a fresh cluster with Fargate service
// "web" (two tasks of web:1, one bake minute) created BLUE_GREEN with no
// load balancer; it returns the ARNs of web:1 and web:2.
func blueGreenWithoutLoadBalancer(t *testing.T) (e *ECS, td1, td2 string) {
	t.Helper()
	e = newCluster(t, 0)
	td1 = register(t, e, webFargateTD("web:1"))
	td2 = register(t, e, webFargateTD("web:2"))
	in := blueGreenInput(bgSetup{}, td1, 2, 1)
	in.LoadBalancers = nil
	if _, err := e.CreateService(bg, in); err != nil {
		t.Fatalf("CreateService BLUE_GREEN without a load balancer: %v", err)
	}
	return e, td1, td2
}

// weights is a rule's forward weights by target group ARN.
func weights(t tb, x *ELBv2, rule string) map[string]int32 {
	t.Helper()
	out, err := x.DescribeRules(bg, &elbv2.DescribeRulesInput{RuleArns: []string{rule}})
	if err != nil {
		t.Fatal(err)
	}
	w := map[string]int32{}
	for _, a := range out.Rules[0].Actions {
		for _, tt := range a.ForwardConfig.TargetGroups {
			w[aws.ToString(tt.TargetGroupArn)] = aws.ToInt32(tt.Weight)
		}
	}
	return w
}

// bgState is what a client sees of a blue/green deployment at one instant.
type bgState struct {
	running map[string]int // RUNNING tasks by task definition ARN
	stopped int            // tasks with desiredStatus STOPPED not yet STOPPED
	stage   types.ServiceDeploymentLifecycleStage
	status  types.ServiceDeploymentStatus
	prod    map[string]int32
	test    map[string]int32
	blueTG  map[elbtypes.TargetHealthStateEnum]int
	greenTG map[elbtypes.TargetHealthStateEnum]int
}

func (b bgState) String() string {
	return fmt.Sprintf("running=%v stopping=%d stage=%s status=%s prod=%v test=%v blueTG=%v greenTG=%v",
		b.running, b.stopped, b.stage, b.status, b.prod, b.test, b.blueTG, b.greenTG)
}

// observe reads bgState through the API.
func observe(t tb, e *ECS, s bgSetup) bgState {
	t.Helper()
	x := e.ELBv2()
	st := bgState{running: map[string]int{}, prod: weights(t, x, s.prod), test: weights(t, x, s.test),
		blueTG: states(health(t, x, s.tg)), greenTG: states(health(t, x, s.green))}
	for _, tk := range serviceTasks(t, e, types.DesiredStatusRunning) {
		if aws.ToString(tk.LastStatus) == "RUNNING" {
			st.running[aws.ToString(tk.TaskDefinitionArn)]++
		}
	}
	for _, tk := range serviceTasks(t, e, types.DesiredStatusStopped) {
		if aws.ToString(tk.LastStatus) != "STOPPED" {
			st.stopped++
		}
	}
	if sd := newestServiceDeployment(t, e); sd != nil {
		st.stage, st.status = sd.LifecycleStage, sd.Status
	}
	return st
}

// newestServiceDeployment describes service web's newest service
// deployment (nil: none).
func newestServiceDeployment(t tb, e *ECS) *types.ServiceDeployment {
	t.Helper()
	l, err := e.ListServiceDeployments(bg, &ecs.ListServiceDeploymentsInput{Service: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.ServiceDeployments) == 0 {
		return nil
	}
	d, err := e.DescribeServiceDeployments(bg, &ecs.DescribeServiceDeploymentsInput{
		ServiceDeploymentArns: []string{aws.ToString(l.ServiceDeployments[0].ServiceDeploymentArn)}})
	if err != nil || len(d.ServiceDeployments) != 1 {
		t.Fatalf("DescribeServiceDeployments: %v %v", err, d)
	}
	return &d.ServiceDeployments[0]
}

// stagesOf is the lifecycle stages service web's newest deployment
// entered, with their offsets from base (under the world's lock).
func stagesOf(e *ECS, base time.Time) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, s := range e.svcOrder {
		if s.name != "web" || len(s.deployments) == 0 {
			continue
		}
		if bg := s.deployments[len(s.deployments)-1].bg; bg != nil {
			for _, c := range bg.stages {
				out = append(out, fmt.Sprintf("%s@%v", c.Stage, c.At.Sub(base)))
			}
		}
	}
	return out
}

// tgName is the target group name in a target group ARN.
func tgName(arn string) string {
	for i := len(arn) - 1; i > 0; i-- {
		if arn[i] == '/' {
			arn = arn[:i]
			break
		}
	}
	for i := len(arn) - 1; i > 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	return arn
}

// named maps weights to target group names.
func named(w map[string]int32) map[string]int32 {
	out := map[string]int32{}
	for k, v := range w {
		out[tgName(k)] = v
	}
	return out
}
