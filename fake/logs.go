package fake

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"
)

// Logs is the fake's CloudWatch Logs: its API methods have the signatures
// of aws-sdk-go-v2's *cloudwatchlogs.Client. It is a view of the same
// world as the *ECS it came from (one clock, one lock, one seed, one call
// log and one set of scripted faults): tasks whose containers use the
// awslogs driver write their output here. Get it with (*ECS).Logs.
type Logs struct{ e *ECS }

// Logs returns the fake's CloudWatch Logs view.
func (e *ECS) Logs() *Logs { return &Logs{e: e} }

// LogsTargetPrefix is the X-Amz-Target prefix of CloudWatch Logs (AWS JSON
// 1.1); Server answers it on the same endpoint as ECS.
const LogsTargetPrefix = "Logs_20140328"

// LogsCallPrefix prefixes the Logs operations in the call log and in
// FailOperation ("Logs.GetLogEvents"), so they never mix with ECS's own
// TagResource or ListTagsForResource.
const LogsCallPrefix = "Logs."

// DefaultLogStreamCap is how many events a log stream keeps by default;
// past it the oldest are dropped (see WithLogStreamCap).
const DefaultLogStreamCap = 100_000

// WithLogStreamCap bounds the events one log stream keeps (default
// DefaultLogStreamCap): past it the oldest events are dropped, so a
// container printing forever in virtual time holds bounded memory. Real
// CloudWatch Logs keeps every event until its retention expires.
func WithLogStreamCap(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.logStreamCap = n
		}
	}
}

// logStore is the Logs state inside the world (guarded by ECS.mu).
type logStore struct {
	groups map[string]*logGroup
	seq    uint64 // last event sequence number
	gen    uint64 // expiry wake generations
	// live lists the streams with a running output script, in start
	// order (deterministic sequence numbers); streamOf maps each awslogs
	// container of a task not yet stopped to its stream.
	live     []*logStream
	streamOf map[*container]*logStream
}

func newLogStore() logStore {
	return logStore{groups: map[string]*logGroup{}, streamOf: map[*container]*logStream{}}
}

type logGroup struct {
	name, arn   string
	created     time.Time
	class       types.LogGroupClass
	retention   int32 // days, 0: never expire
	protected   bool
	streams     map[string]*logStream
	tags        map[string]string
	expiryGen   uint64 // the pending expiry wake's generation (0: none)
	expiryAt    time.Time
	deleted     bool
	storedBytes int64
}

type logStream struct {
	g          *logGroup
	name, arn  string
	created    time.Time
	events     []logEvent // sorted by (ts, seq)
	bytes      int64
	lastIngest int64
	out        *lineScript // nil: no output script
}

// logEvent is one stored event (40 bytes plus the message).
type logEvent struct {
	ts, ingest int64 // ms since the epoch
	seq        uint64
	msg        string
}

// eventKey orders events: by timestamp, then by ingestion sequence.
type eventKey struct {
	ts  int64
	seq uint64
}

func (ev *logEvent) key() eventKey { return eventKey{ev.ts, ev.seq} }

func (a eventKey) less(b eventKey) bool { return a.ts < b.ts || a.ts == b.ts && a.seq < b.seq }

// beginLogsLocked is the one way into every Logs operation: it checks ctx,
// runs the world up to now, records the call as "Logs.<op>", applies
// scripted operation faults (as Logs' own exception types) and brings the
// running containers' output up to date. The caller holds e.mu.
func (l *Logs) beginLogsLocked(ctx context.Context, op string, in any) (time.Time, error) {
	e := l.e
	now, err := e.beginCallLocked(ctx, "logs", op, LogsCallPrefix+op, in, logsErrForCode)
	if err != nil {
		return now, err
	}
	e.flushOutputsLocked(now)
	return now, nil
}

// Logs' exception texts, as CloudWatch Logs returns them (observed in CLI
// and SDK output quoted in public issues, e.g. aws/aws-cli#4005 and
// localstack/localstack#9226).
const (
	msgGroupNotFound  = "The specified log group does not exist."
	msgStreamNotFound = "The specified log stream does not exist."
	msgGroupExists    = "The specified log group already exists"
	msgStreamExists   = "The specified log stream already exists"
)

func errLogsNotFound(msg string) error {
	return &types.ResourceNotFoundException{Message: aws.String(msg)}
}

func errLogsExists(msg string) error {
	return &types.ResourceAlreadyExistsException{Message: aws.String(msg)}
}

func errLogsParam(format string, a ...any) error {
	return &types.InvalidParameterException{Message: aws.String(fmt.Sprintf(format, a...))}
}

