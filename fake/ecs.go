package fake

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// ECS is an in-memory Amazon ECS. Its API methods have the signatures of
// aws-sdk-go-v2's *ecs.Client. All state is guarded by one mutex, so an
// *ECS is safe for concurrent use.
type ECS struct {
	mu     sync.Mutex
	cfg    config
	clock  Clock
	simNow time.Time
	events eventQueue
	// catchUp is the catch-up in progress, if any (catchup.go).
	catchUp catchUp
	seq     uint64
	created uint64 // tasks created (the catch-up benchmark's cost per task life)
	// rng is the seeded source of random decisions (the random placement
	// strategy, eventual consistency's lag, fault probabilities, Spot
	// interruptions); ids and idRand (its Rand) the seeded source of
	// identifiers (arn.go), a stream of its own so that how many
	// identifiers are drawn, and how, never changes a random decision
	// (the text of task IDs still orders the scheduler's equal choices).
	rng    *rand.Rand
	pcg    *rand.PCG // rng's source
	ids    *rand.PCG
	idRand *rand.Rand
	// placeBuf is scratch space for placement ties (reused, no allocs).
	placeBuf []*instance
	// spreadBuf is scratch space of the service scheduler's placement
	// (scheduler_spread.go), taken while in use and cleared when handed
	// back: it holds no task between placements.
	spreadBuf *spreadScratch
	// planBuf is the service scheduler's Plan, its slices reused from
	// one planner pass to the next (nil while a pass holds it).
	planBuf *plan.Plan
	// taskFree is the storage of forgotten tasks, for reuse (task_alloc.go).
	taskFree taskFreeList
	// stoppedHook, when set (by tests), is called with each task as it
	// becomes STOPPED, after everything enterStoppedLocked does to it
	// (task_stopped_reads_test.go pins the reads of stopped tasks to it).
	stoppedHook func(t *task)

	clusters  map[string]*cluster // by name
	families  map[string]*family  // by family name
	tasks     taskTable           // by task ID (task_table.go)
	instances map[string]*instance
	tags      map[string][]types.Tag // by resource ARN

	// services holds every service by cluster and name; dirty lists the
	// services the scheduler must plan at the next reconcile; applying is
	// the service whose plan is being applied (its own changes do not
	// make it dirty again).
	services map[serviceKey]*service
	svcOrder []*service
	dirty    []*service
	applying *service
	// dirtySpare is the storage of the list of dirty services not in use
	// (reconcileLocked: the two take turns).
	dirtySpare []*service

	// runTokens are RunTask's live client tokens (runtask_idem.go).
	runTokens runTokens

	// Capacity providers (capacity_spot.go): while spotUnavailable,
	// FARGATE_SPOT launches fail as ECS reports a capacity shortage.
	spotUnavailable bool
	// Auto Scaling group capacity providers (capacity_asg.go), by name.
	providers map[string]*capacityProvider
	asgs      map[string]*asgGroup

	faults   []*faultState
	opFaults map[string][]*opFault
	callLog  callLog // bounded summaries of the calls (calls.go)
	// journal is what Snapshot saves, kept WithSnapshots (journal.go);
	// start is the virtual time the world was created at.
	journal journal
	start   time.Time
	counts  map[string]int

	// latency is what each API call takes (latency.go); retryer, when set,
	// retries injected transient faults as the SDK would (retries.go).
	latency time.Duration
	retryer *sdkRetryer

	// elb is the Elastic Load Balancing v2 world (elbv2*.go): load
	// balancers, target groups, targets and their health faults.
	elb *elbWorld

	// logs is the CloudWatch Logs state served by the Logs view (logs*.go).
	logs logStore

	// Scaling (issue #16): the metrics' inputs (metrics*.go), CloudWatch
	// alarms (cloudwatch*.go) and Application Auto Scaling
	// (autoscaling*.go).
	metrics metricStore
	cw      *cwWorld
	aas     *aasWorld
	// stepAt is when the last lifecycle step was queued for (step_at.go).
	stepAt stepAt
}

// New returns an empty fake ECS (no clusters) reading a manual virtual
// clock unless WithClock says otherwise.
func New(opts ...Option) *ECS {
	cfg := config{region: "us-east-1", account: "123456789012", seed: 1}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.clock == nil {
		cfg.clock = NewManualClock(defaultStart)
	}
	if len(cfg.azs) == 0 {
		cfg.azs = []string{cfg.region + "a", cfg.region + "b", cfg.region + "c"}
	}
	cfg.timing = cfg.timing.withDefaults()
	cfg.quotas = cfg.quotas.withDefaults()
	if cfg.logStreamCap <= 0 {
		cfg.logStreamCap = DefaultLogStreamCap
	}
	e := &ECS{cfg: cfg, clock: cfg.clock, latency: cfg.latency()}
	e.simNow = e.clock.Now()
	e.start = e.simNow
	e.journal.on = cfg.snapshots
	e.resetLocked()
	return e
}

