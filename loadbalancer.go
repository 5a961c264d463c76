package ecsdeploy

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// loadBalancerSource is an API that also offers its load balancers (the
// fake's *fake.ECS does).
type loadBalancerSource interface {
	LoadBalancers() LoadBalancerAPI
}

// withNeighbours sets the load balancers of an API that offers them, so
// New(f) on a fake sees its target groups without WithLoadBalancers.
func withNeighbours(api API, cfg config) config {
	if s, ok := api.(loadBalancerSource); ok {
		cfg.elb = s.LoadBalancers()
	}
	if s, ok := api.(scalingSource); ok {
		cfg.scaling = s.ScalingAPI()
	}
	return cfg
}

// LoadBalancerAPI is the part of *elasticloadbalancingv2.Client the
// Deployer calls to see a service's target groups. The SDK client and the
// fake's *fake.ELBv2 satisfy it.
type LoadBalancerAPI interface {
	DescribeTargetGroups(ctx context.Context, in *elbv2.DescribeTargetGroupsInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeTargetGroupsOutput, error)
	DescribeTargetHealth(ctx context.Context, in *elbv2.DescribeTargetHealthInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeTargetHealthOutput, error)
}

// WithLoadBalancers lets the Deployer read the target groups of services
// with load balancers: Status reports each group's target counts,
// CreateService, UpdateService and Deploy report success only once the
// service's targets are healthy, and a deployment that failed load
// balancer health checks is explained with the target's reason and the
// group's health check. NewFromConfig sets it; New(f) on a *fake.ECS
// finds the fake's by itself.
func WithLoadBalancers(api LoadBalancerAPI) Option { return func(c *config) { c.elb = api } }

// TargetGroupHealth counts a target group's targets by state.
type TargetGroupHealth struct {
	// TargetGroupArn is the target group.
	TargetGroupArn string
	// Healthy, Unhealthy, Initial, Draining, Unused and Unavailable count
	// the targets in each state.
	Healthy, Unhealthy, Initial, Draining, Unused, Unavailable int
	// Reasons counts the reason codes of unhealthy targets
	// ("Target.ResponseCodeMismatch": 2).
	Reasons map[string]int
}

