package fake

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// The task index answers every filter combination exactly as a scan of
// all the cluster's tasks would, in creation order, through random runs,
// stops, losses and the forgetting of stopped tasks.
func TestTaskIndexMatchesAFullScan(t *testing.T) {
	e := newCluster(t, 4)
	tds := []string{register(t, e, tdWith("a", 16, aws.Int32(32), nil)), register(t, e, tdWith("b", 16, aws.Int32(32), nil))}
	rng := rand.New(rand.NewPCG(7, 7))
	var arns []string
	check := func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		c := e.clusters["default"]
		fams := []*string{nil, aws.String("a"), aws.String("b"), aws.String("zz")}
		starts := []*string{nil, aws.String("x"), aws.String("y")}
		insts := []*string{nil}
		for _, in := range c.instances {
			insts = append(insts, &in.id)
		}
		for _, desired := range []string{statusRunning, statusStopped} {
			for _, fam := range fams {
				for _, sb := range starts {
					for _, inst := range insts {
						for _, lt := range []string{"", "EC2", "FARGATE"} {
							f := taskFilter{desired: desired, family: fam, startedBy: sb, instance: inst, launchType: lt}
							var want []*task
							for _, t := range c.tasks {
								if f.match(t) {
									want = append(want, t)
								}
							}
							var got []*task
							var after uint64
							for {
								page, more := e.listTasksLocked(c, f, after, 7)
								got = append(got, page...)
								if !more {
									break
								}
								after = page[len(page)-1].seq
							}
							if !slices.Equal(got, want) {
								t.Fatalf("filter %+v: index gave %d tasks, scan %d", f, len(got), len(want))
							}
						}
					}
				}
			}
		}
	}
	for step := range 300 {
		switch r := rng.IntN(10); {
		case r < 5:
			sb := []string{"", "x", "y"}[rng.IntN(3)]
			in := &ecs.RunTaskInput{TaskDefinition: &tds[rng.IntN(2)], Count: aws.Int32(int32(1 + rng.IntN(3)))}
			if sb != "" {
				in.StartedBy = &sb
			}
			for _, tk := range run(t, e, in).Tasks {
				arns = append(arns, *tk.TaskArn)
			}
		case r < 8 && len(arns) > 0:
			_, _ = e.StopTask(bg, &ecs.StopTaskInput{Task: &arns[rng.IntN(len(arns))]})
		case r < 9:
			e.Advance(time.Duration(rng.IntN(40)) * time.Minute)
		default:
			if step%50 == 0 {
				if ins := e.clusters["default"].instances; len(ins) > 0 {
					_ = e.LoseInstance(ins[rng.IntN(len(ins))].arn)
					e.AddInstance("default", InstanceSpec{})
				}
			}
		}
		check()
	}
}
