package fake

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// Figures (go test -run XXX -bench . -benchtime 5x ./fake/, 2 shared
// cores under load ~7, so absolute numbers are pessimistic):
//
//	BenchmarkRunTask/instances=1000/tasks=1000    ~58-104 µs/task  65.6 allocs/task
//	BenchmarkRunTask/instances=1000/tasks=10000   ~60-99 µs/task   64.9 allocs/task (ratio ~1.0x)
//	BenchmarkDescribeTasks (100 tasks per call)   ~118-168 µs/op   2902 allocs/op
//
// BenchmarkRunTask runs tasks in batches of 10 on 1000 instances and
// advances until all are RUNNING; ns/task should stay flat from 1,000 to
// 10,000 tasks (placement is O(instances) per task).
func BenchmarkRunTask(b *testing.B) {
	for _, tc := range []struct{ instances, tasks int }{{1000, 1000}, {1000, 10000}} {
		b.Run(fmt.Sprintf("instances=%d/tasks=%d", tc.instances, tc.tasks), func(b *testing.B) {
			b.ReportAllocs()
			var elapsed time.Duration
			for b.Loop() {
				b.StopTimer()
				e := newCluster(b, tc.instances)
				td := register(b, e, tdWith("bench", 16, aws.Int32(32), nil, pm(80, 0)))
				in := &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(10)}
				b.StartTimer()
				start := time.Now()
				for range tc.tasks / 10 {
					out, err := e.RunTask(bg, in)
					if err != nil || len(out.Tasks) != 10 {
						b.Fatalf("RunTask: %v %v", err, reasons(out.Failures))
					}
				}
				e.Advance(time.Minute)
				elapsed += time.Since(start)
				b.StopTimer()
				if n := len(e.Tasks("default")); n != tc.tasks {
					b.Fatalf("%d tasks", n)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(elapsed.Nanoseconds())/float64(b.N*tc.tasks), "ns/task")
		})
	}
}

// BenchmarkDescribeTasks describes 100 tasks per call.
func BenchmarkDescribeTasks(b *testing.B) {
	e := newCluster(b, 100)
	td := register(b, e, tdWith("bench", 16, aws.Int32(32), nil))
	var arns []string
	for range 10 {
		for _, tk := range run(b, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(10)}).Tasks {
			arns = append(arns, *tk.TaskArn)
		}
	}
	e.Advance(time.Minute)
	in := &ecs.DescribeTasksInput{Tasks: arns}
	b.ReportAllocs()
	for b.Loop() {
		out, err := e.DescribeTasks(bg, in)
		if err != nil || len(out.Tasks) != 100 {
			b.Fatal(err)
		}
	}
}