// resetLocked drops every resource, fault, call record and queued event.
func (e *ECS) resetLocked() {
	seed := uint64(e.cfg.seed)
	e.pcg = rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)
	e.rng = rand.New(e.pcg)
	e.ids = rand.NewPCG(seed, seed^idStream)
	e.idRand = rand.New(e.ids)
	e.events = eventQueue{}
	e.clusters = map[string]*cluster{}
	e.families = map[string]*family{}
	e.tasks = taskTable{}
	e.taskFree = taskFreeList{}
	e.instances = map[string]*instance{}
	e.tags = map[string][]types.Tag{}
	e.services = map[serviceKey]*service{}
	e.runTokens = runTokens{}
	e.svcOrder = nil
	e.dirty = nil
	e.applying = nil
	e.spotUnavailable = false
	e.providers = map[string]*capacityProvider{}
	e.asgs = map[string]*asgGroup{}
	e.faults = nil
	e.opFaults = map[string][]*opFault{}
	e.callLog.reset()
	e.counts = map[string]int{}
	e.elb = newELBWorld()
	e.logs = newLogStore()
	e.metrics = newMetricStore()
	e.cw = newCWWorld()
	e.aas = newAASWorld()
	e.retryer = nil
	if e.cfg.sdkRetries {
		e.retryer = newSDKRetryer(e.cfg.seed)
	}
}

// Reset returns the fake to its state just after New (the clock keeps its
// time and both random sources, identifiers' and decisions', are
// re-seeded).
func (e *ECS) Reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.journalControlLocked("Reset", nil, e.simNow)
	e.resetLocked()
}

// Now returns the fake's current virtual time.
func (e *ECS) Now() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.catchUpLocked()
}

// Advance moves the virtual clock forward by d (when the clock can be moved:
// the manual clock and RealTime can) and runs the simulation up to the new
// time.
func (e *ECS) Advance(d time.Duration) {
	if a, ok := e.clock.(advancer); ok {
		a.Advance(d)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.catchUpFullyLocked()
}

// Sleep waits d of virtual time. With a manual clock it advances the clock
// by d and returns at once; with a real-time clock it waits d/speed of real
// time (honouring ctx); with any other Clock it waits d of real time. With
// it *ECS satisfies the Deployer's clock.
func (e *ECS) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	wait := d // custom clocks: wait d of real time
	switch c := e.clock.(type) {
	case *realClock:
		wait = time.Duration(float64(d) / c.speed)
	case advancer:
		e.Advance(d)
		return nil
	}
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.catchUpFullyLocked()
	return nil
}

// beginLocked starts an ECS API call: it checks ctx, records the call, runs
// the simulation up to now and applies any injected operation fault. The
// caller holds e.mu.
func (e *ECS) beginLocked(ctx context.Context, op string, in any) (time.Time, error) {
	return e.beginServiceLocked(ctx, "ecs", op, in)
}

// faultErrorFunc turns the code of an injected operation fault into the
// error the service answering the call would return (errForCode for ECS,
// aasErrForCode, cwErrForCode, logsErrForCode for the services beside it).
type faultErrorFunc func(code string) error

// ecsFaultError is ECS's faultErrorFunc.
func ecsFaultError(code string) error { return errForCode(code, "") }

// beginServiceLocked is beginLocked for an operation of service ("ecs",
// "elbv2", ...) recorded in the call log as op.
func (e *ECS) beginServiceLocked(ctx context.Context, service, op string, in any) (time.Time, error) {
	return e.beginCallLocked(ctx, service, op, op, in, ecsFaultError)
}

// beginCallLocked is the start every operation of every service the fake
// serves goes through, so each behaves the same: it checks ctx, spends the
// per-call latency (WithCallLatency), runs the world up to now, journals
// the call under service's replayer (snapshot.go), records it in the call
// log as name, and applies scripted operation faults typed by faultErr,
// retried as the SDK would with WithStandardRetries; a fault's code is
// noted on the call. The caller holds e.mu (released during the latency).
func (e *ECS) beginCallLocked(ctx context.Context, service, op, name string, in any, faultErr faultErrorFunc) (time.Time, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return e.simNow, err
	}
	if err := e.passLocked(ctx, e.latency); err != nil {
		return e.simNow, err
	}
	now := e.catchUpLocked()
	e.journalCallLocked(ctx, service, op, name, in, now)
	e.recordCallLocked(name, in, now)
	if err := e.opFaultRetriedLocked(ctx, name, in, faultErr); err != nil {
		e.noteCallErrorLocked(err)
		return e.simNow, err
	}
	return e.simNow, nil
}
