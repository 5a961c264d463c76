package plan

import (
	"fmt"
	"reflect"
	"testing"

	"pgregory.net/rapid"
)

// Compute reads a task's load-balancer health only while the task is
// RUNNING and not being stopped: the fake's snapshot leaves it out for
// every other task (fake/scheduler.go), so the plan must not change when
// it is left out.
func TestLoadBalancerHealthReadOnlyForRunningTasks(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := drawSnapshot(t)
		// Every task is behind the load balancer: a snapshot without
		// load-balancer health would compare Compute with itself.
		for i := range s.Tasks {
			h := LoadBalancerHealth{Behind: true, Healthy: rapid.Bool().Draw(t, "lbHealthy")}
			if !h.Healthy && rapid.Bool().Draw(t, "lbUnhealthy") {
				h.Unhealthy = true
				h.StopReason = "Task failed ELB health checks in (target-group tg)"
				h.Event = fmt.Sprintf("(service web) (port 80) is unhealthy in (target-group tg) due to (task %s).", s.Tasks[i].ID)
			}
			s.Tasks[i].LoadBalancer = h
		}
		full := Compute(s)
		for i, tk := range s.Tasks {
			if !(tk.LastStatus == TaskRunning && tk.DesiredStatus != TaskStopped) {
				s.Tasks[i].LoadBalancer = LoadBalancerHealth{}
			}
		}
		if trimmed := Compute(s); !reflect.DeepEqual(full, trimmed) {
			t.Fatalf("the plan depends on the load-balancer health of a task that is not RUNNING:\nwith it    %+v\nwithout it %+v", full, trimmed)
		}
	})
}
