package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

const (
	specFile    = "testdata/service.json"
	taskdefFile = "testdata/taskdef.json"
	image2      = "app=123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout:1.1.0"
	imageBad    = "app=123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout:broken"
)

// env is one long-lived fake environment that successive runs of the tool
// share, as successive CI jobs share an AWS account.
type env struct {
	t *testing.T
	e *fake.ECS
}

func newEnv(t *testing.T) *env {
	e := fake.New()
	if _, err := e.CreateCluster(context.Background(), &ecs.CreateClusterInput{ClusterName: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, e: e}
}

func (v *env) connect(context.Context, options, string) (*target, error) {
	return &target{api: v.e, clock: v.e, where: "the test's fake"}, nil
}

// run runs the tool with args and returns its exit code and output.
func (v *env) run(args ...string) (int, string, string) {
	v.t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr, v.connect)
	return code, stdout.String(), stderr.String()
}

// must runs the tool and fails the test unless it exits with want.
func (v *env) must(want int, args ...string) string {
	v.t.Helper()
	code, out, errOut := v.run(args...)
	if code != want {
		v.t.Fatalf("platformtool %s: exit %d, want %d\nstderr: %s\nstdout:\n%s", strings.Join(args, " "), code, want, errOut, out)
	}
	return out
}

// service describes the deployed checkout service.
func (v *env) service() types.Service {
	v.t.Helper()
	out, err := v.e.DescribeServices(context.Background(), &ecs.DescribeServicesInput{Cluster: aws.String("prod"), Services: []string{"checkout"}})
	if err != nil || len(out.Services) != 1 {
		v.t.Fatalf("describe checkout: %v %v", err, out)
	}
	return out.Services[0]
}

func (v *env) runsRevision(want string) {
	v.t.Helper()
	if got := afterSlash(aws.ToString(v.service().TaskDefinition)); got != want {
		v.t.Errorf("service runs %s, want %s", got, want)
	}
}

