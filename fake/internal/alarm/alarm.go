// Package alarm is the pure core of the fake's CloudWatch metric alarms: it
// turns the datapoints of an alarm's evaluation range into a state, the way
// CloudWatch documents it (User Guide, "Using Amazon CloudWatch alarms":
// "Evaluating an alarm" and "Configuring how CloudWatch alarms treat missing
// data"). It reads no clock and keeps no state: the caller passes the
// datapoints, the current state and now, and applies the Result.
package alarm

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// State is an alarm state (StateValue).
type State string

// Alarm states.
const (
	OK               State = "OK"
	Alarm            State = "ALARM"
	InsufficientData State = "INSUFFICIENT_DATA"
)

// Comparison is an alarm's ComparisonOperator (static thresholds only).
type Comparison string

// Comparison operators.
const (
	GreaterOrEqual Comparison = "GreaterThanOrEqualToThreshold"
	Greater        Comparison = "GreaterThanThreshold"
	Less           Comparison = "LessThanThreshold"
	LessOrEqual    Comparison = "LessThanOrEqualToThreshold"
)

// Valid reports whether c is one of the four static comparison operators.
func (c Comparison) Valid() bool {
	switch c {
	case GreaterOrEqual, Greater, Less, LessOrEqual:
		return true
	}
	return false
}

// words is how CloudWatch's state reason names the comparison.
func (c Comparison) words() string {
	switch c {
	case GreaterOrEqual:
		return "greater than or equal to"
	case Greater:
		return "greater than"
	case Less:
		return "less than"
	default:
		return "less than or equal to"
	}
}

// Breaches reports whether v crosses threshold under c.
func (c Comparison) Breaches(v, threshold float64) bool {
	switch c {
	case GreaterOrEqual:
		return v >= threshold
	case Greater:
		return v > threshold
	case Less:
		return v < threshold
	default:
		return v <= threshold
	}
}

// Missing is TreatMissingData.
type Missing string

// Missing-data treatments; the empty value means MissingData (the default).
const (
	MissingData  Missing = "missing"
	Ignore       Missing = "ignore"
	Breaching    Missing = "breaching"
	NotBreaching Missing = "notBreaching"
)

// Valid reports whether m is empty or one of the four treatments.
func (m Missing) Valid() bool {
	switch m {
	case "", MissingData, Ignore, Breaching, NotBreaching:
		return true
	}
	return false
}

// Config is what evaluation needs of an alarm.
type Config struct {
	// Period is the metric period (a multiple of 60 s here).
	Period time.Duration
	// EvaluationPeriods (N) is how many most recent periods are evaluated.
	EvaluationPeriods int
	// DatapointsToAlarm (M) is how many breaching datapoints among the N make
	// the alarm go to ALARM; 0 means N.
	DatapointsToAlarm int
	Threshold         float64
	Comparison        Comparison
	TreatMissing      Missing
}

// M returns DatapointsToAlarm with its default (EvaluationPeriods).
func (c Config) M() int {
	if c.DatapointsToAlarm <= 0 {
		return c.EvaluationPeriods
	}
	return c.DatapointsToAlarm
}

// Point is one period's datapoint; Present is false for a missing one.
type Point struct {
	Start   time.Time
	Value   float64
	Present bool
}

// Result is the outcome of one evaluation.
type Result struct {
	// State is the alarm's state after the evaluation.
	State State
	// Reason is CloudWatch's StateReason text for a transition.
	Reason string
	// Changed reports State != the state passed in.
	Changed bool
	// NextWakeup is when the alarm must be evaluated again: the end of the
	// next period (CloudWatch evaluates an alarm once per period).
	NextWakeup time.Time
}

