package faketest

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// Env is an in-process fake ECS with a cluster and a Deployer wired to it,
// for a unit test of code that deploys: see NewEnv.
type Env struct {
	// ECS is the fake, for arranging state, scripting faults
	// (InjectFault, FailOperation) and asserting on calls (CallCount).
	ECS *fake.ECS
	// Deployer works on ECS in its virtual time: a whole deployment takes
	// milliseconds of wall time. Its progress goes to the test log.
	Deployer ecsdeploy.Deployer
	// Cluster is the cluster NewEnv created ("default" unless WithCluster).
	Cluster string
}

// EnvOption configures NewEnv.
type EnvOption func(*envConfig)

type envConfig struct {
	cluster  string
	fakeOpts []fake.Option
	dOpts    []ecsdeploy.Option
}

// WithCluster names the cluster NewEnv creates (default "default").
func WithCluster(name string) EnvOption { return func(c *envConfig) { c.cluster = name } }

// WithFakeOptions passes options to fake.New (seed, timing, region, ...).
func WithFakeOptions(opts ...fake.Option) EnvOption {
	return func(c *envConfig) { c.fakeOpts = append(c.fakeOpts, opts...) }
}

// WithDeployerOptions passes options to ecsdeploy.New (poll interval,
// timeout, rollback, ...); progress events still go to the test log unless
// an ecsdeploy.WithEvents given here replaces them.
func WithDeployerOptions(opts ...ecsdeploy.Option) EnvOption {
	return func(c *envConfig) { c.dOpts = append(c.dOpts, opts...) }
}

// NewEnv sets up, in one call, what a unit test of deploy code needs: an
// in-process fake ECS (manual virtual clock), a cluster, and a Deployer on
// the fake's clock whose progress is rendered by ecsdeploy.TextRenderer
// into the test log (t.Log, shown with go test -v or when the test fails).
//
//	env := faketest.NewEnv(t)
//	env.ECS.InjectFault(fake.Fault{Image: "*:broken", Action: fake.FaultFailStart})
//	err := codeUnderTest(t.Context(), env.Deployer)
func NewEnv(t testing.TB, opts ...EnvOption) *Env {
	t.Helper()
	cfg := envConfig{cluster: "default"}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	e := fake.New(cfg.fakeOpts...)
	if _, err := e.CreateCluster(context.Background(), &ecs.CreateClusterInput{ClusterName: aws.String(cfg.cluster)}); err != nil {
		t.Fatalf("faketest.NewEnv: creating cluster %q: %v", cfg.cluster, err)
	}
	lg := &testLog{t: t}
	t.Cleanup(lg.stop)
	r := ecsdeploy.NewTextRenderer(lg)
	r.TimeFormat = "15:04:05"
	dOpts := append([]ecsdeploy.Option{ecsdeploy.WithEvents(r.Render)}, cfg.dOpts...)
	return &Env{ECS: e, Deployer: ecsdeploy.New(e, dOpts...), Cluster: cfg.cluster}
}

// testLog writes each complete line to t.Log; lines written after the
// test ended are dropped (t.Log would panic).
type testLog struct {
	t    testing.TB
	mu   sync.Mutex
	buf  strings.Builder
	done bool
}

// Write logs every complete line of p with t.Log.
func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done {
		return len(p), nil
	}
	l.buf.Write(p)
	s := l.buf.String()
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			break
		}
		l.t.Log(s[:i])
		s = s[i+1:]
	}
	l.buf.Reset()
	l.buf.WriteString(s)
	return len(p), nil
}

func (l *testLog) stop() {
	l.mu.Lock()
	l.done = true
	l.mu.Unlock()
}
