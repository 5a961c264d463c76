package ecsdeploy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

// taskDefs caches container definitions by task definition ARN for one
// call (nil: the task definition could not be described).
type taskDefs map[string]map[string]types.ContainerDefinition

// containerDefs describes a task definition once per call.
func (d *deployer) containerDefs(ctx context.Context, cache taskDefs, arn string) map[string]types.ContainerDefinition {
	if arn == "" {
		return nil
	}
	if defs, ok := cache[arn]; ok {
		return defs
	}
	var defs map[string]types.ContainerDefinition
	if known, ok := d.hc.containerDefs(arn); ok { // registered or described already
		defs = map[string]types.ContainerDefinition{}
		for _, c := range known {
			defs[valueOf(c.Name)] = c
		}
	} else if o, err := d.api.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: &arn}); err == nil && o.TaskDefinition != nil {
		d.hc.note(o.TaskDefinition)
		defs = map[string]types.ContainerDefinition{}
		for _, c := range o.TaskDefinition.ContainerDefinitions {
			defs[valueOf(c.Name)] = c
		}
	}
	cache[arn] = defs
	return defs
}

// awslogsStream is where the awslogs driver writes a container: group and
// stream <prefix>/<container>/<task-id>, or the container's runtime ID
// without a prefix (Amazon ECS Developer Guide, "Using the awslogs log
// driver"). reason says why there is no stream.
func awslogsStream(cd types.ContainerDefinition, taskID string, runtimeID *string) (group, stream, reason string) {
	lc := cd.LogConfiguration
	switch {
	case lc == nil:
		return "", "", "the container has no logConfiguration, so its output is not in CloudWatch Logs"
	case lc.LogDriver != types.LogDriverAwslogs:
		return "", "", fmt.Sprintf("the container logs with the %s driver, not awslogs", lc.LogDriver)
	case lc.Options["awslogs-group"] == "":
		return "", "", "the awslogs options name no awslogs-group"
	}
	group = lc.Options["awslogs-group"]
	if p := lc.Options["awslogs-stream-prefix"]; p != "" {
		return group, p + "/" + valueOf(cd.Name) + "/" + taskID, ""
	}
	if valueOf(runtimeID) == "" {
		return group, "", "no awslogs-stream-prefix and no container runtime ID to name the stream"
	}
	return group, *runtimeID, ""
}

// addLogs gives each essential container of the stopped tasks (out[i]
// converted from tasks[i]) its last cfg.logLines log lines: at most one
// GetLogEvents call per container, never a failure of the caller's
// operation (a reason is recorded instead).
func (d *deployer) addLogs(ctx context.Context, cfg config, tasks []types.Task, out []StoppedTask, cache taskDefs) {
	if cfg.logLines <= 0 {
		return
	}
	for i, t := range tasks {
		defs := d.containerDefs(ctx, cache, valueOf(t.TaskDefinitionArn))
		id := taskID(valueOf(t.TaskArn))
		for j := range out[i].Containers {
			c := &out[i].Containers[j]
			if !c.Essential {
				continue
			}
			cd, ok := defs[c.Name]
			if !ok {
				c.Logs = &ContainerLogs{NoLines: "the container's definition could not be read (DescribeTaskDefinition)"}
				continue
			}
			var runtimeID *string
			for _, tc := range t.Containers {
				if valueOf(tc.Name) == c.Name {
					runtimeID = tc.RuntimeId
				}
			}
			c.Logs = d.lastLines(ctx, cfg, cd, t, id, runtimeID)
		}
	}
}

// lastLines reads the end of one container's stream (one GetLogEvents).
func (d *deployer) lastLines(ctx context.Context, cfg config, cd types.ContainerDefinition, t types.Task, id string, runtimeID *string) *ContainerLogs {
	group, stream, reason := awslogsStream(cd, id, runtimeID)
	cl := &ContainerLogs{Group: group, Stream: stream, NoLines: reason}
	switch {
	case reason != "":
		return cl
	case t.StopCode == types.TaskStopCodeTaskFailedToStart:
		cl.NoLines = "the task failed to start, so the container printed nothing"
		return cl
	case t.StartedAt == nil && !anyExitCode(t):
		cl.NoLines = "the task stopped before its containers started, so they printed nothing"
		return cl
	case cfg.logs == nil:
		cl.NoLines = "no CloudWatch Logs client (give New WithLogs, or use NewFromConfig)"
		return cl
	}
	n := int32(cfg.logLines)
	out, err := cfg.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: &group, LogStreamName: &stream, Limit: &n, StartFromHead: ptr(false)})
	if err != nil {
		cl.NoLines = logsErrorReason(err)
		return cl
	}
	for _, ev := range out.Events {
		cl.Lines = append(cl.Lines, LogLine{At: time.UnixMilli(valueOf(ev.Timestamp)).UTC(), TaskID: id, Container: valueOf(cd.Name), Message: valueOf(ev.Message)})
	}
	if len(cl.Lines) == 0 {
		cl.NoLines = "the log stream has no events"
	}
	return cl
}

// logsErrorReason says why logs could not be read.
func logsErrorReason(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "AccessDeniedException", "AccessDenied", "UnrecognizedClientException":
			return "access denied reading CloudWatch Logs (logs:GetLogEvents): " + ae.ErrorMessage()
		case "ResourceNotFoundException":
			return "not in CloudWatch Logs: " + ae.ErrorMessage()
		}
	}
	return "reading CloudWatch Logs failed: " + err.Error()
}

// anyExitCode reports whether a container of t ran (has an exit code).
func anyExitCode(t types.Task) bool {
	for _, c := range t.Containers {
		if c.ExitCode != nil {
			return true
		}
	}
	return false
}
