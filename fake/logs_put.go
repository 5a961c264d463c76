package fake

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// PutLogEvents limits (CloudWatch Logs API Reference, PutLogEvents).
const (
	// MaxLogBatchBytes is the largest batch: the sum of the messages in
	// UTF-8 plus 26 bytes per event.
	MaxLogBatchBytes = 1_048_576
	// LogEventOverhead is the per-event overhead counted in a batch.
	LogEventOverhead = 26
	// MaxLogBatchEvents is the most events in one batch.
	MaxLogBatchEvents = 10_000
	// MaxLogEventBytes is the largest message (1 MB with its overhead).
	MaxLogEventBytes = MaxLogBatchBytes - LogEventOverhead
	// MaxLogBatchSpan is the longest time a batch may span.
	MaxLogBatchSpan = 24 * time.Hour
	// LogEventMaxAge is how old an accepted event may be; older ones are
	// rejected (tooOldLogEventEndIndex) while the rest are stored.
	LogEventMaxAge = 14 * 24 * time.Hour
	// LogEventMaxAhead is how far in the future an accepted event may be;
	// later ones are rejected (tooNewLogEventStartIndex).
	LogEventMaxAhead = 2 * time.Hour
)

// checkBatch applies PutLogEvents' request-wide rules except the 24-hour
// span (it needs the current time) (outside the lock:
// the cost grows with the request). Any failure rejects the whole batch.
func checkBatch(evs []types.InputLogEvent) error {
	switch {
	case len(evs) == 0:
		return errLogsConstraint("[]", "logEvents", "have length greater than or equal to 1")
	case len(evs) > MaxLogBatchEvents:
		return errLogsConstraint(fmt.Sprintf("[%d events]", len(evs)), "logEvents", "have length less than or equal to "+strconv.Itoa(MaxLogBatchEvents))
	}
	size := 0
	for i, ev := range evs {
		member := "logEvents." + strconv.Itoa(i+1) + ".member"
		if ev.Timestamp == nil {
			return errLogsConstraint("null", member+".timestamp", "not be null")
		}
		if ev.Message == nil || *ev.Message == "" {
			return errLogsConstraint("", member+".message", "have length greater than or equal to 1")
		}
		if !utf8.ValidString(*ev.Message) {
			return errLogsParam("%s.message: must be valid UTF-8", member)
		}
		if len(*ev.Message) > MaxLogEventBytes {
			return errLogsParam("Log event too large: %d bytes exceeds limit of %d", len(*ev.Message)+LogEventOverhead, MaxLogBatchBytes)
		}
		size += len(*ev.Message) + LogEventOverhead
		if i > 0 && *ev.Timestamp < *evs[i-1].Timestamp {
			return errLogsParam("Log events in a single PutLogEvents request must be in chronological order.")
		}
	}
	if size > MaxLogBatchBytes {
		return errLogsParam("Upload too large: %d bytes exceeds limit of %d", size, MaxLogBatchBytes)
	}
	return nil
}

