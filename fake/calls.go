package fake

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"sort"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aws/smithy-go"
)

// Call is one recorded API call. It keeps a bounded summary of the
// request, never the request itself, so the call log's memory is bounded
// by bytes whatever clients send.
type Call struct {
	// Seq numbers the calls from 1 in the order they were made (Reset
	// does not restart it); GET /_fake/v1/calls pages by it.
	Seq uint64
	// Op is the operation name, e.g. "RunTask".
	Op string
	// At is the virtual time of the call.
	At time.Time
	// Request is a bounded summary of the request in wire form (a JSON
	// object): top-level scalar members as sent (strings cut to 128
	// bytes), lists of at most 10 strings as sent, lists of at most 10
	// small structures (8 fields at most, such as ELB targets) as their
	// scalar members, and every other list, map or structure as a short
	// text such as "[3 items]" or "{...}".
	Request json.RawMessage
	// Error is the error code of an injected fault or of a validation
	// failure found before the operation ran ("" otherwise).
	Error string
}

// Call log bounds: Calls keeps at least the most recent calls that fit in
// both maxCalls calls and maxCallLogBytes bytes of summaries; older calls
// are dropped in halves (CallCount and CallCounts are never truncated).
const (
	maxCalls        = 10000
	maxCallLogBytes = 4 << 20
	// callOverhead is the size charged per call besides its summary.
	callOverhead = 96
	// Summary bounds: strings cut to maxSummaryString bytes, string lists
	// kept up to maxSummaryList items.
	maxSummaryString = 128
	maxSummaryList   = 10
	maxSmallFields   = 8
)

// callLog is the fake's bounded record of API calls.
type callLog struct {
	calls []Call
	bytes int // summaries plus callOverhead per call
	seq   uint64
}

// recordCallLocked counts the call and appends it with a bounded summary
// of in, dropping the oldest half of the log when it exceeds its bounds.
func (e *ECS) recordCallLocked(op string, in any, now time.Time) {
	e.counts[op]++
	l := &e.callLog
	if len(l.calls) >= 2*maxCalls || l.bytes >= 2*maxCallLogBytes {
		l.trim()
	}
	l.seq++
	c := Call{Seq: l.seq, Op: op, At: now, Request: summarizeRequest(in)}
	l.calls = append(l.calls, c)
	l.bytes += len(c.Request) + callOverhead
}

// noteCallErrorLocked records err's code on the most recent call.
func (e *ECS) noteCallErrorLocked(err error) {
	if n := len(e.callLog.calls); n > 0 && err != nil {
		code := "error"
		var ae smithy.APIError
		if errors.As(err, &ae) {
			code = ae.ErrorCode()
		}
		e.callLog.calls[n-1].Error = code
	}
}

// trim drops the oldest calls until at most maxCalls calls and
// maxCallLogBytes bytes remain.
func (l *callLog) trim() {
	drop := 0
	bytes := l.bytes
	for drop < len(l.calls) && (len(l.calls)-drop > maxCalls || bytes > maxCallLogBytes) {
		bytes -= len(l.calls[drop].Request) + callOverhead
		drop++
	}
	l.calls = append(l.calls[:0:0], l.calls[drop:]...)
	l.bytes = bytes
}

// reset forgets every call (the sequence continues).
func (l *callLog) reset() {
	l.calls = nil
	l.bytes = 0
}

// summarizeRequest renders the bounded summary of a request (a pointer to
// an SDK input struct). Its cost depends on the number of top-level
// members, not on the size of the request.
func summarizeRequest(in any) json.RawMessage {
	v := reflect.ValueOf(in)
	for v.IsValid() && (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) {
		if v.IsNil() {
			return json.RawMessage("{}")
		}
		v = v.Elem()
	}
	if !v.IsValid() || v.Kind() != reflect.Struct {
		return json.RawMessage("{}")
	}
	out := map[string]any{}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Anonymous {
			continue
		}
		if s, ok := summarizeMember(v.Field(i)); ok {
			out[wireMemberName(f.Name)] = s
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return json.RawMessage("{}")
	}
	return b
}

