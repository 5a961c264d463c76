// Package stallwatch measures, for tests that bound a wall-clock latency,
// the time in which the test process did not run at all.
//
// On a loaded machine (CI runs `go test -race ./...` on 2 cores, several
// test binaries at once) the OS may leave a process unscheduled for a
// second or more; every goroutine is delayed alike, the server under test
// as much as its clients. A bound such as "another client is answered
// within 1 s while a heavy request is served" is about the server holding
// that client back, which such a stall says nothing about. A Watch runs a
// goroutine that sleeps Tick at a time; a wake-up later than Threshold
// means nothing in the process ran in between (a goroutine that only waits
// for a lock or a connection does not delay it: the scheduler has a free P
// or preempts the busy ones every 10 ms). Stalled then reports how much of
// an interval fell in such gaps, so a test can compare the latency it
// measured minus the stalls with its unchanged bound.
package stallwatch

import (
	"sync"
	"time"
)

const (
	// Tick is how long the watching goroutine sleeps between readings.
	Tick = time.Millisecond
	// Threshold is the lateness of a wake-up from which the gap counts as
	// a stall: well above the scheduler's 10 ms time slice, well below any
	// bound a test sets.
	Threshold = 50 * time.Millisecond
)

// span is a stretch of wall time in which the process did not run.
type span struct{ from, to time.Time }

// Watch records the stalls of this process from Start until Stop.
type Watch struct {
	mu    sync.Mutex
	spans []span
	stop  chan struct{}
	done  chan struct{}
}

// Start starts watching.
func Start() *Watch {
	w := &Watch{stop: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w
}

func (w *Watch) run() {
	defer close(w.done)
	t := time.NewTicker(Tick)
	defer t.Stop()
	prev := time.Now()
	for {
		stopping := false
		select {
		case <-w.stop:
			stopping = true // a last reading: a stall just before Stop counts
		case <-t.C:
		}
		now := time.Now()
		if now.Sub(prev) > Tick+Threshold {
			w.mu.Lock()
			w.spans = append(w.spans, span{prev.Add(Tick), now})
			w.mu.Unlock()
		}
		if stopping {
			return
		}
		prev = now
	}
}

// Stop stops watching. A stall is recorded once the watcher runs again
// after it, so the answers of Stalled and Total are complete for the time
// before Stop only once Stop has returned; they keep answering after.
func (w *Watch) Stop() {
	select {
	case <-w.stop:
	default:
		close(w.stop)
	}
	<-w.done
}

// Stalled returns how much of [from, to] the process spent stalled.
func (w *Watch) Stalled(from, to time.Time) time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	var d time.Duration
	for _, s := range w.spans {
		a, b := s.from, s.to
		if a.Before(from) {
			a = from
		}
		if b.After(to) {
			b = to
		}
		if b.After(a) {
			d += b.Sub(a)
		}
	}
	return d
}

// Total returns the time spent stalled since Start.
func (w *Watch) Total() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	var d time.Duration
	for _, s := range w.spans {
		d += s.to.Sub(s.from)
	}
	return d
}
