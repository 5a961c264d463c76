package ecsdeploy_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// The second program: a unit test that forgets WithClock. New
// takes the fake's clock because *fake.ECS implements Clock, so a whole
// deployment runs in virtual time (a real clock would sleep 5 s per poll,
// and Status.At would be today, not the fake's 2025).
func TestNewWithoutWithClockUsesTheFakesVirtualTime(t *testing.T) {
	e := fake.New()
	if _, err := e.CreateCluster(t.Context(), &ecs.CreateClusterInput{ClusterName: ptr("prod")}); err != nil {
		t.Fatal(err)
	}
	d := ecsdeploy.New(e) // no WithClock
	env := &fakeEnv{t: t, e: e, cluster: "prod", d: d}
	env.service("web", "web:1", 2, nil)
	start := e.Now()
	res, err := d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: "web:2"})
	if err != nil {
		t.Fatal(err)
	}
	if took := e.Now().Sub(start); took < 30*time.Second {
		t.Fatalf("deploy took %v of virtual time; it should have waited for the rollout in virtual time", took)
	}
	if !res.Status.At.Equal(e.Now()) || res.Status.At.Year() != 2025 {
		t.Fatalf("status read at %v, fake now %v: the Deployer is not on the fake's clock", res.Status.At, e.Now())
	}
}

// WithClock still wins over the API's own clock.
func TestWithClockOverridesTheAPIsClock(t *testing.T) {
	e := fake.New()
	if _, err := e.CreateCluster(t.Context(), &ecs.CreateClusterInput{ClusterName: ptr("prod")}); err != nil {
		t.Fatal(err)
	}
	other := fake.New(fake.WithClock(fake.NewManualClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))))
	d := ecsdeploy.New(e, ecsdeploy.WithClock(other))
	env := &fakeEnv{t: t, e: e, cluster: "prod", d: ecsdeploy.New(e)}
	env.service("web", "web:1", 1, nil)
	st, err := d.Status(t.Context(), "prod", "web")
	if err != nil {
		t.Fatal(err)
	}
	if st.At.Year() != 2030 {
		t.Fatalf("status at %v, want the WithClock clock (2030)", st.At)
	}
}

// With fake.WithSeed the same program makes the same calls at the same
// virtual times, retries included: the Deployer's retry jitter is drawn
// from the fake's seed (ecsdeploy.Seeded).
func TestSameSeedSameCallsIncludingRetryJitter(t *testing.T) {
	trace := func(seed int64) []string {
		e := fake.New(fake.WithSeed(seed))
		if _, err := e.CreateCluster(t.Context(), &ecs.CreateClusterInput{ClusterName: ptr("prod")}); err != nil {
			t.Fatal(err)
		}
		env := &fakeEnv{t: t, e: e, cluster: "prod", d: ecsdeploy.New(e)}
		env.service("web", "web:1", 2, nil)
		e.FailOperation("*", "ThrottlingException", 0, 0.4)
		if _, err := env.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: "prod", Service: "web", Image: "web:2"}); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range e.Calls() {
			out = append(out, c.Op+"@"+c.At.Format("15:04:05.000000"))
		}
		return out
	}
	a, b := trace(3), trace(3)
	if len(a) != len(b) {
		t.Fatalf("seed 3 twice: %d vs %d calls", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("call %d differs: %s vs %s", i, a[i], b[i])
		}
	}
	if c := trace(4); len(c) == len(a) && c[len(c)-1] == a[len(a)-1] {
		t.Logf("seeds 3 and 4 happened to end alike")
	}
}
