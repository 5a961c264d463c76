// Package ecsdeploy deploys containers to Amazon ECS and ships the most
// faithful ECS simulator there is, so the same deploy code runs against AWS
// and inside unit tests.
//
// It follows the path every ECS user walks: a Docker image in a registry, a
// task definition (image, CPU/memory, ports), tasks run on a cluster, a
// service that keeps N tasks running behind the replica scheduler, a
// deployment (new revision or "force new deployment") that rolls within
// minimumHealthyPercent / maximumPercent, waiting for steady state,
// explaining failures and rolling back.
//
// The library has three layers:
//
//	your code ──> Deployer ──> API (the *ecs.Client methods it calls)
//	                              ├── *ecs.Client ──HTTP──> real ECS
//	                              ├── *ecs.Client ──HTTP──> fake.Server
//	                              └── *fake.ECS (in-process, virtual time)
//
// Builders (NewTaskDefinition, NewContainer, NewService) produce the SDK's
// own types and validate them before any API call.
package ecsdeploy
