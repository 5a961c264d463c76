package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
)

// taskWatch polls DescribeTasks and prints every lastStatus change, the
// way a deploy script shows one-off tasks starting and stopping. It uses
// the API directly, next to the Deployer, through the same clock.
type taskWatch struct {
	api     ecsdeploy.API
	clock   ecsdeploy.Clock
	cluster string
	poll    time.Duration
	timeout time.Duration
	w       io.Writer
}

// until waits until every task's lastStatus is goal (RUNNING or STOPPED).
// Waiting for RUNNING fails as soon as a task stops, with its reason.
func (tw taskWatch) until(ctx context.Context, arns []string, goal string) ([]types.Task, error) {
	last := map[string]string{}
	deadline := tw.clock.Now().Add(tw.timeout)
	for {
		out, err := tw.api.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: &tw.cluster, Tasks: arns})
		if err != nil {
			return nil, fmt.Errorf("describing tasks: %w", err)
		}
		if len(out.Failures) > 0 {
			f := out.Failures[0]
			return nil, fmt.Errorf("describing tasks: %s %s", aws.ToString(f.Reason), aws.ToString(f.Arn))
		}
		done := 0
		for _, t := range out.Tasks {
			arn, st := aws.ToString(t.TaskArn), aws.ToString(t.LastStatus)
			if prev, seen := last[arn]; !seen {
				fmt.Fprintf(tw.w, "%s task %s: %s\n", clockTime(tw.clock), afterSlash(arn), st)
			} else if prev != st {
				fmt.Fprintf(tw.w, "%s task %s: %s -> %s\n", clockTime(tw.clock), afterSlash(arn), prev, st)
			}
			last[arn] = st
			switch {
			case st == goal:
				done++
			case st == "STOPPED":
				return out.Tasks, fmt.Errorf("task %s stopped before %s: %s", afterSlash(arn), goal, aws.ToString(t.StoppedReason))
			}
		}
		if done == len(arns) {
			return out.Tasks, nil
		}
		if !tw.clock.Now().Before(deadline) {
			return out.Tasks, fmt.Errorf("tasks not %s after %s", goal, tw.timeout)
		}
		if err := tw.clock.Sleep(ctx, tw.poll); err != nil {
			return out.Tasks, err
		}
	}
}

// taskPoll is the longest interval between task polls, short enough to
// see each lifecycle step.
const taskPoll = 2 * time.Second

// timeFormat is how the story prints clock times (the renderer uses it too).
const timeFormat = "15:04:05"

func clockTime(c ecsdeploy.Clock) string { return c.Now().UTC().Format(timeFormat) }

// afterSlash is the part of an ARN after its last "/": a task ID, or
// family:revision for a task definition.
func afterSlash(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	return arn
}
