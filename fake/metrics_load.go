package fake

import (
	"fmt"
	"time"
)

// Schedule is a load level over virtual time: a constant, a linear ramp or
// a step schedule (build one with ConstantLoad, RampLoad or StepLoad). The
// zero Schedule is a constant 0.
type Schedule struct {
	// points in time order; between two points the level holds (step) or
	// moves linearly (ramp) to the next point's value.
	points []loadPoint
}

type loadPoint struct {
	at    time.Time
	value float64
	ramp  bool // move linearly from the previous point to this one
}

// ConstantLoad is a load that never changes.
func ConstantLoad(v float64) Schedule {
	return Schedule{points: []loadPoint{{value: v}}}
}

// RampLoad holds from until start, rises (or falls) linearly to to over
// the duration over, then holds to.
func RampLoad(from, to float64, start time.Time, over time.Duration) Schedule {
	return Schedule{points: []loadPoint{{at: start, value: from}, {at: start.Add(over), value: to, ramp: true}}}
}

// LoadStep is one step of a step schedule: from At the level is Value.
type LoadStep struct {
	At    time.Time
	Value float64
}

// StepLoad is initial until the first step, then each step's value from
// its time on. Steps must be in time order.
func StepLoad(initial float64, steps ...LoadStep) Schedule {
	s := Schedule{points: []loadPoint{{value: initial}}}
	for _, st := range steps {
		s.points = append(s.points, loadPoint{at: st.At, value: st.Value})
	}
	return s
}

// At returns the level at t.
func (s Schedule) At(t time.Time) float64 {
	if len(s.points) == 0 {
		return 0
	}
	v := s.points[0].value
	for i := 1; i < len(s.points); i++ {
		p := s.points[i]
		if !t.After(p.at) && !t.Equal(p.at) {
			if p.ramp {
				prev := s.points[i-1]
				span := p.at.Sub(prev.at)
				if span > 0 && t.After(prev.at) {
					f := float64(t.Sub(prev.at)) / float64(span)
					return prev.value + f*(p.value-prev.value)
				}
			}
			return v
		}
		v = p.value
	}
	return v
}

// check reports a schedule whose steps are out of order or negative.
func (s Schedule) check(name string) error {
	for i, p := range s.points {
		if p.value < 0 {
			return fmt.Errorf("fake: load %s: level %v is negative", name, p.value)
		}
		if i > 1 && p.at.Before(s.points[i-1].at) {
			return fmt.Errorf("fake: load %s: step %d at %s is before the previous step", name, i, p.at.Format(time.RFC3339))
		}
	}
	return nil
}

// Load is the load offered to one service, shared by its running tasks.
// CPU and Memory are the demand in percent of one task's reserved CPU and
// memory (250 means two and a half tasks' worth): the service's
// CPUUtilization is CPU ÷ running tasks. Requests is the request rate to
// the service's target group(s), in requests per minute: its
// RequestCountPerTarget is Requests ÷ running tasks per minute.
type Load struct {
	CPU, Memory, Requests Schedule
}

// SetLoad sets the load of a service (cluster and service by name or ARN)
// from now on; the metrics of earlier minutes keep the previous load.
// Metrics are computed on demand from the load and the service's history of
// running-task counts (see docs/fidelity.md, "CloudWatch").
func (e *ECS) SetLoad(clusterRef, serviceRef string, l Load) error {
	for name, s := range map[string]Schedule{"CPU": l.CPU, "Memory": l.Memory, "Requests": l.Requests} {
		if err := s.check(name); err != nil {
			return err
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.catchUpLocked()
	c, err := e.clusterLocked(&clusterRef)
	if err != nil {
		return err
	}
	s := e.serviceLocked(c, serviceRef)
	if s == nil {
		return fmt.Errorf("fake: SetLoad: service %q not found in cluster %q: %w", clipString(serviceRef, maxEchoBytes), c.name, errServiceNotFound())
	}
	e.journalLoadLocked(clusterRef, serviceRef, l, now)
	m := e.metrics.of(s)
	if n := len(m.loads); n > 0 && m.loads[n-1].from.Equal(now) {
		// A later load at the same instant replaces it (loadAt would
		// find the later one anyway): repeated calls at one virtual
		// instant keep one entry, not one each.
		m.loads[n-1].load = l
	} else {
		m.loads = append(m.loads, loadFrom{from: now, load: l})
	}
	m.invalidateFrom(now)
	return nil
}
