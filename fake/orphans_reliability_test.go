package fake_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// serviceOnInstances serves a fake with n EC2 instances and service "web"
// of desired tasks (spread over the instances), settled.
func serviceOnInstances(t *testing.T, n, desired int) (*faketest.Server, []string) {
	t.Helper()
	ctx := context.Background()
	srv := faketest.NewServer(t)
	if _, err := srv.Client.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	var insts []string
	for range n {
		arn, err := srv.ECS.AddInstance("default", fake.InstanceSpec{CPU: 4096, Memory: 8192})
		if err != nil {
			t.Fatal(err)
		}
		insts = append(insts, arn)
	}
	if _, err := srv.Client.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("web"), Image: aws.String("nginx"), Memory: aws.Int32(64), Cpu: 32}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Client.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String("web"),
		DesiredCount: aws.Int32(int32(desired)), LaunchType: types.LaunchTypeEc2,
		PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeSpread, Field: aws.String("instanceId")}}}); err != nil {
		t.Fatal(err)
	}
	srv.ECS.Advance(5 * time.Minute)
	return srv, insts
}

// runningOn lists the RUNNING tasks of service web per container instance.
func runningOn(t *testing.T, srv *faketest.Server) (map[string][]string, int) {
	t.Helper()
	ctx := context.Background()
	byInst := map[string][]string{}
	total := 0
	pg := ecs.NewListTasksPaginator(srv.Client, &ecs.ListTasksInput{ServiceName: aws.String("web")})
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(out.TaskArns); i += 100 {
			d, err := srv.Client.DescribeTasks(ctx, &ecs.DescribeTasksInput{Tasks: out.TaskArns[i:min(i+100, len(out.TaskArns))]})
			if err != nil {
				t.Fatal(err)
			}
			for _, tk := range d.Tasks {
				if aws.ToString(tk.LastStatus) == "RUNNING" {
					byInst[aws.ToString(tk.ContainerInstanceArn)] = append(byInst[aws.ToString(tk.ContainerInstanceArn)], aws.ToString(tk.TaskArn))
					total++
				}
			}
		}
	}
	return byInst, total
}

