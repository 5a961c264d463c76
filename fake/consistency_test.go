package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// visibleAfter advances in steps of 1 s until seen() and returns how long
// that took (failing past limit).
func visibleAfter(t *testing.T, e *ECS, limit time.Duration, seen func() bool) time.Duration {
	t.Helper()
	start := e.Now()
	for !seen() {
		if e.Now().Sub(start) > limit {
			t.Fatalf("not visible after %v", limit)
		}
		e.Advance(time.Second)
	}
	return e.Now().Sub(start)
}

// Eventual consistency (opt-in, WithEventualConsistency): reads lag the
// writes of RunTask, CreateService, UpdateService and RegisterTaskDefinition
// by up to d, deterministically by seed; writes see everything at once.
func TestEventualConsistencyReadsLagWritesDeterministically(t *testing.T) {
	const d = 30 * time.Second
	lags := func(seed int64) []time.Duration {
		e := newCluster(t, 2, WithSeed(seed), WithEventualConsistency(d))
		td1 := register(t, e, simpleTD("web", "img:1"))
		var out []time.Duration

		// RunTask: DescribeTasks MISSING, ListTasks without it.
		rt := run(t, e, &ecs.RunTaskInput{TaskDefinition: &td1})
		arn := aws.ToString(rt.Tasks[0].TaskArn)
		out = append(out, visibleAfter(t, e, d, func() bool {
			dt, err := e.DescribeTasks(bg, &ecs.DescribeTasksInput{Tasks: []string{arn}})
			if err != nil {
				t.Fatal(err)
			}
			lt, _ := e.ListTasks(bg, &ecs.ListTasksInput{})
			if len(dt.Tasks) == 1 != (len(lt.TaskArns) == 1) {
				t.Fatalf("DescribeTasks and ListTasks disagree: %d vs %d", len(dt.Tasks), len(lt.TaskArns))
			}
			if len(dt.Tasks) == 0 && aws.ToString(dt.Failures[0].Reason) != "MISSING" {
				t.Fatalf("failure %v, want MISSING", reasons(dt.Failures))
			}
			return len(dt.Tasks) == 1
		}))

		// CreateService: DescribeServices MISSING; UpdateService (a write)
		// sees it at once.
		createSvc(t, e, "web", td1, 1, svcOpts{min: 100, max: 200})
		out = append(out, visibleAfter(t, e, d, func() bool {
			ds, _ := e.DescribeServices(bg, &ecs.DescribeServicesInput{Services: []string{"web"}})
			return len(ds.Services) == 1
		}))

		// UpdateService: the previous deployment list until visible.
		td2 := register(t, e, simpleTD("web", "img:2"))
		newID := aws.ToString(primaryOf(t, update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})).Id)
		out = append(out, visibleAfter(t, e, d, func() bool {
			ds, _ := e.DescribeServices(bg, &ecs.DescribeServicesInput{Services: []string{"web"}})
			_, ok := deploymentByID(ds.Services[0], newID)
			if !ok && aws.ToString(ds.Services[0].TaskDefinition) != td1 {
				t.Fatalf("stale view shows %s, want the previous %s", aws.ToString(ds.Services[0].TaskDefinition), td1)
			}
			return ok
		}))

		// RegisterTaskDefinition: ListTaskDefinitions without it.
		td3 := register(t, e, simpleTD("web", "img:3"))
		out = append(out, visibleAfter(t, e, d, func() bool {
			got, err := e.ListTaskDefinitions(bg, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("web")})
			if err != nil {
				t.Fatal(err)
			}
			return len(got.TaskDefinitionArns) == 3 && got.TaskDefinitionArns[2] == td3
		}))
		return out
	}
	a, b := lags(7), lags(7)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("lags differ for the same seed: %v vs %v", a, b)
		}
	}
	hiddenSome := false
	for _, l := range a {
		hiddenSome = hiddenSome || l > 0
	}
	if !hiddenSome {
		t.Fatalf("no read lagged: %v", a)
	}
	// Off by default: every read sees every write at once.
	e := newCluster(t, 1)
	td := register(t, e, simpleTD("web", "img"))
	rt := run(t, e, &ecs.RunTaskInput{TaskDefinition: &td})
	dt, _ := e.DescribeTasks(bg, &ecs.DescribeTasksInput{Tasks: []string{aws.ToString(rt.Tasks[0].TaskArn)}})
	if len(dt.Tasks) != 1 {
		t.Fatalf("without the option a new task is MISSING")
	}
	_ = types.LaunchTypeEc2
}
