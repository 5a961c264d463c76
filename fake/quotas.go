package fake

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Quotas are the ECS service quotas the fake enforces, so that a script
// that would hit a quota in AWS hits it here first and no client can grow
// the fake's state without bound. The defaults are the documented ones
// (Amazon ECS Developer Guide, "Amazon ECS service quotas"); tests that
// want more set them with WithQuotas (cmd/ecsfake: -quota). A value of 0
// means the default; a negative value means no limit.
//
// Containers per task definition (10), task definition size (64 KiB),
// tags per resource (50) and tasks launched per RunTask (10) are fixed
// and enforced by validation.
type Quotas struct {
	// ClustersPerAccount: "Clusters per account", 10,000.
	ClustersPerAccount int `json:"clustersPerAccount,omitempty"`
	// ContainerInstancesPerCluster: "Container instances per cluster", 5,000.
	ContainerInstancesPerCluster int `json:"containerInstancesPerCluster,omitempty"`
	// ServicesPerCluster: "Services per cluster", 5,000.
	ServicesPerCluster int `json:"servicesPerCluster,omitempty"`
	// TasksPerService: "Tasks per service" (the desired count), 5,000.
	TasksPerService int `json:"tasksPerService,omitempty"`
	// RevisionsPerFamily: "Revisions per task definition family",
	// 1,000,000; deregistered revisions count too.
	RevisionsPerFamily int `json:"revisionsPerFamily,omitempty"`
}

// DefaultQuotas returns the documented ECS defaults.
func DefaultQuotas() Quotas {
	return Quotas{ClustersPerAccount: 10_000, ContainerInstancesPerCluster: 5_000,
		ServicesPerCluster: 5_000, TasksPerService: 5_000, RevisionsPerFamily: 1_000_000}
}

// withDefaults fills zero fields with the defaults.
func (q Quotas) withDefaults() Quotas {
	d := DefaultQuotas()
	for _, f := range []struct{ v, def *int }{
		{&q.ClustersPerAccount, &d.ClustersPerAccount}, {&q.ContainerInstancesPerCluster, &d.ContainerInstancesPerCluster},
		{&q.ServicesPerCluster, &d.ServicesPerCluster}, {&q.TasksPerService, &d.TasksPerService},
		{&q.RevisionsPerFamily, &d.RevisionsPerFamily},
	} {
		if *f.v == 0 {
			*f.v = *f.def
		}
	}
	return q
}

// WithQuotas sets the service quotas the fake enforces (see Quotas).
func WithQuotas(q Quotas) Option { return func(c *config) { c.quotas = q } }

// over reports whether n existing resources already fill quota q.
func over(n, q int) bool { return q >= 0 && n >= q }

// errLimitExceeded is ECS's LimitExceededException ("The limit for the
// resource was exceeded.") naming the quota.
func errLimitExceeded(quota string, limit int) error {
	return &types.LimitExceededException{Message: aws.String(fmt.Sprintf(
		"The limit for the resource was exceeded: %s is %d.", quota, limit))}
}

// quotaClusterLocked refuses a new cluster past ClustersPerAccount.
func (e *ECS) quotaClusterLocked() error {
	n := 0
	for _, c := range e.clusters {
		if c.status == "ACTIVE" {
			n++
		}
	}
	if q := e.cfg.quotas.ClustersPerAccount; over(n, q) {
		return errLimitExceeded("Clusters per account", q)
	}
	return nil
}

// quotaInstancesLocked refuses k more instances in c past
// ContainerInstancesPerCluster (all k or none; INACTIVE ones do not
// count). Every registration goes through it: registerInstancesLocked.
func (e *ECS) quotaInstancesLocked(c *cluster, k int) error {
	n := k - 1
	for _, in := range c.instances {
		if in.status != "INACTIVE" {
			n++
		}
	}
	if q := e.cfg.quotas.ContainerInstancesPerCluster; over(n, q) {
		return errLimitExceeded("Container instances per cluster", q)
	}
	return nil
}

// quotaServiceLocked refuses a new service in c past ServicesPerCluster
// (ACTIVE and DRAINING services count).
func (e *ECS) quotaServiceLocked(c *cluster) error {
	n := 0
	for _, s := range e.svcOrder {
		if s.c == c && s.status != serviceInactive {
			n++
		}
	}
	if q := e.cfg.quotas.ServicesPerCluster; over(n, q) {
		return errLimitExceeded("Services per cluster", q)
	}
	return nil
}

// quotaDesiredCount refuses a desired count past TasksPerService with the
// text ECS answers ("Desired count exceeds limit.", an
// InvalidParameterException, as reported in aws/containers-roadmap#768).
func (e *ECS) quotaDesiredCount(desired int32) error {
	if q := e.cfg.quotas.TasksPerService; q >= 0 && int(desired) > q {
		return errInvalidParam("Desired count exceeds limit.")
	}
	return nil
}

// quotaRevisionLocked refuses a new revision of f past RevisionsPerFamily.
func (e *ECS) quotaRevisionLocked(f *family) error {
	if f == nil {
		return nil
	}
	if q := e.cfg.quotas.RevisionsPerFamily; over(len(f.revs), q) {
		return errLimitExceeded("Revisions per task definition family", q)
	}
	return nil
}
