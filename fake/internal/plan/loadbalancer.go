package plan

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// LoadBalancerHealth is a task's load-balancer input to the planner (the
// fake's ELBv2 decides it; see fake/elbv2_ecs.go).
type LoadBalancerHealth struct {
	// Behind is true when the task's service has load balancers: the task
	// then counts as healthy only once every target is healthy (and its
	// container health checks pass, when it has them), never by the 40 s
	// rule.
	Behind bool
	// Healthy is true when the task is registered and every one of its
	// targets is healthy.
	Healthy bool
	// Unhealthy is true when one of its targets is unhealthy.
	Unhealthy bool
	// StopReason is the stoppedReason of a task stopped for it: "Task
	// failed ELB health checks in (target-group ARN)".
	StopReason string
	// Event is the service event naming the unhealthy target: "(service X)
	// (port N) is unhealthy in (target-group ARN) due to (reason ...).".
	Event string
}

// classifyBehindLoadBalancer is classify for a task whose service has load
// balancers ("Health checks for Application Load Balancer target groups"
// and the ECS developer guide's "Use load balancing to distribute Amazon
// ECS service traffic": a task counts toward the deployment when its
// targets are healthy; load balancer failures are ignored during
// healthCheckGracePeriodSeconds). t is RUNNING and not being stopped.
func classifyBehindLoadBalancer(t *Task, d *Deployment, grace time.Duration, now time.Time) (condition, time.Time) {
	containerUnhealthy := d != nil && d.HasHealthCheck && t.Health == types.HealthStatusUnhealthy
	if containerUnhealthy || t.LoadBalancer.Unhealthy {
		if end := t.StartedAt.Add(grace); now.Before(end) {
			return condStarting, end
		}
		return condUnhealthy, time.Time{}
	}
	containerOK := d == nil || !d.HasHealthCheck || t.Health == types.HealthStatusHealthy
	if containerOK && t.LoadBalancer.Healthy {
		return condHealthy, time.Time{}
	}
	return condStarting, time.Time{}
}

// unhealthyTexts returns the service event and stoppedReason for stopping
// an unhealthy task: the load balancer's when a target failed (and the
// containers did not), else the container health check's.
func unhealthyTexts(service string, t *Task) (event, reason string) {
	if t.Health != types.HealthStatusUnhealthy && t.LoadBalancer.Unhealthy && t.LoadBalancer.StopReason != "" {
		return t.LoadBalancer.Event, t.LoadBalancer.StopReason
	}
	return FailedHealthChecksEvent(service, t.ID), HealthCheckStopReason
}
