package chaos

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// bgRole is the infrastructure role the blue/green services name.
const bgRole = "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers"

// bgTraffic is a blue/green service's load-balancer resources: its two
// target groups and the listener rules ECS shifts between them.
type bgTraffic struct {
	blue, green string // targetGroupArn and alternateTargetGroupArn
	prod, test  string // productionListenerRule and testListenerRule
}

// blueGreenCount is the number of blue/green services added beside the
// Services ones: one per BlueGreenEvery (at least one when on).
func (c Config) blueGreenCount() int {
	if c.BlueGreenEvery <= 0 {
		return 0
	}
	return max(1, c.Services/c.BlueGreenEvery)
}

// bgStrategy is the strategy of blue/green service j: every third (the
// second, fifth, ...) a CANARY or a LINEAR one, as rng picks, the others
// BLUE_GREEN.
func bgStrategy(rng *rand.Rand, j int) types.DeploymentStrategy {
	if j%3 != 1 {
		return types.DeploymentStrategyBlueGreen
	}
	if rng.IntN(2) == 0 {
		return types.DeploymentStrategyCanary
	}
	return types.DeploymentStrategyLinear
}

// buildBlueGreen creates the blue/green services after the others, each
// behind its own ALB like the load-balanced services plus an alternate
// target group and production and test rules forwarding blue 100, green
// 0; the first and fourth of every four run on Fargate (ip target
// groups), the others on EC2 in bridge mode (with and without container
// health checks each). Their random choices come from r.bgRng, so that the other services
// are built and driven as without them.
func (r *runner) buildBlueGreen(ctx context.Context) error {
	for j := range r.cfg.blueGreenCount() {
		rng := r.bgRng
		name := fmt.Sprintf("bg-%02d", j)
		s := &svcState{name: name, family: "fam-" + name, healthCheck: j%2 == 1, version: 1,
			base: max(2, int32(r.cfg.Tasks/r.cfg.Services)+int32(rng.IntN(5))-2), bg: &bgTraffic{}, fargate: j%4 == 0 || j%4 == 3}
		s.desired = s.base
		cfg := deployConfigs[rng.IntN(len(deployConfigs))]
		s.minPct, s.maxPct = cfg[0], cfg[1]
		tt := elbtypes.TargetTypeEnumInstance
		if s.fargate {
			tt = elbtypes.TargetTypeEnumIp
		}
		tg, listener, err := r.albWithGroup(ctx, rng, "chaos-"+name, tt)
		if err != nil {
			return err
		}
		s.tg, s.bg.blue = tg, tg
		if s.bg.green, err = r.newTargetGroup(ctx, rng, "chaos-"+name+"-2", tt); err != nil {
			return err
		}
		if s.bg.prod, s.bg.test, err = r.bgRules(ctx, listener, s.bg); err != nil {
			return err
		}
		arn, err := r.registerRevision(ctx, s, "1")
		if err != nil {
			return err
		}
		s.intended = arn
		dc := &types.DeploymentConfiguration{
			MinimumHealthyPercent: aws.Int32(s.minPct), MaximumPercent: aws.Int32(s.maxPct),
			DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: j%4 != 3},
			Strategy:                 bgStrategy(rng, j), BakeTimeInMinutes: aws.Int32(int32(rng.IntN(6))),
		}
		switch dc.Strategy {
		case types.DeploymentStrategyCanary:
			dc.CanaryConfiguration = &types.CanaryConfiguration{CanaryPercent: aws.Float64(10), CanaryBakeTimeInMinutes: aws.Int32(2)}
		case types.DeploymentStrategyLinear:
			dc.LinearConfiguration = &types.LinearConfiguration{StepPercent: aws.Float64(25), StepBakeTimeInMinutes: aws.Int32(1)}
		}
		in := &ecs.CreateServiceInput{
			Cluster: aws.String(Cluster), ServiceName: aws.String(name), TaskDefinition: aws.String(arn),
			DesiredCount: aws.Int32(s.desired), LaunchType: types.LaunchTypeEc2, DeploymentConfiguration: dc,
			LoadBalancers: []types.LoadBalancer{{TargetGroupArn: aws.String(s.bg.blue), ContainerName: aws.String("app"), ContainerPort: aws.Int32(80),
				AdvancedConfiguration: &types.AdvancedConfiguration{AlternateTargetGroupArn: aws.String(s.bg.green),
					ProductionListenerRule: aws.String(s.bg.prod), TestListenerRule: aws.String(s.bg.test), RoleArn: aws.String(bgRole)}}},
		}
		if s.fargate {
			in.LaunchType, in.NetworkConfiguration = types.LaunchTypeFargate, spotNetwork
			r.rep.BlueGreen.Fargate++
		}
		if _, err := r.e.CreateService(ctx, in); err != nil {
			return fmt.Errorf("CreateService %s: %w", name, err)
		}
		r.services = append(r.services, s)
		r.names = append(r.names, name)
		if s.healthCheck {
			if r.checked == nil {
				r.checked = map[string]bool{}
			}
			r.checked[name] = true
		}
	}
	return nil
}

