package fake_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/chaos"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

const (
	concWorkers = 16
	concOps     = 10_000
)

// concWorker is one goroutine's view: it owns one service (so it knows the
// task definition that service must end on) and shares the cluster.
type concWorker struct {
	id       int
	rng      *rand.Rand
	service  string
	family   string
	intended string
	desired  int32
	started  []string // task ARNs RunTask returned
	stopped  []string // task ARNs StopTask stopped
	counts   map[string]int
	errs     []error
}

// TestConcurrentOperationsKeepInvariants drives one fake from 16
// goroutines for 10,000 operations (RunTask, StopTask, DescribeTasks,
// ListTasks, DescribeServices, deployments, scaling, registrations and
// clock advances) under -race, then checks the scheduler's invariants,
// that no task was lost or handed out twice, and that every service
// converges on the task definition its owner deployed last.
func TestConcurrentOperationsKeepInvariants(t *testing.T) {
	ctx := context.Background()
	e := fake.New(fake.WithSeed(7))
	if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("default")}); err != nil {
		t.Fatal(err)
	}
	for range 24 {
		if _, err := e.AddInstance("default", fake.InstanceSpec{CPU: 4096, Memory: 8192}); err != nil {
			t.Fatal(err)
		}
	}
	register := func(family, tag string) (string, error) {
		out, err := e.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String(family),
			ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx:" + tag), Memory: aws.Int32(32)}}})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.TaskDefinition.TaskDefinitionArn), nil
	}
	batch, err := register("batch", "1")
	if err != nil {
		t.Fatal(err)
	}
	workers := make([]*concWorker, concWorkers)
	var names []string
	for i := range workers {
		w := &concWorker{id: i, rng: rand.New(rand.NewPCG(uint64(i), 99)), service: fmt.Sprintf("svc-%02d", i),
			family: fmt.Sprintf("fam-%02d", i), desired: 3, counts: map[string]int{}}
		if w.intended, err = register(w.family, "1"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String(w.service), TaskDefinition: aws.String(w.intended),
			DesiredCount: aws.Int32(w.desired), LaunchType: types.LaunchTypeEc2,
			DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(50), MaximumPercent: aws.Int32(200)}}); err != nil {
			t.Fatal(err)
		}
		workers[i] = w
		names = append(names, w.service)
	}

	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() {
			for n := range concOps / concWorkers {
				op, err := w.step(ctx, e, batch, register, n)
				w.counts[op]++
				if err != nil {
					w.errs = append(w.errs, fmt.Errorf("%s: %w", op, err))
				}
			}
		})
	}
	wg.Wait()

	total := map[string]int{}
	seen := map[string]bool{}
	for _, w := range workers {
		for _, err := range w.errs {
			t.Errorf("worker %d: %v", w.id, err)
		}
		for op, n := range w.counts {
			total[op] += n
		}
		for _, arn := range w.started {
			if seen[arn] {
				t.Errorf("task %s handed out twice", arn)
			}
			seen[arn] = true
		}
	}
	t.Logf("operations: %v", total)
	if n := sumCounts(total); n != concOps {
		t.Fatalf("%d operations, want %d", n, concOps)
	}

	// Nothing lost: every task RunTask returned is still known.
	known := map[string]types.Task{}
	for _, tk := range e.Tasks("default") {
		known[aws.ToString(tk.TaskArn)] = tk
	}
	for arn := range seen {
		if _, ok := known[arn]; !ok {
			t.Errorf("task %s returned by RunTask is no longer known", arn)
		}
	}

	// Invariants now, and after the scheduler settles.
	chk := chaos.NewChecker(e.Now())
	x := chaos.Expect{Services: names, Retention: fake.DefaultTiming().Retention, Slack: time.Minute}
	check := func(when string) chaos.Snapshot {
		snap, err := chaos.Observe(ctx, e, "default", names)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range chk.Check(snap, x) {
			t.Errorf("%s: %v", when, v)
		}
		return snap
	}
	check("right after the run")
	for range 6 {
		e.Advance(2 * time.Minute)
		check("settling")
	}
	snap := check("settled")
	intended := map[string]string{}
	for _, w := range workers {
		intended[w.service] = w.intended
		for _, arn := range w.stopped {
			if tk, ok := known[arn]; ok && aws.ToString(tk.LastStatus) != "STOPPED" {
				if got := describeStatus(t, e, arn); got != "STOPPED" {
					t.Errorf("stopped task %s is %s", arn, got)
				}
			}
		}
	}
	for _, v := range chk.CheckConverged(snap, intended) {
		t.Error(v)
	}
	t.Logf("invariant checks: %d", chk.Checks)
}

