package fake

import (
	"cmp"
	"slices"

	"github.com/ecsdeploy/ecsdeploy"
)

// LoadBalancedTask is the load-balancer view of one ECS task of a service
// with target groups, for checks such as the chaos runner's "no task
// counted healthy whose target is not healthy".
type LoadBalancedTask struct {
	// TaskArn is the task.
	TaskArn string
	// Service is the service name.
	Service string
	// LastStatus is the task's lastStatus; Stopping is true once its
	// desiredStatus is STOPPED.
	LastStatus string
	Stopping   bool
	// CountedHealthy is true once the service scheduler counted the task
	// as healthy for its deployment.
	CountedHealthy bool
	// Targets are the task's registered targets, with their current state.
	Targets []TaskTarget
}

// TaskTarget is one target an ECS task registered.
type TaskTarget struct {
	// TargetGroupArn, ID and Port identify the target.
	TargetGroupArn, ID string
	Port               int32
	// State is its current health state ("removed" once deregistration
	// ended).
	State string
	// EverHealthy is true once the target has been healthy.
	EverHealthy bool
}

// LoadBalancedTasks lists the remembered tasks of services with target
// groups in cluster (all clusters when cluster is ""), in launch order.
func (e *ECS) LoadBalancedTasks(cluster string) []LoadBalancedTask {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.catchUpLocked()
	var ts []*task
	for t := range e.tasks.all() {
		if t.svc != nil && (cluster == "" || t.c.name == cluster) && e.lbPlanHealthLocked(t).Behind {
			ts = append(ts, t)
		}
	}
	slices.SortFunc(ts, func(a, b *task) int { return cmp.Compare(a.seq, b.seq) })
	out := make([]LoadBalancedTask, 0, len(ts))
	for _, t := range ts {
		lt := LoadBalancedTask{TaskArn: t.arn(), Service: t.svc.name, LastStatus: t.lastStatus, Stopping: t.desiredStatus == statusStopped, CountedHealthy: t.healthyCounted}
		if t.lb != nil {
			for _, r := range t.lb.targets {
				state := string(r.t.th.State)
				if r.t.removed {
					state = "removed"
				}
				lt.Targets = append(lt.Targets, TaskTarget{TargetGroupArn: r.tg.arn, ID: r.t.id, Port: r.t.port, State: state, EverHealthy: r.t.everHealthy})
			}
		}
		out = append(out, lt)
	}
	return out
}

// LoadBalancers returns the world's ELBv2 as the Deployer's
// ecsdeploy.LoadBalancerAPI: ecsdeploy.New(f) finds it by itself.
func (e *ECS) LoadBalancers() ecsdeploy.LoadBalancerAPI { return e.ELBv2() }

var (
	_ ecsdeploy.LoadBalancerAPI = (*ELBv2)(nil)
	_ interface {
		LoadBalancers() ecsdeploy.LoadBalancerAPI
	} = (*ECS)(nil)
)