// bgRules creates the production rule (priority 1, every path) and the
// test rule (priority 2, header X-Test) on listener, each forwarding all
// traffic to t.blue and none to t.green.
func (r *runner) bgRules(ctx context.Context, listener string, t *bgTraffic) (prod, test string, err error) {
	fwd := []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{
		TargetGroups: []elbtypes.TargetGroupTuple{{TargetGroupArn: aws.String(t.blue), Weight: aws.Int32(100)}, {TargetGroupArn: aws.String(t.green), Weight: aws.Int32(0)}}}}}
	rule := func(prio int32, cond elbtypes.RuleCondition) (string, error) {
		out, err := r.e.ELBv2().CreateRule(ctx, &elbv2.CreateRuleInput{ListenerArn: aws.String(listener), Priority: aws.Int32(prio),
			Conditions: []elbtypes.RuleCondition{cond}, Actions: fwd})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.Rules[0].RuleArn), nil
	}
	if prod, err = rule(1, elbtypes.RuleCondition{Field: aws.String("path-pattern"), Values: []string{"/*"}}); err != nil {
		return "", "", err
	}
	test, err = rule(2, elbtypes.RuleCondition{Field: aws.String("http-header"),
		HttpHeaderConfig: &elbtypes.HttpHeaderConditionConfig{HttpHeaderName: aws.String("X-Test"), Values: []string{"1"}}})
	return prod, test, err
}

// blueGreenServices are the blue/green services (after the others).
func (r *runner) blueGreenServices() []*svcState { return r.services[r.cfg.Services:] }

