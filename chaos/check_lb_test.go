package chaos

import (
	"testing"
	"time"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// The lb-healthy and lb-registered invariants catch a task counted healthy whose target never
// was, and a RUNNING task whose target is gone; each task is reported once.
func TestCheckLoadBalancedInvariants(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewChecker(start)
	snap := Snapshot{Now: start.Add(time.Minute), LoadBalanced: []fake.LoadBalancedTask{
		{TaskArn: "ok", Service: "s", LastStatus: "RUNNING", CountedHealthy: true,
			Targets: []fake.TaskTarget{{ID: "i-1", Port: 49153, State: "healthy", EverHealthy: true}}},
		{TaskArn: "never-healthy", Service: "s", LastStatus: "RUNNING", CountedHealthy: true,
			Targets: []fake.TaskTarget{{ID: "i-1", Port: 49154, State: "initial"}}},
		{TaskArn: "unregistered", Service: "s", LastStatus: "RUNNING"},
		{TaskArn: "stopping", Service: "s", LastStatus: "RUNNING", Stopping: true,
			Targets: []fake.TaskTarget{{ID: "i-1", Port: 49155, State: "draining", EverHealthy: true}}},
	}}
	got := map[string]string{}
	for _, v := range c.Check(snap, Expect{}) {
		got[v.Subject] = v.Invariant
	}
	want := map[string]string{"never-healthy": "lb-healthy", "unregistered": "lb-registered"}
	if len(got) != len(want) || got["never-healthy"] != "lb-healthy" || got["unregistered"] != "lb-registered" {
		t.Fatalf("violations %v, want %v", got, want)
	}
	if again := c.Check(snap, Expect{}); len(again) != 0 {
		t.Fatalf("reported again: %v", again)
	}
}
