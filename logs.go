package ecsdeploy

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// LogsAPI lists the CloudWatch Logs operations the Deployer calls, with
// the signatures of aws-sdk-go-v2's *cloudwatchlogs.Client. Both
// *cloudwatchlogs.Client and the fake's *fake.Logs satisfy it.
type LogsAPI interface {
	GetLogEvents(ctx context.Context, in *cloudwatchlogs.GetLogEventsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetLogEventsOutput, error)
	FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error)
}

var _ LogsAPI = (*cloudwatchlogs.Client)(nil)

// LogsProvider is implemented by an API that carries its own CloudWatch
// Logs (the fake's *fake.ECS): New then reads logs through it without a
// WithLogs option.
type LogsProvider interface {
	// LogsAPI returns the CloudWatch Logs of the same backend.
	LogsAPI() LogsAPI
}

// DefaultLogLines is how many of its last log lines each failed essential
// container carries (see WithLogLines).
const DefaultLogLines = 20

// WithLogs sets the CloudWatch Logs client the Deployer reads container
// output through: the last lines of failed containers and the Logs method.
// NewFromConfig sets it; New finds it by itself on an API that is a
// LogsProvider (the fake).
func WithLogs(l LogsAPI) Option {
	return func(c *config) {
		if l != nil {
			c.logs = l
		}
	}
}

// WithLogLines sets how many of its last lines each stopped essential
// awslogs container carries (default DefaultLogLines, at most 10,000);
// n <= 0 turns fetching them off.
func WithLogLines(n int) Option {
	return func(c *config) { c.logLines = min(max(n, 0), 10_000) }
}

// LogLine is one line a container printed.
type LogLine struct {
	// At is the event's timestamp.
	At time.Time
	// TaskID and Container say who printed it.
	TaskID, Container string
	// Message is the line.
	Message string
}

// String is "<task-id> <container> | <message>".
func (l LogLine) String() string {
	return l.TaskID + " " + l.Container + " | " + l.Message
}

// ContainerLogs is the end of a container's log stream, or why it has none.
type ContainerLogs struct {
	// Group and Stream locate the awslogs stream ("" when the container
	// does not use awslogs).
	Group, Stream string
	// Lines are the container's last lines, oldest first.
	Lines []LogLine
	// NoLines says why Lines is empty: the container does not use the
	// awslogs driver, the task never started it, no Logs client was
	// given, access was denied, the stream does not exist or is empty.
	NoLines string
}

// Text is the lines indented under a "last N lines of group/stream" head,
// or the reason there are none, for printing under a stop reason.
func (c *ContainerLogs) Text(container string) string {
	if c == nil {
		return ""
	}
	var b strings.Builder
	if len(c.Lines) == 0 {
		fmt.Fprintf(&b, "    container %s: no log lines: %s\n", container, c.NoLines)
		return b.String()
	}
	fmt.Fprintf(&b, "    container %s, last %d log lines (%s %s):\n", container, len(c.Lines), c.Group, c.Stream)
	for _, l := range c.Lines {
		fmt.Fprintf(&b, "      | %s\n", l.Message)
	}
	return b.String()
}

// LogText is every container's ContainerLogs.Text, "" when none has logs.
func (t StoppedTask) LogText() string {
	var b strings.Builder
	for _, c := range t.Containers {
		b.WriteString(c.Logs.Text(c.Name))
	}
	return b.String()
}
