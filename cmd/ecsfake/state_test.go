package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// ecsfakeProcess runs this test binary as ecsfake with args and returns
// the command and its URL.
func ecsfakeProcess(t *testing.T, args string) (*exec.Cmd, string, *bufio.Reader) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ECSFAKE_TEST_MAIN=1", "ECSFAKE_TEST_ARGS="+args)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(out)
	line, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ecsfake: serving Amazon ECS at ") {
		t.Fatalf("first line %q (%v)", line, err)
	}
	return cmd, strings.TrimSpace(strings.TrimPrefix(line, "ecsfake: serving Amazon ECS at ")), r
}

func clientFor(url string) *ecs.Client {
	return ecs.New(ecs.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("x", "x", "")})
}

// webService registers web and creates service web (2 tasks), then lets 2
// virtual minutes pass.
func webService(t *testing.T, url string) {
	t.Helper()
	ctx := context.Background()
	c := clientFor(url)
	if _, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("web"), Image: aws.String("nginx"), Memory: aws.Int32(128)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.NewControlClient(url, nil).Advance(ctx, 2*time.Minute); err != nil {
		t.Fatal(err)
	}
}

// runningWeb returns service web's running count (-1 when it is missing).
func runningWeb(t *testing.T, url string) int32 {
	t.Helper()
	out, err := clientFor(url).DescribeServices(context.Background(), &ecs.DescribeServicesInput{Services: []string{"web"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Services) == 0 {
		return -1
	}
	return out.Services[0].RunningCount
}

// -state FILE (issue #17 item 7): killed with SIGKILL between saves, the
// world restarts from the last save (at most -state-every lost); stopped
// with SIGTERM, it restarts with everything, at the same virtual time.
func TestStateSurvivesKillAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the subprocess test")
	}
	state := filepath.Join(t.TempDir(), "world.json")
	args := "-addr 127.0.0.1:0 -speed 0 -instances 2 -state " + state + " -state-every 100ms"
	cmd, url, _ := ecsfakeProcess(t, args)
	webService(t, url)
	// Wait (bounded) for a save that holds the service, then kill -9.
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(20 * time.Second)
	for saved := false; !saved; {
		select {
		case <-deadline:
			t.Fatal("no save holding the service within 20 s")
		case <-tick.C:
			b, _ := os.ReadFile(state)
			saved = strings.Contains(string(b), `"op":"CreateService"`) && strings.Contains(string(b), `"2025-01-01T00:02:00Z"`)
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	cmd, url, r := ecsfakeProcess(t, args)
	if n := runningWeb(t, url); n != 2 {
		t.Errorf("after kill -9 and restart: web runs %d tasks, want 2", n)
	}
	now, err := fake.NewControlClient(url, nil).Now(context.Background())
	if err != nil || !now.Equal(time.Date(2025, 1, 1, 0, 2, 0, 0, time.UTC)) {
		t.Errorf("restored virtual time %v (%v), want 00:02:00", now, err)
	}
	// One more change, then SIGTERM: nothing is lost.
	if _, err := clientFor(url).UpdateService(context.Background(), &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(r)
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit after SIGINT: %v", err)
	}
	if !strings.Contains(string(rest), "world restored from") || !strings.Contains(string(rest), "ecsfake: world saved to "+state) {
		t.Errorf("output = %q", rest)
	}
	cmd, url, _ = ecsfakeProcess(t, args)
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	fake.NewControlClient(url, nil).Advance(context.Background(), time.Minute)
	if n := runningWeb(t, url); n != 3 {
		t.Errorf("after SIGINT and restart: web runs %d tasks, want 3", n)
	}
}

// A corrupt, newer-format or older-format (version 1: other identifier
// draws) state file is a clear error at start, never a silent empty or
// other world; the file is left as it was.
func TestStateFileErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ name, content, want string }{
		{"corrupt.json", `{"format":"ecsdeploy-fake-state","version":1,"journal":[`, "not a readable snapshot"},
		{"newer.json", `{"format":"ecsdeploy-fake-state","version":9,"start":"2025-01-01T00:00:00Z","now":"2025-01-01T00:00:00Z"}`, "snapshot version 9 is newer than this fake reads (2)"},
		{"older.json", `{"format":"ecsdeploy-fake-state","version":1,"start":"2025-01-01T00:00:00Z","now":"2025-01-01T00:00:00Z"}`, "snapshot version 1 was written by an older fake that drew identifiers differently"},
		{"other.json", `{"hello":"world"}`, `format ""`},
	} {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, []byte(c.content), 0o600); err != nil {
			t.Fatal(err)
		}
		// Cancelled already: a file wrongly accepted makes run serve and
		// return at once (nil, the file saved over) instead of serving
		// until the test times out.
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		err := run(ctx, []string{"-addr", "127.0.0.1:0", "-state", path}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "-state "+path) || !strings.Contains(err.Error(), c.want) ||
			!strings.Contains(err.Error(), "move the file away") {
			t.Errorf("%s: %v, want an error naming the file and %q", c.name, err, c.want)
		}
		if b, _ := os.ReadFile(path); string(b) != c.content {
			t.Errorf("%s was changed", c.name)
		}
	}
}

// newStateFile writes a new world's snapshot to a state file for -state
// and returns its path.
func newStateFile(t *testing.T) string {
	t.Helper()
	snap, err := fake.New(fake.WithSnapshots()).Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, snap, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Without -state the banner says the world is lost at exit.
func TestBannerSaysStateIsInMemory(t *testing.T) {
	s := start(t, "-addr", "127.0.0.1:0")
	if !strings.Contains(s.banner, "state: in memory only: lost when ecsfake stops (-state FILE keeps it)") {
		t.Errorf("banner:\n%s", s.banner)
	}
}

// A state file restores at the default -speed 1 (a real-time clock) too:
// ecsfake starts, says so, and saves the world back at shutdown (it hung
// in Restore: the clock's lock was taken twice).
func TestStateRestoresAtDefaultSpeed(t *testing.T) {
	path := newStateFile(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // serve nothing: start, then shut down at once
	var out strings.Builder
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-state", path}, &out, io.Discard) }()
	select {
	case err := <-done:
		if err != nil || !strings.Contains(out.String(), "ecsfake: world restored from "+path) {
			t.Errorf("run: %v; output:\n%s\nwant the world restored", err, out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ecsfake -state FILE at the default speed did not start within 10 s")
	}
}
