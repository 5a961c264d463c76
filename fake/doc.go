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
// Faults (InjectFault, FailOperation, LoseInstance) and inspection (Calls,
// CallCounts, Tasks, TaskHistory) script and observe failures, in the
// spirit of cloud.google.com/go/pubsub/pstest.
package fake
