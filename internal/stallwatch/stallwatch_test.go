package stallwatch

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// A process the OS does not run (here: stopped with SIGSTOP for 300 ms,
// continued by a shell) is seen as stalled for that long.
func TestStoppedProcessIsStalled(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("stops itself with SIGSTOP")
	}
	w := Start()
	time.Sleep(20 * time.Millisecond)
	// Continued 0.3 s after the shell starts; again later in case a loaded
	// machine let the first SIGCONT come before the SIGSTOP.
	pid := strconv.Itoa(os.Getpid())
	cont := exec.Command("sh", "-c", "sleep 0.3; kill -CONT "+pid+"; sleep 1; kill -CONT "+pid+"; sleep 5; kill -CONT "+pid)
	if err := cont.Start(); err != nil {
		t.Skipf("no shell to continue the process: %v", err)
	}
	defer func() { _ = cont.Process.Kill(); _ = cont.Wait() }()
	t0 := time.Now()
	if err := syscall.Kill(os.Getpid(), syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // the watcher's next reading
	t1 := time.Now()
	w.Stop()
	if s := w.Stalled(t0, t1); s < 250*time.Millisecond {
		t.Errorf("stopped for 300 ms, stalled %v", s)
	}
	if s, tot := w.Stalled(t0.Add(-time.Hour), t1.Add(time.Hour)), w.Total(); s != tot {
		t.Errorf("Stalled over everything %v, Total %v", s, tot)
	}
}

// A goroutine waiting 300 ms for a lock the holder keeps is not a stall:
// what a test bounds (a client held back) stays visible after the stalls
// are taken out, however loaded the machine (a real stall meanwhile is
// taken out of the wait, and the holder's sleep, alike).
func TestWaitingForALockIsNoStall(t *testing.T) {
	w := Start()
	defer w.Stop()
	var mu sync.Mutex
	mu.Lock()
	held := make(chan struct{})
	go func() {
		close(held)
		time.Sleep(300 * time.Millisecond)
		mu.Unlock()
	}()
	<-held
	t0 := time.Now()
	mu.Lock()
	t1 := time.Now()
	mu.Unlock()
	if waited := t1.Sub(t0) - w.Stalled(t0, t1); waited < 250*time.Millisecond {
		t.Errorf("waited %v for the lock, %v of it counted as stalled", t1.Sub(t0), w.Stalled(t0, t1))
	}
}

// Spans are clipped to the interval asked about.
func TestStalledClipsSpans(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	s := func(a, b int) span {
		return span{t0.Add(time.Duration(a) * time.Second), t0.Add(time.Duration(b) * time.Second)}
	}
	w := &Watch{spans: []span{s(1, 3), s(5, 6), s(8, 12)}}
	for _, c := range []struct {
		from, to int
		want     time.Duration
	}{
		{0, 20, 7 * time.Second},
		{2, 9, 3 * time.Second},
		{3, 5, 0},
		{9, 10, time.Second},
		{13, 14, 0},
	} {
		if got := w.Stalled(t0.Add(time.Duration(c.from)*time.Second), t0.Add(time.Duration(c.to)*time.Second)); got != c.want {
			t.Errorf("Stalled(%d, %d) = %v, want %v", c.from, c.to, got, c.want)
		}
	}
	if got := w.Total(); got != 7*time.Second {
		t.Errorf("Total = %v, want 7s", got)
	}
}