// actBlueGreen drives the blue/green services from r.bgRng, in proportion
// to their number: desiredCount changes (a quarter of the actions),
// deployments (one in ten of a broken image) and forced deployments, and
// their own faults (crashes, failed starts, container
// and target health failures). Instance losses and drains, and the API
// faults, strike them with the others.
func (r *runner) actBlueGreen(ctx context.Context) error {
	bgs := r.blueGreenServices()
	if len(bgs) == 0 {
		return nil
	}
	share := float64(len(bgs)) / float64(r.cfg.Services)
	rng := r.bgRng
	for range poisson(rng, r.cfg.ActionsPerStep*share) {
		s := bgs[rng.IntN(len(bgs))]
		in := &ecs.UpdateServiceInput{Cluster: aws.String(Cluster), Service: aws.String(s.name)}
		kind := "bg-force-deploy"
		if rng.Float64() < 0.25 {
			// A desiredCount change, during a deployment or not: green
			// follows it, blue keeps its tasks until CLEAN_UP
			// (docs/ecs-semantics.md, "Blue/green deployments").
			r.rep.Actions["bg-scale"]++
			for range 10 {
				if d := max(1, s.base/2+int32(rng.IntN(int(s.base)+1))); feasible(d, s.minPct, s.maxPct) {
					s.desired = d
					break
				}
			}
			in.DesiredCount = aws.Int32(s.desired)
			r.disturbed[s.name] = true
			if err := r.call(ctx, "UpdateService", func() error {
				_, err := r.e.UpdateService(ctx, in)
				return err
			}); err != nil {
				return err
			}
			continue
		}
		if rng.Float64() < 0.7 {
			s.version++
			tag := fmt.Sprint(s.version)
			kind = "bg-deploy"
			if rng.Float64() < 0.1 {
				tag, kind = "broken-"+tag, "bg-deploy-broken-image"
				r.rep.Faults["image-pull"]++
			}
			arn, err := r.registerRevision(ctx, s, tag)
			if err != nil {
				return err
			}
			s.intended = arn
		} else {
			in.ForceNewDeployment = true
		}
		in.TaskDefinition = aws.String(s.intended)
		r.rep.Actions[kind]++
		if err := r.call(ctx, "UpdateService", func() error {
			_, err := r.e.UpdateService(ctx, in)
			return err
		}); err != nil {
			return err
		}
	}
	for range poisson(rng, r.cfg.FaultsPerStep*share*0.6) {
		s := bgs[rng.IntN(len(bgs))]
		after := time.Duration(rng.IntN(600)) * time.Second
		times := 1 + rng.IntN(3)
		var err error
		switch p := rng.Float64(); {
		case p < 0.4:
			r.rep.Faults["task-crash"]++
			err = r.e.InjectFault(fake.Fault{Family: s.family, Action: fake.FaultExit, ExitCode: 137, After: after, Times: times,
				Reason: "OutOfMemoryError: Container killed due to memory usage"})
		case p < 0.6 && s.healthCheck:
			r.rep.Faults["health-check-flap"]++
			err = r.e.InjectFault(fake.Fault{Family: s.family, Action: fake.FaultUnhealthy, After: after, Times: times})
		case p < 0.7:
			r.rep.Faults["fail-start"]++
			err = r.e.InjectFault(fake.Fault{Family: s.family, Action: fake.FaultFailStart, Times: times})
		default:
			err = r.targetHealthFaultWith(rng, s, after, times)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// observeBlueGreen adds the blue/green services' traffic view to snap:
// both rules' weights and the newest service deployment.
func (r *runner) observeBlueGreen(ctx context.Context, snap *Snapshot) error {
	x := r.e.ELBv2()
	for _, s := range r.blueGreenServices() {
		v := BlueGreenView{Service: s.name, Groups: [2]string{s.bg.blue, s.bg.green}}
		out, err := x.DescribeRules(ctx, &elbv2.DescribeRulesInput{RuleArns: []string{s.bg.prod, s.bg.test}})
		if err != nil {
			return fmt.Errorf("observe: DescribeRules: %w", err)
		}
		for _, rule := range out.Rules {
			w := map[string]int32{}
			for _, a := range rule.Actions {
				if a.ForwardConfig == nil {
					w[aws.ToString(a.TargetGroupArn)] += 1
					continue
				}
				for _, t := range a.ForwardConfig.TargetGroups {
					w[aws.ToString(t.TargetGroupArn)] += aws.ToInt32(t.Weight)
				}
			}
			if aws.ToString(rule.RuleArn) == s.bg.prod {
				v.Production = w
			} else {
				v.Test = w
			}
		}
		l, err := r.e.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String(Cluster), Service: aws.String(s.name)})
		if err != nil {
			return fmt.Errorf("observe: ListServiceDeployments: %w", err)
		}
		if len(l.ServiceDeployments) > 0 {
			d, err := r.e.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{
				ServiceDeploymentArns: []string{aws.ToString(l.ServiceDeployments[0].ServiceDeploymentArn)}})
			if err != nil || len(d.ServiceDeployments) != 1 {
				return fmt.Errorf("observe: DescribeServiceDeployments: %v (%d)", err, len(d.ServiceDeployments))
			}
			v.Deployment = &d.ServiceDeployments[0]
			r.countBlueGreen(v.Deployment)
		}
		if wholeOn(v.Production) == "" {
			r.rep.BlueGreen.Split++
		}
		snap.BlueGreen = append(snap.BlueGreen, v)
	}
	return nil
}

// countBlueGreen counts the blue/green deployments (those with a
// lifecycle stage) seen and how they ended, from the newest service
// deployment of each service at each check.
func (r *runner) countBlueGreen(d *types.ServiceDeployment) {
	if d.LifecycleStage == "" {
		return
	}
	arn := aws.ToString(d.ServiceDeploymentArn)
	prev, known := r.bgSeen[arn]
	if !known {
		r.rep.BlueGreen.Deployments++
	}
	if prev != d.Status {
		switch d.Status {
		case types.ServiceDeploymentStatusSuccessful:
			r.rep.BlueGreen.Completed++
		case types.ServiceDeploymentStatusRollbackSuccessful:
			r.rep.BlueGreen.RolledBack++
		}
	}
	r.bgSeen[arn] = d.Status
}

// poisson is runner.poisson drawing from rng.
func poisson(rng *rand.Rand, mean float64) int {
	n := 0
	for mean > 0 {
		p := min(mean, 0.5)
		if rng.Float64() < p {
			n++
		}
		mean -= p
	}
	return n
}
