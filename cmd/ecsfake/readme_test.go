package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// readmeBlocks returns the fenced code blocks of README.md in the given
// language, in order.
func readmeBlocks(t *testing.T, lang string) []string {
	t.Helper()
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	var cur *strings.Builder
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case cur == nil && line == "```"+lang:
			cur = &strings.Builder{}
		case cur != nil && line == "```":
			blocks = append(blocks, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	return blocks
}

// TestReadmeCommands starts ecsfake with the flags README.md shows and runs
// every ```sh block of README.md, exactly as written (only the port
// differs), with the AWS CLI and curl: register a task definition from a
// JSON file, create a service, deploy a new revision (PRIMARY and ACTIVE
// deployments during the rollout), `aws ecs wait services-stable`, faults,
// instances, calls and reset. The AWS CLI commands share one CLI process
// when they can (awsInOneProcess): Python's start-up took most of the
// test's time.
func TestReadmeCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the test that runs the AWS CLI")
	}
	for _, tool := range []string{"aws", "curl", "bash", "sed"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not on PATH; install the AWS CLI (pip install awscli) and curl to run the README commands", tool)
		}
	}
	server := readmeBlocks(t, "console")
	if len(server) == 0 || !strings.HasPrefix(server[0], "go run ./cmd/ecsfake ") {
		t.Fatalf("README.md: the first console block must start the server, got %q", server)
	}
	args := strings.Fields(strings.TrimPrefix(strings.TrimSpace(server[0]), "go run ./cmd/ecsfake "))
	const readmeAddr = "127.0.0.1:4599"
	for i, a := range args {
		if a == readmeAddr {
			args[i] = "127.0.0.1:0"
		}
	}
	s := start(t, args...)
	addr := strings.TrimPrefix(s.url, "http://")

	dir := t.TempDir()
	script := "set -euo pipefail\n" + awsInOneProcess(t) +
		strings.ReplaceAll(strings.Join(readmeBlocks(t, "sh"), ""), readmeAddr, addr)
	cmd := exec.CommandContext(t.Context(), "bash", "-c", script)
	cmd.Dir = dir
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") { // only what the README sets
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "AWS_CONFIG_FILE="+filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"), "AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("README commands failed: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"arn:aws:ecs:us-east-1:123456789012:cluster/default",
		"default\tACTIVE\t2\n",
		"web\t1\tACTIVE\n",
		"web\tACTIVE\t2\n",
		"PRIMARY\tIN_PROGRESS\tarn:aws:ecs:us-east-1:123456789012:task-definition/web:2\n",
		"ACTIVE\tCOMPLETED\tarn:aws:ecs:us-east-1:123456789012:task-definition/web:1\n",
		"(service web) has reached a steady state.\n",
		`"taskFault":{"image":"web:bad","action":"fail-start","reason":"CannotPullContainerError: pull access denied"}`,
		`"operationFault":{"operation":"DescribeServices","error":"ThrottlingException","times":2,"probability":0}`,
		`"operation":"UpdateService"`,
		"7\nHTTP\t80\nweb-lb\n", // attributes, listener, service
		"healthy\t",             // describe-target-health: instance targets on dynamic host ports
		"(service web-lb) registered 2 targets in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/",
		`"targetHealthFault":{"image":"web:slow","reason":"Target.ResponseCodeMismatch","code":503,"after":"2m"}`,
		"STOPPED\t3\n",
		"migrating 1 of 2\tmigrating 2 of 2\tERROR: duplicate key\n",
		"\tERROR: duplicate key\n",
		"spot\t5\tFARGATE_SPOT\n",                               // capacity providers: the service runs 5 after the interruption
		"3 SpotInterruption\tYour Spot Task was interrupted.\n", // the 3 interrupted Spot tasks
	} {
		if !strings.Contains(out, want) {
			t.Errorf("README commands' output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "containerInstanceArns"); n != 1 {
		t.Errorf("instances control answered %d times, want 1:\n%s", n, out)
	}
}
