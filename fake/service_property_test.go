package fake

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"pgregory.net/rapid"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// propSvc is one service under test and what the property knows about it.
type propSvc struct {
	name              string
	desired, min, max int
	reachedMin        bool
	// hi is the RUNNING+PENDING bound in force: after desiredCount is
	// lowered, tasks already started may exceed the new bound until the
	// scheduler has brought them within it once.
	hi int
}

// liveAndHealthy counts a service's RUNNING+PENDING tasks (lastStatus
// PROVISIONING..RUNNING) and its healthy RUNNING ones (the planner's rule:
// HEALTHY with a health check, else 40 s after start).
func liveAndHealthy(e *ECS, name string) (live, healthy int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.catchUpLocked()
	for _, t := range e.clusters["default"].tasks {
		if t.forgotten || t.group != "service:"+name {
			continue
		}
		switch t.lastStatus {
		case statusProvisioning, statusPending, statusActivating:
			live++
		case statusRunning:
			live++
			if t.desiredStatus != statusRunning {
				continue
			}
			ok := !now.Before(t.startedAt.Add(plan.NoHealthCheckDelay))
			if hasEssentialHealthCheck(t.td) {
				ok = t.health == types.HealthStatusHealthy
			}
			if ok {
				healthy++
			}
		}
	}
	return live, healthy
}

// At every Advance step of random services, configurations, updates and
// faults (failing images, crashes, unhealthy containers, lost instances,
// user stops): RUNNING+PENDING never exceeds floor(desired*max/100), and,
// in runs where nothing but the scheduler stops healthy tasks, healthy
// RUNNING tasks never drop below ceil(desired*min/100) once reached. At the
// end a healthy image rolls out everywhere and converges.
func TestPropertyServiceBoundsUnderFaults(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		e := clusterT(rt, 12)
		good := registerT(rt, e, healthTD("p", "img:good"))
		goodNoHC := registerT(rt, e, simpleTD("q", "img:good2"))
		bad := registerT(rt, e, simpleTD("p", "img:bad"))
		e.InjectFault(Fault{Image: "img:bad", Action: FaultFailStart})
		faulty := false
		tds := []string{good, goodNoHC, bad}
		var svcs []*propSvc
		for i := range rapid.IntRange(1, 3).Draw(rt, "services") {
			s := &propSvc{
				name:    fmt.Sprintf("s%d", i),
				desired: rapid.IntRange(0, 6).Draw(rt, "desired"),
				min:     rapid.SampledFrom([]int{0, 25, 50, 75, 100}).Draw(rt, "min"),
				max:     rapid.SampledFrom([]int{100, 125, 150, 200}).Draw(rt, "max"),
			}
			breaker := rapid.Bool().Draw(rt, "breaker")
			createSvc(rt, e, s.name, rapid.SampledFrom(tds[:2]).Draw(rt, "td"), int32(s.desired),
				svcOpts{min: int32(s.min), max: int32(s.max), breaker: breaker, rollback: breaker && rapid.Bool().Draw(rt, "rollback")})
			svcs = append(svcs, s)
		}
		check := func() {
			for _, s := range svcs {
				live, healthy := liveAndHealthy(e, s.name)
				bound := plan.MaxTasks(s.desired, s.max)
				if live <= bound {
					s.hi = bound
				}
				if live > max(s.hi, bound) {
					rt.Fatalf("%s at %v: %d RUNNING+PENDING > floor(%d*%d/100) = %d", s.name, e.Now(), live, s.desired, s.max, max(s.hi, bound))
				}
				lo := plan.MinHealthy(s.desired, s.min)
				s.reachedMin = s.reachedMin || healthy >= lo
				if !faulty && s.reachedMin && healthy < lo {
					rt.Fatalf("%s at %v: %d healthy < ceil(%d*%d/100) = %d", s.name, e.Now(), healthy, s.desired, s.min, lo)
				}
			}
		}
		steps := rapid.IntRange(5, 40).Draw(rt, "steps")
		for range steps {
			s := rapid.SampledFrom(svcs).Draw(rt, "svc")
			switch rapid.IntRange(0, 9).Draw(rt, "action") {
			case 0, 1:
				update(rt, e, &ecs.UpdateServiceInput{Service: aws.String(s.name), TaskDefinition: aws.String(rapid.SampledFrom(tds).Draw(rt, "newTD"))})
			case 2:
				s.hi = max(s.hi, plan.MaxTasks(s.desired, s.max))
				s.desired = rapid.IntRange(0, 6).Draw(rt, "newDesired")
				s.reachedMin = false
				update(rt, e, &ecs.UpdateServiceInput{Service: aws.String(s.name), DesiredCount: aws.Int32(int32(s.desired))})
			case 3:
				update(rt, e, &ecs.UpdateServiceInput{Service: aws.String(s.name), ForceNewDeployment: true})
			case 4:
				faulty = true
				switch rapid.IntRange(0, 2).Draw(rt, "fault") {
				case 0:
					e.InjectFault(Fault{Action: FaultExit, ExitCode: 1, After: time.Duration(rapid.IntRange(1, 60).Draw(rt, "exitAfter")) * time.Second, Times: 2})
				case 1:
					e.InjectFault(Fault{Action: FaultUnhealthy, After: 15 * time.Second, Times: 2})
				case 2:
					ts := e.Tasks("default")
					if len(ts) > 0 {
						tk := rapid.SampledFrom(ts).Draw(rt, "task")
						if arn := aws.ToString(tk.ContainerInstanceArn); rapid.Bool().Draw(rt, "lose") && arn != "" {
							e.LoseInstance(arn)
						} else {
							e.StopTask(bg, &ecs.StopTaskInput{Task: tk.TaskArn})
						}
					}
				}
			default:
				e.Advance(time.Duration(rapid.IntRange(1, 30).Draw(rt, "advance")) * time.Second)
			}
			check()
		}
		// A healthy image rolls out everywhere and converges.
		e.ClearFaults()
		final := registerT(rt, e, simpleTD("p", "img:final"))
		for _, s := range svcs {
			in := &ecs.UpdateServiceInput{Service: aws.String(s.name), TaskDefinition: aws.String(final)}
			if s.desired > 0 && plan.MinHealthy(s.desired, s.min) >= plan.MaxTasks(s.desired, s.max) {
				// A configuration that allows neither a stop nor a start
				// cannot deploy (the blocked event); widen it first.
				s.max = 200
				in.DeploymentConfiguration = &types.DeploymentConfiguration{MaximumPercent: aws.Int32(200)}
			}
			update(rt, e, in)
		}
		for i := 0; ; i++ {
			e.Advance(15 * time.Second)
			check()
			done := true
			for _, s := range svcs {
				done = done && completed(rt, e, s.name, final)
			}
			if done {
				break
			}
			if i > 400 {
				for _, s := range svcs {
					sv := svc(rt, e, s.name)
					rt.Logf("%s: %d deployments, running %d desired %d, events %q", s.name, len(sv.Deployments), sv.RunningCount, sv.DesiredCount, eventTexts(sv))
				}
				rt.Fatalf("no convergence after 100 minutes")
			}
		}
		for _, s := range svcs {
			if live, _ := liveAndHealthy(e, s.name); live != s.desired {
				rt.Fatalf("%s converged with %d tasks, want %d", s.name, live, s.desired)
			}
		}
	})
}

