package fake

import (
	"math"
	"sort"
	"time"
)

// The fake's metrics: AWS/ECS CPUUtilization and MemoryUtilization per
// service (dimensions ClusterName, ServiceName) and AWS/ApplicationELB
// RequestCountPerTarget per target group (dimension TargetGroup), at
// one-minute periods. Nothing is computed per tick: a datapoint is computed
// when it is read, from the service's load (metrics_load.go) and its
// history of running-task counts, which changes only when the scheduler
// plans the service.

// metricRetention is how long the history of task counts is kept (one-minute
// datapoints are kept 15 days by CloudWatch).
const metricRetention = 15 * 24 * time.Hour

// samplesPerMinute is how many instants of a minute a datapoint averages.
const samplesPerMinute = 6

// metricStore holds the per-service inputs of the metrics (guarded by ECS.mu).
type metricStore struct {
	svc map[*service]*svcMetrics
	// custom holds datapoints published with PutMetricData.
	custom map[metricKey]map[int64]*stats
}

func newMetricStore() metricStore {
	return metricStore{svc: map[*service]*svcMetrics{}, custom: map[metricKey]map[int64]*stats{}}
}

// svcMetrics is one service's load history and running-task count history.
type svcMetrics struct {
	loads  []loadFrom // time order
	counts []countAt  // time order, one entry per change
	// cache memoises recent datapoints per metric: a complete minute's
	// datapoint never changes (loads and counts change only from now on),
	// and alarms read the same minutes again every minute.
	cache [3][cacheSlots]cachedPoint
}

// cacheSlots is how many recent minutes are memoised per metric (more than
// the 15 of target tracking's low alarm).
const cacheSlots = 32

type cachedPoint struct {
	minute int64 // Unix minute + 1 (0: empty)
	st     stats
	ok     bool
}

type loadFrom struct {
	from time.Time
	load Load
}

type countAt struct {
	at time.Time
	n  int
}

func (m *metricStore) of(s *service) *svcMetrics {
	sm := m.svc[s]
	if sm == nil {
		sm = &svcMetrics{}
		m.svc[s] = sm
	}
	return sm
}

// noteTaskCountLocked records s's running-task count at now when it
// changed (called after each plan of s).
func (e *ECS) noteTaskCountLocked(s *service, now time.Time) {
	n := s.runningTasks() // scheduler_snapshot.go
	sm := e.metrics.of(s)
	if k := len(sm.counts); k > 0 && sm.counts[k-1].n == n {
		return
	}
	sm.counts = append(sm.counts, countAt{at: now, n: n})
	sm.invalidateFrom(now)
	if len(sm.counts) > 1024 && now.Sub(sm.counts[0].at) > metricRetention {
		cut := 0
		for cut < len(sm.counts)-1 && now.Sub(sm.counts[cut+1].at) > metricRetention {
			cut++
		}
		sm.counts = append(sm.counts[:0], sm.counts[cut:]...)
	}
}

// countAt returns the running-task count at t.
func (sm *svcMetrics) countAt(t time.Time) int {
	// The first entry after t, by binary search (the history grows with
	// every scaling over days of virtual time).
	i := sort.Search(len(sm.counts), func(i int) bool { return sm.counts[i].at.After(t) })
	if i == 0 {
		return 0
	}
	return sm.counts[i-1].n
}

// loadAt returns the load in force at t.
func (sm *svcMetrics) loadAt(t time.Time) Load {
	i := sort.Search(len(sm.loads), func(i int) bool { return sm.loads[i].from.After(t) })
	if i == 0 {
		return Load{}
	}
	return sm.loads[i-1].load
}

// stats are a datapoint's statistics.
type stats struct {
	avg, min, max, sum, n float64
}

// serviceMetric is which per-service quantity a metric reads.
type serviceMetric int

const (
	metricCPU serviceMetric = iota
	metricMemory
	metricRequestsPerTarget
)

// datapoint computes the one-minute datapoint starting at start (which must
// be before now): the average over the minute of demand ÷ running tasks.
// ok is false when no task ran during the minute (ECS publishes nothing).
func (sm *svcMetrics) datapoint(which serviceMetric, start time.Time) (stats, bool) {
	m := start.Unix()/60 + 1
	slot := &sm.cache[which][m%cacheSlots]
	if slot.minute == m && start.Unix()%60 == 0 {
		return slot.st, slot.ok
	}
	st, ok := sm.compute(which, start)
	if start.Unix()%60 == 0 {
		*slot = cachedPoint{minute: m, st: st, ok: ok}
	}
	return st, ok
}

// invalidateFrom drops memoised datapoints of the minute containing t and
// later (a load or task count changed at t).
func (sm *svcMetrics) invalidateFrom(t time.Time) {
	m := t.Unix()/60 + 1
	for k := range sm.cache {
		for i := range sm.cache[k] {
			if sm.cache[k][i].minute >= m {
				sm.cache[k][i] = cachedPoint{}
			}
		}
	}
}

// compute is datapoint without the cache.
func (sm *svcMetrics) compute(which serviceMetric, start time.Time) (st stats, ok bool) {
	st.min = math.Inf(1)
	st.max = math.Inf(-1)
	var total, tasks float64
	k := 0
	for i := 0; i < samplesPerMinute; i++ {
		t := start.Add(time.Duration(i) * time.Minute / samplesPerMinute)
		n := sm.countAt(t)
		if n == 0 {
			continue
		}
		l := sm.loadAt(t)
		var d float64
		switch which {
		case metricCPU:
			d = l.CPU.At(t)
		case metricMemory:
			d = l.Memory.At(t)
		default:
			d = l.Requests.At(t)
		}
		v := d / float64(n)
		total += v
		tasks += float64(n)
		st.min, st.max = math.Min(st.min, v), math.Max(st.max, v)
		k++
	}
	if k == 0 {
		return stats{}, false
	}
	st.avg = total / float64(k)
	if which == metricRequestsPerTarget {
		// A count: the minute's requests per target, one sample a minute.
		return stats{avg: st.avg, min: st.avg, max: st.avg, sum: st.avg, n: 1}, true
	}
	st.n = math.Round(tasks / float64(k))
	st.sum = st.avg * st.n
	return st, true
}