// Force-deregistering an instance with service tasks orphans them as the
// ECS API Reference (DeregisterContainerInstance, force) describes: they
// are "no longer monitored or accounted for by Amazon ECS" and "the service
// scheduler starts another copy of that task, on a different container
// instance if possible". Before, the service stayed short.
func TestForceDeregisterOrphansTasksAndTheSchedulerReplacesThem(t *testing.T) {
	ctx := context.Background()
	srv, insts := serviceOnInstances(t, 4, 8)
	byInst, total := runningOn(t, srv)
	orphans := byInst[insts[0]]
	if total != 8 || len(orphans) != 2 {
		t.Fatalf("before: %d running, %d on the first instance; want 8 and 2", total, len(orphans))
	}
	if _, err := srv.Client.DeregisterContainerInstance(ctx, &ecs.DeregisterContainerInstanceInput{ContainerInstance: &insts[0]}); err == nil ||
		!strings.Contains(err.Error(), "Found running tasks on the instance.") {
		t.Fatalf("deregister without force: %v", err)
	}
	if _, err := srv.Client.DeregisterContainerInstance(ctx, &ecs.DeregisterContainerInstanceInput{ContainerInstance: &insts[0], Force: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	// Right away: the orphans are no longer counted nor listed.
	svc := describeWeb(t, srv)
	if svc.RunningCount != 6 {
		t.Errorf("runningCount right after: %d, want 6 (the 2 orphans are not accounted for)", svc.RunningCount)
	}
	if _, n := runningOn(t, srv); n != 6 {
		t.Errorf("ListTasks right after: %d running, want 6", n)
	}
	srv.ECS.Advance(2 * time.Minute)
	byInst, total = runningOn(t, srv)
	if total != 8 || len(byInst[insts[0]]) != 0 {
		t.Errorf("after 2 min: %d running (%d on the deregistered instance), want 8 replaced elsewhere", total, len(byInst[insts[0]]))
	}
	if svc := describeWeb(t, srv); svc.RunningCount != 8 {
		t.Errorf("runningCount after 2 min: %d, want 8", svc.RunningCount)
	}
	// The orphans keep their last known state until forgotten.
	d, err := srv.Client.DescribeTasks(ctx, &ecs.DescribeTasksInput{Tasks: orphans})
	if err != nil || len(d.Tasks) != 2 || aws.ToString(d.Tasks[0].LastStatus) != "RUNNING" {
		t.Fatalf("orphans: %v %v", d, err)
	}
	srv.ECS.Advance(2 * time.Hour)
	if d, err := srv.Client.DescribeTasks(ctx, &ecs.DescribeTasksInput{Tasks: orphans}); err != nil || len(d.Tasks) != 0 || len(d.Failures) != 2 {
		t.Errorf("orphans after the retention: %v %v, want MISSING", d, err)
	}
}

func describeWeb(t *testing.T, srv *faketest.Server) types.Service {
	t.Helper()
	out, err := srv.Client.DescribeServices(context.Background(), &ecs.DescribeServicesInput{Services: []string{"web"}})
	if err != nil || len(out.Services) != 1 {
		t.Fatalf("DescribeServices: %v %v", out, err)
	}
	return out.Services[0]
}

// POST /_fake/v1/lose-instance loses instances over the wire (issue #17
// item 8): the answer names the stopped tasks, they are STOPPED with
// InfrastructureHealth, the scheduler replaces them; bad requests change
// nothing and are answered with bounded errors; losing 20 of 40 instances
// under a 1,000-task service costs bounded memory per call, and another
// client is never held back more than 1 s.
func TestLoseInstanceOverHTTP(t *testing.T) {
	ctx := context.Background()
	srv, insts := serviceOnInstances(t, 40, 1000)
	ctl := fake.NewControlClient(srv.URL, nil)
	before := stateDump(t, srv.ECS)
	for _, c := range []struct {
		method, body string
		status       int
		want         string
	}{
		{"POST", ``, 400, "a JSON object is required"},
		{"POST", `{}`, 400, "containerInstance: the ARN or ID"},
		{"POST", `{"containerInstance": "nope"}`, 404, `containerInstance "nope": no such container instance`},
		{"POST", `{"containerInstance": "` + strings.Repeat("i", 500_000) + `"}`, 404, "more bytes)"},
		{"POST", `{"instance": "x"}`, 400, "unknown field"},
		{"GET", ``, 405, "use POST"},
	} {
		status, doc := control(t, srv, c.method, "/_fake/v1/lose-instance", c.body)
		msg, _ := doc["message"].(string)
		if status != c.status || !strings.Contains(msg, c.want) || len(msg) > 1024 {
			t.Errorf("%s %.40q: %d %.200q, want %d with %q", c.method, c.body, status, msg, c.status, c.want)
		}
	}
	if after := stateDump(t, srv.ECS); after != before {
		t.Fatal("bad lose-instance requests changed the state")
	}

	byInst, _ := runningOn(t, srv)
	var lost, stoppedTotal int
	var alloc uint64
	p := probeWhile(t, srv.URL, func() {
		alloc = allocatedDuring(func() {
			for _, arn := range insts[:20] {
				stopped, err := ctl.LoseInstance(ctx, arn)
				if err != nil {
					t.Fatal(err)
				}
				// Its tasks, plus replacements placed on it since the
				// listing (the scheduler keeps the service whole).
				for _, want := range byInst[arn] {
					if !slices.Contains(stopped, want) {
						t.Fatalf("lose %s: task %s not among the %d stopped", arn, want, len(stopped))
					}
				}
				lost++
				stoppedTotal += len(stopped)
			}
		})
	})
	t.Logf("lost %d instances (%d tasks): %.0f KB allocated per call; other client: %v",
		lost, stoppedTotal, float64(alloc)/float64(lost)/1024, p)
	if per := alloc / uint64(lost); per > 2<<20 {
		t.Errorf("%d KB allocated per lose-instance call, want < 2 MB", per>>10)
	}
	if p.failures > 0 || p.worst > otherClientBound(time.Second) {
		t.Errorf("other client: %d failures, worst %v", p.failures, p.worst)
	}
	d, err := srv.Client.DescribeTasks(ctx, &ecs.DescribeTasksInput{Tasks: byInst[insts[0]][:1]})
	if err != nil || len(d.Tasks) != 1 || d.Tasks[0].StopCode != types.TaskStopCodeInfrastructureHealth ||
		!strings.HasPrefix(aws.ToString(d.Tasks[0].StoppedReason), "Host EC2 (instance ") {
		t.Fatalf("lost task: %v %v", d, err)
	}
	srv.ECS.Advance(5 * time.Minute)
	if byInst, total := runningOn(t, srv); total != 1000 || len(byInst[insts[0]]) != 0 {
		t.Errorf("after 5 min: %d running, want 1000 on the remaining instances", total)
	}
}