// summarizeMember returns the summary of one top-level member; ok is false
// for unset members.
func summarizeMember(v reflect.Value) (any, bool) {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, false
		}
		v = v.Elem()
	} else if v.IsZero() {
		return nil, false // unset non-pointer members are not sent
	}
	switch v.Kind() {
	case reflect.String:
		if v.Len() == 0 {
			return nil, false
		}
		return clipString(v.String(), maxSummaryString), true
	case reflect.Bool:
		return v.Bool(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), true
	case reflect.Float32, reflect.Float64:
		return v.Float(), true
	case reflect.Slice, reflect.Map:
		if v.Len() == 0 {
			return nil, false
		}
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String && v.Len() <= maxSummaryList {
			items := make([]string, v.Len())
			for i := range items {
				items[i] = clipString(v.Index(i).String(), maxSummaryString)
			}
			return items, true
		}
		if items, ok := smallStructs(v); ok {
			return items, true
		}
		return fmt.Sprintf("[%d items]", v.Len()), true
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			return t.UTC(), true
		}
		return "{...}", true
	case reflect.Interface:
		if v.IsNil() {
			return nil, false
		}
		return "{...}", true
	}
	return nil, false
}

// smallStructs summarises a list of at most maxSummaryList small
// structures (at most maxSmallFields fields, e.g. ELB target descriptions:
// key identifiers) as their scalar members; ok is false for anything else.
func smallStructs(v reflect.Value) ([]map[string]any, bool) {
	et := v.Type().Elem()
	if et.Kind() == reflect.Pointer {
		et = et.Elem()
	}
	if v.Kind() != reflect.Slice || v.Len() > maxSummaryList || et.Kind() != reflect.Struct || et.NumField() > maxSmallFields {
		return nil, false
	}
	items := make([]map[string]any, 0, v.Len())
	for i := range v.Len() {
		el := v.Index(i)
		if el.Kind() == reflect.Pointer {
			if el.IsNil() {
				continue
			}
			el = el.Elem()
		}
		m := map[string]any{}
		for j := range et.NumField() {
			f := et.Field(j)
			if !f.IsExported() || f.Anonymous {
				continue
			}
			fv := el.Field(j)
			if k := fv.Kind(); k == reflect.Slice || k == reflect.Map || k == reflect.Struct || k == reflect.Interface {
				continue
			}
			if s, ok := summarizeMember(fv); ok {
				m[wireMemberName(f.Name)] = s
			}
		}
		items = append(items, m)
	}
	return items, true
}

// clipString cuts s to at most max bytes at a UTF-8 boundary, marking the
// cut with the number of bytes left out; invalid UTF-8 is replaced.
func clipString(s string, max int) string {
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = fmt.Sprintf("%s...(%d more bytes)", s[:cut], len(s)-cut)
	}
	if !utf8.ValidString(s) {
		s = string([]rune(s))
	}
	return s
}

// wireMemberName is the JSON member name of an SDK field.
func wireMemberName(goName string) string {
	r, n := utf8.DecodeRuneInString(goName)
	return string(unicode.ToLower(r)) + goName[n:]
}

// Calls returns the recorded calls in order: every call, or at least the
// most recent ones that fit in 10,000 calls and 4 MiB of summaries in a
// long-running fake.
func (e *ECS) Calls() []Call {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Call(nil), e.callLog.calls...)
}

// callsPage returns at most limit recorded calls of operation op (any
// operation when op is "") whose Seq is greater than after, in order, and
// whether more such calls follow them.
func (e *ECS) callsPage(after uint64, op string, limit int) (page []Call, more bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	all := e.callLog.calls
	i := sort.Search(len(all), func(i int) bool { return all[i].Seq > after })
	for _, c := range all[i:] {
		if op != "" && c.Op != op {
			continue
		}
		if len(page) == limit {
			return page, true
		}
		page = append(page, c)
	}
	return page, false
}

// CallCount returns how many times op was called.
func (e *ECS) CallCount(op string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.counts[op]
}

// CallCounts returns the number of calls per operation.
func (e *ECS) CallCounts() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return maps.Clone(e.counts)
}
