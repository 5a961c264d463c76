package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"
)

// gatedListener holds Close until release is closed: the test acts while
// a shutdown is between "stop accepting" begun and done.
type gatedListener struct {
	net.Listener
	closing chan struct{}
	release chan struct{}
	once    sync.Once
}

func (l *gatedListener) Close() error {
	l.once.Do(func() { close(l.closing) })
	<-l.release
	return l.Listener.Close()
}

// serveForTest serves h on a loopback listener (wrapped by wrap) through a
// hardenedServer with a 20 s drain (the tests end it by closing their
// connections; a short one could end while a loaded machine does not run
// this process, before the client's next request); shutdown's result
// arrives on the returned channel once stop is called.
func serveForTest(t *testing.T, h http.Handler, wrap func(net.Listener) net.Listener) (addr string, srv *hardenedServer, stop func() <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = ln.Addr().String()
	srv = newHardenedServer(wrap(ln), h, serverLimits{drain: 20 * time.Second, shutdownGrace: 2 * time.Second}, context.Background())
	go func() { _ = srv.serve() }()
	stop = func() <-chan error {
		done := make(chan error, 1)
		go func() { done <- srv.shutdown(io.Discard) }()
		return done
	}
	t.Cleanup(func() { _ = srv.srv.Close() })
	return addr, srv, stop
}

// ask sends a GET on c and reads its answer.
func ask(t *testing.T, c net.Conn, r *bufio.Reader) (*http.Response, error) {
	t.Helper()
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		return nil, err
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		return nil, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, err
}

// No answer says "Connection: close" while the port still accepts: a
// client told to reconnect could otherwise land in the listen backlog,
// which the kernel resets when the listener closes (CI saw it once: "read:
// connection reset by peer" on a fresh connection). Once the port is
// closed, answers close their connection and a new dial is refused.
func TestShutdownClosesThePortBeforeAskingToReconnect(t *testing.T) {
	gate := &gatedListener{closing: make(chan struct{}), release: make(chan struct{})}
	addr, _, stop := serveForTest(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }),
		func(ln net.Listener) net.Listener { gate.Listener = ln; return gate })
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	if _, err := ask(t, c, r); err != nil {
		t.Fatal(err)
	}
	done := stop()
	<-gate.closing
	resp, err := ask(t, c, r)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Close {
		t.Error(`an answer said "Connection: close" while the listener was still open`)
	}
	close(gate.release)
	for deadline := time.Now().Add(10 * time.Second); ; { // a few ms; room for a stalled process
		resp, err := ask(t, c, r)
		if err != nil {
			t.Fatalf("a request on an open connection during the drain: %v, want an answer", err)
		}
		if resp.Close {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(`no answer said "Connection: close" 10 s into the shutdown`)
		}
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dial after a Connection: close answer: %v, want connection refused", err)
	}
	c.Close()
	if err := <-done; err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

// A request that began before the shutdown is answered keep-alive (the
// answer is out while its handler still runs), so its client sends the
// next request at once. The drain answers that request instead of leaving
// the connection to http.Server.Shutdown, which closes it under the
// request once the handler returns (a reset; before: the drain handed
// over as soon as only requests in flight were left).
func TestShutdownAnswersTheRequestAfterAKeepAliveAnswer(t *testing.T) {
	first, release := make(chan struct{}), make(chan struct{})
	var n int
	addr, srv, stop := serveForTest(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n++                                   // one connection: requests come one at a time
		w.Header().Set("Content-Length", "2") // complete once flushed
		io.WriteString(w, "ok")
		if n == 1 {
			w.(http.Flusher).Flush() // the answer is out, the handler still runs
			close(first)
			<-release
		}
	}), func(ln net.Listener) net.Listener { return ln })
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	<-first
	done := stop()
	for !srv.draining.Load() {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // let the drain decide what to do with the one request in flight
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.Close {
		t.Fatal(`the first answer says "Connection: close"; the test needs a keep-alive one`)
	}
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	close(release)
	resp, err = http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("the request sent after a keep-alive answer: %v, want an answer", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "ok" || !resp.Close {
		t.Errorf("second answer %q, Close %v: want ok with Connection: close", body, resp.Close)
	}
	if err := <-done; err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if n != 2 {
		t.Errorf("%d requests served, want 2", n)
	}
}
