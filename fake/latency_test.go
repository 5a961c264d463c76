package fake

import (
	"bytes"
	"context"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// With WithCallLatency and the manual clock, every API call moves virtual
// time by the latency.
func TestCallLatencyAdvancesManualClock(t *testing.T) {
	e := New(WithCallLatency(250 * time.Millisecond))
	start := e.Now()
	for range 4 {
		if _, err := e.ListClusters(bg, &ecs.ListClustersInput{}); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.Now().Sub(start); got != time.Second {
		t.Fatalf("4 calls of 250ms took %v of virtual time, want 1s", got)
	}
	calls := e.Calls()
	if len(calls) != 4 || calls[3].At.Sub(calls[0].At) != 750*time.Millisecond {
		t.Fatalf("calls at %v", calls)
	}
	// The default with the manual clock is no latency.
	e2 := New()
	s2 := e2.Now()
	_, _ = e2.ListClusters(bg, &ecs.ListClustersInput{})
	if e2.Now() != s2 {
		t.Fatalf("default manual-clock call moved time by %v", e2.Now().Sub(s2))
	}
}

// The third program: the SDK's own ServicesStableWaiter, inside a
// synctest bubble with RealTime, on a service that never stabilises (its
// image never pulls, no circuit breaker). Each call takes
// DefaultRealTimeCallLatency of synthetic time, so the waiter's arithmetic
// runs out and it returns "exceeded max wait time" after its maximum wait
// instead of spinning forever with zero-length sleeps.
func TestServicesStableWaiterEndsAtMaxWaitOnServiceThatNeverStabilises(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newCluster(t, 2, WithClock(RealTime(1)))
		if err := e.InjectFault(Fault{Image: "img:broken", Action: FaultFailStart}); err != nil {
			t.Fatal(err)
		}
		td := register(t, e, simpleTD("web", "img:broken"))
		createSvc(t, e, "web", td, 2, svcOpts{min: 100, max: 200})
		w := ecs.NewServicesStableWaiter(e)
		start := time.Now()
		err := w.Wait(context.Background(), &ecs.DescribeServicesInput{Services: []string{"web"}}, 5*time.Minute)
		if err == nil || !strings.Contains(err.Error(), "exceeded max wait time") {
			t.Fatalf("waiter: %v, want exceeded max wait time", err)
		}
		if took := time.Since(start); took < 4*time.Minute || took > 5*time.Minute+time.Second {
			t.Fatalf("waiter gave up after %v of synthetic time, want about its 5m maximum", took)
		}
		if n := e.CallCount("DescribeServices"); n < 5 || n > 40 {
			t.Fatalf("%d DescribeServices calls, want the waiter's 15s+ backoff (not a spin)", n)
		}
	})
}

// Over HTTP with manual time, a client polling the same read operation
// at one virtual instant gets the standstill hint from the third call on,
// and the server logs it once; after an advance the count starts again.
func TestStandstillHintWhenPollingWhileVirtualTimeStandsStill(t *testing.T) {
	e := newCluster(t, 0)
	var logs bytes.Buffer
	srv := httptest.NewServer(NewServer(e, WithLogger(log.New(&logs, "", 0))))
	defer srv.Close()
	poll := func() string {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(`{"services":["web"]}`))
		req.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.DescribeServices")
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header.Get(StandstillHeader)
	}
	var hints []bool
	for range 4 {
		hints = append(hints, poll() != "")
	}
	if want := []bool{false, false, true, true}; !slices.Equal(hints, want) {
		t.Fatalf("hints %v, want %v", hints, want)
	}
	if n := strings.Count(logs.String(), "virtual time is standing still"); n != 1 {
		t.Fatalf("%d log lines, want 1: %q", n, logs.String())
	}
	e.Advance(time.Second)
	if poll() != "" {
		t.Fatal("hint right after an advance")
	}
	// RealTime servers never hint.
	rt := New(WithClock(RealTime(1)), WithCallLatency(0))
	h := NewServer(rt)
	for range 5 {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{}`))
		req.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters")
		h.ServeHTTP(rec, req)
		if rec.Header().Get(StandstillHeader) != "" {
			t.Fatal("hint with a real-time clock")
		}
	}
}
