package fake_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// liveHeapBytes returns the live heap after a full collection.
func liveHeapBytes() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// The call log is bounded by bytes, not only by count (issue #17 item 2):
// 40 requests of ~1 MiB each leave a few MB at most in the log (before: a
// 1 MiB request retained ~9 MiB), each call keeps a bounded summary with
// its error code, GET /_fake/v1/calls answers pages of at most ?limit= calls
// (before: 41 MB for 40 calls) that together list every call once, in
// order, and a client calling ListClusters meanwhile never waits more than
// 1 s.
func TestCallLogBoundedByBytes(t *testing.T) {
	e := fake.New()
	ts := httptest.NewServer(fake.NewServer(e))
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	defer client.CloseIdleConnections()

	big := []byte(`{"family":"big","containerDefinitions":[{"name":"a","image":"nginx","memory":128,"environment":[{"name":"X","value":"` +
		strings.Repeat("v", 1<<20-200) + `"}]}]}`)
	h0 := liveHeapBytes()
	// 40 requests: unbounded summaries (9 MiB each before) would show as
	// 360 MB; the log's own bounds (10,000 calls, 4 MiB) are not reached
	// either way (120 requests, as before, cost 40-70 s under -race).
	const n = 40
	sendBig := func(k int) {
		for range k {
			if status, b := wireCall(t, client, ts.URL, "RegisterTaskDefinition", big); status != 400 ||
				!strings.Contains(string(b), "the ECS quota is 65536 bytes") {
				t.Fatalf("big request: %d %.200s", status, b)
			}
		}
	}
	sendBig(n)
	retained := int64(liveHeapBytes()) - int64(h0)
	t.Logf("%d requests of 1 MiB: heap grew by %.2f MB", n, float64(retained)/(1<<20))
	if retained > 4<<20 {
		t.Errorf("heap grew by %.1f MB after %d large requests, want < 4 MB", float64(retained)/(1<<20), n)
	}
	calls := e.Calls()
	last := calls[len(calls)-1]
	if last.Op != "RegisterTaskDefinition" || last.Error != "InvalidParameterException" ||
		!strings.Contains(string(last.Request), `"family":"big"`) || !strings.Contains(string(last.Request), `"containerDefinitions":"[1 items]"`) || len(last.Request) > 512 {
		t.Errorf("last call = %+v, want a bounded summary with family and error code", last)
	}

	// Page through the whole log over HTTP.
	type page struct {
		Calls []struct {
			Seq       uint64          `json:"seq"`
			Operation string          `json:"operation"`
			Input     json.RawMessage `json:"input"`
			Error     string          `json:"error"`
		} `json:"calls"`
		NextAfter *uint64        `json:"nextAfter"`
		Counts    map[string]int `json:"counts"`
	}
	var after uint64
	seen, pages, largest := 0, 0, 0
	for pages < 100 {
		resp, err := client.Get(fmt.Sprintf("%s/_fake/v1/calls?operation=RegisterTaskDefinition&limit=15&after=%d", ts.URL, after))
		if err != nil {
			t.Fatal(err)
		}
		var pg page
		dec := json.NewDecoder(resp.Body)
		err = dec.Decode(&pg)
		size := int(dec.InputOffset())
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		pages++
		largest = max(largest, size)
		for _, c := range pg.Calls {
			if c.Seq <= after {
				t.Fatalf("call %d after %d: out of order", c.Seq, after)
			}
			after = c.Seq
			seen++
		}
		if len(pg.Calls) > 15 {
			t.Errorf("page of %d calls, want at most 15", len(pg.Calls))
		}
		if pg.NextAfter == nil {
			if pg.Counts["RegisterTaskDefinition"] != n {
				t.Errorf("counts = %v", pg.Counts)
			}
			break
		}
	}
	t.Logf("%d calls in %d pages, largest page %d bytes", seen, pages, largest)
	if seen != n || pages != 3 || largest > 64<<10 {
		t.Errorf("paging saw %d calls in %d pages (largest %d bytes), want %d in 3 pages under 64 KiB", seen, pages, largest, n)
	}
	p := probeWhile(t, ts.URL, func() {
		sendBig(20)
		for range 20 {
			resp, err := client.Get(ts.URL + "/_fake/v1/calls?limit=1000")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
	})
	t.Logf("other client during 20 more large requests and 20 pages of 1000 calls: %v", p)
	if p.failures > 0 || p.worst > otherClientBound(time.Second) {
		t.Errorf("other client: %d failures, worst %v, want none and < 1 s", p.failures, p.worst)
	}
	for _, bad := range []string{"after=-1", "limit=0", "limit=1001", "after=x"} {
		resp, err := client.Get(ts.URL + "/_fake/v1/calls?" + bad)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("calls?%s: %d, want 400", bad, resp.StatusCode)
		}
	}
}