// errLogsConstraint is the model-validation text CloudWatch Logs answers
// as InvalidParameterException: "1 validation error detected: Value 'x'
// at 'logGroupName' failed to satisfy constraint: Member must ...".
func errLogsConstraint(value, member, rule string) error {
	return errLogsParam("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must %s", value, member, rule)
}

// logsErrForCode is the error an injected operation fault returns on a
// Logs operation, typed as the Logs SDK types it.
func logsErrForCode(code string) error {
	switch code {
	case "ThrottlingException", "":
		return &types.ThrottlingException{Message: aws.String("Rate exceeded")}
	case "ServiceUnavailableException", "ServerException":
		return &types.ServiceUnavailableException{Message: aws.String("The service cannot complete the request.")}
	case "AccessDeniedException":
		return &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "User: arn:aws:sts::123456789012:assumed-role/ecsdeploy/session is not authorized to perform this action", Fault: smithy.FaultClient}
	case "InvalidParameterException":
		return errLogsParam("Injected invalid parameter.")
	case "ResourceNotFoundException":
		return errLogsNotFound(msgGroupNotFound)
	case "LimitExceededException":
		return &types.LimitExceededException{Message: aws.String("Resource limit exceeded.")}
	default:
		return &smithy.GenericAPIError{Code: code, Message: code, Fault: smithy.FaultServer}
	}
}

// Name rules (CloudWatch Logs API Reference, CreateLogGroup and
// CreateLogStream).
var logGroupNameRE = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]+$`)

func checkGroupName(member, name string) error {
	switch {
	case name == "":
		return errLogsConstraint(name, member, "have length greater than or equal to 1")
	case len(name) > 512:
		return errLogsConstraint(name, member, "have length less than or equal to 512")
	case !logGroupNameRE.MatchString(name):
		return errLogsConstraint(name, member, `satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`)
	}
	return nil
}

func checkStreamName(member, name string) error {
	switch {
	case name == "":
		return errLogsConstraint(name, member, "have length greater than or equal to 1")
	case len(name) > 512:
		return errLogsConstraint(name, member, "have length less than or equal to 512")
	}
	for _, r := range name {
		if r == ':' || r == '*' {
			return errLogsConstraint(name, member, "satisfy regular expression pattern: [^:*]*")
		}
	}
	return nil
}

// beginGroupLocked is beginLogsLocked followed by groupRef, for the
// operations that name one log group. The caller holds e.mu. A group ARN
// of another account or region names a group this fake does not have
// (homeMatches): the name returned is then the ARN itself, which no group
// has (names cannot contain ':'), so the operation answers as for any
// unknown group.
func (l *Logs) beginGroupLocked(ctx context.Context, op string, in any, name, ident *string) (string, error) {
	if _, err := l.beginLogsLocked(ctx, op, in); err != nil {
		return "", err
	}
	n, err := groupRef(name, ident)
	if err != nil {
		return "", err
	}
	if id := aws.ToString(ident); strings.HasPrefix(id, "arn:") {
		if g := l.e.logs.groups[n]; g != nil && !homeMatches(id, g.arn) {
			return id, nil
		}
	}
	return n, nil
}

// groupRef resolves logGroupName or logGroupIdentifier (a name or an ARN,
// with or without the trailing ":*").
func groupRef(name, ident *string) (string, error) {
	n, id := aws.ToString(name), aws.ToString(ident)
	switch {
	case n != "" && id != "":
		return "", errLogsParam("LogGroup name and LogGroup ARN are mutually exclusive parameters.")
	case id != "":
		if rest, ok := arnLogGroup(id); ok {
			return rest, nil
		}
		return id, checkGroupName("logGroupIdentifier", id)
	}
	return n, checkGroupName("logGroupName", n)
}

// arnLogGroup extracts the group name from arn:PARTITION:logs:r:a:log-group:NAME[:*].
// Any partition is read here: whether the ARN is of the fake's partition,
// account and region is decided against the group it names (homeMatches).
func arnLogGroup(arn string) (string, bool) {
	const marker = ":log-group:"
	i := strings.Index(arn, marker)
	if !strings.HasPrefix(arn, "arn:") || i < 0 {
		return "", false
	}
	rest := arn[i+len(marker):]
	if j := strings.Index(rest, ":"); j >= 0 {
		rest = rest[:j]
	}
	return rest, rest != ""
}

// groupLocked finds a group or answers ResourceNotFoundException.
func (l *Logs) groupLocked(name string) (*logGroup, error) {
	g := l.e.logs.groups[name]
	if g == nil {
		return nil, errLogsNotFound(msgGroupNotFound)
	}
	return g, nil
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }
