package fake

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/ecsdeploy/ecsdeploy/fake/internal/logfilter"
)

// Read limits (CloudWatch Logs API Reference, GetLogEvents and
// FilterLogEvents): up to 10,000 events or 1 MB a page.
const (
	maxReadEvents = 10_000
	maxReadBytes  = 1 << 20
	// FilterScanBudget is how many events one FilterLogEvents call
	// examines at most, and FilterJSONBudget how many of them a JSON
	// pattern may parse; each stream gets an equal share (at least one
	// event). Past it the call returns what it found with a nextToken, as
	// CloudWatch Logs may return a partial (even empty) page with a token
	// while more events remain.
	FilterScanBudget = 200_000
	FilterJSONBudget = 5_000
)

// Tokens: "f/<ts><seq>" reads forward after that event, "b/<ts><seq>"
// backward before it (GetLogEvents); FilterLogEvents tokens are
// "x/<ts><seq>" (continue after that event). Each number is 20 digits.
func encodeKey(prefix string, k eventKey) string {
	return fmt.Sprintf("%s/%020d%020d", prefix, k.ts, k.seq)
}

func decodeKey(prefix, tok string) (eventKey, bool) {
	rest, ok := strings.CutPrefix(tok, prefix+"/")
	if !ok || len(rest) != 40 {
		return eventKey{}, false
	}
	ts, err1 := strconv.ParseInt(rest[:20], 10, 64)
	seq, err2 := strconv.ParseUint(rest[20:], 10, 64)
	return eventKey{ts, seq}, err1 == nil && err2 == nil
}

// timeRange reads startTime/endTime: [start, end) in ms.
func timeRange(start, end *int64) (int64, int64, error) {
	lo, hi := int64(0), int64(math.MaxInt64)
	if start != nil {
		if *start < 0 {
			return 0, 0, errLogsConstraint(strconv.FormatInt(*start, 10), "startTime", "have value greater than or equal to 0")
		}
		lo = *start
	}
	if end != nil {
		if *end < 0 {
			return 0, 0, errLogsConstraint(strconv.FormatInt(*end, 10), "endTime", "have value greater than or equal to 0")
		}
		hi = *end
	}
	if start != nil && end != nil && lo > hi {
		return 0, 0, errLogsParam("End time must be after start time.")
	}
	return lo, hi, nil
}

// readWindow checks a read's limit (1-10,000) and its [startTime,
// endTime) range, in that order.
func readWindow(limit *int32, start, end *int64) (n int, lo, hi int64, err error) {
	if n, err = logsLimit(limit, maxReadEvents); err != nil {
		return 0, 0, 0, err
	}
	lo, hi, err = timeRange(start, end)
	return n, lo, hi, err
}

