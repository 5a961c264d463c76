package ecsdeploy

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/smithy-go"
)

// LogsInput says whose log lines Logs streams: a service's (every task of
// its deployments) or one task's.
type LogsInput struct {
	// Cluster is the cluster name or ARN ("" means the default cluster).
	Cluster string
	// Service names the service; leave it empty and set Task for one task.
	Service string
	// Task is a task ID or ARN.
	Task string
	// Container keeps only this container's lines ("" keeps every awslogs
	// container's).
	Container string
	// Since starts at this time (zero: the oldest line kept).
	Since time.Time
	// Follow keeps reading new lines every poll interval until ctx is
	// done (or, for a task, until it has stopped and its lines are read).
	Follow bool
}

// logSource is one place lines come from: a group and either a stream
// prefix (a service's tasks) or one stream (a task).
type logSource struct {
	group, prefix, stream string
	since                 int64           // ms: read events at or after this
	seen                  map[string]bool // event IDs read at since
}

// Logs streams the lines of a service's or a task's awslogs containers to
// fn, oldest first, each with its task ID and container. Without Follow
// it returns once the lines so far are read; with Follow it polls (one
// FilterLogEvents per log source and poll interval) until ctx is done and
// then returns nil: a cancelled context is how following ends.
func (d *deployer) Logs(ctx context.Context, in LogsInput, fn func(LogLine)) error {
	cfg := d.cfg
	if cfg.logs == nil {
		return &ValidationError{Field: "logs", Rule: "needs a CloudWatch Logs client: give New WithLogs, or use NewFromConfig"}
	}
	if (in.Service == "") == (in.Task == "") {
		return &ValidationError{Field: "Service", Rule: "set exactly one of Service or Task"}
	}
	sources, err := d.logSources(ctx, in)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	var since int64
	if !in.Since.IsZero() {
		since = in.Since.UnixMilli()
	}
	for _, s := range sources {
		s.since, s.seen = since, map[string]bool{}
	}
	for {
		var lines []LogLine
		for _, s := range sources {
			got, err := d.readSource(ctx, cfg, s)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
			lines = append(lines, got...)
		}
		slices.SortStableFunc(lines, func(a, b LogLine) int { return a.At.Compare(b.At) })
		for _, l := range lines {
			if ctx.Err() != nil {
				return nil // cancelled by the caller, maybe from fn
			}
			if in.Container == "" || l.Container == in.Container {
				fn(l)
			}
		}
		if !in.Follow {
			return nil
		}
		if in.Task != "" && len(lines) == 0 && d.taskStopped(ctx, in) {
			return nil
		}
		if err := cfg.clock.Sleep(ctx, cfg.poll); err != nil {
			return nil
		}
	}
}

// logSources finds where the service's or task's awslogs containers write.
func (d *deployer) logSources(ctx context.Context, in LogsInput) ([]*logSource, error) {
	cache := taskDefs{}
	var out []*logSource
	seen := map[string]bool{}
	add := func(s *logSource) {
		if k := s.group + "\x00" + s.prefix + "\x00" + s.stream; !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	if in.Task != "" {
		tasks, err := d.describeTasks(ctx, in.Cluster, []string{in.Task})
		if err != nil {
			return nil, err
		}
		if len(tasks) == 0 {
			return nil, fmt.Errorf("task %s not found in cluster %q", in.Task, in.Cluster)
		}
		t := tasks[0]
		defs := d.containerDefs(ctx, cache, valueOf(t.TaskDefinitionArn))
		for _, c := range t.Containers {
			cd, ok := defs[valueOf(c.Name)]
			if !ok {
				continue
			}
			if group, stream, reason := awslogsStream(cd, taskID(valueOf(t.TaskArn)), c.RuntimeId); reason == "" {
				add(&logSource{group: group, stream: stream})
			}
		}
	} else {
		svc, err := d.activeService(ctx, in.Cluster, in.Service)
		if err != nil {
			return nil, err
		}
		for _, dep := range svc.Deployments {
			for name, cd := range d.containerDefs(ctx, cache, valueOf(dep.TaskDefinition)) {
				lc := cd.LogConfiguration
				if lc == nil || lc.LogDriver != "awslogs" || lc.Options["awslogs-group"] == "" || lc.Options["awslogs-stream-prefix"] == "" {
					continue
				}
				add(&logSource{group: lc.Options["awslogs-group"], prefix: lc.Options["awslogs-stream-prefix"] + "/" + name + "/"})
			}
		}
	}
	if len(out) == 0 {
		who := "service " + in.Service
		if in.Task != "" {
			who = "task " + in.Task
		}
		return nil, fmt.Errorf("%s: no container logs with the awslogs driver (and a stream prefix), so there are no lines to read", who)
	}
	slices.SortFunc(out, func(a, b *logSource) int {
		return cmp.Or(strings.Compare(a.group, b.group), strings.Compare(a.prefix, b.prefix), strings.Compare(a.stream, b.stream))
	})
	return out, nil
}

// readSource reads one source's new events (all pages) and moves its
// since mark; a stream or group that does not exist yet has no lines.
func (d *deployer) readSource(ctx context.Context, cfg config, s *logSource) ([]LogLine, error) {
	in := &cloudwatchlogs.FilterLogEventsInput{LogGroupName: &s.group, StartTime: &s.since}
	if s.prefix != "" {
		in.LogStreamNamePrefix = &s.prefix
	} else {
		in.LogStreamNames = []string{s.stream}
	}
	var lines []LogLine
	last, lastIDs := s.since, map[string]bool{}
	for {
		out, err := cfg.logs.FilterLogEvents(ctx, in)
		if err != nil {
			var ae smithy.APIError
			if errors.As(err, &ae) && ae.ErrorCode() == "ResourceNotFoundException" {
				return lines, nil
			}
			return nil, fmt.Errorf("cloudwatchlogs FilterLogEvents %s: %w", s.group, err)
		}
		for _, ev := range out.Events {
			id, ts := valueOf(ev.EventId), valueOf(ev.Timestamp)
			if ts == s.since && s.seen[id] {
				continue
			}
			stream := valueOf(ev.LogStreamName)
			parts := strings.Split(stream, "/")
			l := LogLine{At: time.UnixMilli(ts).UTC(), TaskID: parts[len(parts)-1], Message: valueOf(ev.Message)}
			if len(parts) >= 3 {
				l.Container = parts[len(parts)-2]
			}
			lines = append(lines, l)
			if ts > last {
				last, lastIDs = ts, map[string]bool{}
			}
			lastIDs[id] = true
		}
		if out.NextToken == nil || *out.NextToken == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	if last == s.since {
		for id := range lastIDs {
			s.seen[id] = true
		}
	} else {
		s.since, s.seen = last, lastIDs
	}
	return lines, nil
}

// taskStopped reports whether the followed task is STOPPED.
func (d *deployer) taskStopped(ctx context.Context, in LogsInput) bool {
	out, err := d.api.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: optional(in.Cluster), Tasks: []string{in.Task}})
	return err == nil && len(out.Tasks) == 1 && valueOf(out.Tasks[0].LastStatus) == "STOPPED"
}
