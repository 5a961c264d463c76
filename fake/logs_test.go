package fake

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	lt "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

// logsWith returns a fake's Logs view with group g and stream s.
func logsWith(t *testing.T, e *ECS, g, s string) *Logs {
	t.Helper()
	l := e.Logs()
	if _, err := l.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(g)}); err != nil {
		t.Fatal(err)
	}
	if s != "" {
		if _, err := l.CreateLogStream(bg, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s)}); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

func events(ts0 int64, msgs ...string) []lt.InputLogEvent {
	out := make([]lt.InputLogEvent, len(msgs))
	for i, m := range msgs {
		out[i] = lt.InputLogEvent{Timestamp: aws.Int64(ts0 + int64(i)*1000), Message: aws.String(m)}
	}
	return out
}

func put(t *testing.T, l *Logs, g, s string, evs []lt.InputLogEvent) *cloudwatchlogs.PutLogEventsOutput {
	t.Helper()
	out, err := l.PutLogEvents(bg, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s), LogEvents: evs})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func messages[T lt.OutputLogEvent | lt.FilteredLogEvent](evs []T) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		switch x := any(ev).(type) {
		case lt.OutputLogEvent:
			out[i] = aws.ToString(x.Message)
		case lt.FilteredLogEvent:
			out[i] = aws.ToString(x.Message)
		}
	}
	return out
}

// wantLogsErr checks err is the Logs exception T with message msg (a
// prefix when it ends in "...").
func wantLogsErr[T error](t *testing.T, err error, msg string) {
	t.Helper()
	var target T
	if !errors.As(err, &target) {
		t.Fatalf("error %v (%T), want %T", err, err, target)
	}
	var ae smithy.APIError
	errors.As(err, &ae)
	got := ae.ErrorMessage()
	if p, ok := strings.CutSuffix(msg, "..."); ok {
		if !strings.HasPrefix(got, p) {
			t.Fatalf("message %q, want prefix %q", got, p)
		}
		return
	}
	if got != msg {
		t.Fatalf("message %q, want %q", got, msg)
	}
}

// CloudWatch Logs API Reference: CreateLogGroup, DeleteLogGroup,
// DescribeLogGroups (names, exceptions and their texts).
func TestLogGroupsCreateDescribeDeleteWithLogsExceptions(t *testing.T) {
	e := New()
	l := logsWith(t, e, "/ecs/web", "")
	_, err := l.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/ecs/web")})
	wantLogsErr[*lt.ResourceAlreadyExistsException](t, err, "The specified log group already exists")
	_, err = l.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("bad name!")})
	wantLogsErr[*lt.InvalidParameterException](t, err, "1 validation error detected: Value 'bad name!' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+")
	for i := range 55 {
		logsWith(t, e, fmt.Sprintf("/ecs/svc-%02d", i), "")
	}
	out, err := l.DescribeLogGroups(bg, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/ecs/svc-")})
	if err != nil || len(out.LogGroups) != 50 || out.NextToken == nil {
		t.Fatalf("first page: %d groups, token %v, err %v", len(out.LogGroups), out.NextToken, err)
	}
	out2, err := l.DescribeLogGroups(bg, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/ecs/svc-"), NextToken: out.NextToken})
	if err != nil || len(out2.LogGroups) != 5 || out2.NextToken != nil || aws.ToString(out2.LogGroups[4].LogGroupName) != "/ecs/svc-54" {
		t.Fatalf("second page: %d groups, token %v, err %v", len(out2.LogGroups), out2.NextToken, err)
	}
	g := out.LogGroups[0]
	if aws.ToString(g.Arn) != "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/svc-00:*" || aws.ToString(g.LogGroupArn) != "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/svc-00" ||
		aws.ToInt64(g.CreationTime) != defaultStart.UnixMilli() || g.RetentionInDays != nil {
		t.Fatalf("group view %+v", g)
	}
	if _, err := l.DeleteLogGroup(bg, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/ecs/web")}); err != nil {
		t.Fatal(err)
	}
	_, err = l.DeleteLogGroup(bg, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/ecs/web")})
	wantLogsErr[*lt.ResourceNotFoundException](t, err, "The specified log group does not exist.")
	if n := e.CallCount("Logs.DeleteLogGroup"); n != 2 {
		t.Fatalf("Logs.DeleteLogGroup calls = %d, want 2", n)
	}
}

// CloudWatch Logs API Reference, CreateLogStream / PutLogEvents: a missing
// stream is ResourceNotFoundException "The specified log stream does not
// exist."; stream names exclude ':' and '*'.
func TestLogStreamsNamesAndNotFound(t *testing.T) {
	e := New()
	l := logsWith(t, e, "g", "s")
	_, err := l.CreateLogStream(bg, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")})
	wantLogsErr[*lt.ResourceAlreadyExistsException](t, err, "The specified log stream already exists")
	_, err = l.CreateLogStream(bg, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("a:b")})
	wantLogsErr[*lt.InvalidParameterException](t, err, "1 validation error detected: Value 'a:b' at 'logStreamName'...")
	_, err = l.CreateLogStream(bg, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("nope"), LogStreamName: aws.String("s")})
	wantLogsErr[*lt.ResourceNotFoundException](t, err, "The specified log group does not exist.")
	_, err = l.PutLogEvents(bg, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("missing"), LogEvents: events(e.Now().UnixMilli(), "x")})
	wantLogsErr[*lt.ResourceNotFoundException](t, err, "The specified log stream does not exist.")
	_, err = l.GetLogEvents(bg, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("missing")})
	wantLogsErr[*lt.ResourceNotFoundException](t, err, "The specified log stream does not exist.")
}

