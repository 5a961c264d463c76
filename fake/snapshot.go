package fake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy/internal/awsjson"
)

// SnapshotFormat and SnapshotVersion identify the files Snapshot writes. A
// file of another format, or of another version than this fake writes, is
// refused by Restore with an error saying so. Version 2 came with
// identifiers drawn sixteen hex digits per draw from a source of their own
// (round 6): replaying a version 1 journal would give its tasks other IDs,
// and the calls that named them would miss, a different world.
const (
	SnapshotFormat  = "ecsdeploy-fake-state"
	SnapshotVersion = 2
)

// snapshotFile is the saved form of a world: how it was built, and its
// journal (see journal.go).
type snapshotFile struct {
	Format  string         `json:"format"`
	Version int            `json:"version"`
	Config  snapshotConfig `json:"config"`
	// Start is the virtual time the world was created at; Now the virtual
	// time it had reached when saved.
	Start   time.Time      `json:"start"`
	Now     time.Time      `json:"now"`
	Journal []journalEntry `json:"journal"`
	// Counts and Calls are the call counts and log as saved (reads are
	// not all in the journal).
	Counts  map[string]int `json:"counts"`
	Calls   []Call         `json:"calls"`
	CallSeq uint64         `json:"callSeq"`
}

// snapshotConfig is what New was given that shapes the world.
type snapshotConfig struct {
	Region  string   `json:"region"`
	Account string   `json:"account"`
	Seed    int64    `json:"seed"`
	AZs     []string `json:"availabilityZones"`
	Timing  Timing   `json:"timing"`
	Quotas  Quotas   `json:"quotas"`
	// Consistency is WithEventualConsistency's lag.
	Consistency time.Duration `json:"eventualConsistency,omitempty"`
	// CallLatency is the virtual time each call took (WithCallLatency or
	// its default); SDKRetries is WithStandardRetries.
	CallLatency time.Duration `json:"callLatency,omitempty"`
	SDKRetries  bool          `json:"sdkRetries,omitempty"`
	// LogStreamCap is WithLogStreamCap's bound.
	LogStreamCap int `json:"logStreamCap,omitempty"`
}

// Snapshot returns the whole world as a versioned JSON document that
// Restore turns back into an identical world: every resource, the virtual
// clock, the seed and both random sources, queued lifecycle events, faults,
// counts. The fake must have been created WithSnapshots; a fault with a
// Match predicate cannot be saved (an error says so).
func (e *ECS) Snapshot() ([]byte, error) {
	f, err := e.snapshotFile()
	if err != nil {
		return nil, err
	}
	// Journal entries and call records never change once appended: the
	// copies taken under the lock are encoded without it.
	return json.Marshal(f)
}

// snapshotFile takes the lock and copies what Snapshot saves.
func (e *ECS) snapshotFile() (snapshotFile, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.journal.on {
		return snapshotFile{}, errors.New("fake: Snapshot needs a fake created WithSnapshots")
	}
	if e.journal.err != nil {
		return snapshotFile{}, fmt.Errorf("fake: this world cannot be saved: %w", e.journal.err)
	}
	now := e.catchUpLocked()
	j := e.journal.entries
	return snapshotFile{Format: SnapshotFormat, Version: SnapshotVersion, Start: e.start, Now: now,
		Config: snapshotConfig{Region: e.cfg.region, Account: e.cfg.account, Seed: e.cfg.seed, AZs: e.cfg.azs,
			Timing: e.cfg.timing, Quotas: e.cfg.quotas, Consistency: e.cfg.consistency,
			CallLatency: e.latency, SDKRetries: e.cfg.sdkRetries, LogStreamCap: e.cfg.logStreamCap},
		Journal: j[:len(j):len(j)], Counts: maps.Clone(e.counts), Calls: slices.Clone(e.callLog.calls), CallSeq: e.callLog.seq}, nil
}

