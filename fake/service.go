package fake

import (
	"crypto/sha256"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// Service statuses (DescribeServices status).
const (
	serviceActive   = "ACTIVE"
	serviceDraining = "DRAINING"
	serviceInactive = "INACTIVE"
)

// maxServiceEvents is how many events a service keeps (newest first).
const maxServiceEvents = 100

// serviceKey identifies a service: services are unique per cluster and name.
type serviceKey struct {
	c    *cluster
	name string
}

// service is one REPLICA service with its deployments, tasks and events.
type service struct {
	// Eventual consistency (consistency.go): reads before visibleAt do not
	// see the service; reads before staleUntil see stale (the service as
	// it was before the last UpdateService).
	visibleAt, staleUntil time.Time
	stale                 *types.Service

	name, arn string
	c         *cluster
	status    string
	desired   int
	createdAt time.Time
	createdBy string

	launchType types.LaunchType
	// cps is the capacity provider strategy (nil: launchType is used;
	// launchType is then the providers' launch type, FARGATE, and hidden
	// from views: capacity.go).
	cps           []types.CapacityProviderStrategyItem
	platform      string
	deployCfg     types.DeploymentConfiguration
	netCfg        *types.NetworkConfiguration
	loadBalancers []types.LoadBalancer
	registries    []types.ServiceRegistry
	constraints   []types.PlacementConstraint
	strategies    []types.PlacementStrategy
	grace         *int32
	propagateTags types.PropagateTags
	managedTags   bool
	execCommand   bool
	roleArn       string

	// clientToken and fingerprint make CreateService idempotent.
	clientToken string
	fingerprint [sha256.Size]byte

	// deployments, oldest first; INACTIVE ones are pruned except the newest
	// COMPLETED one (a rollback target).
	deployments []*deployment
	// events, newest first, at most maxServiceEvents
	// (service_events_text.go).
	events []serviceEvent
	// tasks are the service's tasks that are not STOPPED or not yet seen
	// STOPPED by the planner.
	tasks []*task

	marks plan.ServiceMarks
	// dirty says s is on the list the reconcile at this instant plans;
	// mustPlan that a change since its last pass may matter to the
	// planner (without it the pass is skipped: scheduler_skip.go).
	dirty    bool
	mustPlan bool
	// wakeAt is the planner's last NextWakeup (zero: none).
	wakeAt time.Time
	// lastUnplaced / lastUnplacedAt throttle the "unable to place" event.
	lastUnplaced   string
	lastUnplacedAt time.Time
	// snap is the planner's view of s.tasks, kept from pass to pass
	// (scheduler_snapshot.go): while snapAligned it holds one row per
	// task, in s.tasks' order; snapChanged lists the tasks changed since
	// the last snapshot (snapStale: too many were, rebuild every row);
	// snapForced says the last snapshot rebuilt every row because it had
	// to (load balancers, a DRAINING instance). snapDeps is scratch space
	// for the snapshot's deployments.
	snap        []plan.Task
	snapAligned bool
	snapStale   bool
	snapForced  bool
	snapChanged []*task
	snapDeps    []plan.Deployment
	// snapAlike says that every task change noted since the last
	// snapshot left the task's row alike to what that snapshot wrote
	// (scheduler_skip.go: a pass may then be skipped without one).
	snapAlike bool
	// snapPartial counts the snapshots that rewrote only changed rows.
	snapPartial int
	// listedEpoch is the last batch of retired tasks that marked s's
	// tasks (task_alloc.go recycleRetiredLocked).
	listedEpoch uint32
	// plans counts plan.Compute calls (tests check it stays per instant);
	// skipped counts the passes skipped (scheduler_skip.go).
	plans   int
	skipped int
	// snaps counts snapshots; snapStopped is how many STOPPED tasks the
	// last one held (each marked with task.seenStopped = snaps), for
	// pruneStoppedLocked.
	snaps       uint64
	snapStopped int
	// alarm is a deployment alarm that fired, for the next plan
	// (deployment_alarms.go).
	alarm plan.DeploymentAlarm
	// scaling is the scaling activity that set the desired count and waits
	// for ECS to fulfil it (autoscaling_activity.go).
	scaling pendingScaling
	// history is the service deployments and revisions ECS keeps
	// (service_deployments.go).
	history deployHistory
}

// primary returns the service's PRIMARY deployment (the newest).
func (s *service) primary() *deployment {
	for i := len(s.deployments) - 1; i >= 0; i-- {
		if s.deployments[i].status == plan.StatusPrimary {
			return s.deployments[i]
		}
	}
	if len(s.deployments) > 0 {
		return s.deployments[len(s.deployments)-1]
	}
	return nil
}

// addEventLocked records a service event as the newest one, stamped
// strictly after the previous one (see eventStamp).
func (e *ECS) addEventLocked(s *service, msg string, now time.Time) {
	ev := e.newEventLocked(s, now)
	ev.Message = aws.String(msg)
}

// taskCounts returns the running and pending tasks per deployment id and in total.
func (s *service) taskCounts() (running, pending map[string]int, runTotal, pendTotal int) {
	running, pending = map[string]int{}, map[string]int{}
	for _, t := range s.tasks {
		switch t.lastStatus {
		case statusRunning:
			running[t.startedBy]++
			runTotal++
		case statusProvisioning, statusPending, statusActivating:
			pending[t.startedBy]++
			pendTotal++
		}
	}
	return running, pending, runTotal, pendTotal
}

// view renders the service as DescribeServices shows it: deployments
// (PRIMARY and ACTIVE, newest first, always a non-nil list) and events.
func (e *ECS) serviceViewLocked(s *service, withTags bool) types.Service {
	running, pending, runTotal, pendTotal := s.taskCounts()
	deps := make([]types.Deployment, 0, len(s.deployments))
	for i := len(s.deployments) - 1; i >= 0; i-- {
		d := s.deployments[i]
		if d.status == plan.StatusInactive {
			continue
		}
		deps = append(deps, types.Deployment{
			Id:                       aws.String(d.id),
			Status:                   aws.String(string(d.status)),
			TaskDefinition:           aws.String(d.td.arn),
			DesiredCount:             int32(d.desired),
			PendingCount:             int32(pending[d.id]),
			RunningCount:             int32(running[d.id]),
			FailedTasks:              int32(d.failedTasks),
			CreatedAt:                aws.Time(d.createdAt),
			UpdatedAt:                aws.Time(d.updatedAt),
			LaunchType:               viewLaunchType(d.launchType, d.cps),
			CapacityProviderStrategy: cloneStrategy(d.cps),
			PlatformVersion:          optString(d.platform),
			NetworkConfiguration:     d.netCfg,
			RolloutState:             d.rolloutState,
			RolloutStateReason:       aws.String(d.reason),
		})
	}
	cfg := s.deployCfg
	if cfg.DeploymentCircuitBreaker != nil {
		cb := *cfg.DeploymentCircuitBreaker
		cfg.DeploymentCircuitBreaker = &cb
	}
	out := types.Service{
		ServiceArn:                    aws.String(s.arn),
		ServiceName:                   aws.String(s.name),
		ClusterArn:                    aws.String(s.c.arn),
		Status:                        aws.String(s.status),
		DesiredCount:                  int32(s.desired),
		RunningCount:                  int32(runTotal),
		PendingCount:                  int32(pendTotal),
		LaunchType:                    viewLaunchType(s.launchType, s.cps),
		CapacityProviderStrategy:      cloneStrategy(s.cps),
		PlatformVersion:               optString(s.platform),
		DeploymentConfiguration:       &cfg,
		DeploymentController:          &types.DeploymentController{Type: types.DeploymentControllerTypeEcs},
		Deployments:                   deps,
		Events:                        s.eventsView(),
		CreatedAt:                     aws.Time(s.createdAt),
		CreatedBy:                     optString(s.createdBy),
		NetworkConfiguration:          s.netCfg,
		LoadBalancers:                 append([]types.LoadBalancer{}, s.loadBalancers...),
		ServiceRegistries:             append([]types.ServiceRegistry{}, s.registries...),
		PlacementConstraints:          append([]types.PlacementConstraint{}, s.constraints...),
		PlacementStrategy:             append([]types.PlacementStrategy{}, s.strategies...),
		HealthCheckGracePeriodSeconds: s.grace,
		SchedulingStrategy:            types.SchedulingStrategyReplica,
		PropagateTags:                 s.propagateTags,
		EnableECSManagedTags:          s.managedTags,
		EnableExecuteCommand:          s.execCommand,
		RoleArn:                       optString(s.roleArn),
		TaskSets:                      []types.TaskSet{},
	}
	if p := s.primary(); p != nil {
		out.TaskDefinition = aws.String(p.td.arn)
	}
	out.CurrentServiceDeployment, out.CurrentServiceRevisions = e.currentHistoryLocked(s, running, pending)
	if withTags {
		out.Tags = copyTags(e.tags[s.arn])
	}
	return out
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
