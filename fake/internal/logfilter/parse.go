package logfilter

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// MaxPatternLength is the longest filter pattern accepted (1,024
// characters, the FilterLogEvents filterPattern limit).
const MaxPatternLength = 1024

// Pattern is a parsed filter pattern. The zero value matches everything.
type Pattern struct {
	all  []string // every one must appear
	none []string // none may appear
	any  []string // at least one must appear, when not empty
	json node     // non-nil: a JSON pattern
	// need lists texts a JSON pattern's matches must contain (member names
	// and plain string values of conditions that must all hold), checked
	// before parsing a message.
	need []string
}

// Error is a malformed pattern: what is wrong and where (a byte offset).
type Error struct {
	Pos int
	Msg string
}

// Error implements error.
func (e *Error) Error() string { return fmt.Sprintf("at character %d: %s", e.Pos+1, e.Msg) }

func errAt(pos int, format string, a ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, a...)}
}

// Parse parses a filter pattern (see the package doc).
func Parse(s string) (*Pattern, error) {
	if len(s) > MaxPatternLength {
		return nil, errAt(MaxPatternLength, "the pattern is longer than %d characters", MaxPatternLength)
	}
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		return &Pattern{}, nil
	case t[0] == '{':
		off := strings.Index(s, "{")
		p := &jsonParser{src: s, pos: off + 1}
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.pos >= len(s) || s[p.pos] != '}' {
			return nil, errAt(p.pos, "expected } to close the JSON pattern")
		}
		p.pos++
		p.space()
		if p.pos != len(s) {
			return nil, errAt(p.pos, "unexpected text after the JSON pattern")
		}
		// Values first: they are rarer in messages than member names.
		need := required(n)
		isKey := func(s string) int {
			if s[0] == '"' {
				return 1
			}
			return 0
		}
		slices.SortStableFunc(need, func(a, b string) int { return cmp.Compare(isKey(a), isKey(b)) })
		return &Pattern{json: n, need: need}, nil
	case t[0] == '[':
		return nil, errAt(strings.Index(s, "["), "space-delimited patterns ([...]) are not supported by the fake")
	case t[0] == '%':
		return nil, errAt(strings.Index(s, "%"), "regular expression patterns (%%...%%) are not supported by the fake")
	}
	return parseTerms(s)
}

// parseTerms reads space-separated terms: word, "quoted phrase", -term, ?term.
func parseTerms(s string) (*Pattern, error) {
	p := &Pattern{}
	i := 0
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i == len(s) {
			return p, nil
		}
		start := i
		kind := byte(0)
		if s[i] == '-' || s[i] == '?' {
			kind = s[i]
			i++
		}
		var term string
		if i < len(s) && s[i] == '"' {
			v, next, err := quoted(s, i)
			if err != nil {
				return nil, err
			}
			term, i = v, next
			if i < len(s) && !isSpace(s[i]) {
				return nil, errAt(i, "expected a space after the quoted term")
			}
		} else {
			j := i
			for j < len(s) && !isSpace(s[j]) {
				if s[j] == '"' {
					return nil, errAt(j, "a quote inside a term; quote the whole term")
				}
				j++
			}
			term, i = s[i:j], j
		}
		if term == "" {
			return nil, errAt(start, "an empty term")
		}
		switch kind {
		case '-':
			p.none = append(p.none, term)
		case '?':
			p.any = append(p.any, term)
		default:
			p.all = append(p.all, term)
		}
	}
}

// quoted reads a double-quoted string starting at s[i] == '"'; \" and \\
// are escapes. It returns the value and the index after the closing quote.
func quoted(s string, i int) (string, int, error) {
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if j+1 < len(s) && (s[j+1] == '"' || s[j+1] == '\\') {
				b.WriteByte(s[j+1])
				j++
				continue
			}
			b.WriteByte('\\')
		case '"':
			return b.String(), j + 1, nil
		default:
			b.WriteByte(s[j])
		}
	}
	return "", 0, errAt(i, "unterminated quoted term")
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// node is a JSON condition tree.
type node interface{ eval(doc any) bool }

type orNode []node
type andNode []node

func (n orNode) eval(doc any) bool {
	for _, c := range n {
		if c.eval(doc) {
			return true
		}
	}
	return false
}

func (n andNode) eval(doc any) bool {
	for _, c := range n {
		if !c.eval(doc) {
			return false
		}
	}
	return true
}

// step is one selector step: a member name or an array index (index >= 0).
type step struct {
	name  string
	index int
}

// cond is SELECTOR OP VALUE.
type cond struct {
	sel    []step
	op     string // = != < > <= >= true false null notexists
	str    string // the value as written (unquoted)
	num    float64
	isNum  bool // the value is a bare number
	quoted bool
}

type jsonParser struct {
	src string
	pos int
}

func (p *jsonParser) space() {
	for p.pos < len(p.src) && isSpace(p.src[p.pos]) {
		p.pos++
	}
}

