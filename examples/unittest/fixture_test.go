package unittest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// world is a test's ECS: the fake, a Deployer over it in virtual time, the
// events it reported and the notifications the pipeline sent.
type world struct {
	e        *fake.ECS
	d        ecsdeploy.Deployer
	p        *Pipeline
	mu       sync.Mutex
	events   []ecsdeploy.Event
	notified []string
}

// newWorld arranges a cluster "prod", a migration task definition and a
// steady service "api" of 2 tasks on api:1, with the circuit breaker
// (rollback) on. Events of the set-up are dropped; tests read call
// counts relative to a count taken after set-up.
func newWorld(t *testing.T, opts ...ecsdeploy.Option) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{e: fake.New()}
	record := func(ev ecsdeploy.Event) {
		w.mu.Lock()
		w.events = append(w.events, ev)
		w.mu.Unlock()
	}
	w.d = ecsdeploy.New(w.e, append([]ecsdeploy.Option{ecsdeploy.WithClock(w.e), ecsdeploy.WithEvents(record)}, opts...)...)
	if _, err := w.e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	mig, err := ecsdeploy.NewTaskDefinition("api-migrate").Fargate().CPU(256).Memory(512).
		Container(ecsdeploy.NewContainer("migrate", "registry.example/api:1").Command("./migrate", "up")).Build()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.d.Register(ctx, mig); err != nil {
		t.Fatal(err)
	}
	api, err := ecsdeploy.NewTaskDefinition("api").Fargate().CPU(256).Memory(512).
		Container(ecsdeploy.NewContainer("api", "registry.example/api:1").Port(8080)).Build()
	if err != nil {
		t.Fatal(err)
	}
	svc, err := ecsdeploy.NewService("api").Cluster("prod").ForTaskDefinition(api).DesiredCount(2).Fargate().
		Network([]string{"subnet-1"}, nil, false).Deployment(50, 200).CircuitBreaker(true).Build()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.d.Register(ctx, api); err != nil {
		t.Fatal(err)
	}
	if _, err := w.d.CreateService(ctx, svc); err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	w.events = nil // only what the code under test causes
	w.mu.Unlock()
	w.p = &Pipeline{Deployer: w.d, Cluster: "prod", Service: "api", Migration: "api-migrate",
		Network: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}},
		Notify:  func(m string) { w.notified = append(w.notified, m) }}
	return w
}

// messages returns the text of every recorded event of type T.
func messages[T ecsdeploy.Event](w *world) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, e := range w.events {
		if _, ok := e.(T); ok {
			out = append(out, e.String())
		}
	}
	return out
}

// service describes api.
func (w *world) service(t *testing.T) types.Service {
	t.Helper()
	st, err := w.d.Status(context.Background(), "prod", "api")
	if err != nil {
		t.Fatal(err)
	}
	return st.Service
}

// migrationExits scripts the migration container to exit with code after 30s.
func (w *world) migrationExits(t *testing.T, code int32) {
	t.Helper()
	if err := w.e.InjectFault(fake.Fault{Family: "api-migrate", Action: fake.FaultExit, ExitCode: code, After: 30 * time.Second}); err != nil {
		t.Fatal(err)
	}
}
