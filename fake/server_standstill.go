package fake

import (
	"log"
	"net/http"
	"strings"
	"sync"
	"time"
)

// StandstillHeader is the response header Server adds when a client polls
// a fake whose virtual time stands still (the manual clock, ecsfake
// -speed 0): the same read operation StandstillPolls times in a row at
// one virtual instant. Such a client waits for something that cannot
// happen until time is advanced.
const StandstillHeader = "X-Ecsfake-Hint"

// StandstillPolls is how many identical read calls in a row at the same
// virtual instant make Server add StandstillHeader.
const StandstillPolls = 3

// standstillHint is the text of the header and of the log line.
const standstillHint = "virtual time is standing still (manual clock, ecsfake -speed 0): " +
	"POST /_fake/v1/advance to move it, give the client a fake.NewRemoteClock as its clock, or run ecsfake with -speed 1"

// WithLogger makes Server log notable events to l: once per virtual
// instant, that a client keeps polling while virtual time stands still.
// cmd/ecsfake logs to stderr. Without it nothing is logged.
func WithLogger(l *log.Logger) ServerOption { return func(s *Server) { s.log = l } }

// standstill tracks consecutive read calls at one virtual instant.
type standstill struct {
	mu     sync.Mutex
	at     time.Time
	op     string
	polls  int
	logged time.Time
}

// hintStandstill adds StandstillHeader (and logs once per instant) when r
// is the StandstillPolls-th identical read call in a row at the same
// virtual instant of a manual clock. It must run before the response is
// written.
func (s *Server) hintStandstill(w http.ResponseWriter, r *http.Request) {
	if _, real := s.ecs.clock.(*realClock); real {
		return
	}
	target := r.Header.Get("X-Amz-Target")
	op := target[strings.LastIndexByte(target, '.')+1:]
	read := strings.HasPrefix(op, "Describe") || strings.HasPrefix(op, "List")
	now := s.ecs.Now()
	st := &s.still
	st.mu.Lock()
	if !read || op != st.op || !now.Equal(st.at) {
		st.op, st.at, st.polls = op, now, 0
	}
	if read {
		st.polls++
	}
	hint := st.polls >= StandstillPolls
	logIt := hint && !st.logged.Equal(now) && s.log != nil
	if logIt {
		st.logged = now
	}
	polls := st.polls
	st.mu.Unlock()
	if !hint {
		return
	}
	w.Header().Set(StandstillHeader, standstillHint)
	if logIt {
		s.log.Printf("%s polled %d times at virtual %s: %s", op, polls, now.UTC().Format(time.RFC3339), standstillHint)
	}
}