func sumCounts(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func describeStatus(t *testing.T, e *fake.ECS, arn string) string {
	t.Helper()
	out, err := e.DescribeTasks(context.Background(), &ecs.DescribeTasksInput{Tasks: []string{arn}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tasks) == 0 {
		return "MISSING"
	}
	return aws.ToString(out.Tasks[0].LastStatus)
}

// step performs one random operation and names it.
func (w *concWorker) step(ctx context.Context, e *fake.ECS, batch string, register func(family, tag string) (string, error), n int) (string, error) {
	switch p := w.rng.IntN(100); {
	case p < 20:
		out, err := e.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String(batch), Count: aws.Int32(int32(1 + w.rng.IntN(3))), LaunchType: types.LaunchTypeEc2})
		if err == nil {
			for _, tk := range out.Tasks {
				w.started = append(w.started, aws.ToString(tk.TaskArn))
			}
		}
		return "RunTask", err
	case p < 32:
		if len(w.started) == 0 {
			return "StopTask", nil
		}
		arn := w.started[w.rng.IntN(len(w.started))]
		_, err := e.StopTask(ctx, &ecs.StopTaskInput{Task: aws.String(arn), Reason: aws.String("concurrency test")})
		if err == nil {
			w.stopped = append(w.stopped, arn)
		}
		return "StopTask", err
	case p < 50:
		if len(w.started) == 0 {
			return "DescribeTasks", nil
		}
		arns := w.started[max(0, len(w.started)-100):]
		out, err := e.DescribeTasks(ctx, &ecs.DescribeTasksInput{Tasks: arns})
		if err == nil && len(out.Tasks)+len(out.Failures) != len(arns) {
			err = fmt.Errorf("%d tasks + %d failures for %d ARNs", len(out.Tasks), len(out.Failures), len(arns))
		}
		if err == nil && len(out.Failures) > 0 {
			err = fmt.Errorf("task lost: %s %s", aws.ToString(out.Failures[0].Arn), aws.ToString(out.Failures[0].Reason))
		}
		return "DescribeTasks", err
	case p < 60:
		_, err := e.ListTasks(ctx, &ecs.ListTasksInput{DesiredStatus: types.DesiredStatusRunning})
		return "ListTasks", err
	case p < 75:
		out, err := e.DescribeServices(ctx, &ecs.DescribeServicesInput{Services: []string{w.service}})
		if err == nil && (len(out.Services) != 1 || len(out.Services[0].Deployments) == 0) {
			err = fmt.Errorf("service %s: %d services, failures %d", w.service, len(out.Services), len(out.Failures))
		}
		return "DescribeServices", err
	case p < 83:
		arn, err := register(w.family, fmt.Sprint(n))
		if err != nil {
			return "Deploy", err
		}
		_, err = e.UpdateService(ctx, &ecs.UpdateServiceInput{Service: aws.String(w.service), TaskDefinition: aws.String(arn)})
		if err == nil {
			w.intended = arn
		}
		return "Deploy", err
	case p < 88:
		_, err := e.UpdateService(ctx, &ecs.UpdateServiceInput{Service: aws.String(w.service), ForceNewDeployment: true})
		return "ForceNewDeployment", err
	case p < 93:
		w.desired = int32(1 + w.rng.IntN(5))
		_, err := e.UpdateService(ctx, &ecs.UpdateServiceInput{Service: aws.String(w.service), DesiredCount: aws.Int32(w.desired)})
		return "Scale", err
	default:
		e.Advance(2 * time.Second)
		return "Advance", nil
	}
}
