package ecsdeploy

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestRunTaskBatchesByTenTheRunTaskLimit(t *testing.T) {
	for n, want := range map[int]string{1: "[1]", 10: "[10]", 11: "[10 1]", 25: "[10 10 5]", 0: "[]"} {
		if got := fmt.Sprint(batches(n, runTaskBatch)); got != want {
			t.Errorf("batches(%d) = %s, want %s", n, got, want)
		}
	}
}

func TestNonZeroExitOfEssentialContainerIsFailure(t *testing.T) {
	code := func(n int32) *int32 { return &n }
	cases := []struct {
		name string
		task StoppedTask
		want bool
	}{
		{"essential exit 0", StoppedTask{Containers: []ContainerExit{{Name: "job", ExitCode: code(0), Essential: true}}}, false},
		{"essential exit 3", StoppedTask{Containers: []ContainerExit{{Name: "job", ExitCode: code(3), Essential: true}}}, true},
		{"non-essential exit 3", StoppedTask{Containers: []ContainerExit{{Name: "job", ExitCode: code(0), Essential: true}, {Name: "log", ExitCode: code(3)}}}, false},
		{"essential never ran", StoppedTask{Containers: []ContainerExit{{Name: "job", Essential: true}}}, true},
		{"TaskFailedToStart", StoppedTask{StopCode: types.TaskStopCodeTaskFailedToStart}, true},
	}
	for _, c := range cases {
		if got := taskFailed(c.task); got != c.want {
			t.Errorf("%s: taskFailed = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestStoppedTaskUsesEssentialFlagsDefaultingToTrue(t *testing.T) {
	task := types.Task{TaskArn: ptr("arn:aws:ecs:r:1:task/c/abc"), StoppedReason: ptr("Essential container in task exited"),
		Containers: []types.Container{{Name: ptr("job"), ExitCode: ptr(int32(0))}, {Name: ptr("log"), ExitCode: ptr(int32(1))}, {Name: ptr("new")}}}
	st := stoppedTask(task, map[string]bool{"job": true, "log": false})
	if !st.Containers[0].Essential || st.Containers[1].Essential || !st.Containers[2].Essential {
		t.Errorf("essential flags = %+v", st.Containers)
	}
	if all := stoppedTask(task, nil); !all.Containers[1].Essential {
		t.Error("unknown definition: containers should count as essential")
	}
}
