package fake

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/wildcard"
)

// expr is a parsed cluster query language expression, the language of
// memberOf placement constraints and ListContainerInstances filters
// (Amazon ECS Developer Guide, "Create expressions to define container
// instances for Amazon ECS tasks"): subject operator [value], joined by
// and/or (&&, ||) with parentheses. Subjects: attribute:NAME,
// ec2InstanceId, agentConnected, task:group. Operators: == (equals),
// != (not_equals), >, >=, <, <=, exists, !exists (not_exists), in, not_in,
// =~ (matches), !~ (not_matches). Values may use * as a wildcard.
type expr interface {
	eval(in *instance) bool
}

type andExpr struct{ l, r expr }
type orExpr struct{ l, r expr }
type cmpExpr struct {
	subject string
	op      string
	values  []string
}

func (x andExpr) eval(in *instance) bool { return x.l.eval(in) && x.r.eval(in) }
func (x orExpr) eval(in *instance) bool  { return x.l.eval(in) || x.r.eval(in) }

// subjectValues returns the values the subject takes on an instance.
func subjectValues(subject string, in *instance) []string {
	switch {
	case strings.HasPrefix(subject, "attribute:"):
		if v, ok := in.attrs[strings.TrimPrefix(subject, "attribute:")]; ok {
			return []string{v}
		}
		return nil
	case subject == "ec2InstanceId":
		return []string{in.ec2ID}
	case subject == "agentConnected":
		return []string{strconv.FormatBool(in.connected)}
	case subject == "task:group":
		return in.groupNames()
	}
	return nil
}

// glob matches s against a pattern where * matches any run of characters
// (cluster query language values, and the fault rules' image patterns).
func glob(pattern, s string) bool { return wildcard.Match(pattern, s) }

func compareNum(a, b string) (int, bool) {
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil {
		return strings.Compare(a, b), true
	}
	switch {
	case x < y:
		return -1, true
	case x > y:
		return 1, true
	}
	return 0, true
}

func (x cmpExpr) eval(in *instance) bool {
	vals := subjectValues(x.subject, in)
	anyMatch := func(pred func(v string) bool) bool {
		for _, v := range vals {
			if pred(v) {
				return true
			}
		}
		return false
	}
	inList := func(v string) bool {
		for _, p := range x.values {
			if glob(p, v) {
				return true
			}
		}
		return false
	}
	switch x.op {
	case "exists":
		return len(vals) > 0
	case "!exists":
		return len(vals) == 0
	case "==", "=~", "in":
		return anyMatch(inList)
	case "!=", "!~", "not_in":
		return !anyMatch(inList)
	case ">", ">=", "<", "<=":
		return anyMatch(func(v string) bool {
			c, _ := compareNum(v, x.values[0])
			switch x.op {
			case ">":
				return c > 0
			case ">=":
				return c >= 0
			case "<":
				return c < 0
			}
			return c <= 0
		})
	}
	return false
}

var opAliases = map[string]string{
	"==": "==", "equals": "==", "!=": "!=", "not_equals": "!=",
	">": ">", ">=": ">=", "<": "<", "<=": "<=",
	"exists": "exists", "!exists": "!exists", "not_exists": "!exists",
	"in": "in", "not_in": "not_in", "=~": "=~", "matches": "=~", "!~": "!~", "not_matches": "!~",
}

// tokenize splits an expression into words, operators and punctuation.
func tokenize(s string) []string {
	var toks []string
	i := 0
	for i < len(s) {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n':
			i++
		case ch == '(' || ch == ')' || ch == '[' || ch == ']' || ch == ',':
			toks = append(toks, string(ch))
			i++
		case strings.HasPrefix(s[i:], "&&") || strings.HasPrefix(s[i:], "||"):
			toks = append(toks, s[i:i+2])
			i += 2
		case strings.ContainsRune("=!<>~", rune(ch)):
			j := i
			for j < len(s) && strings.ContainsRune("=!<>~", rune(s[j])) {
				j++
			}
			if s[i:j] == "!" && strings.HasPrefix(s[j:], "exists") {
				j += len("exists")
			}
			toks = append(toks, s[i:j])
			i = j
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n()[],=!<>~&|", rune(s[j])) {
				j++
			}
			if j == i { // lone & or |
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks
}

type exprParser struct {
	toks []string
	pos  int
}

func (p *exprParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *exprParser) next() string {
	t := p.peek()
	p.pos++
	return t
}

// parseExpr parses a cluster query language expression (at most 2000
// characters, as ECS allows for memberOf).
func parseExpr(s string) (expr, error) {
	if len(s) > 2000 {
		return nil, fmt.Errorf("expression is longer than 2000 characters")
	}
	p := &exprParser{toks: tokenize(s)}
	if len(p.toks) == 0 {
		return nil, fmt.Errorf("empty expression")
	}
	x, err := p.parseOr(0)
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q in expression %q", p.peek(), s)
	}
	return x, nil
}

func (p *exprParser) parseOr(depth int) (expr, error) {
	l, err := p.parseAnd(depth)
	if err != nil {
		return nil, err
	}
	for t := strings.ToLower(p.peek()); t == "or" || t == "||"; t = strings.ToLower(p.peek()) {
		p.next()
		r, err := p.parseAnd(depth)
		if err != nil {
			return nil, err
		}
		l = orExpr{l, r}
	}
	return l, nil
}

func (p *exprParser) parseAnd(depth int) (expr, error) {
	l, err := p.parseTerm(depth)
	if err != nil {
		return nil, err
	}
	for t := strings.ToLower(p.peek()); t == "and" || t == "&&"; t = strings.ToLower(p.peek()) {
		p.next()
		r, err := p.parseTerm(depth)
		if err != nil {
			return nil, err
		}
		l = andExpr{l, r}
	}
	return l, nil
}

func (p *exprParser) parseTerm(depth int) (expr, error) {
	if depth > 50 {
		return nil, fmt.Errorf("expression nested too deeply")
	}
	if p.peek() == "(" {
		p.next()
		x, err := p.parseOr(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, fmt.Errorf("missing )")
		}
		return x, nil
	}
	subject := p.next()
	switch {
	case strings.HasPrefix(subject, "attribute:") && len(subject) > len("attribute:"):
	case subject == "ec2InstanceId", subject == "agentConnected", subject == "task:group":
	default:
		return nil, fmt.Errorf("unknown subject %q", subject)
	}
	op, ok := opAliases[strings.ToLower(p.next())]
	if !ok {
		return nil, fmt.Errorf("missing or unknown operator after %q", subject)
	}
	x := cmpExpr{subject: subject, op: op}
	switch op {
	case "exists", "!exists":
		return x, nil
	case "in", "not_in":
		open := p.next()
		if open != "[" && open != "(" {
			return nil, fmt.Errorf("%s needs a list in [ ]", op)
		}
		closer := map[string]string{"[": "]", "(": ")"}[open]
		for {
			v := p.next()
			if v == "" {
				return nil, fmt.Errorf("unterminated list")
			}
			if v == closer {
				break
			}
			if v == "," {
				continue
			}
			x.values = append(x.values, v)
		}
		if len(x.values) == 0 {
			return nil, fmt.Errorf("empty list")
		}
		return x, nil
	}
	v := p.next()
	if v == "" || strings.ContainsAny(v, "()[],") {
		return nil, fmt.Errorf("missing value after %s", op)
	}
	x.values = []string{v}
	return x, nil
}