// specWith writes a copy of the sample spec with edits applied.
func specWith(t *testing.T, edit func(m map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile(specFile)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	out, _ := json.Marshal(m)
	p := filepath.Join(t.TempDir(), "service.json")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var base = []string{"-spec", specFile, "-taskdef", taskdefFile}

func args(extra ...string) []string { return append(append([]string{}, base...), extra...) }

func TestDiffServiceMissingExits3(t *testing.T) {
	v := newEnv(t)
	out := v.must(exitDiff, args("-diff")...)
	if !strings.Contains(out, "service checkout does not exist: -deploy would register checkout and create it with desiredCount 2") {
		t.Errorf("output:\n%s", out)
	}
}

func TestDeployCreatesServiceThenNoChanges(t *testing.T) {
	v := newEnv(t)
	out := v.must(exitOK, args("-deploy")...)
	if !strings.Contains(out, "deployed: service checkout created with checkout:1, 2/2 tasks running") {
		t.Errorf("output:\n%s", out)
	}
	svc := v.service()
	if svc.DesiredCount != 2 || svc.RunningCount != 2 || *svc.DeploymentConfiguration.MinimumHealthyPercent != 50 {
		t.Errorf("service desired %d running %d min %d", svc.DesiredCount, svc.RunningCount, *svc.DeploymentConfiguration.MinimumHealthyPercent)
	}
	if out := v.must(exitOK, args("-diff")...); !strings.Contains(out, "no changes: service checkout runs checkout:1 as specified") {
		t.Errorf("diff after deploy:\n%s", out)
	}
	// A second deploy of the same files registers nothing and updates nothing.
	v.must(exitOK, args("-deploy")...)
	if n, m := v.e.CallCount("RegisterTaskDefinition"), v.e.CallCount("UpdateService"); n != 1 || m != 0 {
		t.Errorf("RegisterTaskDefinition %d, UpdateService %d after a no-op deploy; want 1 and 0", n, m)
	}
}

func TestDiffShowsImageAndServiceChangesExits3(t *testing.T) {
	v := newEnv(t)
	v.must(exitOK, args("-deploy")...)
	spec := specWith(t, func(m map[string]any) { m["desiredCount"] = 3 })
	out := v.must(exitDiff, "-spec", spec, "-taskdef", taskdefFile, "-image", image2, "-diff")
	for _, want := range []string{
		`containerDefinitions[app].image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout:1.0.0" -> "123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout:1.1.0"`,
		"desiredCount: 2 -> 3",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("diff lacks %q:\n%s", want, out)
		}
	}
	if n := v.e.CallCount("RegisterTaskDefinition"); n != 1 {
		t.Errorf("-diff registered something: %d registrations", n)
	}
}

func TestDeployNewImageRollsOut(t *testing.T) {
	v := newEnv(t)
	v.must(exitOK, args("-deploy")...)
	out := v.must(exitOK, args("-deploy", "-image", image2)...)
	if !strings.Contains(out, "registered checkout:2") || !strings.Contains(out, "deployed: service checkout runs checkout:2") {
		t.Errorf("output:\n%s", out)
	}
	v.runsRevision("checkout:2")
}

func TestDeployBrokenImageRolledBackExits5(t *testing.T) {
	v := newEnv(t)
	v.must(exitOK, args("-deploy")...)
	if err := v.e.InjectFault(fake.Fault{Image: "*:broken", Action: fake.FaultFailStart}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := v.run(args("-deploy", "-image", imageBad)...)
	if code != exitRolledBack {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitRolledBack, errOut, out)
	}
	for _, want := range []string{"FAILED: ", "tasks failed to start.", "CannotPullContainerError", "rolled back (circuit-breaker) to checkout:1"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "failed and was rolled back to checkout:1") {
		t.Errorf("stderr: %s", errOut)
	}
	v.runsRevision("checkout:1")
}

func TestDeployFailedWithoutBreakerRollback(t *testing.T) {
	noBreakerRollback := func(m map[string]any) {
		dc := m["deploymentConfiguration"].(map[string]any)
		dc["deploymentCircuitBreaker"] = map[string]any{"enable": true, "rollback": false}
	}
	tests := []struct {
		name  string
		extra []string
		code  int
		runs  string
	}{
		// The Deployer's own rollback (WithRollback) steps in: exit 5.
		{"deployer rolls back", nil, exitRolledBack, "checkout:1"},
		// -no-rollback: the service is left on the failed revision: exit 1.
		{"no rollback", []string{"-no-rollback"}, exitFailed, "checkout:2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newEnv(t)
			spec := specWith(t, noBreakerRollback)
			v.must(exitOK, "-spec", spec, "-taskdef", taskdefFile, "-deploy")
			if err := v.e.InjectFault(fake.Fault{Image: "*:broken", Action: fake.FaultFailStart}); err != nil {
				t.Fatal(err)
			}
			v.must(tt.code, append([]string{"-spec", spec, "-taskdef", taskdefFile, "-deploy", "-image", imageBad}, tt.extra...)...)
			v.runsRevision(tt.runs)
		})
	}
}

func TestDeployServiceSettingsUseUpdateService(t *testing.T) {
	v := newEnv(t)
	v.must(exitOK, args("-deploy")...)
	spec := specWith(t, func(m map[string]any) {
		m["deploymentConfiguration"].(map[string]any)["minimumHealthyPercent"] = 100
	})
	out := v.must(exitOK, "-spec", spec, "-taskdef", taskdefFile, "-deploy")
	if !strings.Contains(out, "deploymentConfiguration.minimumHealthyPercent: 50 -> 100") {
		t.Errorf("output:\n%s", out)
	}
	if got := *v.service().DeploymentConfiguration.MinimumHealthyPercent; got != 100 {
		t.Errorf("minimumHealthyPercent %d, want 100", got)
	}
	v.runsRevision("checkout:1")
}

func TestRollbackToPreviousRevisionExits0(t *testing.T) {
	v := newEnv(t)
	v.must(exitOK, args("-deploy")...)
	v.must(exitOK, args("-deploy", "-image", image2)...)
	out := v.must(exitOK, "-spec", specFile, "-rollback")
	if !strings.Contains(out, "rolled back: service checkout runs checkout:1") {
		t.Errorf("output:\n%s", out)
	}
	v.runsRevision("checkout:1")
}

