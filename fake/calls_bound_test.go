package fake

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// The call log keeps at least the most recent calls that fit in 10,000
// calls and 4 MiB, and never more than twice that.
func TestCallLogBoundedByBytesAndCount(t *testing.T) {
	e := New()
	long := strings.Repeat("t", 1000)
	in := &ecs.DescribeTasksInput{Tasks: []string{long, long, long, long, long, long, long, long, long, long}}
	now := time.Unix(0, 0)
	for range 20_000 {
		e.recordCallLocked("DescribeTasks", in, now)
		if l := e.callLog; l.bytes > 2*maxCallLogBytes+8<<10 || len(l.calls) > 2*maxCalls {
			t.Fatalf("log of %d calls, %d bytes", len(l.calls), l.bytes)
		}
	}
	per := len(e.callLog.calls[0].Request) + callOverhead
	if kept := len(e.callLog.calls); kept < maxCallLogBytes/per-1 {
		t.Errorf("kept %d calls of %d bytes, want at least %d", kept, per, maxCallLogBytes/per)
	}
	if got := e.callLog.calls[len(e.callLog.calls)-1].Seq; got != 20_000 {
		t.Errorf("last seq %d, want 20000", got)
	}
	small := &ecs.ListClustersInput{}
	for range 50_000 {
		e.recordCallLocked("ListClusters", small, now)
	}
	if n := len(e.callLog.calls); n < maxCalls || n > 2*maxCalls {
		t.Errorf("%d small calls kept, want %d..%d", n, maxCalls, 2*maxCalls)
	}
}

// A request's summary keeps scalars, short string lists and the sizes of
// everything else, each string cut to 128 bytes.
func TestCallSummaryIsBounded(t *testing.T) {
	long := strings.Repeat("x", 5000)
	got := string(summarizeRequest(&ecs.RunTaskInput{Cluster: &long, Count: new(int32(3)),
		Overrides: nil, StartedBy: new("me"), Tags: nil}))
	want := `{"cluster":"` + strings.Repeat("x", 128) + `...(4872 more bytes)","count":3,"startedBy":"me"}`
	if got != want {
		t.Errorf("summary = %s\nwant %s", got, want)
	}
	many := make([]string, 11)
	if got := string(summarizeRequest(&ecs.DescribeTasksInput{Tasks: many[:2]})); got != `{"tasks":["",""]}` {
		t.Errorf("short list summary = %s", got)
	}
	if got := string(summarizeRequest(&ecs.DescribeTasksInput{Tasks: many})); got != `{"tasks":"[11 items]"}` {
		t.Errorf("long list summary = %s", got)
	}
}

// BenchmarkCallSummary is the call log's cost per call: the bounded
// summary of a DescribeServices request.
func BenchmarkCallSummary(b *testing.B) {
	in := &ecs.DescribeServicesInput{Cluster: new("default"), Services: []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}}
	b.ReportAllocs()
	for b.Loop() {
		summarizeRequest(in)
	}
}
