package logfilter

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/wildcard"
)

// MatchesAll reports whether the pattern is empty (matches every event).
func (p *Pattern) MatchesAll() bool {
	return p == nil || (p.json == nil && len(p.all) == 0 && len(p.none) == 0 && len(p.any) == 0)
}

// IsJSON reports whether the pattern is a JSON pattern (it parses each
// message, so it costs more per event than terms).
func (p *Pattern) IsJSON() bool { return p != nil && p.json != nil }

// Match reports whether a log event's message matches the pattern.
func (p *Pattern) Match(msg string) bool {
	ok, _ := p.MatchCost(msg)
	return ok
}

// MatchCost is Match, also saying whether the message had to be parsed as
// JSON (the costly case callers budget for).
func (p *Pattern) MatchCost(msg string) (match, parsed bool) {
	if p == nil {
		return true, false
	}
	if p.json != nil {
		t := msg
		for len(t) > 0 && isSpace(t[0]) {
			t = t[1:]
		}
		if len(t) == 0 || t[0] != '{' {
			return false, false
		}
		if !strings.Contains(t, "\\") { // escapes could hide a needed text
			for _, need := range p.need {
				if !strings.Contains(t, need) {
					return false, false
				}
			}
		}
		var doc map[string]any
		if json.Unmarshal([]byte(t), &doc) != nil {
			return false, true
		}
		return p.json.eval(doc), true
	}
	return p.matchTerms(msg), false
}

func (p *Pattern) matchTerms(msg string) bool {
	for _, t := range p.all {
		if !strings.Contains(msg, t) {
			return false
		}
	}
	for _, t := range p.none {
		if strings.Contains(msg, t) {
			return false
		}
	}
	if len(p.any) == 0 {
		return true
	}
	for _, t := range p.any {
		if strings.Contains(msg, t) {
			return true
		}
	}
	return false
}

// lookup follows the selector; ok is false when a step is missing.
func lookup(doc any, sel []step) (any, bool) {
	v := doc
	for _, s := range sel {
		if s.index >= 0 {
			a, ok := v.([]any)
			if !ok || s.index >= len(a) {
				return nil, false
			}
			v = a[s.index]
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[s.name]; !ok {
			return nil, false
		}
	}
	return v, true
}

func (c *cond) eval(doc any) bool {
	v, ok := lookup(doc, c.sel)
	switch c.op {
	case "notexists":
		return !ok
	case "null":
		return ok && v == nil
	case "true", "false":
		b, isBool := v.(bool)
		return ok && isBool && b == (c.op == "true")
	}
	if !ok {
		return false
	}
	switch c.op {
	case "=":
		return c.equal(v)
	case "!=":
		return v != nil && !c.equal(v)
	}
	f, isNum := v.(float64)
	if !isNum {
		return false
	}
	switch c.op {
	case "<":
		return f < c.num
	case ">":
		return f > c.num
	case "<=":
		return f <= c.num
	default: // ">="
		return f >= c.num
	}
}

// equal compares a JSON value with the condition's value: numbers
// numerically, strings with * wildcards, booleans by their text.
func (c *cond) equal(v any) bool {
	switch x := v.(type) {
	case float64:
		return c.isNum && x == c.num
	case string:
		return wildcard.Match(c.str, x)
	case bool:
		return !c.quoted && c.str == strconv.FormatBool(x)
	}
	return false
}