func TestStatusExitCodes(t *testing.T) {
	v := newEnv(t)
	out := v.must(exitNotFound, "-spec", specFile, "-status")
	if strings.Contains(out, "steady") {
		t.Errorf("output:\n%s", out)
	}
	v.must(exitOK, args("-deploy")...)
	out = v.must(exitOK, "-spec", specFile, "-status")
	for _, want := range []string{"service checkout: ACTIVE, task definition checkout:1, desired 2, running 2", "COMPLETED", "has reached a steady state.", "steady"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	// Start a deployment behind the tool's back; the fake's clock does not
	// move, so it is still in progress when -status looks.
	if _, err := v.e.UpdateService(context.Background(), &ecs.UpdateServiceInput{Cluster: aws.String("prod"), Service: aws.String("checkout"), ForceNewDeployment: true}); err != nil {
		t.Fatal(err)
	}
	if out := v.must(exitInProgress, "-spec", specFile, "-status"); !strings.Contains(out, "in progress") {
		t.Errorf("output:\n%s", out)
	}
}

func TestRollbackServiceMissingExits4(t *testing.T) {
	v := newEnv(t)
	_, _, errOut := v.run("-spec", specFile, "-rollback")
	v.must(exitNotFound, "-spec", specFile, "-rollback")
	if !strings.Contains(errOut, `service not found: "checkout" in cluster "prod"`) {
		t.Errorf("stderr: %s", errOut)
	}
}

func TestClusterMissingExits4(t *testing.T) {
	for _, mode := range [][]string{{"-status"}, {"-rollback"}, {"-taskdef", taskdefFile, "-diff"}, {"-taskdef", taskdefFile, "-deploy"}} {
		t.Run(mode[len(mode)-1], func(t *testing.T) {
			v := newEnv(t)
			_, _, errOut := v.run(append([]string{"-spec", specFile, "-cluster", "staging"}, mode...)...)
			v.must(exitNotFound, append([]string{"-spec", specFile, "-cluster", "staging"}, mode...)...)
			if !strings.Contains(errOut, `cluster not found: "staging"`) {
				t.Errorf("stderr %q does not say the cluster is missing", errOut)
			}
		})
	}
}

func TestDeployRecreatesDeletedService(t *testing.T) {
	v := newEnv(t)
	v.must(exitOK, args("-deploy")...)
	ctx := context.Background()
	if _, err := v.e.DeleteService(ctx, &ecs.DeleteServiceInput{Cluster: aws.String("prod"), Service: aws.String("checkout"), Force: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	v.e.Advance(10 * time.Minute) // drained: INACTIVE
	v.must(exitNotFound, "-spec", specFile, "-status")
	out := v.must(exitOK, args("-deploy")...)
	if !strings.Contains(out, "service checkout does not exist: creating it") {
		t.Errorf("output:\n%s", out)
	}
}

func TestUsageExits2(t *testing.T) {
	badJSON := writeFile(t, "bad.json", `{"serviceName": "checkout", "desiredCount": "two"}`)
	unknown := writeFile(t, "unknown.json", `{"serviceName": "checkout", "desiredCnt": 2}`)
	badTD := writeFile(t, "td.json", `{"family": "checkout", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "4096",
		"containerDefinitions": [{"name": "app", "image": ""}]}`)
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no mode", []string{"-spec", specFile}, "one of -diff, -deploy, -rollback or -status is required"},
		{"two modes", args("-diff", "-deploy"), "only one of"},
		{"no spec", []string{"-status"}, "-spec is required"},
		{"deploy without taskdef", []string{"-spec", specFile, "-deploy"}, "-taskdef is required with -deploy"},
		{"image with status", []string{"-spec", specFile, "-status", "-image", "x"}, "-image applies to -diff and -deploy only"},
		{"unknown flag", []string{"-frobnicate"}, "flag provided but not defined"},
		{"spec file missing", []string{"-spec", "testdata/nope.json", "-status"}, "no such file"},
		{"spec wrong type", []string{"-spec", badJSON, "-status"}, "desiredCount"},
		{"spec unknown field", []string{"-spec", unknown, "-status"}, "desiredCnt: unknown field"},
		{"invalid task definition", []string{"-spec", specFile, "-taskdef", badTD, "-diff"}, "image"},
		{"image for unknown container", args("-diff", "-image", "db=postgres:16"), `no container "db"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newEnv(t)
			before := len(v.e.Calls())
			code, _, errOut := v.run(tt.args...)
			if code != exitUsage || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, exitUsage, tt.stderr)
			}
			if n := len(v.e.Calls()) - before; n != 0 {
				t.Errorf("%d API calls made on bad input", n)
			}
		})
	}
}
