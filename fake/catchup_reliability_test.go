package fake_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// crashLoopServer serves a fake whose 300 service tasks exit 30 s after
// reaching RUNNING, for ever (ECS does not throttle tasks that reached
// RUNNING: Developer Guide, "Amazon ECS service throttle logic").
func crashLoopServer(t *testing.T) *faketest.Server {
	t.Helper()
	ctx := context.Background()
	srv := faketest.NewServer(t)
	e := srv.ECS
	if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	for range 40 {
		if _, err := e.AddInstance("default", fake.InstanceSpec{CPU: 2048, Memory: 4096}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("crash"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("app:crash"), Memory: aws.Int32(256), Cpu: 128}}}); err != nil {
		t.Fatal(err)
	}
	if err := e.InjectFault(fake.Fault{Family: "crash", Action: fake.FaultExit, ExitCode: 1, After: 30 * time.Second}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := e.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String(fmt.Sprintf("crash%d", i)),
			TaskDefinition: aws.String("crash"), DesiredCount: aws.Int32(100)}); err != nil {
			t.Fatal(err)
		}
	}
	e.Advance(5 * time.Minute)
	return srv
}

// Catching up virtual time never stalls every client (issue #17 item 3):
// while POST /_fake/v1/advance runs 20 virtual minutes of a 300-task crash
// loop (tens of thousands of events), another client keeps being answered,
// each answer within 0.5 s (before: it waited for the whole catch-up), and
// at least once as of an intermediate virtual time (with no yielding: 0 in
// every run; with it: 4 or more in each of 300 runs, -cpu 1 and 2, with
// and without -race); the advance itself returns only once the
// world reached its target, even with a second advance racing it.
func TestCatchUpLetsOtherClientsIn(t *testing.T) {
	srv := crashLoopServer(t)
	ctl := fake.NewControlClient(srv.URL, nil)
	ctx := context.Background()
	start, err := ctl.Now(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var seen sync.Map // virtual times the other client saw
	var advanced time.Duration
	p := probeWhileTimes(t, srv.URL, &seen, func() {
		t0 := time.Now()
		var wg sync.WaitGroup
		wg.Go(func() {
			if _, err := ctl.Advance(ctx, 10*time.Minute); err != nil {
				t.Error(err)
			}
		})
		now, err := ctl.Advance(ctx, 10*time.Minute)
		wg.Wait()
		advanced = time.Since(t0)
		if err != nil {
			t.Fatal(err)
		}
		// Whichever advance finished last, each waited for its target.
		if now.Before(start.Add(10 * time.Minute)) {
			t.Errorf("advance returned at %v, before its target %v", now, start.Add(10*time.Minute))
		}
	})
	end, _ := ctl.Now(ctx)
	if want := start.Add(20 * time.Minute); !end.Equal(want) {
		t.Errorf("after both advances the time is %v, want %v", end, want)
	}
	distinct := 0
	seen.Range(func(k, _ any) bool {
		if at := k.(time.Time); at.After(start) && at.Before(end) {
			distinct++
		}
		return true
	})
	t.Logf("20 virtual minutes of crash loop in %v; other client: %v; %d intermediate virtual times seen",
		advanced.Round(time.Millisecond), p, distinct)
	if p.failures > 0 || p.worst > otherClientBound(500*time.Millisecond) {
		t.Errorf("other client: %d failures, worst %v; want none and every answer within 0.5 s", p.failures, p.worst)
	}
	// The other client got in during the catch-up: it was answered as of
	// virtual times between the start and the end. A catch-up that keeps
	// the lock throughout shows none, but is over before the latency bound
	// (0.1 s, 1 s under -race), so this is what fails then.
	if distinct == 0 {
		t.Errorf("the other client saw no intermediate virtual time during a %v catch-up", advanced)
	}
}

// probeWhileTimes is probeWhile with GET /_fake/v1/time, recording the
// virtual times answered in seen.
func probeWhileTimes(t *testing.T, url string, seen *sync.Map, f func()) probe {
	t.Helper()
	return probeWith(t, func(client *http.Client) error {
		resp, err := client.Get(url + "/_fake/v1/time")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var doc struct {
			Now time.Time `json:"now"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
			return err
		}
		seen.Store(doc.Now.UTC(), true)
		return nil
	}, f)
}
