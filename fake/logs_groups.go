package fake

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// retentionDays are the values PutRetentionPolicy accepts (CloudWatch Logs
// API Reference, PutRetentionPolicy).
var retentionDays = []int32{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// checkLogTags applies the tag rules: at most 50 tags, keys 1-128
// characters not starting with aws:, values up to 256.
func checkLogTags(tags map[string]string) error {
	if len(tags) > 50 {
		return &types.TooManyTagsException{Message: aws.String("A resource can have no more than 50 tags.")}
	}
	for k, v := range tags {
		switch {
		case k == "" || len(k) > 128:
			return errLogsConstraint(k, "tags", "have a key of length between 1 and 128")
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			return errLogsParam("Tag keys starting with aws: are reserved.")
		case len(v) > 256:
			return errLogsConstraint(v, "tags."+k, "have length less than or equal to 256")
		}
	}
	return nil
}

// createGroupLocked makes a group (the caller checked the name and that it
// does not exist).
func (l *Logs) createGroupLocked(region, name string, class types.LogGroupClass, tags map[string]string, now time.Time) *logGroup {
	e := l.e
	base := "arn:aws:logs:" + region + ":" + e.cfg.account + ":log-group:" + name
	if class == "" {
		class = types.LogGroupClassStandard
	}
	g := &logGroup{name: name, arn: base, created: now, class: class, streams: map[string]*logStream{}, tags: map[string]string{}}
	for k, v := range tags {
		g.tags[k] = v
	}
	e.logs.groups[name] = g
	return g
}

// CreateLogGroup creates a log group; an existing name is
// ResourceAlreadyExistsException.
func (l *Logs) CreateLogGroup(ctx context.Context, in *cloudwatchlogs.CreateLogGroupInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogGroupOutput, error) {
	if in == nil {
		in = &cloudwatchlogs.CreateLogGroupInput{}
	}
	e := l.e
	e.mu.Lock()
	defer e.mu.Unlock()
	now, err := l.beginLogsLocked(ctx, "CreateLogGroup", in)
	if err != nil {
		return nil, err
	}
	name := aws.ToString(in.LogGroupName)
	if err := checkGroupName("logGroupName", name); err != nil {
		return nil, err
	}
	switch in.LogGroupClass {
	case "", types.LogGroupClassStandard, types.LogGroupClassInfrequentAccess, types.LogGroupClassDelivery:
	default:
		return nil, errLogsConstraint(string(in.LogGroupClass), "logGroupClass", "satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]")
	}
	if err := checkLogTags(in.Tags); err != nil {
		return nil, err
	}
	if e.logs.groups[name] != nil {
		return nil, errLogsExists(msgGroupExists)
	}
	g := l.createGroupLocked(e.regionFor(ctx), name, in.LogGroupClass, in.Tags, now)
	g.protected = aws.ToBool(in.DeletionProtectionEnabled)
	return &cloudwatchlogs.CreateLogGroupOutput{}, nil
}

// DeleteLogGroup deletes a log group and all its streams and events.
func (l *Logs) DeleteLogGroup(ctx context.Context, in *cloudwatchlogs.DeleteLogGroupInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteLogGroupOutput, error) {
	if in == nil {
		in = &cloudwatchlogs.DeleteLogGroupInput{}
	}
	e := l.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, err := l.beginLogsLocked(ctx, "DeleteLogGroup", in); err != nil {
		return nil, err
	}
	name := aws.ToString(in.LogGroupName)
	if err := checkGroupName("logGroupName", name); err != nil {
		return nil, err
	}
	g, err := l.groupLocked(name)
	if err != nil {
		return nil, err
	}
	if g.protected {
		return nil, &types.OperationAbortedException{Message: aws.String("Log group " + name + " has deletion protection enabled.")}
	}
	g.deleted = true // live scripts of its streams stop at the next flush
	delete(e.logs.groups, name)
	return &cloudwatchlogs.DeleteLogGroupOutput{}, nil
}

func (g *logGroup) view() types.LogGroup {
	out := types.LogGroup{
		Arn: aws.String(g.arn + ":*"), LogGroupArn: aws.String(g.arn), LogGroupName: aws.String(g.name),
		CreationTime: aws.Int64(ms(g.created)), LogGroupClass: g.class, MetricFilterCount: aws.Int32(0),
		StoredBytes: aws.Int64(g.storedBytes), DeletionProtectionEnabled: aws.Bool(g.protected),
	}
	if g.retention > 0 {
		out.RetentionInDays = aws.Int32(g.retention)
	}
	return out
}

// logsLimit checks limit in 1..max (default max).
func logsLimit(limit *int32, max int) (int, error) {
	if limit == nil {
		return max, nil
	}
	if *limit < 1 {
		return 0, errLogsConstraint(strconv.Itoa(int(*limit)), "limit", "have value greater than or equal to 1")
	}
	if int(*limit) > max {
		return 0, errLogsConstraint(strconv.Itoa(int(*limit)), "limit", "have value less than or equal to "+strconv.Itoa(max))
	}
	return int(*limit), nil
}

// afterName pages sorted names: the token is the last name returned.
func afterName(names []string, token *string, n int) ([]string, *string) {
	start := 0
	if t := aws.ToString(token); t != "" {
		start, _ = slices.BinarySearch(names, t)
		if start < len(names) && names[start] == t {
			start++
		}
	}
	names = names[start:]
	if len(names) > n {
		return names[:n], aws.String(names[n-1])
	}
	return names, nil
}

// DescribeLogGroups lists log groups sorted by name (logGroupNamePrefix or
// logGroupNamePattern, a case-insensitive substring), up to 50 a page.
func (l *Logs) DescribeLogGroups(ctx context.Context, in *cloudwatchlogs.DescribeLogGroupsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error) {
	if in == nil {
		in = &cloudwatchlogs.DescribeLogGroupsInput{}
	}
	e := l.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, err := l.beginLogsLocked(ctx, "DescribeLogGroups", in); err != nil {
		return nil, err
	}
	n, err := logsLimit(in.Limit, 50)
	if err != nil {
		return nil, err
	}
	prefix, pattern := aws.ToString(in.LogGroupNamePrefix), strings.ToLower(aws.ToString(in.LogGroupNamePattern))
	if prefix != "" && pattern != "" {
		return nil, errLogsParam("LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.")
	}
	names := make([]string, 0, len(e.logs.groups))
	for name, g := range e.logs.groups {
		if !strings.HasPrefix(name, prefix) || pattern != "" && !strings.Contains(strings.ToLower(name), pattern) {
			continue
		}
		if in.LogGroupClass != "" && g.class != in.LogGroupClass {
			continue
		}
		names = append(names, name)
	}
	slices.Sort(names)
	names, next := afterName(names, in.NextToken, n)
	out := &cloudwatchlogs.DescribeLogGroupsOutput{LogGroups: make([]types.LogGroup, len(names)), NextToken: next}
	for i, name := range names {
		out.LogGroups[i] = e.logs.groups[name].view()
	}
	return out, nil
}

// createStreamLocked makes a stream in g (the caller checked the name).
func (l *Logs) createStreamLocked(g *logGroup, name string, now time.Time) *logStream {
	s := &logStream{g: g, name: name, arn: g.arn + ":log-stream:" + name, created: now}
	g.streams[name] = s
	return s
}

// CreateLogStream creates a log stream in a group.
func (l *Logs) CreateLogStream(ctx context.Context, in *cloudwatchlogs.CreateLogStreamInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogStreamOutput, error) {
	if in == nil {
		in = &cloudwatchlogs.CreateLogStreamInput{}
	}
	e := l.e
	e.mu.Lock()
	defer e.mu.Unlock()
	now, err := l.beginLogsLocked(ctx, "CreateLogStream", in)
	if err != nil {
		return nil, err
	}
	if err := checkGroupName("logGroupName", aws.ToString(in.LogGroupName)); err != nil {
		return nil, err
	}
	name := aws.ToString(in.LogStreamName)
	if err := checkStreamName("logStreamName", name); err != nil {
		return nil, err
	}
	g, err := l.groupLocked(aws.ToString(in.LogGroupName))
	if err != nil {
		return nil, err
	}
	if g.streams[name] != nil {
		return nil, errLogsExists(msgStreamExists)
	}
	l.createStreamLocked(g, name, now)
	return &cloudwatchlogs.CreateLogStreamOutput{}, nil
}

func (s *logStream) view() types.LogStream {
	// storedBytes of streams is deprecated and not reported (AWS reports 0
	// since 2019); the group's storedBytes is.
	out := types.LogStream{Arn: aws.String(s.arn), LogStreamName: aws.String(s.name), CreationTime: aws.Int64(ms(s.created))}
	if len(s.events) > 0 {
		out.FirstEventTimestamp = aws.Int64(s.events[0].ts)
		out.LastEventTimestamp = aws.Int64(s.events[len(s.events)-1].ts)
		out.LastIngestionTime = aws.Int64(s.lastIngest)
	}
	return out
}

// DescribeLogStreams lists a group's streams by name (or by last event
// time with orderBy LastEventTime), up to 50 a page.
func (l *Logs) DescribeLogStreams(ctx context.Context, in *cloudwatchlogs.DescribeLogStreamsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogStreamsOutput, error) {
	if in == nil {
		in = &cloudwatchlogs.DescribeLogStreamsInput{}
	}
	e := l.e
	e.mu.Lock()
	defer e.mu.Unlock()
	name, err := l.beginGroupLocked(ctx, "DescribeLogStreams", in, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	n, err := logsLimit(in.Limit, 50)
	if err != nil {
		return nil, err
	}
	prefix := aws.ToString(in.LogStreamNamePrefix)
	byTime := in.OrderBy == types.OrderByLastEventTime
	switch {
	case in.OrderBy != "" && in.OrderBy != types.OrderByLogStreamName && !byTime:
		return nil, errLogsConstraint(string(in.OrderBy), "orderBy", "satisfy enum value set: [LogStreamName, LastEventTime]")
	case byTime && prefix != "":
		return nil, errLogsParam("Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	g, err := l.groupLocked(name)
	if err != nil {
		return nil, err
	}
	streams := make([]*logStream, 0, len(g.streams))
	for nm, s := range g.streams {
		if strings.HasPrefix(nm, prefix) {
			streams = append(streams, s)
		}
	}
	lastTS := func(s *logStream) int64 {
		if len(s.events) == 0 {
			return 0
		}
		return s.events[len(s.events)-1].ts
	}
	slices.SortFunc(streams, func(a, b *logStream) int {
		if byTime && lastTS(a) != lastTS(b) {
			return cmpInt64(lastTS(a), lastTS(b))
		}
		return strings.Compare(a.name, b.name)
	})
	if aws.ToBool(in.Descending) {
		slices.Reverse(streams)
	}
	start := 0
	if t := aws.ToString(in.NextToken); t != "" {
		v, err := strconv.Atoi(strings.TrimPrefix(t, "s/"))
		if !strings.HasPrefix(t, "s/") || err != nil || v < 0 || v > len(streams) {
			return nil, errLogsParam("The specified nextToken is invalid.")
		}
		start = v
	}
	end := min(start+n, len(streams))
	out := &cloudwatchlogs.DescribeLogStreamsOutput{LogStreams: make([]types.LogStream, 0, end-start)}
	for _, s := range streams[start:end] {
		out.LogStreams = append(out.LogStreams, s.view())
	}
	if end < len(streams) {
		out.NextToken = aws.String("s/" + strconv.Itoa(end))
	}
	return out, nil
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// PutRetentionPolicy sets how many days a group keeps events; older events
// expire in virtual time.
func (l *Logs) PutRetentionPolicy(ctx context.Context, in *cloudwatchlogs.PutRetentionPolicyInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutRetentionPolicyOutput, error) {
	if in == nil {
		in = &cloudwatchlogs.PutRetentionPolicyInput{}
	}
	e := l.e
	e.mu.Lock()
	defer e.mu.Unlock()
	now, err := l.beginLogsLocked(ctx, "PutRetentionPolicy", in)
	if err != nil {
		return nil, err
	}
	name := aws.ToString(in.LogGroupName)
	if err := checkGroupName("logGroupName", name); err != nil {
		return nil, err
	}
	if in.RetentionInDays == nil {
		return nil, errLogsConstraint("null", "retentionInDays", "not be null")
	}
	if !slices.Contains(retentionDays, *in.RetentionInDays) {
		return nil, errLogsConstraint(strconv.Itoa(int(*in.RetentionInDays)), "retentionInDays",
			"satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]")
	}
	g, err := l.groupLocked(name)
	if err != nil {
		return nil, err
	}
	g.retention = *in.RetentionInDays
	l.expireLocked(g, now)
	return &cloudwatchlogs.PutRetentionPolicyOutput{}, nil
}

// TagResource adds or replaces tags on a log group (by its ARN).
func (l *Logs) TagResource(ctx context.Context, in *cloudwatchlogs.TagResourceInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.TagResourceOutput, error) {
	if in == nil {
		in = &cloudwatchlogs.TagResourceInput{}
	}
	e := l.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, err := l.beginLogsLocked(ctx, "TagResource", in); err != nil {
		return nil, err
	}
	g, err := l.taggedGroupLocked(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if err := checkLogTags(in.Tags); err != nil {
		return nil, err
	}
	merged := len(g.tags)
	for k := range in.Tags {
		if _, ok := g.tags[k]; !ok {
			merged++
		}
	}
	if merged > 50 {
		return nil, &types.TooManyTagsException{Message: aws.String("A resource can have no more than 50 tags."), ResourceName: in.ResourceArn}
	}
	for k, v := range in.Tags {
		g.tags[k] = v
	}
	return &cloudwatchlogs.TagResourceOutput{}, nil
}

// ListTagsForResource lists a log group's tags (by its ARN).
func (l *Logs) ListTagsForResource(ctx context.Context, in *cloudwatchlogs.ListTagsForResourceInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.ListTagsForResourceOutput, error) {
	if in == nil {
		in = &cloudwatchlogs.ListTagsForResourceInput{}
	}
	e := l.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, err := l.beginLogsLocked(ctx, "ListTagsForResource", in); err != nil {
		return nil, err
	}
	g, err := l.taggedGroupLocked(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	tags := make(map[string]string, len(g.tags))
	for k, v := range g.tags {
		tags[k] = v
	}
	return &cloudwatchlogs.ListTagsForResourceOutput{Tags: tags}, nil
}

// taggedGroupLocked resolves a log group ARN for the tag operations; an
// ARN of another account or region names no group of ours (homeMatches).
func (l *Logs) taggedGroupLocked(arn *string) (*logGroup, error) {
	a := aws.ToString(arn)
	name, ok := arnLogGroup(a)
	if !ok {
		return nil, errLogsParam("Invalid resource ARN: %q is not a log group ARN (arn:aws:logs:region:account:log-group:name).", a)
	}
	g, err := l.groupLocked(name)
	if err == nil && !homeMatches(a, g.arn) {
		return nil, errLogsNotFound(msgGroupNotFound)
	}
	return g, err
}
