package fake_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// midRollout builds a world WithSnapshots in the middle of a rolling
// deployment, with a probabilistic crash fault and a probabilistic
// operation fault (both draw from the world's random source).
func midRollout(t *testing.T, opts ...fake.Option) (*fake.ECS, []string) {
	t.Helper()
	ctx := context.Background()
	e := fake.New(append([]fake.Option{fake.WithSnapshots(), fake.WithSeed(7)}, opts...)...)
	if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	var insts []string
	for range 4 {
		arn, err := e.AddInstance("default", fake.InstanceSpec{CPU: 2048, Memory: 4096})
		if err != nil {
			t.Fatal(err)
		}
		insts = append(insts, arn)
	}
	td := func(image string) {
		if _, err := e.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"),
			ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("web"), Image: aws.String(image), Memory: aws.Int32(128), Cpu: 64}}}); err != nil {
			t.Fatal(err)
		}
	}
	td("web:1")
	if _, err := e.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String("web"),
		DesiredCount: aws.Int32(6), PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeRandom}},
		DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(50), MaximumPercent: aws.Int32(150)}}); err != nil {
		t.Fatal(err)
	}
	e.Advance(3 * time.Minute)
	if err := e.InjectFault(fake.Fault{Family: "web", Action: fake.FaultExit, ExitCode: 137, After: 90 * time.Second, Probability: 0.4}); err != nil {
		t.Fatal(err)
	}
	e.FailOperation("UpdateService", "ThrottlingException", 0, 0.5)
	td("web:2")
	for range 4 { // some throttled, as the random source decides
		_, _ = e.UpdateService(ctx, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String("web:2")})
	}
	e.Advance(25 * time.Second)
	return e, insts
}

// Snapshot and Restore (issue #17 item 7): a restored world is the saved
// one, and continues exactly as the uninterrupted one does under the same
// calls at the same virtual times: same tasks, IDs, placements, crashes
// drawn from the random source, deployments and events, checked with
// everything observable through the API after every step.
func TestRestoredWorldContinuesExactlyAsTheOriginal(t *testing.T) {
	for name, opts := range map[string][]fake.Option{
		"default": nil,
		// Calls that take virtual time, and in-fake SDK retries (their
		// backoff moves the clock inside a call).
		"latency and retries":  {fake.WithCallLatency(700 * time.Millisecond), fake.WithStandardRetries()},
		"eventual consistency": {fake.WithEventualConsistency(20 * time.Second)},
	} {
		t.Run(name, func(t *testing.T) { restoredContinuesExactly(t, opts...) })
	}
}

func restoredContinuesExactly(t *testing.T, opts ...fake.Option) {
	ctx := context.Background()
	a, insts := midRollout(t, opts...)
	b, snap := restoredCopy(t, a)
	if a.Now() != b.Now() {
		t.Fatalf("restored at %v, saved at %v", b.Now(), a.Now())
	}
	if ca, cb := fmt.Sprint(a.CallCounts()), fmt.Sprint(b.CallCounts()); ca != cb || len(a.Calls()) != len(b.Calls()) {
		t.Fatalf("call counts %s, restored %s", ca, cb)
	}
	for step := range 40 {
		for _, e := range []*fake.ECS{a, b} {
			switch step {
			case 10:
				_, _ = e.UpdateService(ctx, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(8)})
			case 15:
				_ = e.LoseInstance(insts[1])
			case 20:
				e.ClearFaults()
				_, _ = e.AddInstance("default", fake.InstanceSpec{CPU: 2048, Memory: 4096})
			}
			e.Advance(30 * time.Second)
		}
		if da, db := stateDump(t, a), stateDump(t, b); da != db {
			t.Fatalf("step %d: the restored world diverged:\noriginal %s\nrestored %s", step, da, db)
		}
	}
	// A snapshot of the restored world restores again.
	c, snap2 := restoredCopy(t, b)
	if stateDump(t, c) != stateDump(t, b) {
		t.Error("restoring a restored world's snapshot diverged")
	}
	t.Logf("snapshot: %d bytes; after 40 more steps: %d bytes", len(snap), len(snap2))
}

