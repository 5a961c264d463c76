package chaos

import "time"

// Config describes one chaos scenario. Zero fields take the defaults of
// DefaultConfig scaled to Services.
type Config struct {
	// Seed drives every random choice (and the fake's own randomness).
	Seed int64
	// Services is the number of REPLICA services.
	Services int
	// Tasks is the total desiredCount across services at the start.
	Tasks int
	// Instances is the number of EC2 container instances.
	Instances int
	// Duration is the virtual time during which actions and faults happen.
	Duration time.Duration
	// Quiet is the fault-free virtual time at the end in which every
	// service must converge.
	Quiet time.Duration
	// Step is the virtual time between two rounds of actions and checks.
	Step time.Duration
	// ActionsPerStep is the mean number of deploy/scale/force actions per
	// step.
	ActionsPerStep float64
	// FaultsPerStep is the mean number of faults injected per step.
	FaultsPerStep float64
	// ThrottleRate and ServerErrorRate are the chances that a mutating API
	// call (RegisterTaskDefinition, UpdateService,
	// UpdateContainerInstancesState) fails with ThrottlingException or
	// ServerException while faults are on; the runner retries.
	ThrottleRate, ServerErrorRate float64
	// DeploymentDeadline is how long a deployment may stay IN_PROGRESS.
	DeploymentDeadline time.Duration
	// LoadBalancerEvery puts every n-th service behind an ALB target group
	// (lb.go): 0 means every third, a negative value none.
	LoadBalancerEvery int
	// ScalingEvery gives every n-th service a scalable target and a CPU
	// target-tracking policy under a changing load (scaling.go): 0 means
	// every fourth, a negative value none.
	ScalingEvery int
	// SpotEvery runs every n-th service on a FARGATE base 1 + FARGATE_SPOT
	// weight 3 strategy (never behind a load balancer) and adds Spot
	// interruptions and Spot shortages to the faults (capacity.go): 0
	// means every fifth, a negative value none.
	SpotEvery int
	// ManagedScalingEvery runs every n-th service (not a Spot one, not
	// behind a load balancer) on an Auto Scaling group capacity provider
	// with managed scaling, and lets faults lose the group's instances
	// (capacity.go): 0 means every seventh, a negative value none.
	ManagedScalingEvery int
	// BlueGreenEvery adds one blue/green service per n services, beside
	// them (bluegreen.go): behind its own ALB like the load-balanced
	// services plus an alternate target group and production and test
	// listener rules; every third deploys with CANARY or LINEAR instead of
	// BLUE_GREEN. 0 means one per five, a negative value none.
	BlueGreenEvery int
}

// every reports whether service i is one of every n-th (n > 0): the
// (n-1)th, (2n-1)th, ... counting from 0.
func every(n, i int) bool { return n > 0 && i%n == n-1 }

// spotService reports whether service i runs on the Fargate Spot strategy
// (SpotEvery).
func (c Config) spotService(i int) bool { return every(c.SpotEvery, i) }

// managedScalingService reports whether service i runs on the
// managed-scaling group (ManagedScalingEvery; never a Spot service).
func (c Config) managedScalingService(i int) bool {
	return !c.spotService(i) && every(c.ManagedScalingEvery, i)
}

// DefaultConfig is the scenario of issue 8 at full scale: 50 services,
// 2,000 tasks, 200 instances, 8 hours of faults (about one per 30 s step)
// and 1 hour of quiet.
func DefaultConfig() Config {
	return Config{
		Seed: 1, Services: 50, Tasks: 2000, Instances: 200,
		Duration: 8 * time.Hour, Quiet: time.Hour, Step: 30 * time.Second,
		ActionsPerStep: 2, FaultsPerStep: 1,
		ThrottleRate: 0.3, ServerErrorRate: 0.05,
		DeploymentDeadline: 90 * time.Minute,
	}
}

// withDefaults fills zero fields from DefaultConfig.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Services <= 0 {
		c.Services = d.Services
	}
	if c.Tasks <= 0 {
		c.Tasks = c.Services * d.Tasks / d.Services
	}
	if c.Instances <= 0 {
		c.Instances = max(4, c.Tasks/10)
	}
	if c.Duration <= 0 {
		c.Duration = d.Duration
	}
	if c.Quiet <= 0 {
		c.Quiet = d.Quiet
	}
	if c.Step <= 0 {
		c.Step = d.Step
	}
	if c.ActionsPerStep <= 0 {
		c.ActionsPerStep = d.ActionsPerStep
	}
	if c.FaultsPerStep <= 0 {
		c.FaultsPerStep = d.FaultsPerStep
	}
	if c.LoadBalancerEvery == 0 {
		c.LoadBalancerEvery = 3
	}
	if c.ScalingEvery == 0 {
		c.ScalingEvery = 4
	}
	if c.SpotEvery == 0 {
		c.SpotEvery = 5
	}
	if c.ManagedScalingEvery == 0 {
		c.ManagedScalingEvery = 7
	}
	if c.BlueGreenEvery == 0 {
		c.BlueGreenEvery = 5
	}
	if c.DeploymentDeadline <= 0 {
		c.DeploymentDeadline = d.DeploymentDeadline
	}
	return c
}