func (p *jsonParser) peek(tok string) bool {
	p.space()
	return strings.HasPrefix(p.src[p.pos:], tok)
}

func (p *jsonParser) expr() (node, error) {
	var or orNode
	for {
		a, err := p.and()
		if err != nil {
			return nil, err
		}
		or = append(or, a)
		if !p.peek("||") {
			break
		}
		p.pos += 2
	}
	if len(or) == 1 {
		return or[0], nil
	}
	return or, nil
}

func (p *jsonParser) and() (node, error) {
	var and andNode
	for {
		n, err := p.primary()
		if err != nil {
			return nil, err
		}
		and = append(and, n)
		if !p.peek("&&") {
			break
		}
		p.pos += 2
	}
	if len(and) == 1 {
		return and[0], nil
	}
	return and, nil
}

func (p *jsonParser) primary() (node, error) {
	if p.peek("(") {
		p.pos++
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		if !p.peek(")") {
			return nil, errAt(p.pos, "expected ) to close the group")
		}
		p.pos++
		return n, nil
	}
	return p.cond()
}

func (p *jsonParser) cond() (node, error) {
	p.space()
	if p.pos >= len(p.src) || p.src[p.pos] != '$' {
		return nil, errAt(p.pos, "expected a selector starting with $")
	}
	c := &cond{}
	p.pos++
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case '.':
			j := p.pos + 1
			for j < len(p.src) && isIdent(p.src[j]) {
				j++
			}
			if j == p.pos+1 {
				return nil, errAt(p.pos, "expected a member name after .")
			}
			c.sel = append(c.sel, step{name: p.src[p.pos+1 : j], index: -1})
			p.pos = j
			continue
		case '[':
			j := strings.IndexByte(p.src[p.pos:], ']')
			if j < 0 {
				return nil, errAt(p.pos, "expected ] to close the index")
			}
			idx, err := strconv.Atoi(p.src[p.pos+1 : p.pos+j])
			if err != nil || idx < 0 {
				return nil, errAt(p.pos, "an array index must be a non-negative integer")
			}
			c.sel = append(c.sel, step{index: idx})
			p.pos += j + 1
			continue
		}
		break
	}
	if len(c.sel) == 0 {
		return nil, errAt(p.pos, "expected .member or [index] after $")
	}
	p.space()
	rest := p.src[p.pos:]
	for _, kw := range []struct{ text, op string }{{"IS TRUE", "true"}, {"IS FALSE", "false"}, {"IS NULL", "null"}, {"NOT EXISTS", "notexists"}} {
		if strings.HasPrefix(rest, kw.text) {
			c.op = kw.op
			p.pos += len(kw.text)
			return c, nil
		}
	}
	for _, op := range []string{"!=", "<=", ">=", "=", "<", ">"} {
		if strings.HasPrefix(rest, op) {
			c.op = op
			p.pos += len(op)
			break
		}
	}
	if c.op == "" {
		return nil, errAt(p.pos, "expected an operator (=, !=, <, >, <=, >=, IS, NOT EXISTS)")
	}
	p.space()
	if p.pos >= len(p.src) {
		return nil, errAt(p.pos, "expected a value after %s", c.op)
	}
	if p.src[p.pos] == '"' {
		v, next, err := quoted(p.src, p.pos)
		if err != nil {
			return nil, err
		}
		c.str, c.quoted, p.pos = v, true, next
	} else {
		j := p.pos
		for j < len(p.src) && !isSpace(p.src[j]) && !strings.ContainsRune("}()&|", rune(p.src[j])) {
			j++
		}
		if j == p.pos {
			return nil, errAt(p.pos, "expected a value after %s", c.op)
		}
		c.str, p.pos = p.src[p.pos:j], j
		if f, err := strconv.ParseFloat(c.str, 64); err == nil {
			c.num, c.isNum = f, true
		}
	}
	switch c.op {
	case "<", ">", "<=", ">=":
		if !c.isNum {
			return nil, errAt(p.pos, "%s needs a numeric value, got %q", c.op, c.str)
		}
	}
	return c, nil
}

func isIdent(c byte) bool {
	return c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// required lists texts every message matching n contains verbatim: the
// quoted member name of each condition that needs its member, and plain
// string values compared with =, for the conditions an && requires.
func required(n node) []string {
	switch x := n.(type) {
	case andNode:
		var out []string
		for _, c := range x {
			out = append(out, required(c)...)
		}
		return out
	case *cond:
		var out []string
		if x.op == "notexists" {
			return nil
		}
		if last := x.sel[len(x.sel)-1]; last.index < 0 && plain(last.name) {
			out = append(out, `"`+last.name+`"`)
		}
		if x.op == "=" && !x.isNum && x.str != "" && plain(x.str) {
			out = append(out, x.str)
		}
		return out
	}
	return nil // an || needs none of its branches in particular
}

// plain reports whether s appears in JSON text exactly as written (no
// character that JSON escapes or a wildcard).
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '*' {
			return false
		}
	}
	return true
}
