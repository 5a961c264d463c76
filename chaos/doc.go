// Package chaos runs seeded, reproducible chaos scenarios against the
// in-process fake ECS and checks the service scheduler's invariants at
// every step.
//
// Run builds a cluster of EC2 container instances and many REPLICA
// services, then for hours of virtual time deploys new revisions, scales
// and force-deploys them while faults strike at random: instances lost and
// drained, tasks crashing, images failing to pull, health checks flapping,
// Fargate Spot tasks interrupted and Spot capacity short (some services
// also run on an Auto Scaling group provider whose managed scaling
// launches instances for their waiting tasks and scales idle ones in, and
// whose lost instances the group replaces; Config.ManagedScalingEvery),
// and the API throttling or answering ServerException. After the faults
// stop, a quiet period lets every service converge.
//
// Check (used by Run after every step, and usable on any fake) verifies:
//
//   - max-percent: tasks a service keeps (desiredStatus RUNNING, not yet
//     STOPPED) never exceed floor(desiredCount * maximumPercent / 100), at
//     any check, the one right after desiredCount was lowered included
//     (the fake plans every change before a snapshot can see it, and the
//     planner stops the surplus, not-yet-healthy tasks first);
//   - min-healthy: while a service is deployed with no injected failure
//     touching it, healthy tasks stay at or above
//     ceil(desiredCount * minimumHealthyPercent / 100), healthy as the
//     service scheduler counts them: RUNNING for 40 s without container
//     health checks, HEALTHY with them, and behind a load balancer once
//     its targets are healthy (Checker.healthy);
//   - lost-instance: no task on a lost container instance is reported
//     anything but STOPPED;
//   - deployment-deadline: no PRIMARY deployment stays IN_PROGRESS past a
//     deadline (every rollout ends COMPLETED or FAILED);
//   - counts: a service's runningCount and pendingCount match its tasks;
//   - no-loss: every service created and every task definition revision
//     registered is still described, with its revision number;
//   - events: at most 100 per service, strictly newest first (each its own
//     createdAt, as ECS stamps them), unique ids, and none
//     dropped except the oldest by the cap;
//   - stopped-expiry: STOPPED tasks are forgotten after the retention
//     period, so memory stays bounded;
//   - lb-healthy: no task of a load-balanced service (every third service
//     by default, behind its own ALB target group, with target health
//     faults that fail for good or flap) is counted healthy unless its
//     targets have been healthy; lb-registered: every RUNNING task not
//     being stopped has its targets registered;
//   - capacity-base: every fifth service runs on FARGATE base 1 +
//     FARGATE_SPOT weight 3, and faults interrupt its Spot tasks or take
//     Spot capacity away for 5-15 minutes; once such a service has settled
//     (one PRIMARY deployment COMPLETED, runningCount = desiredCount, none
//     pending, no task being stopped, nothing injected since the last
//     check), its PRIMARY deployment runs at least min(base, desiredCount)
//     RUNNING tasks on the base provider (capacity.go);
//   - blue/green (one service per five beside the others by default,
//     Config.BlueGreenEvery; each behind its own ALB with a second target
//     group and production and test listener rules, every third CANARY or
//     LINEAR instead of BLUE_GREEN, deployed and faulted like the others;
//     check_bg.go): bg-rule, both rules forward only to the service's two
//     groups, weights 0-999 and not all 0; bg-stage-order, a service
//     deployment's lifecycleStage is a documented one and never moves
//     back; bg-before-shift, before PRODUCTION_TRAFFIC_SHIFT production
//     goes wholly to one group holding none of green's live targets;
//     bg-rollback, a rolling-back or rolled-back deployment leaves
//     production wholly on the PRIMARY (revived) deployment's group;
//     bg-completed, a steady service's production goes wholly to the group
//     holding its PRIMARY deployment's targets; and
//     max-percent allows such a service 200% (green at desiredCount beside
//     blue) instead of maximumPercent;
//   - converged (after the quiet period): every service runs desiredCount
//     tasks of its intended task definition in one COMPLETED deployment.
//
// Every run is a pure function of its Config: a failing seed is a
// reproducible test.
package chaos
