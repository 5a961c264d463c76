package fake_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/ecsdeploy/ecsdeploy/internal/stallwatch"
)

// wireCall posts body to operation op of the fake's ECS endpoint at url
// and returns the status and answer.
func wireCall(t testing.TB, client *http.Client, url, op string, body []byte) (int, []byte) {
	t.Helper()
	return wireCallTarget(t, client, url, hostileTarget+op, body)
}

// wireCallTarget is wireCall with a raw X-Amz-Target.
func wireCallTarget(t testing.TB, client *http.Client, url, target string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", target)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// allocatedDuring returns the bytes the whole process allocated while f
// ran (runtime.MemStats.TotalAlloc), server side included.
func allocatedDuring(f func()) uint64 {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	f()
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}

// otherClientBound is the longest a well-behaved client may wait for an
// answer while hostile or heavy traffic is served: d, or 5 d under the
// race detector (which slows everything down 5-10x).
func otherClientBound(d time.Duration) time.Duration {
	if raceEnabled {
		return 5 * d
	}
	return d
}

// probe is what another, well-behaved client saw while hostile requests
// were served. Its latencies leave out the time in which the whole test
// process did not run (stallwatch): a loaded machine can stall the process
// for a second or more, which delays the server and the client alike and
// says nothing about the server holding that client back.
type probe struct {
	calls      int
	p50, worst time.Duration // latencies, stalls of the process left out
	rawWorst   time.Duration // the worst latency as measured
	stalled    time.Duration // the process's stalls while the probe ran
	failures   int
}

// String summarises p for a test's log.
func (p probe) String() string {
	return fmt.Sprintf("%d calls, p50 %v, worst %v (%v as measured; the process stalled %v)",
		p.calls, p.p50, p.worst, p.rawWorst, p.stalled)
}

// probeWhile sends ListClusters back to back to url from its own client
// while f runs (bounded: at most 20,000 calls and 60 s), and reports the
// latencies it saw. f runs on the calling goroutine.
func probeWhile(t testing.TB, url string, f func()) probe {
	t.Helper()
	return probeWith(t, func(client *http.Client) error {
		req, _ := http.NewRequest(http.MethodPost, url+"/", bytes.NewReader([]byte("{}")))
		req.Header.Set("X-Amz-Target", hostileTarget+"ListClusters")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return io.ErrUnexpectedEOF
		}
		return nil
	}, f)
}

// probeWith runs call back to back from its own client while f runs
// (bounded: at most 20,000 calls and 60 s) and reports the latencies.
func probeWith(t testing.TB, call func(*http.Client) error, f func()) probe {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 4}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	stop := make(chan struct{})
	done := make(chan probe)
	stalls := stallwatch.Start()
	go func() {
		var p probe
		var calls [][2]time.Time // when each call began and ended
		deadline := time.Now().Add(60 * time.Second)
	loop:
		for len(calls) < 20_000 && time.Now().Before(deadline) {
			select {
			case <-stop:
				break loop
			default:
			}
			t0 := time.Now()
			if err := call(client); err != nil {
				p.failures++
			}
			calls = append(calls, [2]time.Time{t0, time.Now()})
		}
		stalls.Stop() // complete for every call now
		p.stalled = stalls.Total()
		lat := make([]time.Duration, len(calls))
		for i, c := range calls {
			p.rawWorst = max(p.rawWorst, c[1].Sub(c[0]))
			lat[i] = c[1].Sub(c[0]) - stalls.Stalled(c[0], c[1])
		}
		p.calls = len(lat)
		if p.calls > 0 {
			slices.Sort(lat)
			p.p50, p.worst = lat[len(lat)/2], lat[len(lat)-1]
		}
		done <- p
	}()
	f()
	close(stop)
	return <-done
}
