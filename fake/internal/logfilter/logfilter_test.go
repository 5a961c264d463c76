package logfilter

import (
	"errors"
	"testing"
)

// Each case follows an example of the CloudWatch Logs User Guide, "Filter
// pattern syntax for metric filters, subscription filters, filter log
// events, and Live Tail".
func TestMatchUnstructuredTerms(t *testing.T) {
	msgs := []string{
		"[ERROR] A fatal exception has occurred",
		"[ERROR] Exception: connection refused",
		"[WARN] slow response",
		"[INFO] request served",
	}
	cases := []matchCase{
		{"", []bool{true, true, true, true}},
		{"ERROR", []bool{true, true, false, false}},
		{"ERROR Exception", []bool{false, true, false, false}},
		{"-ERROR", []bool{false, false, true, true}},
		{"?ERROR ?WARN", []bool{true, true, true, false}},
		{`"connection refused"`, []bool{false, true, false, false}},
		{`ERROR -"connection refused"`, []bool{true, false, false, false}},
		{"error", []bool{false, false, false, false}}, // case-sensitive
		{"?WARN ?INFO -slow", []bool{false, false, false, true}},
	}
	matchTable(t, msgs, cases)
}

func TestMatchJSONConditions(t *testing.T) {
	msgs := []string{
		`{"level":"error","latency":1200,"user":{"id":"u-1"},"tags":["a","b"],"ok":false,"extra":null}`,
		`{"level":"info","latency":80,"user":{"id":"u-2"},"tags":["c"],"ok":true}`,
		`{"level":"warn","latency":500}`,
		`level=error latency=1200`, // not JSON: never matches a JSON pattern
	}
	cases := []matchCase{
		{`{ $.level = "error" }`, []bool{true, false, false, false}},
		{`{ $.level = error }`, []bool{true, false, false, false}},
		{`{ $.level != "error" }`, []bool{false, true, true, false}},
		{`{ $.level = "*r*" }`, []bool{true, false, true, false}},
		{`{ $.latency > 1000 }`, []bool{true, false, false, false}},
		{`{ $.latency <= 500 }`, []bool{false, true, true, false}},
		{`{ $.latency = 80 }`, []bool{false, true, false, false}},
		{`{ $.user.id = "u-2" }`, []bool{false, true, false, false}},
		{`{ $.tags[1] = "b" }`, []bool{true, false, false, false}},
		{`{ $.level = "error" && $.latency > 1000 }`, []bool{true, false, false, false}},
		{`{ $.level = "info" || $.latency >= 500 }`, []bool{true, true, true, false}},
		{`{ ($.level = "warn" || $.level = "info") && $.latency < 100 }`, []bool{false, true, false, false}},
		{`{ $.ok IS TRUE }`, []bool{false, true, false, false}},
		{`{ $.ok IS FALSE }`, []bool{true, false, false, false}},
		{`{ $.extra IS NULL }`, []bool{true, false, false, false}},
		{`{ $.user NOT EXISTS }`, []bool{false, false, true, false}},
	}
	matchTable(t, msgs, cases)
}

// matchCase is a pattern and, per message of its table, whether it matches.
type matchCase struct {
	pattern string
	want    []bool
}

// matchTable parses each case's pattern and checks it matches exactly the
// messages its want marks.
func matchTable(t *testing.T, msgs []string, cases []matchCase) {
	t.Helper()
	for _, c := range cases {
		if len(c.want) != len(msgs) {
			t.Fatalf("%q: %d wants for %d messages", c.pattern, len(c.want), len(msgs))
		}
		p, err := Parse(c.pattern)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.pattern, err)
		}
		for i, m := range msgs {
			if got := p.Match(m); got != c.want[i] {
				t.Errorf("%q.Match(%q) = %v, want %v", c.pattern, m, got, c.want[i])
			}
		}
	}
}

func TestParseRejectsMalformedPatterns(t *testing.T) {
	for _, s := range []string{
		`"unterminated`,
		`ERROR "a"b`,
		`-`,
		`?`,
		`{ $.level = "error" `,
		`{ level = "error" }`,
		`{ $.level }`,
		`{ $.latency > fast }`,
		`{ $.a = 1 } tail`,
		`{ ($.a = 1 }`,
		`{ $.[x] = 1 }`,
		`[ip, user]`,
		`%ERR.*%`,
		string(make([]byte, MaxPatternLength+1)),
	} {
		_, err := Parse(s)
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%.40q) = %v, want a *Error", s, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"ERROR", `{ $.a = "x" && ($.b > 1 || $.c IS TRUE) }`, `?a -"b c"`} {
		f.Add(s, `{"a":"x","b":2}`)
	}
	f.Fuzz(func(t *testing.T, pattern, msg string) {
		p, err := Parse(pattern)
		if err != nil {
			return
		}
		p.Match(msg) // must not panic
	})
}

// The text prefilter of JSON patterns never changes an answer: a message
// that hides a needed text behind an escape is still parsed and matched.
func TestJSONPrefilterKeepsEscapedMatches(t *testing.T) {
	p, err := Parse(`{ $.level = "error" && $.code > 1 }`)
	if err != nil {
		t.Fatal(err)
	}
	for msg, want := range map[string]bool{
		`{"level":"error","code":2}`:           true,
		`{"le\u0076el":"err\u006fr","code":2}`: true,
		`{"level":"warn","code":2}`:            false,
		`{"lvl":"error","code":2}`:             false,
		`{"level":"error","code":1}`:           false,
		`{"level":"error","code":2,"x":"\\n"}`: true,
		`  {"level":"error","code":5} `:        true,
	} {
		if got := p.Match(msg); got != want {
			t.Errorf("Match(%s) = %v, want %v", msg, got, want)
		}
	}
}