// GetLogEvents reads one stream: with startFromHead the oldest events,
// otherwise the newest; nextForwardToken and nextBackwardToken page on,
// and at either end the token passed in comes back unchanged.
func (l *Logs) GetLogEvents(ctx context.Context, in *cloudwatchlogs.GetLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetLogEventsOutput, error) {
	if in == nil {
		in = &cloudwatchlogs.GetLogEventsInput{}
	}
	e := l.e
	e.mu.Lock()
	defer e.mu.Unlock()
	name, err := l.beginGroupLocked(ctx, "GetLogEvents", in, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if err := checkStreamName("logStreamName", aws.ToString(in.LogStreamName)); err != nil {
		return nil, err
	}
	n, lo, hi, err := readWindow(in.Limit, in.StartTime, in.EndTime)
	if err != nil {
		return nil, err
	}
	tok := aws.ToString(in.NextToken)
	var after, before eventKey
	forward := aws.ToBool(in.StartFromHead)
	switch {
	case tok == "":
		after, before = eventKey{-1, 0}, eventKey{math.MaxInt64, math.MaxUint64}
	case strings.HasPrefix(tok, "f/"):
		k, ok := decodeKey("f", tok)
		if !ok {
			return nil, errLogsParam("The specified nextToken is invalid.")
		}
		after, before, forward = k, eventKey{math.MaxInt64, math.MaxUint64}, true
	default:
		k, ok := decodeKey("b", tok)
		if !ok {
			return nil, errLogsParam("The specified nextToken is invalid.")
		}
		after, before, forward = eventKey{-1, 0}, k, false
	}
	g, err := l.groupLocked(name)
	if err != nil {
		return nil, err
	}
	s := g.streams[aws.ToString(in.LogStreamName)]
	if s == nil {
		return nil, errLogsNotFound(msgStreamNotFound)
	}
	// The window of candidate events: key in (after, before), ts in [lo, hi).
	evs := s.events
	i, _ := slices.BinarySearchFunc(evs, after, func(ev logEvent, k eventKey) int {
		if ev.key().less(k) || ev.key() == k {
			return -1
		}
		return 1
	})
	j, _ := slices.BinarySearchFunc(evs, before, func(ev logEvent, k eventKey) int {
		if ev.key().less(k) {
			return -1
		}
		return 1
	})
	i = max(i, lowerTS(evs, lo))
	j = min(j, lowerTS(evs, hi))
	var page []logEvent
	if i < j {
		if forward {
			k, bytes := i, 0
			for ; k < j && k-i < n && bytes+len(evs[k].msg) <= maxReadBytes; k++ {
				bytes += len(evs[k].msg) + LogEventOverhead
			}
			page = evs[i:k]
		} else {
			k, bytes := j, 0
			for ; k > i && j-k < n && bytes+len(evs[k-1].msg) <= maxReadBytes; k-- {
				bytes += len(evs[k-1].msg) + LogEventOverhead
			}
			page = evs[k:j]
		}
	}
	out := &cloudwatchlogs.GetLogEventsOutput{Events: make([]types.OutputLogEvent, len(page))}
	for x, ev := range page {
		out.Events[x] = types.OutputLogEvent{Timestamp: aws.Int64(ev.ts), IngestionTime: aws.Int64(ev.ingest), Message: aws.String(ev.msg)}
	}
	switch {
	case len(page) > 0:
		out.NextForwardToken = aws.String(encodeKey("f", page[len(page)-1].key()))
		out.NextBackwardToken = aws.String(encodeKey("b", page[0].key()))
	case tok != "":
		// At an end: the same token comes back (how readers know to stop).
		out.NextForwardToken, out.NextBackwardToken = aws.String(tok), aws.String(tok)
		if forward {
			out.NextBackwardToken = aws.String(encodeKey("b", eventKey{after.ts, after.seq + 1}))
		} else {
			prev := eventKey{before.ts, before.seq - 1}
			if before.seq == 0 {
				prev = eventKey{before.ts - 1, math.MaxUint64}
			}
			out.NextForwardToken = aws.String(encodeKey("f", prev))
		}
	default:
		// An empty window: read forward from the start of the range.
		out.NextForwardToken = aws.String(encodeKey("f", eventKey{max(lo, 0) - 1, math.MaxUint64 >> 1}))
		out.NextBackwardToken = aws.String(encodeKey("b", eventKey{max(lo, 0), 0}))
	}
	return out, nil
}

// lowerTS is the index of the first event with timestamp >= ts.
func lowerTS(evs []logEvent, ts int64) int {
	i, _ := slices.BinarySearchFunc(evs, ts, func(ev logEvent, t int64) int {
		if ev.ts < t {
			return -1
		}
		return 1
	})
	return i
}

// FilterLogEvents searches a group's streams (all, logStreamNames or a
// logStreamNamePrefix) for events matching filterPattern in [startTime,
// endTime), interleaved across streams in timestamp order. A page holds up
// to limit (default 10,000) events or 1 MB; one call examines at most
// FilterScanBudget events and returns a nextToken while more remain.
func (l *Logs) FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	if in == nil {
		in = &cloudwatchlogs.FilterLogEventsInput{}
	}
	pat, perr := logfilter.Parse(aws.ToString(in.FilterPattern)) // outside the lock
	e := l.e
	e.mu.Lock()
	defer e.mu.Unlock()
	name, err := l.beginGroupLocked(ctx, "FilterLogEvents", in, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if perr != nil {
		return nil, errLogsParam("Invalid filter pattern: %v", perr)
	}
	n, lo, hi, err := readWindow(in.Limit, in.StartTime, in.EndTime)
	if err != nil {
		return nil, err
	}
	prefix := aws.ToString(in.LogStreamNamePrefix)
	switch {
	case prefix != "" && len(in.LogStreamNames) > 0:
		return nil, errLogsParam("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
	case len(in.LogStreamNames) > 100:
		return nil, errLogsConstraint(fmt.Sprintf("[%d names]", len(in.LogStreamNames)), "logStreamNames", "have length less than or equal to 100")
	}
	after := eventKey{-1, 0}
	if t := aws.ToString(in.NextToken); t != "" {
		k, ok := decodeKey("x", t)
		if !ok {
			return nil, errLogsParam("The specified nextToken is invalid.")
		}
		after = k
	}
	g, err := l.groupLocked(name)
	if err != nil {
		return nil, err
	}
	var streams []*logStream
	if len(in.LogStreamNames) > 0 {
		for _, nm := range in.LogStreamNames {
			s := g.streams[nm]
			if s == nil {
				return nil, errLogsNotFound(msgStreamNotFound)
			}
			streams = append(streams, s)
		}
	} else {
		for nm, s := range g.streams {
			if strings.HasPrefix(nm, prefix) {
				streams = append(streams, s)
			}
		}
	}
	slices.SortFunc(streams, func(a, b *logStream) int { return strings.Compare(a.name, b.name) })
	page := filterStreams(streams, pat, after, lo, hi, n, FilterScanBudget, FilterJSONBudget)
	out := page.output()
	out.SearchedLogStreams = make([]types.SearchedLogStream, len(streams))
	for i, s := range streams {
		out.SearchedLogStreams[i] = types.SearchedLogStream{LogStreamName: aws.String(s.name), SearchedCompletely: aws.Bool(page.complete[i])}
	}
	return out, nil
}
