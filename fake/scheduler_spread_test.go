package fake

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"pgregory.net/rapid"
)

// The batched service placement chooses exactly the instances that
// placement task by task with the service's default strategies (spread by
// AZ, then by instance) chooses, and fails the same way when full.
func TestSpreadPlacementMatchesPlaceOne(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		type inst struct {
			cpu, mem int
			az       string
		}
		insts := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) inst {
			return inst{cpu: rapid.SampledFrom([]int{256, 512, 1024, 2048}).Draw(t, "cpu"),
				mem: rapid.SampledFrom([]int{512, 1024, 4096}).Draw(t, "mem"),
				az:  rapid.SampledFrom([]string{"us-east-1a", "us-east-1b", "us-east-1c"}).Draw(t, "az")}
		}), 1, 12).Draw(rt, "instances")
		pre := rapid.IntRange(0, 10).Draw(rt, "preplaced")
		count := rapid.IntRange(1, 30).Draw(rt, "count")
		port := rapid.Bool().Draw(rt, "staticPort")
		build := func() (*ECS, *taskDef) {
			e := clusterT(rt, 0)
			for _, in := range insts {
				if _, err := e.AddInstance("default", InstanceSpec{CPU: in.cpu, Memory: in.mem, AZ: in.az}); err != nil {
					rt.Fatal(err)
				}
			}
			in := simpleTD("web", "img")
			if port {
				in.ContainerDefinitions[0].PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(80), HostPort: aws.Int32(8080)}}
			}
			arn := registerT(rt, e, in)
			// Some tasks of the group already placed by RunTask.
			if pre > 0 {
				e.RunTask(bg, &ecs.RunTaskInput{TaskDefinition: &arn, Group: aws.String("service:web"), Count: aws.Int32(int32(min(pre, 10)))})
			}
			return e, e.taskDefByRefLocked(arn)
		}
		req := placementRequest{count: count, group: "service:web", startedBy: "x", launchType: types.LaunchTypeEc2, strategies: serviceSpread}
		a, tdA := build()
		b, tdB := build()
		now := a.Now()
		b.Now()
		gotA, failA, errA := a.spreadPlaceLocked(a.clusters["default"], tdA, req, now)
		gotB, failB, errB := b.startTasksLocked(b.clusters["default"], tdB, req, now)
		if errA != nil || errB != nil {
			rt.Fatalf("errors %v %v", errA, errB)
		}
		if len(gotA) != len(gotB) || len(failA) != len(failB) {
			rt.Fatalf("placed %d/%d, failed %d/%d", len(gotA), len(gotB), len(failA), len(failB))
		}
		for i := range gotA {
			if gotA[i].inst.id != gotB[i].inst.id {
				rt.Fatalf("task %d: batched chose %s, task by task %s", i, gotA[i].inst.id, gotB[i].inst.id)
			}
		}
		if len(failA) > 0 && aws.ToString(failA[0].Reason) != aws.ToString(failB[0].Reason) {
			rt.Fatalf("failure %s vs %s", aws.ToString(failA[0].Reason), aws.ToString(failB[0].Reason))
		}
	})
}
