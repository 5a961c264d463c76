package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// serverLimits are the HTTP server's defences, all set by flags.
type serverLimits struct {
	readHeaderTimeout time.Duration // request line and headers
	readTimeout       time.Duration // a whole request, body included
	writeTimeout      time.Duration // from the end of the headers to the end of the answer
	idleTimeout       time.Duration // keep-alive connection waiting for its next request
	maxHeaderBytes    int           // request line and headers
	maxConns          int           // open connections; more wait in the listen backlog
	drain             time.Duration // at shutdown: time for idle and new connections to send a last request
	shutdownGrace     time.Duration // at shutdown: time for requests in flight to finish
}

// hardenedServer serves h on ln with limits, and shuts down gracefully:
// stop accepting; let every connection send one more request (answered
// with "Connection: close") for up to drain; close those still silent; let
// requests in flight finish within shutdownGrace.
type hardenedServer struct {
	srv       *http.Server
	ln        net.Listener
	limits    serverLimits
	draining  atomic.Bool   // answers carry "Connection: close"
	accepting chan struct{} // closed when Serve returned: no connection is accepted any more

	mu    sync.Mutex
	conns map[net.Conn]http.ConnState
	quiet chan struct{} // closed and replaced whenever a connection closes
}

// newHardenedServer wraps ln with the connection limit and configures the
// http.Server; base is the context requests are served under.
func newHardenedServer(ln net.Listener, h http.Handler, l serverLimits, base context.Context) *hardenedServer {
	s := &hardenedServer{limits: l, conns: map[net.Conn]http.ConnState{}, quiet: make(chan struct{}), accepting: make(chan struct{})}
	if l.maxConns > 0 {
		ln = newLimitListener(ln, l.maxConns)
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if s.draining.Load() {
				w.Header().Set("Connection", "close") // the client opens no new request on it
			}
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: l.readHeaderTimeout,
		ReadTimeout:       l.readTimeout,
		WriteTimeout:      l.writeTimeout,
		IdleTimeout:       l.idleTimeout,
		MaxHeaderBytes:    l.maxHeaderBytes,
		BaseContext:       func(net.Listener) context.Context { return base },
		ConnState:         s.track,
	}
	return s
}

// track follows every connection's state (http.Server.ConnState).
func (s *hardenedServer) track(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch st {
	case http.StateClosed, http.StateHijacked:
		delete(s.conns, c)
		close(s.quiet)
		s.quiet = make(chan struct{})
	default:
		s.conns[c] = st
	}
}

// waiting returns the number of connections in flight (StateActive) and
// the others, and a channel closed at the next connection close.
func (s *hardenedServer) waiting() (active, other int, next <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.conns {
		if st == http.StateActive {
			active++
		} else {
			other++
		}
	}
	return active, other, s.quiet
}

// serve serves until the listener fails or is closed. It must be called
// once, before or after shutdown begins (shutdown waits for it to return).
func (s *hardenedServer) serve() error {
	err := s.srv.Serve(s.ln)
	close(s.accepting)
	if errors.Is(err, http.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// shutdown stops the server gracefully (see hardenedServer). It returns an
// error only when requests were still in flight after the grace period;
// their connections are then closed.
//
// The order closes two windows in which a client could be reset:
//   - The listener is closed, and Serve has returned, before any answer
//     says "Connection: close". A client told to reconnect then finds no
//     listener (connection refused); it never lands in the listen backlog,
//     which the kernel resets when the listener closes. And every accepted
//     connection is tracked before the count below.
//   - A connection whose request began before draining was answered
//     keep-alive, so its client may send another request at once; the
//     drain waits for that request (answered with "Connection: close")
//     instead of handing the connection to http.Server.Shutdown, which
//     would close it under the request.
func (s *hardenedServer) shutdown(log io.Writer) error {
	_ = s.ln.Close() // no new connections
	<-s.accepting
	s.draining.Store(true)
	drainEnd := time.NewTimer(s.limits.drain)
	defer drainEnd.Stop()
	// Every connection gets until drainEnd to send a last request; every
	// answer now closes its connection.
wait:
	for {
		active, other, next := s.waiting()
		if active+other == 0 {
			return nil
		}
		select {
		case <-next:
		case <-drainEnd.C:
			break wait
		}
	}
	// Shutdown closes the idle connections; new ones still silent are
	// closed here (Shutdown would wait 5 s for them).
	s.mu.Lock()
	for c, st := range s.conns {
		if st == http.StateNew {
			_ = c.Close()
		}
	}
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), s.limits.shutdownGrace)
	defer cancel()
	// Shutdown reports the error of closing the listeners after every
	// connection went idle; ours is closed already (above), so that error
	// (net.ErrClosed) means a clean shutdown, not requests cut off.
	if err := s.srv.Shutdown(ctx); err != nil && !errors.Is(err, net.ErrClosed) {
		active, _, _ := s.waiting()
		_ = s.srv.Close()
		fmt.Fprintf(log, "ecsfake: %d request(s) still in flight after -shutdown-grace %v were cut off\n", active, s.limits.shutdownGrace)
		return fmt.Errorf("shutdown: %d request(s) in flight after %v: %w", active, s.limits.shutdownGrace, err)
	}
	return nil
}

// limitListener accepts at most n open connections at a time: Accept
// waits for a connection to close before accepting another (the kernel
// queues the rest in the listen backlog).
type limitListener struct {
	net.Listener
	slots chan struct{}
	done  chan struct{}
	once  sync.Once
}

func newLimitListener(ln net.Listener, n int) *limitListener {
	return &limitListener{Listener: ln, slots: make(chan struct{}, n), done: make(chan struct{})}
}

// Accept waits for a free slot, then for a connection.
func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitedConn{Conn: c, release: func() { <-l.slots }}, nil
}

// Close stops Accept, including one waiting for a slot.
func (l *limitListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// limitedConn frees its slot once, when closed.
type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
