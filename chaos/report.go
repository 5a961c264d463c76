package chaos

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Violation is one broken invariant.
type Violation struct {
	// At is the virtual time since the start of the run.
	At time.Duration
	// Invariant names the rule (max-percent, min-healthy, ...).
	Invariant string
	// Subject is the service, task or resource concerned.
	Subject string
	// Detail says what was seen.
	Detail string
}

// String renders the violation on one line: time, invariant, subject, detail.
func (v Violation) String() string {
	return fmt.Sprintf("%v %s %s: %s", v.At, v.Invariant, v.Subject, v.Detail)
}

// Report sums up a run.
type Report struct {
	// Seed is the run's seed.
	Seed int64
	// VirtualTime is the simulated time covered (faults and quiet).
	VirtualTime time.Duration
	// Steps is the number of steps; each ends with a full check.
	Steps int
	// Actions counts deploy, scale and force-deploy actions by kind.
	Actions map[string]int
	// Faults counts injected faults by kind (API faults count the calls
	// that failed).
	Faults map[string]int
	// Checks is the number of individual invariant evaluations.
	Checks int
	// Violations lists every broken invariant (empty on success).
	Violations []Violation
	// MaxEvents is the largest event list any service had.
	MaxEvents int
	// MaxTasksRemembered is the most tasks the fake remembered at once.
	MaxTasksRemembered int
	// Deployments is the number of deployments started, and Completed and
	// Failed how they ended.
	Deployments, Completed, Failed int
	// BlueGreen counts the blue/green services' deployments.
	BlueGreen BlueGreenCounts
}

// BlueGreenCounts counts blue/green deployments (service deployments with
// a lifecycle stage, as the newest of their service at some check) and
// how many were seen SUCCESSFUL and ROLLBACK_SUCCESSFUL; Split counts the
// checks that saw a production rule sending traffic to both groups (a
// CANARY or LINEAR shift in progress); Fargate the blue/green services
// on Fargate (the others run on EC2).
type BlueGreenCounts struct {
	Deployments, Completed, RolledBack, Split int
	Fargate                                   int
}

// FaultTotal is the number of faults injected.
func (r *Report) FaultTotal() int {
	n := 0
	for _, v := range r.Faults {
		n += v
	}
	return n
}

// String renders the report on a few lines.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "seed %d: %v virtual, %d steps, %d invariant checks, %d violations\n",
		r.Seed, r.VirtualTime, r.Steps, r.Checks, len(r.Violations))
	fmt.Fprintf(&b, "actions %s\nfaults %s (total %d)\n", counts(r.Actions), counts(r.Faults), r.FaultTotal())
	fmt.Fprintf(&b, "deployments %d (completed %d, failed %d); max events %d; max tasks remembered %d",
		r.Deployments, r.Completed, r.Failed, r.MaxEvents, r.MaxTasksRemembered)
	fmt.Fprintf(&b, "\nblue/green deployments %d (completed %d, rolled back %d); production split at %d checks; %d blue/green services on Fargate",
		r.BlueGreen.Deployments, r.BlueGreen.Completed, r.BlueGreen.RolledBack, r.BlueGreen.Split, r.BlueGreen.Fargate)
	for i, v := range r.Violations {
		if i == 10 {
			fmt.Fprintf(&b, "\n... %d more", len(r.Violations)-10)
			break
		}
		b.WriteString("\n  " + v.String())
	}
	return b.String()
}

func counts(m map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}
