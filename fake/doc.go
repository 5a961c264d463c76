// Package fake is an in-memory Amazon ECS: it keeps state, places and runs
// tasks and advances a virtual clock. *ECS has the same method signatures
// as aws-sdk-go-v2's *ecs.Client for every operation it supports, so the
// SDK's waiters and paginators run against it unchanged.
//
// Time: the fake owns a Clock (a manual clock by default, or RealTime for
// servers and testing/synctest). Every API call first runs the simulation
// up to the clock's now; Advance moves the manual clock; Sleep lets code
// that waits through the fake's clock advance it.
//
// Placement on EC2 follows the ECS order: resources (CPU, memory, ports),
// then constraints (distinctInstance, memberOf), then strategies (binpack,
// spread, random). Fargate tasks need no instances and spread over the
// configured availability zones.
//
// Services (CreateService, UpdateService, DescribeServices, ListServices,
// DeleteService) run under a replica scheduler that applies the pure planner
// in fake/internal/plan once per virtual-time instant at which a service or
// one of its tasks changed: rolling deployments within minimumHealthyPercent
// and maximumPercent, the deployment circuit breaker and rollback, the
// start-failure throttle, replacement of stopped, unhealthy and draining
// tasks, and ECS's service event texts. ListServiceDeployments,
// DescribeServiceDeployments, DescribeServiceRevisions and
// StopServiceDeployment serve the history of each deployment (its service
// deployment and service revision, 90 days). Divergences: only REPLICA
// services with the ECS deployment controller (no DAEMON or external),
// rolling or ECS-native blue/green (strategy BLUE_GREEN, LINEAR or
// CANARY, behind ALB target groups or without a load balancer:
// bluegreen.go).
//
// Capacity providers: FARGATE and FARGATE_SPOT, and Auto Scaling group
// providers over groups declared with DeclareAutoScalingGroup, whose
// managed scaling launches instances for tasks waiting in PROVISIONING and
// terminates idle ones; a group replaces an instance lost with
// LoseInstance. See docs/fidelity.md, "Capacity providers".
//
// Load balancers: (*ECS).ELBv2 is Elastic Load Balancing v2 in the same
// world (load balancers, listeners and rules, target groups, targets and
// their health from the pure core fake/internal/targethealth, tags). A
// service task with loadBalancers is registered when it reaches RUNNING,
// counts as healthy only once its targets are healthy, is stopped and
// replaced when a target fails its health checks, and drains for the
// deregistration delay when it stops. TargetHealthFault scripts failing
// health checks.
//
// Faults (InjectFault, FailOperation, LoseInstance) and inspection (Calls,
// CallCounts, Faults, Tasks, TaskHistory) script and observe failures, in
// the spirit of cloud.google.com/go/pubsub/pstest. WithStandardRetries
// retries injected transient faults as the SDK's standard retryer would,
// for code that calls *ECS directly; WithCallLatency sets how much virtual
// time each call takes (20 ms by default with RealTime, so the SDK's
// waiters under testing/synctest behave as against ECS).
//
// Bounded by design: the call log keeps a bounded summary per call
// (Call.Request) within 10,000 calls / 4 MiB; ECS's service quotas are
// enforced (WithQuotas, DefaultQuotas); ListTasks pages through task
// indexes; a long catch-up of virtual time lets other callers in between
// instants. WithSnapshots with Snapshot and Restore save and rebuild the
// whole world exactly (cmd/ecsfake -state FILE). See docs/reliability.md.
//
// CloudWatch Logs: Logs returns a view of the same world with the
// signatures of *cloudwatchlogs.Client (groups, streams, PutLogEvents,
// GetLogEvents, FilterLogEvents with filter patterns, retention, tags).
// Containers whose task definition uses the awslogs driver write to their
// stream; FaultOutput scripts what they print. Server answers Logs on the
// same endpoint (X-Amz-Target Logs_20140328.*).
package fake
