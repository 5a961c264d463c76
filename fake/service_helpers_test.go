package fake

import (
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// tb is the part of testing.TB (and of *rapid.T) the service helpers use.
type tb interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
}

// clusterT is newCluster for any tb: cluster "default" with n instances
// of 2048 CPU / 4096 MiB.
func clusterT(t tb, n int, opts ...Option) *ECS {
	t.Helper()
	e := New(append([]Option{WithTiming(fastTiming)}, opts...)...)
	if _, err := e.CreateCluster(bg, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	for range n {
		if _, err := e.AddInstance("default", InstanceSpec{CPU: 2048, Memory: 4096}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// registerT is register for any tb.
func registerT(t tb, e *ECS, in *ecs.RegisterTaskDefinitionInput) string {
	t.Helper()
	out, err := e.RegisterTaskDefinition(bg, in)
	if err != nil {
		t.Fatal(err)
	}
	return *out.TaskDefinition.TaskDefinitionArn
}

// svcOpts configure createSvc.
type svcOpts struct {
	min, max       int32
	breaker        bool
	rollback       bool
	grace          int32
	launchFargate  bool
	noDeployConfig bool
}

// createSvc creates service name on td with desired tasks.
func createSvc(t tb, e *ECS, name, td string, desired int32, o svcOpts) types.Service {
	t.Helper()
	in := &ecs.CreateServiceInput{ServiceName: aws.String(name), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(desired)}
	if !o.noDeployConfig {
		in.DeploymentConfiguration = &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(o.min), MaximumPercent: aws.Int32(o.max),
			DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: o.breaker, Rollback: o.rollback}}
	}
	if o.grace > 0 {
		in.HealthCheckGracePeriodSeconds = aws.Int32(o.grace)
	}
	if o.launchFargate {
		in.LaunchType = types.LaunchTypeFargate
		in.NetworkConfiguration = netCfg
	}
	out, err := e.CreateService(bg, in)
	if err != nil {
		t.Fatalf("CreateService(%s): %v", name, err)
	}
	return *out.Service
}

// svc describes one service.
func svc(t tb, e *ECS, name string) types.Service {
	t.Helper()
	out, err := e.DescribeServices(bg, &ecs.DescribeServicesInput{Services: []string{name}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Services) != 1 {
		t.Fatalf("DescribeServices(%s): failures %v", name, reasons(out.Failures))
	}
	return out.Services[0]
}

// update calls UpdateService and fails the test on error.
func update(t tb, e *ECS, in *ecs.UpdateServiceInput) types.Service {
	t.Helper()
	out, err := e.UpdateService(bg, in)
	if err != nil {
		t.Fatalf("UpdateService: %v", err)
	}
	return *out.Service
}

// primaryOf returns the PRIMARY deployment.
func primaryOf(t tb, s types.Service) types.Deployment {
	t.Helper()
	for _, d := range s.Deployments {
		if aws.ToString(d.Status) == "PRIMARY" {
			return d
		}
	}
	t.Fatalf("service %s has no PRIMARY deployment: %d deployments", aws.ToString(s.ServiceName), len(s.Deployments))
	return types.Deployment{}
}

// svcTaskCounts counts a service's tasks the scheduler's way: live (not
// STOPPED), and healthy RUNNING (40 s after start without health checks,
// HEALTHY with them), per task definition ARN.
type svcTaskCounts struct {
	live, healthy int
	runningByTD   map[string]int
}

func countSvcTasks(e *ECS, name string) svcTaskCounts {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.simNow
	c := svcTaskCounts{runningByTD: map[string]int{}}
	for _, t := range e.clusters["default"].tasks {
		if t.forgotten || t.group != "service:"+name || t.lastStatus == statusStopped {
			continue
		}
		if t.desiredStatus == statusStopped {
			continue // being stopped: not RUNNING or PENDING for maximumPercent
		}
		c.live++
		if t.lastStatus == statusRunning && t.desiredStatus == statusRunning {
			c.runningByTD[t.td.arn]++
			healthy := !now.Before(t.startedAt.Add(40 * time.Second))
			if hasEssentialHealthCheck(t.td) {
				healthy = t.health == types.HealthStatusHealthy
			}
			if healthy {
				c.healthy++
			}
		}
	}
	return c
}

// eventTexts returns a service's event messages, newest first.
func eventTexts(s types.Service) []string {
	out := make([]string, len(s.Events))
	for i, ev := range s.Events {
		out[i] = aws.ToString(ev.Message)
	}
	return out
}

// countEvents counts events containing sub.
func countEvents(s types.Service, sub string) int {
	n := 0
	for _, m := range eventTexts(s) {
		if strings.Contains(m, sub) {
			n++
		}
	}
	return n
}

// stepUntil advances the fake by step until done returns true (at most
// limit of virtual time), calling check after every step.
func stepUntil(t tb, e *ECS, step, limit time.Duration, check func(), done func() bool) {
	t.Helper()
	for waited := time.Duration(0); ; waited += step {
		if check != nil {
			check()
		}
		if done() {
			return
		}
		if waited >= limit {
			t.Fatalf("not done after %v of virtual time", limit)
		}
		e.Advance(step)
	}
}

// completed reports whether the service has one COMPLETED deployment on td
// and runningCount == desiredCount.
func completed(t tb, e *ECS, name, td string) bool {
	s := svc(t, e, name)
	return len(s.Deployments) == 1 && s.Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted &&
		aws.ToString(s.Deployments[0].TaskDefinition) == td && s.RunningCount == s.DesiredCount
}