// PutLogEvents stores a batch of events in a stream. The batch must be in
// chronological order, span at most 24 hours, hold at most 10,000 events
// and 1,048,576 bytes (messages plus 26 bytes each); otherwise nothing is
// stored. Events more than 14 days old, older than the group's retention,
// or more than 2 hours in the future are rejected one by one and reported
// in rejectedLogEventsInfo while the others are stored. The sequence token
// is ignored, as CloudWatch Logs now does.
func (l *Logs) PutLogEvents(ctx context.Context, in *cloudwatchlogs.PutLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutLogEventsOutput, error) {
	if in == nil {
		in = &cloudwatchlogs.PutLogEventsInput{}
	}
	verr := checkBatch(in.LogEvents)
	e := l.e
	e.mu.Lock()
	defer e.mu.Unlock()
	// The call log keeps a bounded summary (not the events); the journal,
	// when snapshots are on, the request.
	now, err := l.beginLogsLocked(ctx, "PutLogEvents", in)
	if err != nil {
		return nil, err
	}
	if err := checkGroupName("logGroupName", aws.ToString(in.LogGroupName)); err != nil {
		return nil, err
	}
	if err := checkStreamName("logStreamName", aws.ToString(in.LogStreamName)); err != nil {
		return nil, err
	}
	if verr != nil {
		return nil, verr
	}
	g, err := l.groupLocked(aws.ToString(in.LogGroupName))
	if err != nil {
		return nil, err
	}
	s := g.streams[aws.ToString(in.LogStreamName)]
	if s == nil {
		return nil, errLogsNotFound(msgStreamNotFound)
	}
	nowMS := ms(now)
	oldest := nowMS - LogEventMaxAge.Milliseconds()
	expired := int64(-1 << 62)
	if g.retention > 0 {
		expired = nowMS - int64(g.retention)*86_400_000
	}
	newest := nowMS + LogEventMaxAhead.Milliseconds()
	var rej types.RejectedLogEventsInfo
	rejected := false
	first, last := 0, len(in.LogEvents)
	for i, ev := range in.LogEvents {
		switch ts := *ev.Timestamp; {
		case ts < oldest:
			rej.TooOldLogEventEndIndex, rejected, first = aws.Int32(int32(i)), true, i+1
		case ts < expired:
			rej.ExpiredLogEventEndIndex, rejected, first = aws.Int32(int32(i)), true, i+1
		case ts > newest:
			if last == len(in.LogEvents) {
				rej.TooNewLogEventStartIndex, rejected, last = aws.Int32(int32(i)), true, i
			}
		}
	}
	// The 24-hour span applies to the valid events (within 14 days in the
	// past to 2 hours in the future).
	if first < last && time.Duration(*in.LogEvents[last-1].Timestamp-*in.LogEvents[first].Timestamp)*time.Millisecond > MaxLogBatchSpan {
		return nil, errLogsParam("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}
	if first < last {
		batch := make([]logEvent, 0, last-first)
		for _, ev := range in.LogEvents[first:last] {
			e.logs.seq++
			batch = append(batch, logEvent{ts: *ev.Timestamp, ingest: nowMS, seq: e.logs.seq, msg: *ev.Message})
		}
		l.appendLocked(s, batch, now)
	}
	out := &cloudwatchlogs.PutLogEventsOutput{NextSequenceToken: aws.String(fmt.Sprintf("%056d", e.logs.seq))}
	if rejected {
		out.RejectedLogEventsInfo = &rej
	}
	return out, nil
}

// appendLocked stores events (sorted, with fresh sequence numbers) in s,
// keeps the stream within the world's cap and schedules expiry.
func (l *Logs) appendLocked(s *logStream, batch []logEvent, now time.Time) {
	if len(batch) == 0 {
		return
	}
	inOrder := len(s.events) == 0 || !batch[0].key().less(s.events[len(s.events)-1].key())
	s.events = append(s.events, batch...)
	if !inOrder {
		slices.SortFunc(s.events, func(a, b logEvent) int { return cmpKey(a.key(), b.key()) })
	}
	var added int64
	for _, ev := range batch {
		added += int64(len(ev.msg))
	}
	s.bytes += added
	s.g.storedBytes += added
	s.lastIngest = ms(now)
	if over := len(s.events) - l.e.cfg.logStreamCap; over > 0 {
		l.dropLocked(s, over)
	}
	if g := s.g; g.retention > 0 && (g.expiryGen == 0 || fromMS(batch[0].ts+int64(g.retention)*86_400_000+1).Before(g.expiryAt)) {
		l.scheduleExpiryLocked(g)
	}
}

func cmpKey(a, b eventKey) int {
	switch {
	case a.less(b):
		return -1
	case b.less(a):
		return 1
	}
	return 0
}

// dropLocked forgets the n oldest events of s.
func (l *Logs) dropLocked(s *logStream, n int) {
	var gone int64
	for _, ev := range s.events[:n] {
		gone += int64(len(ev.msg))
	}
	clear(s.events[:n]) // let the messages be collected
	s.events = s.events[n:]
	if cap(s.events) > 2*len(s.events)+64 {
		s.events = slices.Clone(s.events)
	}
	s.bytes -= gone
	s.g.storedBytes -= gone
}

// expireLocked drops the events of g older than its retention and
// schedules the next expiry.
func (l *Logs) expireLocked(g *logGroup, now time.Time) {
	g.expiryGen = 0
	if g.retention <= 0 || g.deleted {
		return
	}
	cutoff := ms(now) - int64(g.retention)*86_400_000
	for _, s := range g.streams {
		n, _ := slices.BinarySearchFunc(s.events, cutoff, func(ev logEvent, t int64) int { return cmpInt64(ev.ts, t) })
		if n > 0 {
			l.dropLocked(s, n)
		}
	}
	l.scheduleExpiryLocked(g)
}

// scheduleExpiryLocked makes sure one wake is queued for when g's oldest
// event expires (event-driven: no wake while nothing can expire).
func (l *Logs) scheduleExpiryLocked(g *logGroup) {
	if g.retention <= 0 || g.deleted {
		return
	}
	oldest, any := int64(0), false
	for _, s := range g.streams {
		if len(s.events) > 0 && (!any || s.events[0].ts < oldest) {
			oldest, any = s.events[0].ts, true
		}
	}
	if !any {
		return
	}
	at := fromMS(oldest + int64(g.retention)*86_400_000 + 1)
	if g.expiryGen != 0 && !at.Before(g.expiryAt) {
		return
	}
	e := l.e
	e.logs.gen++
	gen := e.logs.gen
	g.expiryGen, g.expiryAt = gen, at
	e.scheduleLocked(at, func(now time.Time) {
		if g.expiryGen == gen {
			l.expireLocked(g, now)
		}
	})
}
