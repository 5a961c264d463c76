package scaling

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Schedule is a scheduled action's schedule (Application Auto Scaling API
// Reference, PutScheduledAction): at(yyyy-mm-ddThh:mm:ss), rate(value
// unit) or cron(minutes hours day-of-month month day-of-week year).
type Schedule struct {
	at    time.Time
	rate  time.Duration
	cron  *cronSpec
	start time.Time // rate: runs start + k×rate
}

// cronSpec holds the allowed values of each cron field (nil: any).
type cronSpec struct {
	minute, hour, dom, month, dow, year map[int]bool
}

// ParseSchedule parses expr in loc (at and cron); start anchors rate().
func ParseSchedule(expr string, loc *time.Location, start time.Time) (Schedule, error) {
	open, close := strings.Index(expr, "("), strings.LastIndex(expr, ")")
	if open < 0 || close != len(expr)-1 {
		return Schedule{}, fmt.Errorf("must be at(...), rate(...) or cron(...)")
	}
	kind, body := expr[:open], strings.TrimSpace(expr[open+1:close])
	switch kind {
	case "at":
		t, err := time.ParseInLocation("2006-01-02T15:04:05", body, loc)
		if err != nil {
			return Schedule{}, fmt.Errorf("at(%s): want yyyy-mm-ddThh:mm:ss", body)
		}
		return Schedule{at: t}, nil
	case "rate":
		f := strings.Fields(body)
		if len(f) != 2 {
			return Schedule{}, fmt.Errorf("rate(%s): want rate(value unit)", body)
		}
		n, err := strconv.Atoi(f[0])
		if err != nil || n <= 0 {
			return Schedule{}, fmt.Errorf("rate(%s): the value must be a positive integer", body)
		}
		units := map[string]time.Duration{"minute": time.Minute, "minutes": time.Minute, "hour": time.Hour, "hours": time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour}
		u, ok := units[f[1]]
		if !ok || (n == 1) != !strings.HasSuffix(f[1], "s") {
			return Schedule{}, fmt.Errorf("rate(%s): the unit must be minute(s), hour(s) or day(s), singular for 1", body)
		}
		return Schedule{rate: time.Duration(n) * u, start: start}, nil
	case "cron":
		f := strings.Fields(body)
		if len(f) != 6 {
			return Schedule{}, fmt.Errorf("cron(%s): want six fields: minutes hours day-of-month month day-of-week year", body)
		}
		var c cronSpec
		var err error
		for i, p := range []struct {
			dst    *map[int]bool
			lo, hi int
		}{{&c.minute, 0, 59}, {&c.hour, 0, 23}, {&c.dom, 1, 31}, {&c.month, 1, 12}, {&c.dow, 1, 7}, {&c.year, 1970, 2199}} {
			if *p.dst, err = cronField(f[i], p.lo, p.hi); err != nil {
				return Schedule{}, fmt.Errorf("cron(%s): field %d: %v", body, i+1, err)
			}
		}
		return Schedule{cron: &c}, nil
	}
	return Schedule{}, fmt.Errorf("must be at(...), rate(...) or cron(...)")
}

// cronField parses "*", "?", a number, a range a-b, a step */n or a-b/n,
// or a comma list of those.
func cronField(s string, lo, hi int) (map[int]bool, error) {
	if s == "*" || s == "?" {
		return nil, nil
	}
	m := map[int]bool{}
	for _, part := range strings.Split(s, ",") {
		step := 1
		if i := strings.Index(part, "/"); i >= 0 {
			n, err := strconv.Atoi(part[i+1:])
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("bad step in %q", part)
			}
			step, part = n, part[:i]
		}
		a, b := lo, hi
		if part != "*" {
			x, y, isRange := strings.Cut(part, "-")
			var err error
			if a, err = strconv.Atoi(x); err != nil {
				return nil, fmt.Errorf("%q is not a number (names and L, W, # are not supported)", part)
			}
			b = a
			if isRange {
				if b, err = strconv.Atoi(y); err != nil {
					return nil, fmt.Errorf("%q is not a range", part)
				}
			}
		}
		if a < lo || b > hi || a > b {
			return nil, fmt.Errorf("%q is outside %d-%d", part, lo, hi)
		}
		for v := a; v <= b; v += step {
			m[v] = true
		}
	}
	return m, nil
}

// Next returns the first run strictly after t (ok false: none).
func (s Schedule) Next(t time.Time, loc *time.Location) (time.Time, bool) {
	switch {
	case !s.at.IsZero():
		return s.at, s.at.After(t)
	case s.rate > 0:
		k := t.Sub(s.start)/s.rate + 1
		if t.Before(s.start) {
			return s.start, true
		}
		return s.start.Add(k * s.rate), true
	case s.cron != nil:
		c := s.cron
		d := t.In(loc).Truncate(time.Minute).Add(time.Minute)
		day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
		for i := 0; i < 366*5; i, day = i+1, day.AddDate(0, 0, 1) {
			if !in(c.year, day.Year()) || !in(c.month, int(day.Month())) || !in(c.dom, day.Day()) || !in(c.dow, int(day.Weekday())+1) {
				continue
			}
			for h := 0; h < 24; h++ {
				if !in(c.hour, h) {
					continue
				}
				for m := 0; m < 60; m++ {
					if !in(c.minute, m) {
						continue
					}
					if at := time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc); !at.Before(d) {
						return at, true
					}
				}
			}
		}
	}
	return time.Time{}, false
}

func in(set map[int]bool, v int) bool { return set == nil || set[v] }
