package fake_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// emptyContainers is a RegisterTaskDefinition body with n empty container
// definitions ("{}" each).
func emptyContainers(n int) []byte {
	return []byte(`{"family":"x","containerDefinitions":[` + strings.TrimSuffix(strings.Repeat("{},", n), ",") + `]}`)
}

// errorAnswer decodes an AWS JSON error answer.
func errorAnswer(t *testing.T, b []byte) (code, msg string) {
	t.Helper()
	var doc struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("answer %.200q: %v", b, err)
	}
	return doc.Type, doc.Message
}

// One request must not cost unbounded memory or time (issue #17 item 1):
// each hostile request is answered with a bounded error, costs a bounded
// number of bytes (measured with runtime.MemStats over the whole process,
// server included), changes nothing, and another client calling
// ListClusters meanwhile never waits more than 1 s for an answer (before
// the fix: 2.9 s per request, a 93.5 MB answer, ~800 MiB RSS).
func TestHostileRequestsCostBoundedMemory(t *testing.T) {
	e := hostileFixture(t)
	ts := httptest.NewServer(fake.NewServer(e))
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	defer client.CloseIdleConnections()
	before := stateDump(t, e)

	ulimits := strings.TrimSuffix(strings.Repeat(`{"name":"bogus","softLimit":2,"hardLimit":1},`, 200), ",")
	cases := []struct {
		name, target string
		body         []byte
		code, want   string // error code and a part of the message
		maxAnswer    int    // bytes
		maxAlloc     uint64 // bytes allocated by the whole process
	}{
		{"1 MiB of empty containers (349,000)", "RegisterTaskDefinition", emptyContainers((1<<20 - 60) / 3),
			"SerializationException", "containerDefinitions: a list of more than 10000 items", 1 << 10, 16 << 20},
		{"9,999 empty containers", "RegisterTaskDefinition", emptyContainers(9999),
			"ClientException", "containerDefinitions: at most 10 containers are allowed per task definition, got 9999", 16 << 10, 32 << 20},
		{"400 problems", "RegisterTaskDefinition",
			[]byte(`{"family":"x","containerDefinitions":[{"name":"a","image":"nginx","memory":128,"ulimits":[` + ulimits + `]}]}`),
			"ClientException", "taskDefinition: 350 more problems not listed (at most 50 are reported)", 16 << 10, 8 << 20},
		{"500 KB X-Amz-Target", strings.Repeat("A", 500_000), []byte(`{}`),
			"UnknownOperationException", "(X-Amz-Target AAAAAAAA", 1 << 10, 8 << 20},
		{"500 KB cluster name", "DescribeServices", []byte(`{"cluster":"` + strings.Repeat("c", 500_000) + `","services":["a"]}`),
			"ClusterNotFoundException", "Cluster not found", 1 << 10, 16 << 20},
		{"500 KB container instance", "DeregisterContainerInstance", []byte(`{"containerInstance":"` + strings.Repeat("i", 500_000) + `"}`),
			"InvalidParameterException", "", 1 << 10, 16 << 20},
	}
	for _, c := range cases {
		var status int
		var answer []byte
		alloc := allocatedDuring(func() {
			if strings.HasPrefix(c.target, "AAAA") {
				status, answer = wireCallTarget(t, client, ts.URL, c.target, c.body)
			} else {
				status, answer = wireCall(t, client, ts.URL, c.target, c.body)
			}
		})
		t.Logf("%s: %d, %d-byte answer, %.1f MB allocated", c.name, status, len(answer), float64(alloc)/(1<<20))
		if c.code != "" {
			code, msg := errorAnswer(t, answer)
			if status != 400 || code != c.code || !strings.Contains(msg, c.want) {
				t.Errorf("%s: %d %s %.300q, want 400 %s containing %q", c.name, status, code, msg, c.code, c.want)
			}
		}
		if len(answer) > c.maxAnswer {
			t.Errorf("%s: %d-byte answer, want at most %d", c.name, len(answer), c.maxAnswer)
		}
		if alloc > c.maxAlloc {
			t.Errorf("%s: %.1f MB allocated, want at most %.1f MB", c.name, float64(alloc)/(1<<20), float64(c.maxAlloc)/(1<<20))
		}
	}
	if after := stateDump(t, e); after != before {
		t.Errorf("state changed:\nbefore %s\nafter  %s", before, after)
	}

	// Other clients are not held back: 10 rounds of the two container
	// requests while a well-behaved client calls ListClusters.
	p := probeWhile(t, ts.URL, func() {
		for range 10 {
			wireCall(t, client, ts.URL, "RegisterTaskDefinition", cases[0].body)
			wireCall(t, client, ts.URL, "RegisterTaskDefinition", cases[1].body)
		}
	})
	t.Logf("other client: %v", p)
	if p.failures > 0 || p.calls == 0 || p.worst > otherClientBound(time.Second) {
		t.Errorf("other client: %d calls, %d failed, worst %v; want none failed and every answer within 1 s", p.calls, p.failures, p.worst)
	}
}