// CloudWatch Logs API Reference, PutLogEvents: a batch must be in
// chronological order, span at most 24 hours, hold at most 10,000 events
// and 1,048,576 bytes (messages + 26 bytes each); otherwise nothing is
// stored.
func TestPutLogEventsBatchRulesRejectTheWholeBatch(t *testing.T) {
	e := New()
	l := logsWith(t, e, "g", "s")
	now := e.Now().UnixMilli()
	big := strings.Repeat("x", 100_000)
	cases := []struct {
		name string
		evs  []lt.InputLogEvent
		msg  string
	}{
		{"out of order", []lt.InputLogEvent{{Timestamp: aws.Int64(now), Message: aws.String("b")}, {Timestamp: aws.Int64(now - 1), Message: aws.String("a")}},
			"Log events in a single PutLogEvents request must be in chronological order."},
		{"span over 24h", []lt.InputLogEvent{{Timestamp: aws.Int64(now - 25*3600_000), Message: aws.String("a")}, {Timestamp: aws.Int64(now), Message: aws.String("b")}},
			"The batch of log events in a single PutLogEvents request cannot span more than 24 hours."},
		{"too many", events(now-20_000_000, make([]string, 10_001)...), "1 validation error detected: Value '[10001 events]' at 'logEvents'..."},
		{"too large", events(now, big, big, big, big, big, big, big, big, big, big, big), "Upload too large: 1100286 bytes exceeds limit of 1048576"},
		{"empty message", events(now, ""), "1 validation error detected: Value '' at 'logEvents.1.member.message'..."},
		{"empty batch", nil, "1 validation error detected: Value '[]' at 'logEvents'..."},
	}
	cases[2].evs[0].Message = aws.String("x")
	for i := range cases[2].evs {
		cases[2].evs[i].Message = aws.String("x")
	}
	for _, c := range cases {
		_, err := l.PutLogEvents(bg, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), LogEvents: c.evs})
		t.Run(c.name, func(t *testing.T) { wantLogsErr[*lt.InvalidParameterException](t, err, c.msg) })
	}
	out, _ := l.DescribeLogStreams(bg, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("g")})
	gs, _ := l.DescribeLogGroups(bg, &cloudwatchlogs.DescribeLogGroupsInput{})
	if s := out.LogStreams[0]; s.FirstEventTimestamp != nil || aws.ToInt64(gs.LogGroups[0].StoredBytes) != 0 {
		t.Fatalf("rejected batches stored events: %+v, group %+v", s, gs.LogGroups[0])
	}
	_, err := l.FilterLogEvents(bg, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("g"), NextToken: aws.String("f/123")})
	wantLogsErr[*lt.InvalidParameterException](t, err, "The specified nextToken is invalid.")
}

