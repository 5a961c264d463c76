package plan

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// A task behind a load balancer counts as healthy only when its targets are healthy (and its
// containers, when they have checks), never by the 40 s rule; target failures are ignored during
// the grace period ("Draining Amazon ECS container instances"; CreateService
// healthCheckGracePeriodSeconds).
func TestClassifyBehindLoadBalancer(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	running := func(lb LoadBalancerHealth, health types.HealthStatus) *Task {
		return &Task{LastStatus: TaskRunning, DesiredStatus: TaskRunning, StartedAt: t0, Health: health, LoadBalancer: lb}
	}
	noHC, withHC := &Deployment{}, &Deployment{HasHealthCheck: true}
	behind := LoadBalancerHealth{Behind: true}
	healthy := LoadBalancerHealth{Behind: true, Healthy: true}
	unhealthy := LoadBalancerHealth{Behind: true, Unhealthy: true, StopReason: "Task failed ELB health checks in (target-group tg)", Event: "(service s) (port 80) is unhealthy in (target-group tg) due to (reason Health checks failed)."}
	cases := []struct {
		name  string
		t     *Task
		d     *Deployment
		grace time.Duration
		at    time.Duration
		want  condition
		wake  time.Duration // 0: none
	}{
		{"not yet healthy target, long after start", running(behind, types.HealthStatusUnknown), noHC, 0, time.Hour, condStarting, 0},
		{"healthy target", running(healthy, types.HealthStatusUnknown), noHC, 0, time.Second, condHealthy, 0},
		{"healthy target, container not yet HEALTHY", running(healthy, types.HealthStatusUnknown), withHC, 0, time.Minute, condStarting, 0},
		{"healthy target and HEALTHY container", running(healthy, types.HealthStatusHealthy), withHC, 0, time.Minute, condHealthy, 0},
		{"unhealthy target, no grace", running(unhealthy, types.HealthStatusUnknown), noHC, 0, time.Minute, condUnhealthy, 0},
		{"unhealthy target within grace", running(unhealthy, types.HealthStatusUnknown), noHC, 2 * time.Minute, time.Minute, condStarting, 2 * time.Minute},
		{"unhealthy target after grace", running(unhealthy, types.HealthStatusUnknown), noHC, 2 * time.Minute, 2 * time.Minute, condUnhealthy, 0},
		{"UNHEALTHY container, healthy target", running(healthy, types.HealthStatusUnhealthy), withHC, 0, time.Minute, condUnhealthy, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, wake := classify(tc.t, tc.d, tc.grace, t0.Add(tc.at))
			wantWake := time.Time{}
			if tc.wake > 0 {
				wantWake = t0.Add(tc.wake)
			}
			if got != tc.want || !wake.Equal(wantWake) {
				t.Fatalf("classify = %v wake %v, want %v wake %v", got, wake, tc.want, wantWake)
			}
		})
	}
	ev, why := unhealthyTexts("s", running(unhealthy, types.HealthStatusUnknown))
	if ev != unhealthy.Event || why != unhealthy.StopReason {
		t.Errorf("load balancer texts: %q %q", ev, why)
	}
	ev, why = unhealthyTexts("s", &Task{ID: "abc", Health: types.HealthStatusUnhealthy, LoadBalancer: unhealthy})
	if ev != FailedHealthChecksEvent("s", "abc") || why != HealthCheckStopReason {
		t.Errorf("container failure wins: %q %q", ev, why)
	}
}