// Restore rebuilds the world a Snapshot saved, at the virtual time it was
// saved, with WithSnapshots on. Its clock is a manual clock at that time,
// unless opts give WithClock(RealTime(speed)): that clock then continues
// from the saved time. Other options are taken from the snapshot. A
// document that is not a snapshot, is damaged, or comes from another
// version (see SnapshotVersion) is an error naming the problem, never an
// empty or other world.
func Restore(data []byte, opts ...Option) (*ECS, error) {
	var f snapshotFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("fake: restore: not a readable snapshot: %v", err)
	}
	switch {
	case f.Format != SnapshotFormat:
		return nil, fmt.Errorf("fake: restore: format %q, want %q", f.Format, SnapshotFormat)
	case f.Version > SnapshotVersion:
		return nil, fmt.Errorf("fake: restore: snapshot version %d is newer than this fake reads (%d); use the ecsdeploy version that wrote it", f.Version, SnapshotVersion)
	case f.Version < 1:
		return nil, fmt.Errorf("fake: restore: snapshot version %d is not valid", f.Version)
	case f.Version < SnapshotVersion:
		return nil, fmt.Errorf("fake: restore: snapshot version %d was written by an older fake that drew identifiers differently: its calls name IDs this fake would not draw, so it cannot be replayed faithfully; use the ecsdeploy version that wrote it", f.Version)
	case f.Start.IsZero() || f.Now.Before(f.Start):
		return nil, fmt.Errorf("fake: restore: damaged snapshot: now %v before start %v", f.Now, f.Start)
	}
	var asked config
	for _, o := range opts {
		o(&asked)
	}
	clock := NewManualClock(f.Start)
	// Each journal entry is at the virtual time its call ran, after its
	// latency: the replay adds none, then the world gets its own back.
	cfgOpts := []Option{WithRegion(f.Config.Region), WithAccount(f.Config.Account), WithSeed(f.Config.Seed),
		WithAvailabilityZones(f.Config.AZs...), WithTiming(f.Config.Timing), WithQuotas(f.Config.Quotas),
		WithEventualConsistency(f.Config.Consistency), WithClock(clock), WithSnapshots(), WithCallLatency(0)}
	if f.Config.LogStreamCap > 0 {
		cfgOpts = append(cfgOpts, WithLogStreamCap(f.Config.LogStreamCap))
	}
	if f.Config.SDKRetries {
		cfgOpts = append(cfgOpts, WithStandardRetries())
	}
	e := New(cfgOpts...)
	last := f.Start
	for i, en := range f.Journal {
		if en.At.Before(last) || en.At.After(f.Now) {
			return nil, fmt.Errorf("fake: restore: damaged snapshot: journal entry %d at %v is out of order", i, en.At)
		}
		last = en.At
		e.Advance(en.At.Sub(clock.Now()))
		replay := journalReplayers[en.Service]
		if replay == nil {
			return nil, fmt.Errorf("fake: restore: journal entry %d: service %q is unknown to this version", i, en.Service)
		}
		ctx := context.Background()
		if en.Region != "" {
			ctx = ContextWithRegion(ctx, en.Region)
		}
		if err := replay(ctx, e, en.Op, en.Input); err != nil {
			return nil, fmt.Errorf("fake: restore: journal entry %d (%s %s): %w", i, en.Service, en.Op, err)
		}
	}
	e.Advance(f.Now.Sub(clock.Now()))
	e.mu.Lock()
	e.counts = f.Counts
	if e.counts == nil {
		e.counts = map[string]int{}
	}
	e.latency = f.Config.CallLatency
	e.callLog = callLog{calls: f.Calls, seq: f.CallSeq}
	for _, c := range f.Calls {
		e.callLog.bytes += len(c.Request) + callOverhead
	}
	e.mu.Unlock()
	if rc, ok := asked.clock.(*realClock); ok {
		d := f.Now.Sub(rc.Now()) // Now takes rc.mu: read before locking
		rc.mu.Lock()
		rc.offset += d
		rc.mu.Unlock()
		e.mu.Lock()
		e.clock, e.cfg.clock = rc, rc
		e.mu.Unlock()
	} else if asked.clock != nil {
		return nil, errors.New("fake: restore: only RealTime clocks (or the default manual clock) can continue a snapshot")
	}
	return e, nil
}