// A failing rollout with the breaker and rollback fails within the
// threshold and ends on the last COMPLETED definition with desiredCount
// tasks RUNNING.
func TestPropertyFailingRolloutRollsBack(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		e := clusterT(rt, 12)
		good := registerT(rt, e, simpleTD("p", "img:good"))
		bad := registerT(rt, e, simpleTD("p", "img:bad"))
		e.InjectFault(Fault{Image: "img:bad", Action: FaultFailStart})
		desired := rapid.IntRange(1, 8).Draw(rt, "desired")
		min := rapid.SampledFrom([]int{0, 50, 100}).Draw(rt, "min")
		max := rapid.SampledFrom([]int{100, 150, 200}).Draw(rt, "max")
		if plan.MinHealthy(desired, min) >= plan.MaxTasks(desired, max) {
			max = 200 // that configuration cannot deploy at all
		}
		createSvc(rt, e, "web", good, int32(desired), svcOpts{min: int32(min), max: int32(max), breaker: true, rollback: true})
		stepUntil(rt, e, 5*time.Second, 10*time.Minute, nil, func() bool { return completed(rt, e, "web", good) })
		update(rt, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(bad)})
		stepUntil(rt, e, 5*time.Second, 2*time.Hour, func() {
			if live, _ := liveAndHealthy(e, "web"); live > plan.MaxTasks(desired, max) {
				rt.Fatalf("%d live tasks above max", live)
			}
		}, func() bool { return completed(rt, e, "web", good) })
		s := svc(rt, e, "web")
		if countEvents(s, "deployment failed: tasks failed to start.") != 1 || s.RunningCount != int32(desired) {
			rt.Fatalf("after rollback: running %d events %q", s.RunningCount, eventTexts(s))
		}
		failedStarts := 0
		for _, tk := range e.Tasks("default") {
			if tk.StopCode == types.TaskStopCodeTaskFailedToStart {
				failedStarts++
			}
		}
		// The breaker trips at the threshold; tasks already launched in the
		// last batch may add up to one batch more.
		if th := plan.BreakerThreshold(desired); failedStarts < th || failedStarts > th+plan.MaxTasks(desired, max) {
			rt.Fatalf("%d failed starts for threshold %d", failedStarts, th)
		}
	})
}