// Restore with WithClock(RealTime(speed)), as ecsfake -state restores at
// its default -speed 1, returns the saved world on that clock, continuing
// from the saved time (it never returned: the clock's lock was taken
// twice).
func TestRestoreOnRealTimeContinuesFromSavedTime(t *testing.T) {
	e, _ := midRollout(t)
	saved := e.Now()
	snap, err := e.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	type restored struct {
		e   *fake.ECS
		err error
	}
	done := make(chan restored, 1)
	go func() {
		r, err := fake.Restore(snap, fake.WithClock(fake.RealTime(1)))
		done <- restored{r, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		if now := r.e.Now(); now.Before(saved) || now.After(saved.Add(time.Minute)) {
			t.Errorf("restored on a real-time clock at %v, saved at %v: want it to continue from the saved time", now, saved)
		}
		if a, b := len(e.Tasks("default")), len(r.e.Tasks("default")); a != b {
			t.Errorf("restored world has %d tasks, saved %d", b, a)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Restore with a RealTime clock did not return within 10 s")
	}
}

// A document that is not a snapshot, a damaged one and one of a newer or
// older version are errors saying so, never an empty world (or another
// one).
func TestRestoreRefusesBadSnapshots(t *testing.T) {
	e, _ := midRollout(t)
	good, err := e.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not a readable snapshot"},
		{"truncated", good[:len(good)/2], "not a readable snapshot"},
		{"other format", edit(func(m map[string]any) { m["format"] = "something-else" }), `format "something-else"`},
		{"newer version", edit(func(m map[string]any) { m["version"] = 3 }), "snapshot version 3 is newer than this fake reads (2)"},
		{"version 1 (other identifier draws)", edit(func(m map[string]any) { m["version"] = 1 }), "snapshot version 1 was written by an older fake that drew identifiers differently"},
		{"entries out of order", edit(func(m map[string]any) {
			j := m["journal"].([]any)
			j[3], j[len(j)-1] = j[len(j)-1], j[3]
		}), "is out of order"},
		{"unknown service", edit(func(m map[string]any) {
			m["journal"].([]any)[2].(map[string]any)["service"] = "sqs"
		}), `service "sqs" is unknown to this version`},
		{"bad input", edit(func(m map[string]any) {
			m["journal"].([]any)[0].(map[string]any)["input"] = map[string]any{"clusterName": 5}
		}), "journal entry 0 (ecs CreateCluster)"},
	} {
		if _, err := fake.Restore(c.data); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", c.name, err, c.want)
		}
	}
	if _, err := fake.New().Snapshot(); err == nil || !strings.Contains(err.Error(), "WithSnapshots") {
		t.Errorf("Snapshot without WithSnapshots: %v", err)
	}
	m := fake.New(fake.WithSnapshots())
	_ = m.InjectFault(fake.Fault{Action: fake.FaultExit, Match: func(fake.FaultTarget) bool { return true }})
	if _, err := m.Snapshot(); err == nil || !strings.Contains(err.Error(), "Match predicate") {
		t.Errorf("Snapshot with a Match fault: %v", err)
	}
}

// The journal has a section per service of the world: CloudWatch Logs
// calls are saved and replayed like ECS's.
func TestSnapshotKeepsLogs(t *testing.T) {
	ctx := context.Background()
	a := fake.New(fake.WithSnapshots())
	logs := a.Logs()
	if _, err := logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/ecs/web")}); err != nil {
		t.Fatal(err)
	}
	if _, err := logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("/ecs/web"), LogStreamName: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	a.Advance(time.Minute)
	ts := a.Now().UnixMilli()
	if _, err := logs.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/ecs/web"), LogStreamName: aws.String("s"),
		LogEvents: []logstypes.InputLogEvent{{Message: aws.String("hello"), Timestamp: aws.Int64(ts)}}}); err != nil {
		t.Fatal(err)
	}
	b, _ := restoredCopy(t, a)
	for _, e := range []*fake.ECS{a, b} {
		out, err := e.Logs().GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/ecs/web"), LogStreamName: aws.String("s")})
		if err != nil || len(out.Events) != 1 || aws.ToString(out.Events[0].Message) != "hello" {
			t.Fatalf("events (%p): %+v %v", e, out, err)
		}
	}
}

// restoredCopy snapshots e and restores the snapshot; it returns the
// restored world and the snapshot.
func restoredCopy(t *testing.T, e *fake.ECS) (*fake.ECS, []byte) {
	t.Helper()
	snap, err := e.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	r, err := fake.Restore(snap)
	if err != nil {
		t.Fatal(err)
	}
	return r, snap
}
