package fake

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/smithy-go"
)

// Bounds the controls put on what they are sent, so that no request can
// make the server allocate or work in proportion to a number it carries,
// and no error message repeats unbounded input.
const (
	// maxControlDuration bounds the durations of faults, target health
	// faults and Auto Scaling groups (after, every, flap, joinAfter).
	maxControlDuration = 365 * 24 * time.Hour
	// maxFaultsInForce bounds each kind of fault the controls keep in
	// force (task, operation, target health): every task start, API call
	// or target registration looks at them all.
	maxFaultsInForce = 1000
	// maxFaultBytesInForce bounds the text of the task faults in force
	// (output faults' lines above all), and so GET /_fake/v1/faults.
	maxFaultBytesInForce = 8 << 20
	// maxImageSelector bounds an image selector: ECS allows 255
	// characters in an image reference (API Reference,
	// ContainerDefinition, image); a selector is matched against every
	// container started.
	maxImageSelector = 255
	// maxFaultReasonBytes bounds a task fault's reason (it becomes the
	// stoppedReason of every task it hits).
	maxFaultReasonBytes = 1024
	// maxLoadPoints bounds each schedule of POST /_fake/v1/load.
	maxLoadPoints = 1000
	// maxLoadLevel bounds a load level: percent of a task's reservation
	// for cpu and memory, requests per minute for requests.
	maxLoadLevel = 1e9
)

// echo quotes a value for an error message, clipped to maxEchoBytes (as
// the API's messages are: errors.go).
func echo(s string) string { return strconv.Quote(clipString(s, maxEchoBytes)) }

// notFound is a control's answer for a resource it does not have.
func notFound(code, message string) error {
	return &controlError{status: http.StatusNotFound, code: code, message: message}
}

// refError turns the error of a call that resolved the given references
// into a control error naming the one that was not found: a cluster
// (ClusterNotFoundException), a service (ServiceNotFoundException) or a
// target group (TargetGroupNotFound) answer 404 with ECS's (or ELB's)
// code and message; other ECS errors answer 400 with their code; errors
// of the fake's own checks answer 400.
func refError(err error, cluster, service, targetGroup string) error {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return badRequest("%v", err)
	}
	code, msg := apiErr.ErrorCode(), apiErr.ErrorMessage()
	switch code {
	case "ClusterNotFoundException":
		if cluster == "" {
			cluster = "default"
		}
		return notFound(code, "cluster "+echo(cluster)+": "+msg)
	case "ServiceNotFoundException":
		return notFound(code, "service "+echo(service)+": "+msg)
	case "TargetGroupNotFound":
		return notFound(code, "targetGroup "+echo(targetGroup)+": "+msg)
	}
	return &controlError{status: http.StatusBadRequest, code: code, message: msg}
}

// parseControlDuration reads a Go duration string ("90s") given for
// field: it must parse, not be negative and be at most max.
func parseControlDuration(field, s string, max time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return 0, badRequest(`%s: %s is not a duration such as "90s"`, field, echo(s))
	case d < 0:
		return 0, badRequest("%s: must not be negative, got %s", field, d)
	case d > max:
		return 0, badRequest("%s: at most %s, got %s", field, max, d)
	}
	return d, nil
}

// controlTime is a time in a control body, an RFC 3339 string. Decoding
// never fails: anything else is kept in bad, so that the handler can name
// the member it came in (encoding/json does not say which member an
// UnmarshalJSON error belongs to).
type controlTime struct {
	t   time.Time
	bad string
}

// MarshalJSON writes the time in RFC 3339.
func (c controlTime) MarshalJSON() ([]byte, error) { return c.t.MarshalJSON() }

// UnmarshalJSON reads an RFC 3339 string, or keeps what it got in bad.
func (c *controlTime) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			c.t = t
			return nil
		}
	}
	c.bad = clipString(string(b), maxEchoBytes)
	return nil
}

// check reports a value that was not an RFC 3339 time, naming field.
func (c *controlTime) check(field string) error {
	if c != nil && c.bad != "" {
		return badRequest(`%s: must be an RFC 3339 time such as "2025-01-01T00:10:00Z", got %s`, field, c.bad)
	}
	return nil
}

// Shapes of what an instance spec holds: an availability zone name or
// ID and an EC2 instance type (its attributes follow ECS's rules:
// attributes.go).
var (
	azRE           = regexp.MustCompile(`^[a-z0-9-]{1,64}$`)
	instanceTypeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{0,63}$`)
)

// checkInstanceSpec checks an instance spec sent to a control; prefix
// ("" or "instance.") and azField name the members in messages.
func checkInstanceSpec(prefix, azField string, spec InstanceSpec) error {
	for _, f := range []struct {
		name string
		v    int
	}{{"cpu", spec.CPU}, {"memory", spec.Memory}} {
		switch {
		case f.v < 0:
			return badRequest("%s%s: must not be negative, got %d", prefix, f.name, f.v)
		case f.v > math.MaxInt32:
			return badRequest("%s%s: must be at most %d (an ECS integer resource), got %d", prefix, f.name, math.MaxInt32, f.v)
		}
	}
	if spec.AZ != "" && !azRE.MatchString(spec.AZ) {
		return badRequest(`%s%s: %s is not an availability zone such as "us-east-1a" (1-64 lower-case letters, digits and hyphens)`, prefix, azField, echo(spec.AZ))
	}
	if spec.InstanceType != "" && !instanceTypeRE.MatchString(spec.InstanceType) {
		return badRequest(`%sinstanceType: %s is not an instance type such as "m5.large"`, prefix, echo(spec.InstanceType))
	}
	if msg := checkSpecAttributes(prefix, spec); msg != "" {
		return &controlError{status: http.StatusBadRequest, code: "InvalidParameterException", message: msg}
	}
	return nil
}

// unknownQuery refuses query parameters a GET control does not take.
func unknownQuery(q map[string][]string, known ...string) error {
	var bad []string
	for k := range q {
		if !slices.Contains(known, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.Sort(bad)
	return badRequest("%s: unknown query parameter; known: %s", clipString(bad[0], maxEchoBytes), strings.Join(known, ", "))
}

// checkLevel checks a load level sent to a control.
func checkLevel(field string, v float64) error {
	switch {
	case v < 0:
		return badRequest("%s: must not be negative, got %v", field, v)
	case v > maxLoadLevel || math.IsNaN(v):
		return badRequest("%s: must be at most %d, got %v", field, int64(maxLoadLevel), v)
	}
	return nil
}

// errFaultsInForce is the answer when maxFaultsInForce faults of kind
// ("task", "operation", "target health") are in force already; control
// is the control that deletes them.
func errFaultsInForce(kind, control string) error {
	return badRequest("at most %d %s faults in force; DELETE %s%s first", maxFaultsInForce, kind, ControlPrefix, control)
}