// String is "targetgroup/web/0123...: 2 healthy, 1 unhealthy (Target.Timeout), ...".
func (h TargetGroupHealth) String() string {
	name := h.TargetGroupArn
	if i := strings.Index(name, "targetgroup/"); i >= 0 {
		name = name[i:]
	}
	parts := []string{}
	for _, c := range []struct {
		n    int
		what string
	}{{h.Healthy, "healthy"}, {h.Unhealthy, "unhealthy"}, {h.Initial, "initial"}, {h.Draining, "draining"}, {h.Unused, "unused"}, {h.Unavailable, "unavailable"}} {
		if c.n > 0 || c.what == "healthy" {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	s := name + ": " + strings.Join(parts, ", ")
	if len(h.Reasons) > 0 {
		keys := make([]string, 0, len(h.Reasons))
		for k := range h.Reasons {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		s += " (" + strings.Join(keys, ", ") + ")"
	}
	return s
}

// serviceTargetGroups lists the target group ARNs of a service, the
// alternate groups of blue/green load balancers included.
func serviceTargetGroups(svc types.Service) []string {
	var arns []string
	for _, set := range targetGroupSets(svc) {
		for _, a := range set {
			if !slices.Contains(arns, a) {
				arns = append(arns, a)
			}
		}
	}
	return arns
}

// targetGroupSets lists, per load balancer of the service, the target
// groups its tasks register in: the target group, and for a blue/green
// load balancer (advancedConfiguration) its alternate one too, the
// service's tasks being in either depending on the deployment.
func targetGroupSets(svc types.Service) [][]string {
	var sets [][]string
	for _, lb := range svc.LoadBalancers {
		a := valueOf(lb.TargetGroupArn)
		if a == "" {
			continue
		}
		set := []string{a}
		if ac := lb.AdvancedConfiguration; ac != nil && valueOf(ac.AlternateTargetGroupArn) != "" && valueOf(ac.AlternateTargetGroupArn) != a {
			set = append(set, valueOf(ac.AlternateTargetGroupArn))
		}
		sets = append(sets, set)
	}
	return sets
}

// targetsReady reports whether every load balancer of svc has want healthy
// targets across its groups (the target group and, for blue/green, the
// alternate one) and none initial or unhealthy.
func targetsReady(svc types.Service, hs []TargetGroupHealth, want int) bool {
	byARN := map[string]TargetGroupHealth{}
	for _, h := range hs {
		byARN[h.TargetGroupArn] = h
	}
	for _, set := range targetGroupSets(svc) {
		healthy := 0
		for _, a := range set {
			h := byARN[a]
			if h.Initial > 0 || h.Unhealthy > 0 {
				return false
			}
			healthy += h.Healthy
		}
		if healthy < want {
			return false
		}
	}
	return true
}

// targetGroupHealth reads the target counts of the service's groups (nil
// without WithLoadBalancers or load balancers).
func (d *deployer) targetGroupHealth(ctx context.Context, cfg config, svc types.Service) ([]TargetGroupHealth, error) {
	if cfg.elb == nil {
		return nil, nil
	}
	var out []TargetGroupHealth
	for _, arn := range serviceTargetGroups(svc) {
		res, err := cfg.elb.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: &arn})
		if err != nil {
			return out, wrapAPI("DescribeTargetHealth", err)
		}
		h := TargetGroupHealth{TargetGroupArn: arn}
		for _, t := range res.TargetHealthDescriptions {
			if t.TargetHealth == nil {
				continue
			}
			switch t.TargetHealth.State {
			case elbtypes.TargetHealthStateEnumHealthy:
				h.Healthy++
			case elbtypes.TargetHealthStateEnumUnhealthy, elbtypes.TargetHealthStateEnumUnhealthyDraining:
				h.Unhealthy++
				if h.Reasons == nil {
					h.Reasons = map[string]int{}
				}
				h.Reasons[string(t.TargetHealth.Reason)]++
			case elbtypes.TargetHealthStateEnumInitial:
				h.Initial++
			case elbtypes.TargetHealthStateEnumDraining:
				h.Draining++
			case elbtypes.TargetHealthStateEnumUnused:
				h.Unused++
			default:
				h.Unavailable++
			}
		}
		out = append(out, h)
	}
	return out, nil
}

// waitTargetsHealthy is the last step of a successful create, update,
// deploy, scale or wait of a service with load balancers: it polls the
// target groups until each load balancer has as many healthy targets as
// the service runs tasks, across its target group and, for blue/green, its
// alternate one (targetsReady), and none initial or unhealthy (draining
// ones are old tasks leaving), and records the counts on st. ECS's own steady state can come
// first (the services-stable waiter is known to return before the targets
// of a new service are healthy). When target health cannot be read it says
// so in an ActionEvent and does not fail the call.
func (d *deployer) waitTargetsHealthy(ctx context.Context, cfg config, st *Status) error {
	if cfg.elb == nil || st == nil || len(serviceTargetGroups(st.Service)) == 0 {
		return nil
	}
	start := cfg.clock.Now()
	want := int(st.Service.DesiredCount)
	for {
		hs, err := d.targetGroupHealth(ctx, cfg, st.Service)
		if err != nil {
			// ECS already reported success; a caller without ELB read
			// access (or an ELB outage) must not turn it into a failure.
			d.action(cfg, "could not read the target health of service %s: %v", valueOf(st.Service.ServiceName), err)
			return nil
		}
		st.TargetGroups = hs
		if targetsReady(st.Service, hs, want) {
			return nil
		}
		now := cfg.clock.Now()
		if now.Sub(start) >= cfg.timeout {
			return &WaitError{Op: "targets of service " + valueOf(st.Service.ServiceName) + " to be healthy", Waited: now.Sub(start), Last: st, Err: ErrTimeout}
		}
		if err := cfg.clock.Sleep(ctx, min(cfg.poll, cfg.timeout-now.Sub(start))); err != nil {
			return &WaitError{Op: "targets of service " + valueOf(st.Service.ServiceName) + " to be healthy", Waited: cfg.clock.Now().Sub(start), Last: st, Err: err}
		}
	}
}

// LoadBalancerFailure explains tasks stopped for failing a target group's
// health checks.
type LoadBalancerFailure struct {
	// TargetGroupArn is the target group whose checks failed.
	TargetGroupArn string
	// Tasks is how many of the deployment's stopped tasks failed them.
	Tasks int
	// Port is the target port of the last unhealthy target ECS reported.
	Port int32
	// Reason is ELB's reason code ("Target.ResponseCodeMismatch",
	// "Target.Timeout", "Target.FailedHealthChecks"), from the last
	// "is unhealthy in (target-group ...) due to (reason ...)" service event.
	Reason string
	// Description is ELB's description ("Health checks failed with these
	// codes: [502]").
	Description string
	// Protocol, Port, Path, Matcher, Interval, Timeout and the thresholds
	// are the group's health check (empty when it could not be read).
	HealthCheckProtocol, HealthCheckPort, HealthCheckPath, Matcher string
	HealthCheckInterval, HealthCheckTimeout                        int32
	HealthyThreshold, UnhealthyThreshold                           int32
	// Hint says what to look at.
	Hint string
}

// String is one line: the group, the reason and the health check, and the hint.
func (f LoadBalancerFailure) String() string {
	s := fmt.Sprintf("%d tasks failed ELB health checks in %s", f.Tasks, f.TargetGroupArn)
	if f.Reason != "" {
		s += fmt.Sprintf(": %s (%s)", f.Reason, f.Description)
	}
	if f.HealthCheckProtocol != "" {
		hc := f.HealthCheckProtocol + " port " + f.HealthCheckPort
		if f.HealthCheckPath != "" {
			hc += " path " + f.HealthCheckPath
		}
		if f.Matcher != "" {
			hc += " expecting " + f.Matcher
		}
		s += fmt.Sprintf("; health check %s every %ds, timeout %ds, unhealthy after %d failures", hc, f.HealthCheckInterval, f.HealthCheckTimeout, f.UnhealthyThreshold)
	}
	if f.Hint != "" {
		s += "; hint: " + f.Hint
	}
	return s
}

var (
	elbStopRE  = regexp.MustCompile(`^Task failed ELB health checks in \(target-group (\S+)\)`)
	elbEventRE = regexp.MustCompile(`\(port (\d+)\) is unhealthy in \(target-group (\S+)\) due to \(reason (.*)\)\.?$`)
)

// reasonCode maps ELB's description (as ECS quotes it) back to its reason code.
func reasonCode(desc string) string {
	switch {
	case strings.HasPrefix(desc, "Health checks failed with these codes"):
		return "Target.ResponseCodeMismatch"
	case strings.HasPrefix(desc, "Request timed out"):
		return "Target.Timeout"
	case strings.HasPrefix(desc, "Health checks failed due to an internal error"):
		return "Elb.InternalError"
	case strings.HasPrefix(desc, "Health checks failed"):
		return "Target.FailedHealthChecks"
	}
	return ""
}

// explainLoadBalancer builds a LoadBalancerFailure per target group whose
// health checks stopped tasks, from the stopped tasks' reasons, the
// service's events and (with WithLoadBalancers) the group's health check.
func (d *deployer) explainLoadBalancer(ctx context.Context, cfg config, cluster, service string, stopped []StoppedTask) []LoadBalancerFailure {
	var out []LoadBalancerFailure
	idx := map[string]int{}
	for _, t := range stopped {
		m := elbStopRE.FindStringSubmatch(t.StoppedReason)
		if m == nil {
			continue
		}
		i, ok := idx[m[1]]
		if !ok {
			i = len(out)
			idx[m[1]] = i
			out = append(out, LoadBalancerFailure{TargetGroupArn: m[1]})
		}
		out[i].Tasks++
	}
	if len(out) == 0 {
		return nil
	}
	if svc, err := d.describeService(ctx, cluster, service); err == nil {
		for _, ev := range svc.Events { // newest first: keep the newest per group
			m := elbEventRE.FindStringSubmatch(valueOf(ev.Message))
			if m == nil {
				continue
			}
			if i, ok := idx[m[2]]; ok && out[i].Reason == "" {
				var port int32
				fmt.Sscan(m[1], &port)
				out[i].Port, out[i].Description, out[i].Reason = port, m[3], reasonCode(m[3])
			}
		}
	}
	if cfg.elb != nil {
		arns := make([]string, len(out))
		for i, f := range out {
			arns[i] = f.TargetGroupArn
		}
		if res, err := cfg.elb.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{TargetGroupArns: arns}); err == nil {
			for _, g := range res.TargetGroups {
				i, ok := idx[valueOf(g.TargetGroupArn)]
				if !ok {
					continue
				}
				f := &out[i]
				f.HealthCheckProtocol, f.HealthCheckPort, f.HealthCheckPath = string(g.HealthCheckProtocol), valueOf(g.HealthCheckPort), valueOf(g.HealthCheckPath)
				if g.Matcher != nil {
					f.Matcher = valueOf(g.Matcher.HttpCode)
					if f.Matcher == "" {
						f.Matcher = "gRPC " + valueOf(g.Matcher.GrpcCode)
					}
				}
				f.HealthCheckInterval, f.HealthCheckTimeout = valueOf(g.HealthCheckIntervalSeconds), valueOf(g.HealthCheckTimeoutSeconds)
				f.HealthyThreshold, f.UnhealthyThreshold = valueOf(g.HealthyThresholdCount), valueOf(g.UnhealthyThresholdCount)
			}
		}
	}
	for i := range out {
		out[i].Hint = lbHint(out[i])
	}
	return out
}

// lbHint says what to check for a reason code.
func lbHint(f LoadBalancerFailure) string {
	path := f.HealthCheckPath
	if path == "" {
		path = "the health check path"
	}
	switch f.Reason {
	case "Target.ResponseCodeMismatch":
		want := f.Matcher
		if want == "" {
			want = "the matcher's codes"
		}
		return fmt.Sprintf("the application answered %s with a code outside %s: make it answer %s there (once it is ready), or change the target group's health check path or matcher", path, want, want)
	case "Target.Timeout":
		return fmt.Sprintf("the application did not answer %s within the health check timeout: check that it listens on the container port and answers fast, raise the timeout, or give it time with healthCheckGracePeriodSeconds", path)
	case "Target.FailedHealthChecks":
		return "the load balancer could not connect: check that the container listens on the registered port and that security groups allow the load balancer to reach the tasks"
	}
	return "check the target group's health check settings and that the application passes them; healthCheckGracePeriodSeconds gives slow starters time"
}
