package fake_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// cliEvent is a service event as the AWS CLI (v1) prints it: createdAt
// in epoch seconds with milliseconds.
type cliEvent struct {
	ID        string      `json:"id"`
	CreatedAt json.Number `json:"createdAt"`
	Message   string      `json:"message"`
}

// at parses createdAt exactly (no float rounding).
func (e cliEvent) at() (time.Time, error) {
	sec, frac, _ := strings.Cut(e.CreatedAt.String(), ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	frac = (frac + "000000000")[:9]
	ns, err := strconv.ParseInt(frac, 10, 64)
	return time.Unix(s, ns).UTC(), err
}

// logFollower prints service events the way log-following deploy tools
// do (ecspresso, `ecs-cli logs`-style scripts): only events whose
// createdAt is newer than the newest one it printed, keyed by createdAt.
// Events that share a createdAt with a printed one are never printed.
type logFollower struct {
	last    time.Time
	printed []string
}

// follow takes one describe-services answer (events newest first).
func (f *logFollower) follow(t *testing.T, events []cliEvent) {
	t.Helper()
	var prev time.Time
	for i := len(events) - 1; i >= 0; i-- { // oldest first
		at, err := events[i].at()
		if err != nil {
			t.Fatalf("createdAt %q: %v", events[i].CreatedAt, err)
		}
		if !prev.IsZero() && !at.After(prev) {
			t.Errorf("event %q at %v is not newer than the event before it (%v): not strictly ordered", events[i].Message, at, prev)
		}
		prev = at
		if at.After(f.last) {
			f.printed = append(f.printed, events[i].Message)
			f.last = at
		}
	}
}

// cliScript runs the AWS CLI against url.
type cliScript struct {
	t   *testing.T
	url string
	dir string
}

func (c cliScript) run(args ...string) string {
	c.t.Helper()
	cmd := exec.CommandContext(c.t.Context(), "aws", append([]string{"--endpoint-url", c.url, "--output", "json"}, args...)...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(),
		"AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=x", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE="+filepath.Join(c.dir, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(c.dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		c.t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

// events runs describe-services and returns the service's events.
func (c cliScript) events() []cliEvent {
	c.t.Helper()
	var out struct {
		Services []struct {
			Events []cliEvent `json:"events"`
		} `json:"services"`
	}
	if err := json.Unmarshal([]byte(c.run("ecs", "describe-services", "--cluster", "prod", "--services", "web")), &out); err != nil || len(out.Services) != 1 {
		c.t.Fatalf("describe-services: %v %+v", err, out)
	}
	return out.Services[0].Events
}

// A deploy scripted with the AWS CLI alone against the fake's HTTP server
// (issue #18.6): register, create-service, `wait services-stable`, a good
// update-service, then an image that cannot be pulled (the circuit
// breaker fails it and rolls back), following describe-services events
// the way log-following tools do. Every answer lists events strictly
// ordered by createdAt, and the follower prints every event once, in the
// order they happened, including the five a breaker trip writes at one
// instant ("unable to consistently start", "deployment failed", "rolling
// back", "deployment completed", "steady state").
func TestAWSCLIScriptedDeployEventsAsLogFollowersSeeThem(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the test that starts the AWS CLI")
	}
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("AWS CLI (`aws`) not on PATH")
	}
	// Virtual time moves only when the test says (as a CI job would with
	// POST /_fake/v1/advance): 15 minutes before each wait, so that
	// `wait services-stable` finds the service stable at its first read.
	e := fake.New()
	srv := faketest.NewServerFor(t, e)
	if err := e.InjectFault(fake.Fault{Image: "nginx:broken", Action: fake.FaultFailStart}); err != nil {
		t.Fatal(err)
	}
	c := cliScript{t: t, url: srv.URL, dir: t.TempDir()}
	td := func(image string) string {
		return `{"family":"web","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512",` +
			`"containerDefinitions":[{"name":"app","image":"` + image + `","essential":true}]}`
	}
	f := &logFollower{}
	c.run("ecs", "create-cluster", "--cluster-name", "prod")
	c.run("ecs", "register-task-definition", "--cli-input-json", td("nginx:1"))
	c.run("ecs", "create-service", "--cluster", "prod", "--service-name", "web", "--task-definition", "web:1", "--desired-count", "2",
		"--launch-type", "FARGATE", "--network-configuration", "awsvpcConfiguration={subnets=[subnet-1]}",
		"--deployment-configuration", "deploymentCircuitBreaker={enable=true,rollback=true}")
	e.Advance(15 * time.Minute)
	c.run("ecs", "wait", "services-stable", "--cluster", "prod", "--services", "web")
	f.follow(t, c.events())
	for _, image := range []string{"nginx:2", "nginx:broken"} {
		c.run("ecs", "register-task-definition", "--cli-input-json", td(image))
		rev := map[string]string{"nginx:2": "web:2", "nginx:broken": "web:3"}[image]
		c.run("ecs", "update-service", "--cluster", "prod", "--service", "web", "--task-definition", rev)
		f.follow(t, c.events())
		e.Advance(15 * time.Minute)
		c.run("ecs", "wait", "services-stable", "--cluster", "prod", "--services", "web")
		f.follow(t, c.events())
	}
	all := c.events()
	if len(f.printed) != len(all) {
		t.Errorf("the follower printed %d of %d events:\n%s", len(f.printed), len(all), strings.Join(f.printed, "\n"))
	}
	for i, m := range f.printed {
		if want := all[len(all)-1-i].Message; m != want {
			t.Fatalf("printed event %d %q, want %q (every event once, in order)", i, m, want)
		}
	}
	// The breaker trip's events, in the order they happened.
	var order []string
	for _, m := range f.printed {
		for _, k := range []string{"unable to consistently start tasks", "deployment failed: tasks failed to start.", "rolling back to deployment", "deployment completed.", "has reached a steady state."} {
			if strings.Contains(m, k) {
				order = append(order, k)
			}
		}
	}
	tail := strings.Join(order[max(0, len(order)-5):], " | ")
	if want := "unable to consistently start tasks | deployment failed: tasks failed to start. | rolling back to deployment | deployment completed. | has reached a steady state."; tail != want {
		t.Errorf("the last events printed: %s\nwant: %s", tail, want)
	}
	t.Logf("the follower printed %d events:\n%s", len(f.printed), strings.Join(f.printed, "\n"))
}
