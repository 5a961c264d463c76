package fake_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// ListTasks uses indexes (issue #17 item 4): over HTTP with the SDK, a
// client pages through 10,000 tasks of a cluster (4,000 of them stopped
// and still remembered) while tasks keep stopping between its pages; it
// sees every task that stayed RUNNING exactly once, the pages cost a
// bounded number of bytes each, and another client is never held back
// more than 1 s meanwhile.
func TestListTasksPagesThroughIndexes(t *testing.T) {
	ctx := context.Background()
	e := fake.New()
	if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("default")}); err != nil {
		t.Fatal(err)
	}
	for range 100 {
		if _, err := e.AddInstance("default", fake.InstanceSpec{CPU: 4096, Memory: 8192}); err != nil {
			t.Fatal(err)
		}
	}
	for _, fam := range []string{"web", "batch"} {
		if _, err := e.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String(fam),
			ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("c"), Image: aws.String("nginx"), Memory: aws.Int32(32), Cpu: 16}}}); err != nil {
			t.Fatal(err)
		}
	}
	var web, batch []string
	for i := range 1000 {
		fam := []string{"web", "batch"}[i%2]
		out, err := e.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String(fam), Count: aws.Int32(10)})
		if err != nil || len(out.Tasks) != 10 {
			t.Fatalf("RunTask: %v %v", err, out.Failures)
		}
		for _, tk := range out.Tasks {
			if fam == "web" {
				web = append(web, *tk.TaskArn)
			} else {
				batch = append(batch, *tk.TaskArn)
			}
		}
	}
	e.Advance(time.Minute)
	for _, arn := range batch[:4000] {
		if _, err := e.StopTask(ctx, &ecs.StopTaskInput{Task: aws.String(arn)}); err != nil {
			t.Fatal(err)
		}
	}
	e.Advance(time.Minute)
	srv := faketest.NewServerFor(t, e)

	seen := map[string]int{}
	pages := 0
	var alloc uint64
	p := probeWhile(t, srv.URL, func() {
		alloc = allocatedDuring(func() {
			pg := ecs.NewListTasksPaginator(srv.Client, &ecs.ListTasksInput{Family: aws.String("web")})
			for pg.HasMorePages() && pages < 1000 {
				out, err := pg.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range out.TaskArns {
					seen[a]++
				}
				// Between pages, stop a web task the client has already
				// listed and one it has not: neither may shift the pages.
				if pages < 20 {
					e.StopTask(ctx, &ecs.StopTaskInput{Task: aws.String(web[pages])})
					e.StopTask(ctx, &ecs.StopTaskInput{Task: aws.String(web[len(web)-1-pages])})
				}
				pages++
			}
		})
	})
	for i, a := range web {
		want := 1
		if i >= len(web)-20 {
			want = 0 // stopped before its page was read
		}
		if seen[a] != want {
			t.Fatalf("web task %d listed %d times, want %d", i, seen[a], want)
		}
	}
	if len(seen) != len(web)-20 || pages != 50 {
		t.Errorf("%d tasks in %d pages, want %d in 50", len(seen), pages, len(web)-20)
	}
	perPage := alloc / uint64(pages)
	t.Logf("%d pages of 100: %.0f KB allocated per page (client and server); other client: %v",
		pages, float64(perPage)/1024, p)
	if perPage > 1<<20 {
		t.Errorf("%d KB allocated per page, want < 1 MB", perPage>>10)
	}
	if p.failures > 0 || p.worst > otherClientBound(time.Second) {
		t.Errorf("other client: %d failures, worst %v, want none and < 1 s", p.failures, p.worst)
	}
	// Filters combine: stopped batch tasks on one instance.
	out, err := srv.Client.ListTasks(ctx, &ecs.ListTasksInput{DesiredStatus: types.DesiredStatusStopped, Family: aws.String("batch"), MaxResults: aws.Int32(100)})
	if err != nil || len(out.TaskArns) != 100 || out.NextToken == nil {
		t.Fatalf("stopped batch tasks: %v %v", out, err)
	}
	if _, err := srv.Client.ListTasks(ctx, &ecs.ListTasksInput{NextToken: aws.String("bm90LWEtdG9rZW4")}); err == nil {
		t.Error("a forged nextToken was accepted")
	}
}