// replayFunc applies one journal entry of a service to e. Errors the call
// answered are part of the journal (the original call failed the same
// way); a replayFunc returns an error only for an entry it cannot read.
type replayFunc func(ctx context.Context, e *ECS, op string, input []byte) error

// journalReplayers maps a journal entry's service to its replayer: a
// service added to the world adds its own entry (its section of the
// snapshot).
var journalReplayers = map[string]replayFunc{
	"ecs":  func(ctx context.Context, e *ECS, op string, in []byte) error { return replaySDK(ctx, e, op, in) },
	"logs": func(ctx context.Context, e *ECS, op string, in []byte) error { return replaySDK(ctx, e.Logs(), op, in) },
	"elbv2": func(ctx context.Context, e *ECS, op string, in []byte) error {
		return replaySDK(ctx, e.ELBv2(), op, in)
	},
	"control": replayControl,
}

// replaySDK calls the operation op of a service view (a method with the
// SDK client's shape) with the wire-form input.
func replaySDK(ctx context.Context, view any, op string, input []byte) error {
	m := reflect.ValueOf(view).MethodByName(op)
	if !m.IsValid() || m.Type().NumIn() != 3 || m.Type().In(1).Kind() != reflect.Pointer {
		return fmt.Errorf("unknown operation %q", op)
	}
	in := reflect.New(m.Type().In(1).Elem())
	if err := awsjson.Unmarshal(input, in.Interface(), awsjson.UnmarshalOptions{}); err != nil {
		return err
	}
	m.Call([]reflect.Value{reflect.ValueOf(ctx), in})
	return nil
}

// replayControl applies a journaled control.
func replayControl(_ context.Context, e *ECS, op string, input []byte) error {
	switch op {
	case "AddInstance":
		var a journalAddInstance
		if err := json.Unmarshal(input, &a); err != nil {
			return err
		}
		_, _ = e.AddInstance(a.Cluster, a.Spec)
	case "LoseInstance":
		var a journalLoseInstance
		if err := json.Unmarshal(input, &a); err != nil {
			return err
		}
		_ = e.LoseInstance(a.Ref)
	case "InjectFault":
		var f Fault
		if err := json.Unmarshal(input, &f); err != nil {
			return err
		}
		return e.InjectFault(f)
	case "FailOperation":
		var a journalFailOperation
		if err := json.Unmarshal(input, &a); err != nil {
			return err
		}
		e.FailOperation(a.Op, a.Code, a.Times, a.Probability)
	case "ClearFaults":
		e.ClearFaults()
	case "DeclareAutoScalingGroup":
		var spec AutoScalingGroupSpec
		if err := json.Unmarshal(input, &spec); err != nil {
			return err
		}
		_, _ = e.DeclareAutoScalingGroup(spec)
	case "InterruptSpot":
		var si SpotInterruption
		if err := json.Unmarshal(input, &si); err != nil {
			return err
		}
		_ = e.InterruptSpot(si) // fails as the journaled call did
	case "SetFargateSpotCapacity":
		var available bool
		if err := json.Unmarshal(input, &available); err != nil {
			return err
		}
		e.SetFargateSpotCapacity(available)
	case "InjectHealthFault":
		var f TargetHealthFault
		if err := json.Unmarshal(input, &f); err != nil {
			return err
		}
		_ = e.ELBv2().InjectHealthFault(f) // fails as the journaled call did
	case "ClearHealthFaults":
		e.ELBv2().ClearHealthFaults()
	case "Reset":
		e.Reset()
	default:
		return fmt.Errorf("unknown control %q", op)
	}
	return nil
}

// The operations replayECS calls have the SDK's shape.
var _ func(context.Context, *ecs.ListClustersInput, ...func(*ecs.Options)) (*ecs.ListClustersOutput, error) = (*ECS)(nil).ListClusters
