package sdkbody

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"sync/atomic"
	"testing"

	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// sdkBody returns a request body as the SDK builds it.
func sdkBody(t *testing.T) io.ReadCloser {
	t.Helper()
	r := smithyhttp.NewStackRequest().(*smithyhttp.Request)
	r.ContentLength = 2
	r, err := r.SetStream(bytes.NewReader([]byte("{}")))
	if err != nil {
		t.Fatal(err)
	}
	return r.Build(context.Background()).Body
}

// The cause: once closed, the SDK's body fails the copy net/http makes
// to look for bytes past Content-Length; a plain body ends it.
func TestClosedSDKBodyEndsCopyOnlyWhenPlain(t *testing.T) {
	b := sdkBody(t)
	if _, ok := b.(io.WriterTo); !ok {
		t.Skip("the SDK's request body no longer implements io.WriterTo")
	}
	if _, err := io.Copy(io.Discard, b); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if _, err := io.Copy(io.Discard, b); err != io.EOF {
		t.Skipf("io.Copy of the SDK's closed body = %v; the SDK no longer fails it", err)
	}
	p := plain{sdkBody(t)}
	if _, ok := any(p).(io.WriterTo); ok {
		t.Fatal("plain body implements io.WriterTo")
	}
	io.Copy(io.Discard, p)
	p.Close()
	if n, err := io.Copy(io.Discard, p); n != 0 || err != nil {
		t.Errorf("io.Copy of a closed plain body = %d, %v; want 0, nil", n, err)
	}
}

// Over loopback, closing each body as soon as the answer's headers are
// back (as the SDK does) never fails a request write through Transport.
func TestTransportRequestWritesNeverFail(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write(bytes.Repeat([]byte("x"), 64<<10))
	}))
	defer srv.Close()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	defer tr.CloseIdleConnections()
	var failed, dials atomic.Int64
	trace := &httptrace.ClientTrace{
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err != nil {
				failed.Add(1)
			}
		},
		ConnectStart: func(string, string) { dials.Add(1) },
	}
	c := &http.Client{Transport: Transport{Next: tr}}
	for range 300 {
		body := sdkBody(t)
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "POST", srv.URL, body)
		req.ContentLength = 2
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body.Close() // the SDK closes the body once Do returns
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			t.Fatalf("reading the answer: %v", err)
		}
		resp.Body.Close()
	}
	if failed.Load() != 0 || dials.Load() != 1 {
		t.Errorf("%d request writes failed and %d connections were dialled; want 0 and 1", failed.Load(), dials.Load())
	}
}