// CloudWatch Logs API Reference, PutLogEvents: events more than 14 days
// old (or older than the retention) and more than 2 hours in the future
// are rejected while the rest are stored; rejectedLogEventsInfo gives the
// indexes.
func TestPutLogEventsRejectsTooOldAndTooNewEventsOneByOne(t *testing.T) {
	e := New()
	l := logsWith(t, e, "g", "s")
	now := e.Now().UnixMilli()
	day := int64(86_400_000)
	evs := []lt.InputLogEvent{
		{Timestamp: aws.Int64(now - 15*day), Message: aws.String("too old")},
		{Timestamp: aws.Int64(now - 14*day - 1), Message: aws.String("too old too")},
		{Timestamp: aws.Int64(now - 21*3600_000), Message: aws.String("kept 1")},
		{Timestamp: aws.Int64(now + 2*3600_000), Message: aws.String("kept 2")},
		{Timestamp: aws.Int64(now + 2*3600_000 + 1), Message: aws.String("too new")},
	}
	// The 24-hour span applies to the valid events only (here 23 hours).
	out := put(t, l, "g", "s", evs)
	if r := out.RejectedLogEventsInfo; r == nil || aws.ToInt32(r.TooOldLogEventEndIndex) != 1 || aws.ToInt32(r.TooNewLogEventStartIndex) != 4 || r.ExpiredLogEventEndIndex != nil {
		t.Fatalf("rejected = %+v, want tooOldLogEventEndIndex 1, tooNewLogEventStartIndex 4", r)
	}
	got, err := l.GetLogEvents(bg, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if m := messages(got.Events); strings.Join(m, ",") != "kept 1,kept 2" {
		t.Fatalf("stored %q, want kept 1, kept 2", m)
	}
	// With a 1-day retention, a 2-day-old event is expired.
	if _, err := l.PutRetentionPolicy(bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("g"), RetentionInDays: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	out = put(t, l, "g", "s", events(now-2*day, "expired", "expired too"))
	if r := out.RejectedLogEventsInfo; r == nil || aws.ToInt32(r.ExpiredLogEventEndIndex) != 1 {
		t.Fatalf("rejected = %+v, want expiredLogEventEndIndex 1", r)
	}
	_, err = l.PutRetentionPolicy(bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("g"), RetentionInDays: aws.Int32(2)})
	wantLogsErr[*lt.InvalidParameterException](t, err, "1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, ...")
}

// CloudWatch Logs API Reference, GetLogEvents: without startFromHead the
// newest events come first; nextForwardToken and nextBackwardToken page on;
// at the end of the stream the same token comes back.
func TestGetLogEventsForwardAndBackwardTokens(t *testing.T) {
	e := New()
	l := logsWith(t, e, "g", "s")
	now := e.Now().UnixMilli() - 3600_000
	msgs := make([]string, 25)
	for i := range msgs {
		msgs[i] = fmt.Sprintf("line %02d", i)
	}
	put(t, l, "g", "s", events(now, msgs...))
	get := func(tok *string, head bool) *cloudwatchlogs.GetLogEventsOutput {
		t.Helper()
		out, err := l.GetLogEvents(bg, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"),
			Limit: aws.Int32(10), NextToken: tok, StartFromHead: aws.Bool(head)})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	tail := get(nil, false)
	if m := messages(tail.Events); m[0] != "line 15" || m[9] != "line 24" {
		t.Fatalf("newest page %q, want lines 15..24", m)
	}
	back := get(tail.NextBackwardToken, false)
	if m := messages(back.Events); m[0] != "line 05" || m[9] != "line 14" {
		t.Fatalf("backward page %q, want lines 05..14", m)
	}
	back = get(back.NextBackwardToken, false)
	if m := messages(back.Events); len(m) != 5 || m[0] != "line 00" {
		t.Fatalf("last backward page %q, want lines 00..04", m)
	}
	end := get(back.NextBackwardToken, false)
	if len(end.Events) != 0 || aws.ToString(end.NextBackwardToken) != aws.ToString(back.NextBackwardToken) {
		t.Fatalf("at the head: %d events, token %q, want the same token back", len(end.Events), aws.ToString(end.NextBackwardToken))
	}
	head := get(nil, true)
	fwd := get(head.NextForwardToken, true)
	fwd = get(fwd.NextForwardToken, true)
	if m := messages(fwd.Events); len(m) != 5 || m[4] != "line 24" {
		t.Fatalf("third forward page %q, want lines 20..24", m)
	}
	again := get(fwd.NextForwardToken, true)
	if len(again.Events) != 0 || aws.ToString(again.NextForwardToken) != aws.ToString(fwd.NextForwardToken) {
		t.Fatalf("at the tail: %d events, token changed", len(again.Events))
	}
	put(t, l, "g", "s", events(now+3600_000, "new line"))
	if m := messages(get(fwd.NextForwardToken, true).Events); len(m) != 1 || m[0] != "new line" {
		t.Fatalf("following the tail got %q, want the new line", m)
	}
	_, err := l.GetLogEvents(bg, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), NextToken: aws.String("f/zzz")})
	wantLogsErr[*lt.InvalidParameterException](t, err, "The specified nextToken is invalid.")
}

