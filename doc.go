// Package ecsdeploy deploys containers to Amazon ECS, and ships an ECS
// simulator (package fake) so the same deploy code runs against AWS and in
// unit tests.
//
// # Where to start
//
// Three uses, each with a short runnable example on this page:
//
//   - A platform tool that deploys what teams already have as files:
//     LoadTaskDefinitionJSON and LoadServiceJSON read what the AWS CLI (v1
//     or v2) prints or takes; Deployer.Plan says what would change;
//     Deployer.Deploy registers, updates in one UpdateService and waits;
//     Deployer.Rollback goes back. See Example_platformTool, and
//     examples/platformtool for a whole tool with exit codes.
//   - A unit test of code that deploys, against the in-memory fake:
//     faketest.NewEnv (package fake/faketest) gives a fake with a cluster
//     and a Deployer on its virtual clock, logging progress to the test.
//     ecsdeploy.New(fake.New()) finds the fake's clock by itself, so a
//     whole deployment takes milliseconds. See Example_unitTestWithFake
//     and examples/unittest.
//   - A deploy script: a small program that builds a task definition with
//     NewTaskDefinition, deploys it with NewFromConfig(cfg).Deploy and
//     prints progress with NewTextRenderer. See Example_deployScript and
//     examples/deploy.
//
// # Clocks
//
// Every wait goes through a Clock. New uses the API itself when it is one
// (*fake.ECS: waits advance virtual time and take no wall time), and the
// wall clock otherwise (AWS). A fake served over HTTP (fake.Server,
// cmd/ecsfake) with -speed 0 needs WithClock(clock) with a fake.NewRemoteClock; with
// -speed N it follows the wall clock. Inside testing/synctest use
// fake.WithClock(fake.RealTime(1)): the bubble's synthetic time drives both.
//
// # Layers
//
//	your code ──> Deployer ──> API (the *ecs.Client methods it calls)
//	                              ├── *ecs.Client ──HTTP──> real ECS
//	                              ├── *ecs.Client ──HTTP──> fake.Server
//	                              └── *fake.ECS (in-process, virtual time)
//
// Builders (NewTaskDefinition, NewContainer, NewService) produce the SDK's
// own types and validate them before any API call. Errors work with
// errors.Is / errors.As (ErrServiceNotFound, *ValidationError,
// *DeploymentFailedError, ...); bad input is reported all at once, each
// problem naming its field, before anything is changed.
package ecsdeploy
