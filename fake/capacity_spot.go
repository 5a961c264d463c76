package fake

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// spotInterruptedReason is the stoppedReason of a task Fargate Spot took
// back; its stop code is SpotInterruption (re:Post knowledge center,
// "fargate-spot-termination-notice").
const spotInterruptedReason = "Your Spot Task was interrupted."

// SpotInterruption scripts Fargate Spot taking capacity back: at At, a
// Fraction of the FARGATE_SPOT tasks that match get ECS's two-minute
// warning (the task is asked to stop with stop code SpotInterruption and
// reason "Your Spot Task was interrupted.", SIGTERM goes to its
// containers, and it is STOPPED once they exit, within two minutes). The
// service scheduler replaces interrupted service tasks as it replaces any
// stopped task, on the provider its strategy says.
type SpotInterruption struct {
	// Cluster, Service and Family, when set, select the tasks of that
	// cluster (name or ARN), service (name or ARN) and task definition
	// family. The cluster and the service must exist when the
	// interruption is scheduled (ClusterNotFoundException,
	// ServiceNotFoundException; an ARN of another account, region or
	// partition names none); a service name without a cluster names the
	// services of that name in every cluster.
	Cluster, Service, Family string
	// Fraction of the matching tasks to interrupt, rounded up; 0 means all.
	Fraction float64
	// At is when; the zero time means now. A time in the past means now.
	At time.Time
}

// InterruptSpot schedules a Fargate Spot interruption. The matching tasks
// are chosen when it strikes, deterministically from the fake's seed.
func (e *ECS) InterruptSpot(si SpotInterruption) error {
	if si.Fraction < 0 || si.Fraction > 1 || math.IsNaN(si.Fraction) {
		return fmt.Errorf("spot interruption: fraction must be in [0,1], got %v", si.Fraction)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.catchUpLocked()
	journaled := si
	if err := e.resolveSpotLocked(&si); err != nil {
		return err
	}
	e.journalControlLocked("InterruptSpot", journaled, now)
	at := si.At
	if at.Before(now) {
		at = now
	}
	e.scheduleLocked(at, func(now time.Time) { e.interruptSpotLocked(si, now) })
	return nil
}

// resolveSpotLocked resolves si's cluster and service references to
// names (as interruptSpotLocked matches them): ClusterNotFoundException
// or ServiceNotFoundException when one names nothing the fake has.
func (e *ECS) resolveSpotLocked(si *SpotInterruption) error {
	var c *cluster
	if si.Cluster != "" {
		var err error
		if c, err = e.clusterLocked(&si.Cluster); err != nil {
			return err
		}
		si.Cluster = c.name
	}
	if si.Service == "" {
		return nil
	}
	// A service ARN names its cluster (arn:...:service/cluster/name; the
	// old format, arn:...:service/name, does not).
	inCluster := ""
	if kind, rest, ok := arnResource(si.Service); ok && kind == "service" {
		if cl, _, long := strings.Cut(rest, "/"); long {
			inCluster = cl
		}
	}
	for _, name := range e.clusterNamesLocked() {
		x := e.clusters[name]
		if (c == nil || x == c) && (inCluster == "" || x.name == inCluster) && x.status == "ACTIVE" {
			if s := e.serviceLocked(x, si.Service); s != nil && s.status != serviceInactive {
				si.Service = s.name
				return nil
			}
		}
	}
	return errServiceNotFound()
}

// interruptSpotLocked gives the matching FARGATE_SPOT tasks their notice.
func (e *ECS) interruptSpotLocked(si SpotInterruption, now time.Time) {
	var hit []*task
	for _, name := range e.clusterNamesLocked() {
		c := e.clusters[name]
		if si.Cluster != "" && si.Cluster != c.name && si.Cluster != c.arn {
			continue
		}
		for _, t := range c.tasks {
			if t.forgotten || t.capacityProvider != providerFargateSpot || t.desiredStatus != statusRunning {
				continue
			}
			if si.Service != "" && (t.svc == nil || t.svc.name != si.Service) {
				continue
			}
			if si.Family != "" && (t.td.def.Family == nil || *t.td.def.Family != si.Family) {
				continue
			}
			hit = append(hit, t)
		}
	}
	n := len(hit)
	if si.Fraction > 0 {
		n = int(math.Ceil(si.Fraction * float64(len(hit))))
	}
	if n < len(hit) {
		e.rng.Shuffle(len(hit), func(i, j int) { hit[i], hit[j] = hit[j], hit[i] })
		hit = hit[:n]
		slices.SortFunc(hit, func(a, b *task) int { return int(a.seq) - int(b.seq) })
	}
	for _, t := range hit {
		e.stopTaskLocked(t, types.TaskStopCodeSpotInterruption, spotInterruptedReason, now)
		if t.svc != nil {
			e.touchServiceLocked(t.svc)
		}
	}
}

// clusterNamesLocked returns the cluster names, sorted (a deterministic order).
func (e *ECS) clusterNamesLocked() []string {
	names := make([]string, 0, len(e.clusters))
	for n := range e.clusters {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// SetFargateSpotCapacity makes Fargate Spot capacity available (true, the
// default) or unavailable (false). While it is unavailable, FARGATE_SPOT
// launches fail with ECS's reason "Capacity is unavailable at this time.
// Please try again later or in a different availability zone": RunTask
// returns it in failures, and services emit "unable to place a task" with
// it and retry on their throttle schedule, never moving Spot's share to
// FARGATE (ECS Developer Guide, "AWS Fargate capacity providers").
func (e *ECS) SetFargateSpotCapacity(available bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.catchUpLocked()
	e.journalControlLocked("SetFargateSpotCapacity", available, now)
	e.spotUnavailable = !available
	if available {
		// Services waiting for Spot retry at once.
		for _, s := range e.svcOrder {
			if s.status != serviceInactive && len(s.cps) > 0 {
				e.wakeServiceLocked(s, now)
			}
		}
	}
}