// CloudWatch Logs API Reference, FilterLogEvents: matching events of all
// streams, interleaved by timestamp, paged by nextToken; a malformed
// pattern is InvalidParameterException.
func TestFilterLogEventsInterleavesStreamsAndPages(t *testing.T) {
	e := New()
	l := logsWith(t, e, "g", "web/app/t1")
	if _, err := l.CreateLogStream(bg, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("web/app/t2")}); err != nil {
		t.Fatal(err)
	}
	now := e.Now().UnixMilli() - 60_000
	put(t, l, "g", "web/app/t1", events(now, `{"level":"error","n":1}`, "plain ERROR one", `{"level":"info","n":3}`))
	put(t, l, "g", "web/app/t2", events(now+500, `{"level":"error","n":2}`, "plain WARN two", `{"level":"error","n":4}`))
	filter := func(p string, limit int32, tok *string) *cloudwatchlogs.FilterLogEventsOutput {
		t.Helper()
		out, err := l.FilterLogEvents(bg, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("g"), FilterPattern: aws.String(p), Limit: aws.Int32(limit), NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	all := filter("", 100, nil)
	var order []string
	for _, ev := range all.Events {
		order = append(order, aws.ToString(ev.LogStreamName)[len("web/app/"):])
	}
	if strings.Join(order, ",") != "t1,t2,t1,t2,t1,t2" || all.NextToken != nil {
		t.Fatalf("interleaving %v (token %v), want alternating t1,t2", order, all.NextToken)
	}
	errs := filter(`{ $.level = "error" }`, 2, nil)
	if m := messages(errs.Events); len(m) != 2 || m[0] != `{"level":"error","n":1}` || errs.NextToken == nil {
		t.Fatalf("first page %q, token %v", m, errs.NextToken)
	}
	errs = filter(`{ $.level = "error" }`, 2, errs.NextToken)
	if m := messages(errs.Events); len(m) != 1 || m[0] != `{"level":"error","n":4}` {
		t.Fatalf("second page %q", m)
	}
	if m := messages(filter("?ERROR ?WARN", 10, nil).Events); len(m) != 2 {
		t.Fatalf("?ERROR ?WARN matched %q", m)
	}
	out, err := l.FilterLogEvents(bg, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("g"), LogStreamNamePrefix: aws.String("web/app/t2"), FilterPattern: aws.String("-WARN")})
	if err != nil || len(out.Events) != 2 || aws.ToString(out.SearchedLogStreams[0].LogStreamName) != "web/app/t2" {
		t.Fatalf("prefix + exclusion: %v events, err %v", len(out.Events), err)
	}
	_, err = l.FilterLogEvents(bg, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("g"), FilterPattern: aws.String(`{ $.level = "error" `)})
	wantLogsErr[*lt.InvalidParameterException](t, err, "Invalid filter pattern: ...")
}

