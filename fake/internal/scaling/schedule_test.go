package scaling

import (
	"testing"
	"time"
)

// TestScheduleExpressions follows PutScheduledAction's three forms.
func TestScheduleExpressions(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 10, 30, 0, 0, time.UTC) // a Wednesday
	cases := []struct {
		expr string
		from time.Time
		want time.Time
		ok   bool
	}{
		{"at(2025-01-01T12:00:00)", t0, time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC), true},
		{"at(2025-01-01T09:00:00)", t0, time.Time{}, false},
		{"rate(15 minutes)", t0.Add(time.Minute), t0.Add(15 * time.Minute), true},
		{"rate(1 hour)", t0.Add(time.Hour), t0.Add(2 * time.Hour), true},
		{"cron(0 18 * * ? *)", t0, time.Date(2025, 1, 1, 18, 0, 0, 0, time.UTC), true},
		{"cron(0 8 ? * 2-6 *)", t0, time.Date(2025, 1, 2, 8, 0, 0, 0, time.UTC), true}, // weekdays (1 = Sunday)
		{"cron(*/20 * * * ? *)", t0, time.Date(2025, 1, 1, 10, 40, 0, 0, time.UTC), true},
	}
	for _, c := range cases {
		s, err := ParseSchedule(c.expr, time.UTC, t0)
		if err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		got, ok := s.Next(c.from, time.UTC)
		if ok != c.ok || (ok && !got.Equal(c.want)) {
			t.Errorf("%s after %v: got %v %v, want %v %v", c.expr, c.from, got, ok, c.want, c.ok)
		}
	}
	for _, bad := range []string{"at(2025-01-01)", "rate(0 minutes)", "rate(1 minutes)", "rate(5 weeks)", "cron(0 18 * *)", "cron(0 25 * * ? *)", "cron(0 8 ? * MON-FRI *)", "every(5m)"} {
		if _, err := ParseSchedule(bad, time.UTC, t0); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
