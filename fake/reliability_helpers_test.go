package fake_test

import (
	"bytes"
	"io"
	"net/http"
	"runtime"
	"slices"
	"testing"
	"time"
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

// probe is what another, well-behaved client saw while hostile requests
// were served.
type probe struct {
	calls       int
	p50, worst  time.Duration
	failures    int
	latencies   []time.Duration
	durationAll time.Duration
}

// probeWhile sends ListClusters back to back to url from its own client
// while f runs (bounded: at most 20,000 calls and 60 s), and reports the
// latencies it saw. f runs on the calling goroutine.
func probeWhile(t testing.TB, url string, f func()) probe {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 4}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	stop := make(chan struct{})
	done := make(chan probe)
	go func() {
		var p probe
		start := time.Now()
		deadline := start.Add(60 * time.Second)
		for i := 0; i < 20_000 && time.Now().Before(deadline); i++ {
			select {
			case <-stop:
				i = 20_000
				continue
			default:
			}
			t0 := time.Now()
			req, _ := http.NewRequest(http.MethodPost, url+"/", bytes.NewReader([]byte("{}")))
			req.Header.Set("X-Amz-Target", hostileTarget+"ListClusters")
			resp, err := client.Do(req)
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					err = io.ErrUnexpectedEOF
				}
			}
			if err != nil {
				p.failures++
			}
			p.latencies = append(p.latencies, time.Since(t0))
		}
		p.durationAll = time.Since(start)
		done <- p
	}()
	f()
	close(stop)
	p := <-done
	p.calls = len(p.latencies)
	if p.calls > 0 {
		s := slices.Clone(p.latencies)
		slices.Sort(s)
		p.p50, p.worst = s[len(s)/2], s[len(s)-1]
	}
	return p
}
