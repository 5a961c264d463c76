package fake

import (
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// AWSLogsMissingGroupReason is the stoppedReason of a task whose awslogs
// container names a log group that does not exist, without
// awslogs-create-group: the task fails to start (stopCode
// TaskFailedToStart). The text is what ECS shows ("Troubleshoot Amazon
// ECS ResourceInitializationError errors", Amazon ECS Developer Guide;
// the same prefix appears with AccessDeniedException in
// doctorray117/minecraft-ondemand#12).
const AWSLogsMissingGroupReason = "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: " +
	"failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1"

// lineScript is a container's scripted output (an output fault): line k
// is printed at start + k*every, until the container stops.
type lineScript struct {
	lines    []string
	every    time.Duration
	repeat   bool
	last     string
	start    time.Time
	emitted  int       // lines printed so far
	stopAt   time.Time // zero while the container runs
	finished bool
}

// checkOutputFault validates an output fault's script.
func checkOutputFault(f Fault) error {
	switch {
	case len(f.Lines) == 0:
		return fmt.Errorf("fault lines: an output fault needs at least one line")
	case f.Every < 0:
		return fmt.Errorf("fault every: must not be negative")
	case f.Repeat && f.Every <= 0:
		return fmt.Errorf("fault every: a repeating output fault needs every > 0")
	}
	for i, l := range f.Lines {
		if l == "" || len(l) > MaxLogEventBytes {
			return fmt.Errorf("fault lines[%d]: must be 1 to %d bytes", i, MaxLogEventBytes)
		}
	}
	return nil
}

// awslogsOptions returns the awslogs options of a task's container, nil
// when it does not use the awslogs driver.
func awslogsOptions(t *task, name string) map[string]string {
	defs := t.td.def.ContainerDefinitions
	for i := range defs {
		if cd := &defs[i]; cd.Name != nil && *cd.Name == name { // not a copy: a definition is large
			if lc := cd.LogConfiguration; lc != nil && lc.LogDriver == types.LogDriverAwslogs {
				return lc.Options
			}
			return nil
		}
	}
	return nil
}

// awslogsStreamName is the stream the awslogs driver writes a container
// to: prefix/container/task-id, or the container's runtime ID without a
// prefix (Amazon ECS Developer Guide, "Using the awslogs log driver").
func awslogsStreamName(opts map[string]string, t *task, c *container) string {
	if p := opts["awslogs-stream-prefix"]; p != "" {
		return p + "/" + c.name + "/" + t.id()
	}
	return c.runtimeID()
}

// awslogsStartLocked is the awslogs driver as containers are created
// (after the image pull): it creates each awslogs container's stream, and
// its group when awslogs-create-group is "true". It returns the
// ResourceInitializationError reason when a group is missing.
func (e *ECS) awslogsStartLocked(t *task, now time.Time) string {
	l := e.Logs()
	for _, c := range t.containers {
		opts := awslogsOptions(t, c.name)
		if opts == nil || opts["awslogs-group"] == "" {
			continue
		}
		g := e.logs.groups[opts["awslogs-group"]]
		if g == nil {
			if opts["awslogs-create-group"] != "true" || checkGroupName("logGroupName", opts["awslogs-group"]) != nil {
				c.reason = AWSLogsMissingGroupReason
				return AWSLogsMissingGroupReason
			}
			region := opts["awslogs-region"]
			if region == "" {
				region = e.cfg.region
			}
			g = l.createGroupLocked(region, opts["awslogs-group"], "", nil, now)
		}
		name := awslogsStreamName(opts, t, c)
		s := g.streams[name]
		if s == nil {
			s = l.createStreamLocked(g, name, now)
		}
		if e.logs.streamOf == nil {
			e.logs.streamOf = map[*container]*logStream{}
		}
		e.logs.streamOf[c] = s
	}
	return ""
}

// logsRunningLocked starts the task's output script, if it has one and the
// scripted container writes to awslogs (other drivers' output is not kept).
func (e *ECS) logsRunningLocked(t *task, now time.Time) {
	f := t.fate.output
	if f == nil {
		return
	}
	s := e.logs.streamOf[t.containers[t.fate.outputCont]]
	if s == nil || s.g.deleted {
		return
	}
	s.out = &lineScript{lines: f.Lines, every: f.Every, repeat: f.Repeat, last: f.LastLine, start: now}
	if n := len(e.logs.live); n >= 64 && n == cap(e.logs.live) {
		// Drop finished scripts before growing (amortised O(1); reads
		// also drop them), so the list follows the running containers.
		e.logs.live = slices.DeleteFunc(e.logs.live, func(s *logStream) bool { return s.out.finished || s.g.deleted })
	}
	e.logs.live = append(e.logs.live, s)
	e.Logs().flushStreamLocked(s, now)
}

// logsContainerStoppedLocked ends a container's output at now; byECS adds
// the script's LastLine (ECS sent SIGTERM).
func (e *ECS) logsContainerStoppedLocked(c *container, now time.Time, byECS bool) {
	s := e.logs.streamOf[c]
	if s == nil || s.out == nil || s.out.finished || !s.out.stopAt.IsZero() {
		return
	}
	l := e.Logs()
	l.flushStreamLocked(s, now)
	s.out.stopAt = now
	if byECS && s.out.last != "" && !s.g.deleted {
		e.logs.seq++
		l.appendLocked(s, []logEvent{{ts: ms(now), ingest: ms(now), seq: e.logs.seq, msg: s.out.last}}, now)
	}
	s.out.finished = true
}

// logsTaskStoppedLocked ends the output of every container of a stopped
// task and forgets which streams they wrote to.
func (e *ECS) logsTaskStoppedLocked(t *task, now time.Time) {
	for _, c := range t.containers {
		e.logsContainerStoppedLocked(c, now, false)
		delete(e.logs.streamOf, c)
	}
}

// flushOutputsLocked prints every running script's lines due by now
// (lines are made when someone looks or the container stops, not per
// tick: the cost follows reads and stops, and a stream's cap bounds what
// one flush makes).
func (e *ECS) flushOutputsLocked(now time.Time) {
	if len(e.logs.live) == 0 {
		return
	}
	l := e.Logs()
	for _, s := range e.logs.live {
		l.flushStreamLocked(s, now)
	}
	e.logs.live = slices.DeleteFunc(e.logs.live, func(s *logStream) bool { return s.out.finished || s.g.deleted })
}

// flushStreamLocked appends the script's lines due by now (or by the
// container's stop) to its stream.
func (l *Logs) flushStreamLocked(s *logStream, now time.Time) {
	sc := s.out
	if sc.finished || s.g.deleted {
		return
	}
	upto := now
	if !sc.stopAt.IsZero() && sc.stopAt.Before(upto) {
		upto = sc.stopAt
	}
	if upto.Before(sc.start) {
		return
	}
	total := len(sc.lines)
	if sc.every > 0 {
		due := int(upto.Sub(sc.start)/sc.every) + 1
		if sc.repeat || due < total {
			total = due
		}
	}
	if total <= sc.emitted {
		return
	}
	first := sc.emitted
	if capN := l.e.cfg.logStreamCap; total-first > capN {
		first = total - capN
	}
	batch := make([]logEvent, 0, total-first)
	for k := first; k < total; k++ {
		at := sc.start.Add(time.Duration(k) * sc.every)
		l.e.logs.seq++
		batch = append(batch, logEvent{ts: ms(at), ingest: ms(now), seq: l.e.logs.seq, msg: sc.lines[k%len(sc.lines)]})
	}
	sc.emitted = total
	l.appendLocked(s, batch, now)
	if !sc.repeat && sc.emitted == len(sc.lines) && sc.last == "" {
		sc.finished = true
	}
}