// Evaluate decides the state from the evaluation range points (oldest
// first, one per period, exactly EvaluationPeriods of them) and the current
// state. The rules, from the CloudWatch User Guide's table for missing data
// ("Configuring how CloudWatch alarms treat missing data"):
//   - breaching / notBreaching: a missing point counts as breaching / not
//     breaching; ALARM when at least M points breach, else OK;
//   - missing: ALARM when at least M points breach; with no point present,
//     INSUFFICIENT_DATA; with fewer than M present, ALARM when all present
//     points breach ("- - X - -" goes to ALARM), else OK;
//   - ignore: as missing, except that no point present, or fewer than M
//     present all breaching, keep the current state.
func Evaluate(cfg Config, points []Point, current State, now time.Time) Result {
	m := cfg.M()
	present, breaching := 0, 0
	for _, p := range points {
		switch {
		case p.Present:
			present++
			if cfg.Comparison.Breaches(p.Value, cfg.Threshold) {
				breaching++
			}
		case cfg.TreatMissing == Breaching:
			breaching++
		}
	}
	if cfg.TreatMissing == Breaching || cfg.TreatMissing == NotBreaching {
		present = len(points)
	}
	var next State
	switch {
	case breaching >= m:
		next = Alarm
	case present == 0:
		next = InsufficientData
		if cfg.TreatMissing == Ignore {
			next = current
		}
	case present < m && breaching == present:
		next = Alarm
		if cfg.TreatMissing == Ignore {
			next = current
		}
	default:
		next = OK
	}
	if current == "" {
		current = InsufficientData
	}
	r := Result{State: next, Changed: next != current, NextWakeup: NextWakeup(cfg, now)}
	if r.Changed {
		r.Reason = reason(cfg, points, current, next, breaching)
	}
	return r
}

// NextWakeup is the end of the period after the one containing now (period
// boundaries are aligned to the Unix epoch, as CloudWatch aligns one-minute
// datapoints to the minute).
func NextWakeup(cfg Config, now time.Time) time.Time {
	p := cfg.Period
	if p <= 0 {
		p = time.Minute
	}
	return now.Truncate(p).Add(p)
}

// Range returns the starts of the N periods of the evaluation range at now:
// the last N complete periods, oldest first.
func Range(cfg Config, now time.Time) []time.Time {
	p := cfg.Period
	if p <= 0 {
		p = time.Minute
	}
	end := now.Truncate(p)
	out := make([]time.Time, cfg.EvaluationPeriods)
	for i := range out {
		out[i] = end.Add(-time.Duration(cfg.EvaluationPeriods-i) * p)
	}
	return out
}

// reason builds CloudWatch's "Threshold Crossed: ..." state reason.
func reason(cfg Config, points []Point, from, to State, breaching int) string {
	if to == InsufficientData {
		return "Insufficient Data: " + strconv.Itoa(len(points)) + " datapoints were unknown."
	}
	var b strings.Builder
	shown, listed := 0, []string{}
	for i := len(points) - 1; i >= 0; i-- { // newest first, as CloudWatch lists them
		if p := points[i]; p.Present {
			listed = append(listed, fmt.Sprintf("%s (%s)", fmtValue(p.Value), p.Start.UTC().Format("02/01/06 15:04:05")))
			shown++
		}
	}
	n := breaching
	if to == OK {
		n = shown - breaching
		if cfg.TreatMissing == NotBreaching || cfg.TreatMissing == Breaching {
			n = len(points) - breaching
		}
	}
	words := cfg.Comparison.words()
	if to == OK {
		words = "not " + words
	}
	fmt.Fprintf(&b, "Threshold Crossed: %d out of the last %d datapoints [%s] were %s the threshold (%s) (minimum %d datapoint%s for %s -> %s transition).",
		n, len(points), strings.Join(listed, ", "), words, fmtValue(cfg.Threshold), minFor(cfg, to), plural(minFor(cfg, to)), from, to)
	return b.String()
}

func minFor(cfg Config, to State) int {
	if to == Alarm {
		return cfg.M()
	}
	return 1
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// fmtValue prints a datapoint as CloudWatch does: one decimal at least.
func fmtValue(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}
