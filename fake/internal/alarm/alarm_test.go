package alarm

import (
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

var t0 = time.Date(2025, 1, 1, 0, 5, 0, 0, time.UTC)

// pts parses "0 - X - X": 0 a datapoint below the threshold, X one above,
// - a missing datapoint (the notation of the CloudWatch table).
func pts(s string) []Point {
	var out []Point
	for i, f := range strings.Fields(s) {
		p := Point{Start: t0.Add(time.Duration(i) * time.Minute)}
		switch f {
		case "0":
			p.Present, p.Value = true, 10
		case "X":
			p.Present, p.Value = true, 90
		}
		out = append(out, p)
	}
	return out
}

// TestMissingDataTable is the table of the CloudWatch User Guide,
// "Configuring how CloudWatch alarms treat missing data" (3 out of 5
// datapoints to alarm), checked for each treatment; "keep" is the current
// state retained.
func TestMissingDataTable(t *testing.T) {
	rows := []struct {
		points                                   string
		missing, ignore, breaching, notBreaching State
	}{
		{"0 - X - X", OK, OK, Alarm, OK},
		{"0 - - - -", OK, OK, Alarm, OK},
		{"- - - - -", InsufficientData, "keep", Alarm, OK},
		{"0 X X - X", Alarm, Alarm, Alarm, Alarm},
		{"- - X - -", Alarm, "keep", Alarm, OK},
	}
	for _, r := range rows {
		for tm, want := range map[Missing]State{MissingData: r.missing, Ignore: r.ignore, Breaching: r.breaching, NotBreaching: r.notBreaching} {
			for _, cur := range []State{OK, Alarm} {
				cfg := Config{Period: time.Minute, EvaluationPeriods: 5, DatapointsToAlarm: 3, Threshold: 50, Comparison: GreaterThanThresholdForTest, TreatMissing: tm}
				got := Evaluate(cfg, pts(r.points), cur, t0.Add(5*time.Minute))
				w := want
				if w == "keep" {
					w = cur
				}
				if got.State != w {
					t.Errorf("%q %s from %s: got %s, want %s", r.points, tm, cur, got.State, w)
				}
				if got.Changed != (w != cur) {
					t.Errorf("%q %s from %s: Changed=%v", r.points, tm, cur, got.Changed)
				}
			}
		}
	}
}

// GreaterThanThresholdForTest keeps the table readable.
const GreaterThanThresholdForTest = Greater

func TestComparisons(t *testing.T) {
	cases := []struct {
		c    Comparison
		v    float64
		want bool
	}{
		{GreaterOrEqual, 50, true}, {GreaterOrEqual, 49.9, false},
		{Greater, 50, false}, {Greater, 50.1, true},
		{Less, 50, false}, {Less, 49, true},
		{LessOrEqual, 50, true}, {LessOrEqual, 51, false},
	}
	for _, c := range cases {
		if got := c.c.Breaches(c.v, 50); got != c.want {
			t.Errorf("%s %v: got %v", c.c, c.v, got)
		}
	}
	if Comparison("GreaterThanUpperThreshold").Valid() || Missing("sometimes").Valid() {
		t.Fatal("invalid values accepted")
	}
}

// TestThresholdCrossedReason checks the shape of CloudWatch's state reason.
func TestThresholdCrossedReason(t *testing.T) {
	cfg := Config{Period: time.Minute, EvaluationPeriods: 3, Threshold: 70, Comparison: Greater}
	r := Evaluate(cfg, pts("X X X"), OK, t0.Add(3*time.Minute))
	want := "Threshold Crossed: 3 out of the last 3 datapoints [90.0 (01/01/25 00:07:00), 90.0 (01/01/25 00:06:00), 90.0 (01/01/25 00:05:00)] were greater than the threshold (70.0) (minimum 3 datapoints for OK -> ALARM transition)."
	if r.State != Alarm || r.Reason != want {
		t.Fatalf("got %s %q", r.State, r.Reason)
	}
	if !r.NextWakeup.Equal(t0.Add(4 * time.Minute)) {
		t.Fatalf("NextWakeup %v", r.NextWakeup)
	}
}

func TestRange(t *testing.T) {
	cfg := Config{Period: time.Minute, EvaluationPeriods: 3}
	got := Range(cfg, t0.Add(30*time.Second))
	if len(got) != 3 || !got[0].Equal(t0.Add(-3*time.Minute)) || !got[2].Equal(t0.Add(-time.Minute)) {
		t.Fatalf("got %v", got)
	}
}

// TestEvaluateProperties: at least M breaching datapoints always alarm;
// with no breaching datapoint an alarm never goes to ALARM; NextWakeup is
// always after now and at most one period later.
func TestEvaluateProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 10).Draw(t, "n")
		m := rapid.IntRange(1, n).Draw(t, "m")
		tm := rapid.SampledFrom([]Missing{MissingData, Ignore, Breaching, NotBreaching}).Draw(t, "tm")
		cur := rapid.SampledFrom([]State{OK, Alarm, InsufficientData}).Draw(t, "cur")
		cfg := Config{Period: time.Minute, EvaluationPeriods: n, DatapointsToAlarm: m, Threshold: 50, Comparison: Greater, TreatMissing: tm}
		points := make([]Point, n)
		breach, missing := 0, 0
		for i := range points {
			k := rapid.IntRange(0, 2).Draw(t, "k")
			points[i] = Point{Start: t0.Add(time.Duration(i) * time.Minute), Present: k > 0, Value: float64(k-1) * 100}
			if k == 2 {
				breach++
			}
			if k == 0 {
				missing++
			}
		}
		now := t0.Add(time.Duration(rapid.IntRange(0, 1000).Draw(t, "s")) * time.Second)
		r := Evaluate(cfg, points, cur, now)
		if breach >= m && r.State != Alarm {
			t.Fatalf("%d breaching of %d (M=%d) gave %s", breach, n, m, r.State)
		}
		if breach == 0 && missing == 0 && r.State != OK {
			t.Fatalf("no breaching, nothing missing gave %s", r.State)
		}
		if breach == 0 && tm != Breaching && r.State == Alarm && cur != Alarm {
			t.Fatalf("went to ALARM with nothing breaching")
		}
		if !r.NextWakeup.After(now) || r.NextWakeup.Sub(now) > time.Minute {
			t.Fatalf("NextWakeup %v for now %v", r.NextWakeup, now)
		}
		if r.Changed != (r.State != cur) {
			t.Fatal("Changed disagrees")
		}
	})
}