// CloudWatch Logs User Guide, "Change log data retention": events older
// than the retention expire; the fake deletes them when they expire in
// virtual time, with one queued wake per group.
func TestRetentionExpiresEventsInVirtualTime(t *testing.T) {
	e := New()
	l := logsWith(t, e, "g", "s")
	now := e.Now()
	put(t, l, "g", "s", events(now.UnixMilli(), "day 0"))
	e.Advance(24*time.Hour + time.Second)
	put(t, l, "g", "s", events(e.Now().UnixMilli(), "day 1"))
	if _, err := l.PutRetentionPolicy(bg, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String("g"), RetentionInDays: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	read := func() []string {
		out, err := l.GetLogEvents(bg, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		return messages(out.Events)
	}
	if m := read(); len(m) != 1 || m[0] != "day 1" {
		t.Fatalf("after PutRetentionPolicy(1): %q, want only day 1", m)
	}
	e.Advance(24 * time.Hour)
	if m := read(); len(m) != 1 {
		t.Fatalf("before expiry: %q", m)
	}
	e.Advance(time.Second)
	if m := read(); len(m) != 0 {
		t.Fatalf("after expiry: %q, want none", m)
	}
	gs, _ := l.DescribeLogGroups(bg, &cloudwatchlogs.DescribeLogGroupsInput{})
	if aws.ToInt32(gs.LogGroups[0].RetentionInDays) != 1 || aws.ToInt64(gs.LogGroups[0].StoredBytes) != 0 {
		t.Fatalf("group %+v", gs.LogGroups[0])
	}
	if n := e.events.Len(); n != 0 {
		t.Fatalf("%d wakes queued with nothing left to expire, want 0", n)
	}
}

// CloudWatch Logs API Reference, TagResource / ListTagsForResource (by
// log group ARN, without the trailing :*).
func TestLogGroupTags(t *testing.T) {
	e := New()
	l := e.Logs()
	if _, err := l.CreateLogGroup(bg, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("g"), Tags: map[string]string{"team": "web"}}); err != nil {
		t.Fatal(err)
	}
	arn := aws.String("arn:aws:logs:us-east-1:123456789012:log-group:g")
	if _, err := l.TagResource(bg, &cloudwatchlogs.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"env": "prod"}}); err != nil {
		t.Fatal(err)
	}
	out, err := l.ListTagsForResource(bg, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: arn})
	if err != nil || len(out.Tags) != 2 || out.Tags["team"] != "web" || out.Tags["env"] != "prod" {
		t.Fatalf("tags %v, err %v", out.Tags, err)
	}
	_, err = l.ListTagsForResource(bg, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:nope")})
	wantLogsErr[*lt.ResourceNotFoundException](t, err, "The specified log group does not exist.")
	many := map[string]string{}
	for i := range 49 {
		many[fmt.Sprint("k", i)] = "v"
	}
	_, err = l.TagResource(bg, &cloudwatchlogs.TagResourceInput{ResourceArn: arn, Tags: many})
	wantLogsErr[*lt.TooManyTagsException](t, err, "A resource can have no more than 50 tags.")
}

// awslogsTD is a Fargate task definition whose container "app" logs to
// group with stream prefix "web".
func awslogsTD(family, image, group string, createGroup bool) *ecs.RegisterTaskDefinitionInput {
	td := fargateTD(family, image)
	opts := map[string]string{"awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}
	if createGroup {
		opts["awslogs-create-group"] = "true"
	}
	td.ExecutionRoleArn = aws.String("arn:aws:iam::123456789012:role/ecsTaskExecutionRole")
	td.ContainerDefinitions[0].LogConfiguration = &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: opts}
	return td
}

