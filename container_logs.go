package ecsdeploy

import "github.com/aws/aws-sdk-go-v2/service/ecs/types"

// AWSLogs returns an awslogs log configuration sending the container's
// output to CloudWatch Logs group in region, in streams named
// streamPrefix/container/task-id.
func AWSLogs(group, region, streamPrefix string) *types.LogConfiguration {
	opts := map[string]string{"awslogs-group": group, "awslogs-region": region}
	if streamPrefix != "" {
		opts["awslogs-stream-prefix"] = streamPrefix
	}
	return &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: opts}
}

// AWSLogsCreateGroup is AWSLogs with awslogs-create-group=true, so the
// awslogs driver creates the group when it does not exist (the execution
// role then needs logs:CreateLogGroup).
func AWSLogsCreateGroup(group, region, streamPrefix string) *types.LogConfiguration {
	lc := AWSLogs(group, region, streamPrefix)
	lc.Options["awslogs-create-group"] = "true"
	return lc
}
