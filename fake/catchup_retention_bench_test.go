package fake

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkCatchUpRetention is BenchmarkCatchUp/crash-after-30s with
// stopped tasks remembered for the default hour and for one minute: the
// difference is what remembering the ~27,000 stopped tasks of a crash loop
// costs a catch-up (cold memory when they are forgotten, their storage
// reused cold, the collector's scans), an upper bound of what keeping
// stopped tasks more compactly can save (issue #17 item 3). The world is
// built with the default retention and the shorter one applies to the
// tasks that stop during the 24 hours measured.
//
//	go test ./fake -run '^$' -bench BenchmarkCatchUpRetention -benchtime 1x -cpu 1
func BenchmarkCatchUpRetention(b *testing.B) {
	for _, retention := range []time.Duration{time.Hour, time.Minute} {
		b.Run(fmt.Sprintf("retention=%v", retention), func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				e := catchUpWorld(b, 30*time.Second)
				e.cfg.timing.Retention = retention
				b.StartTimer()
				c0 := cpuTime()
				e.Advance(24 * time.Hour)
				cpu += cpuTime() - c0
			}
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/24h")
		})
	}
}