// Amazon ECS Developer Guide, "Using the awslogs log driver": a container
// writes to <prefix>/<container>/<task-id> in its group; the fake's output
// fault gives the lines, with virtual timestamps, and an exit fault ends
// the container.
func TestAWSLogsDriverWritesScriptedLinesThenTheContainerExits(t *testing.T) {
	e := newCluster(t, 0)
	l := logsWith(t, e, "/ecs/web", "")
	register(t, e, awslogsTD("web", "web:bad", "/ecs/web", false))
	if err := e.InjectFault(Fault{Image: "web:bad", Action: FaultOutput, Lines: []string{"starting", "connecting to db", "panic: no db"}, Every: time.Second}); err != nil {
		t.Fatal(err)
	}
	if err := e.InjectFault(Fault{Image: "web:bad", Action: FaultExit, ExitCode: 1, After: 2500 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	out := run(t, e, &ecs.RunTaskInput{TaskDefinition: aws.String("web"), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: netCfg})
	arn := aws.ToString(out.Tasks[0].TaskArn)
	id := arn[strings.LastIndex(arn, "/")+1:]
	e.Advance(5 * time.Minute)
	task := describe(t, e, arn)
	if aws.ToString(task.LastStatus) != "STOPPED" || aws.ToInt32(task.Containers[0].ExitCode) != 1 {
		t.Fatalf("task %s exit %v", aws.ToString(task.LastStatus), task.Containers[0].ExitCode)
	}
	got, err := l.GetLogEvents(bg, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/ecs/web"), LogStreamName: aws.String("web/app/" + id), StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if m := messages(got.Events); strings.Join(m, "|") != "starting|connecting to db|panic: no db" {
		t.Fatalf("lines %q", m)
	}
	started := task.StartedAt.UnixMilli()
	for i, ev := range got.Events {
		if aws.ToInt64(ev.Timestamp) != started+int64(i)*1000 {
			t.Fatalf("line %d at %d, want startedAt+%ds", i, aws.ToInt64(ev.Timestamp), i)
		}
	}
}

// "Troubleshoot Amazon ECS ResourceInitializationError errors": a missing
// awslogs group without awslogs-create-group stops the task before it
// starts; with awslogs-create-group=true the driver creates it.
func TestAWSLogsMissingGroupFailsTaskStartUnlessCreateGroup(t *testing.T) {
	e := newCluster(t, 0)
	register(t, e, awslogsTD("web", "web:1", "/ecs/missing", false))
	out := run(t, e, &ecs.RunTaskInput{TaskDefinition: aws.String("web"), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: netCfg})
	e.Advance(5 * time.Minute)
	task := describe(t, e, aws.ToString(out.Tasks[0].TaskArn))
	if task.StopCode != types.TaskStopCodeTaskFailedToStart || aws.ToString(task.StoppedReason) != AWSLogsMissingGroupReason || task.StartedAt != nil {
		t.Fatalf("task stop %s %q started %v", task.StopCode, aws.ToString(task.StoppedReason), task.StartedAt)
	}
	register(t, e, awslogsTD("web2", "web:1", "/ecs/created", true))
	out = run(t, e, &ecs.RunTaskInput{TaskDefinition: aws.String("web2"), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: netCfg})
	e.Advance(time.Minute)
	task = describe(t, e, aws.ToString(out.Tasks[0].TaskArn))
	if aws.ToString(task.LastStatus) != "RUNNING" {
		t.Fatalf("task with awslogs-create-group: %s %q", aws.ToString(task.LastStatus), aws.ToString(task.StoppedReason))
	}
	streams, err := e.Logs().DescribeLogStreams(bg, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/ecs/created")})
	if err != nil || len(streams.LogStreams) != 1 || !strings.HasPrefix(aws.ToString(streams.LogStreams[0].LogStreamName), "web/app/") {
		t.Fatalf("streams %+v, err %v", streams, err)
	}
}

// The fake's output scripts are event-driven: a line a second while the
// task runs is made when read or at stop (no per-second work), a stream
// keeps at most its cap, and a container stopped by ECS gets the script's
// last line.
func TestRepeatingOutputIsBoundedByTheStreamCapAndEndsWithTheLastLine(t *testing.T) {
	e := newCluster(t, 0, WithLogStreamCap(100))
	l := logsWith(t, e, "/ecs/web", "")
	register(t, e, awslogsTD("web", "web:1", "/ecs/web", false))
	if err := e.InjectFault(Fault{Image: "web:1", Action: FaultOutput, Lines: []string{"tick"}, Every: time.Second, Repeat: true, LastLine: "SIGTERM received, bye"}); err != nil {
		t.Fatal(err)
	}
	out := run(t, e, &ecs.RunTaskInput{TaskDefinition: aws.String("web"), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: netCfg})
	arn := aws.ToString(out.Tasks[0].TaskArn)
	before := e.events.Len()
	e.Advance(10 * time.Hour)
	if e.events.Len() > before {
		t.Fatalf("queued events grew from %d to %d while printing", before, e.events.Len())
	}
	if _, err := e.StopTask(bg, &ecs.StopTaskInput{Task: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	e.Advance(time.Minute)
	id := arn[strings.LastIndex(arn, "/")+1:]
	got, err := l.GetLogEvents(bg, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/ecs/web"), LogStreamName: aws.String("web/app/" + id)})
	if err != nil {
		t.Fatal(err)
	}
	m := messages(got.Events)
	if len(m) != 100 || m[99] != "SIGTERM received, bye" || m[0] != "tick" {
		t.Fatalf("%d lines, last %q", len(m), m[len(m)-1])
	}
}

// Scripted operation faults reach Logs operations by "Logs.<op>" and come
// back as Logs' own exception types.
func TestLogsOperationFaultsUseLogsExceptions(t *testing.T) {
	e := New()
	l := logsWith(t, e, "g", "s")
	e.FailOperation("Logs.GetLogEvents", "AccessDeniedException", 1, 0)
	e.FailOperation("Logs.PutLogEvents", "ThrottlingException", 1, 0)
	_, err := l.GetLogEvents(bg, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Fatalf("GetLogEvents error %v, want AccessDeniedException", err)
	}
	_, err = l.PutLogEvents(bg, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), LogEvents: events(e.Now().UnixMilli(), "x")})
	wantLogsErr[*lt.ThrottlingException](t, err, "Rate exceeded")
	if _, err := l.GetLogEvents(bg, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")}); err != nil {
		t.Fatalf("after the fault: %v", err)
	}
	if e.CallCount("Logs.GetLogEvents") != 2 || e.CallCount("GetLogEvents") != 0 {
		t.Fatalf("call counts %v", e.CallCounts())
	}
}
