// Package ecsdeploytest is a conformance suite for ECS backends, in the
// spirit of testing/fstest.TestFS: Run drives the Deployer through the
// everyday scenarios (register, run and stop tasks, create a service,
// deploy, force a deployment, scale, failing deployments with and without
// the circuit breaker, timeouts, not-found errors) against any API — the
// in-process fake, the fake over HTTP, or real ECS — and checks the
// results, error types and contents.
package ecsdeploytest

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
)

// Backend is what Run needs from an ECS implementation. API and Cluster
// are required; hooks left nil skip the scenarios that need them, so a
// real-ECS run can skip what it cannot stage.
type Backend struct {
	// API is the ECS endpoint under test.
	API ecsdeploy.API
	// Clock is the clock all waits go through; nil means the wall clock.
	// With *fake.ECS pass the fake itself (virtual time).
	Clock ecsdeploy.Clock
	// Cluster names an existing ACTIVE cluster with capacity for
	// LaunchType (for EC2: instances with less than 30000 MiB of memory each).
	Cluster string
	// LaunchType is FARGATE (default) or EC2.
	LaunchType types.LaunchType
	// NetworkConfiguration is used for awsvpc tasks and services (required
	// by real Fargate).
	NetworkConfiguration *types.NetworkConfiguration
	// FargateSpot says Cluster has the FARGATE and FARGATE_SPOT capacity
	// providers associated (with LaunchType FARGATE); it enables the
	// capacity-provider scenario.
	FargateSpot bool
	// ExecutionRoleArn, when set, goes into every task definition.
	ExecutionRoleArn string
	// Image and OtherImage are two images whose tasks start and keep
	// running; defaults DefaultImage and DefaultOtherImage.
	Image, OtherImage string
	// NamePrefix prefixes every family and service name (default "ecsdeploytest").
	NamePrefix string
	// Timeout bounds each successful wait (default 30 min: a real circuit
	// breaker with rollback takes about 12 min, the throttle up to 27 min
	// between attempts; docs/ecs-semantics.md "Timings"); FailureTimeout
	// is the deadline the timeout scenarios use (default 3 min).
	Timeout, FailureTimeout time.Duration
	// PollInterval is the Deployer's poll interval (default 5 s).
	PollInterval time.Duration

	// FailingImage returns an image whose tasks never reach RUNNING (the
	// fake: inject a pull failure; real ECS: an image that does not
	// exist, see MissingImage). Nil skips the failing-deployment scenarios.
	FailingImage func(t *testing.T) string
	// ExitingContainer returns an image and command whose essential
	// container starts, then exits with code. Nil skips the exit-code scenario.
	ExitingContainer func(t *testing.T, code int32) (image string, command []string)
	// AddCapacity adds a container instance with cpu units and memory MiB
	// to Cluster (EC2 only). Nil skips the placement scenario.
	AddCapacity func(t *testing.T, cpu, memory int32)
	// FailOperation makes the next times calls of the ECS operation op
	// fail with the error code (e.g. "ThrottlingException"). Nil skips the
	// transient-error scenario.
	FailOperation func(t *testing.T, op, code string, times int)
	// Calls returns how many times each ECS operation (e.g.
	// "DescribeServices") was called so far. Nil skips the API-economy checks.
	Calls func() map[string]int

	// Load balancer scenarios (loadbalancers.go); nil hooks skip them.
	//
	// LoadBalancers is the backend's ELBv2 (an *elasticloadbalancingv2.Client,
	// or the fake's f.ELBv2()).
	LoadBalancers ecsdeploy.LoadBalancerAPI
	// TargetGroup returns the ARN of a new HTTP target group for port 80
	// with targetType ("ip" for awsvpc tasks, "instance" for bridge ones)
	// and the given deregistration delay, forwarded to by a listener of a
	// load balancer, so that a service can use it.
	TargetGroup func(t *testing.T, targetType string, deregistrationDelay time.Duration) string
	// FailingHealthCheckImage returns an image whose tasks run but fail
	// the load balancer's health checks (the fake: a target health fault;
	// real ECS: an image that does not answer HTTP on port 80).
	FailingHealthCheckImage func(t *testing.T) string

	// Logs is the CloudWatch Logs endpoint of the backend and LogGroup an
	// existing log group the log scenarios' containers write to (awslogs,
	// stream prefix "ecsdeploytest", region LogRegion, default
	// us-east-1). PrintingContainer returns an image and command whose
	// essential container prints lines (about one a second) and then
	// exits with code. Any of them nil or empty skips the log scenarios.
	// With Calls, the fake's "Logs.GetLogEvents" count bounds the calls.
	Logs              ecsdeploy.LogsAPI
	LogGroup          string
	LogRegion         string
	PrintingContainer func(t *testing.T, lines []string, code int32) (image string, command []string)

	// Scaling is the backend's Application Auto Scaling and SetCPULoad
	// puts a CPU load (percent of one task's CPU, shared by the running
	// tasks) on a service: the fake's SetLoad; on AWS, a load generator.
	// CloudWatch is the backend's CloudWatch (the deployment-alarm
	// scenario). Nil skips the respective scaling scenarios (scaling.go).
	Scaling    ecsdeploy.ScalingAPI
	SetCPULoad func(t *testing.T, service string, percent float64)
	CloudWatch CloudWatchAPI
}

// Default images: public, small, and keep running.
const (
	DefaultImage      = "public.ecr.aws/nginx/nginx:1.27"
	DefaultOtherImage = "public.ecr.aws/nginx/nginx:1.26"
)

// MissingImage returns a FailingImage hook for real ECS: an image
// reference that cannot be pulled.
func MissingImage(ref string) func(*testing.T) string {
	return func(*testing.T) string { return ref }
}

// ShellExit returns an ExitingContainer hook for real ECS: a busybox image
// running `sh -c "exit code"`.
func ShellExit(image string) func(*testing.T, int32) (string, []string) {
	return func(_ *testing.T, code int32) (string, []string) {
		return image, []string{"sh", "-c", "exit " + itoa(code)}
	}
}

// ShellPrint returns a PrintingContainer hook for real ECS: a busybox
// image running `sh -c "echo line; sleep 1; ...; exit code"`.
func ShellPrint(image string) func(*testing.T, []string, int32) (string, []string) {
	return func(_ *testing.T, lines []string, code int32) (string, []string) {
		var script []string
		for _, l := range lines {
			script = append(script, "echo '"+strings.ReplaceAll(l, "'", `'\''`)+"'", "sleep 1")
		}
		script = append(script, "exit "+itoa(code))
		return image, []string{"sh", "-c", strings.Join(script, "; ")}
	}
}

func (b Backend) withDefaults() Backend {
	if b.LogRegion == "" {
		b.LogRegion = "us-east-1"
	}
	if b.LaunchType == "" {
		b.LaunchType = types.LaunchTypeFargate
	}
	if b.Image == "" {
		b.Image = DefaultImage
	}
	if b.OtherImage == "" {
		b.OtherImage = DefaultOtherImage
	}
	if b.NamePrefix == "" {
		b.NamePrefix = "ecsdeploytest"
	}
	if b.Timeout == 0 {
		b.Timeout = 30 * time.Minute
	}
	if b.FailureTimeout == 0 {
		b.FailureTimeout = 3 * time.Minute
	}
	if b.PollInterval == 0 {
		b.PollInterval = 5 * time.Second
	}
	if b.Clock == nil {
		b.Clock = ecsdeploy.RealClock{}
	}
	return b
}
