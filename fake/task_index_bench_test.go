package fake

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// clusterWithTasks returns a fake whose cluster "default" holds n tasks
// of family "bench", every other one stopped (and still remembered).
func clusterWithTasks(b *testing.B, n int) *ECS {
	e := newCluster(b, n/100+1)
	td := register(b, e, tdWith("bench", 16, aws.Int32(32), nil))
	var arns []string
	for range n / 10 {
		for _, tk := range run(b, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(10)}).Tasks {
			arns = append(arns, *tk.TaskArn)
		}
	}
	e.Advance(time.Minute)
	for i := 0; i < len(arns); i += 2 {
		if _, err := e.StopTask(bg, &ecs.StopTaskInput{Task: &arns[i]}); err != nil {
			b.Fatal(err)
		}
	}
	e.Advance(time.Minute)
	return e
}

// BenchmarkListTasksPaging pages through every RUNNING and every STOPPED
// task of a cluster (100 per page) with 5,000 and 50,000 tasks, half of
// them stopped: ns/task must stay flat as the cluster grows (issue #17
// item 4; before, each page scanned every task the cluster remembered).
//
//	go test ./fake -run '^$' -bench BenchmarkListTasksPaging -benchtime 5x
func BenchmarkListTasksPaging(b *testing.B) {
	for _, n := range []int{5_000, 50_000} {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			e := clusterWithTasks(b, n)
			// Tasks are filed in the index lists when a listing first
			// needs them (task_index_defer.go): one listing before the
			// clock starts files them, as creating them did before, so
			// the loop measures paging alone at any -benchtime.
			if _, err := e.ListTasks(bg, &ecs.ListTasksInput{MaxResults: aws.Int32(1)}); err != nil {
				b.Fatal(err)
			}
			listed := 0
			runtime.GC() // the setup's garbage is not the listing's cost
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				listed = 0
				for _, st := range []types.DesiredStatus{types.DesiredStatusRunning, types.DesiredStatusStopped} {
					in := &ecs.ListTasksInput{DesiredStatus: st, Family: aws.String("bench")}
					for {
						out, err := e.ListTasks(bg, in)
						if err != nil {
							b.Fatal(err)
						}
						listed += len(out.TaskArns)
						if out.NextToken == nil {
							break
						}
						in.NextToken = out.NextToken
					}
				}
			}
			if listed != n {
				b.Fatalf("listed %d tasks, want %d", listed, n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/task")
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N*n), "cpu-ns/task")
		})
	}
}

// BenchmarkTaskListInsertRemove removes a task from anywhere in a task
// list of 1,000 to 100,000 tasks and files another one in the middle
// (what a rolling deployment does to the RUNNING and STOPPED lists when
// tasks stop out of creation order): ns/op must stay flat as the list
// grows (it grew linearly with one sorted slice).
//
//	go test ./fake -run '^$' -bench BenchmarkTaskListInsertRemove -cpu 1
func BenchmarkTaskListInsertRemove(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("tasks=%d", n), func(b *testing.B) {
			tasks := make([]*task, 2*n) // one of tasks 2p and 2p+1 is in the list
			in := make([]bool, 2*n)
			var l taskList
			for i := range tasks {
				tasks[i] = &task{seq: uint64(i + 1)}
				if i%2 == 0 {
					l.insert(tasks[i])
					in[i] = true
				}
			}
			rng := rand.New(rand.NewPCG(1, 2))
			runtime.GC()
			b.ReportAllocs()
			for b.Loop() {
				i := rng.IntN(n) * 2
				if !in[i] {
					i++
				}
				l.remove(tasks[i])
				l.insert(tasks[i^1])
				in[i], in[i^1] = false, true
			}
			if l.len() != n {
				b.Fatalf("list holds %d tasks, want %d", l.len(), n)
			}
		})
	}
}
