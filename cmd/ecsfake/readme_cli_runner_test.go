package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// standInCLI puts first on PATH an `aws` script, as awscli's entry point
// is, over a stand-in awscli package of version (on PYTHONPATH) whose
// clidriver.main is clidriver's body, so that the one-process runner can
// be tested without an AWS CLI. It skips without python3.
func standInCLI(t *testing.T, version, clidriver string) {
	t.Helper()
	// The interpreter itself, not a wrapper such as a pyenv shim.
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	python := strings.TrimSpace(string(out))
	if err != nil || python == "" {
		t.Skipf("no python3: %v", err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"aws":                  "#!" + python + "\nimport sys\nimport awscli.clidriver\nsys.exit(awscli.clidriver.main())\n",
		"awscli/__init__.py":   "__version__ = \"" + version + "\"\n",
		"awscli/clidriver.py":  "import os\nimport sys\n\n\ndef main():\n" + clidriver,
		"botocore/__init__.py": "",
		"botocore/session.py":  "def create_loader(search_path_string=None):\n    return None\n",
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("PYTHONPATH", dir)
	t.Setenv("ECSFAKE_README_CLI", "")
}

// awsInOneProcess runs the README's commands in one process only for AWS
// CLI v1: an `aws` that is a Python script over awscli 2.x (Debian's
// awscli package installs v2 so, at /usr/bin/aws) gets one CLI process
// per command.
func TestAWSInOneProcessOnlyForCLIv1(t *testing.T) {
	for _, tc := range []struct {
		version string
		one     bool
	}{{"1.45.11", true}, {"2.9.19", false}} {
		t.Run(tc.version, func(t *testing.T) {
			standInCLI(t, tc.version, "    return 0\n")
			prelude := awsInOneProcess(t)
			if got := prelude != ""; got != tc.one {
				t.Errorf("awscli %s: one process %v, want %v (prelude %q)", tc.version, got, tc.one, prelude)
			}
			if tc.one && !strings.Contains(prelude, "aws() {") {
				t.Errorf("prelude lacks the aws function:\n%s", prelude)
			}
		})
	}
}

// A script's `aws` commands print and exit the same in one process as
// one process each: arguments with spaces, the working directory after a
// cd, variables exported, unset and assigned for one command, exit codes
// (returned, and sys.exit with a message), stdout and stderr.
func TestAWSInOneProcessAsProcesses(t *testing.T) {
	standInCLI(t, "1.45.11", `    print("args", sys.argv[1:])
    print("cwd", os.path.basename(os.getcwd()))
    print("env", os.environ.get("ECSFAKE_T", "-"), "stdin", repr(sys.stdin.read()))
    print("to stderr", sys.argv[1], file=sys.stderr)
    code = os.environ.get("ECSFAKE_T_EXIT", "0")
    if code == "message":
        sys.exit("exit message")
    return int(code)
`)
	const script = `aws one "two words" ''
export ECSFAKE_T=x
mkdir sub && cd sub
aws two
unset ECSFAKE_T
ECSFAKE_T=y aws three
aws four | tr a-z A-Z
ECSFAKE_T_EXIT=3 aws five || echo "rc $?"
ECSFAKE_T_EXIT=message aws six || echo "rc $?"
ECSFAKE_T_EXIT=255 aws seven || echo "rc $?"
echo "last $(aws eight)"
`
	run := func(prelude string) (string, string) {
		cmd := exec.CommandContext(t.Context(), "bash", "-c", "set -euo pipefail\n"+prelude+script)
		cmd.Dir = filepath.Join(t.TempDir(), "work") // the same name in both runs
		if err := os.Mkdir(cmd.Dir, 0o755); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
		}
		return stdout.String(), stderr.String()
	}
	prelude := awsInOneProcess(t)
	if prelude == "" {
		t.Fatal("the stand-in awscli 1.x does not run in one process")
	}
	oneOut, oneErr := run(prelude)
	wantOut, wantErr := run("")
	if oneOut != wantOut || oneErr != wantErr {
		t.Errorf("one process:\n%s%s\nwant, as processes:\n%s%s", oneOut, oneErr, wantOut, wantErr)
	}
	for _, want := range []string{"args ['one', 'two words', '']\ncwd work\n", "cwd sub\nenv x", "env y", "ENV - STDIN ''", "rc 3\n", "rc 1\n", "rc 255\n", "last args ['eight']"} {
		if !strings.Contains(wantOut, want) {
			t.Errorf("output lacks %q:\n%s", want, wantOut)
		}
	}
}

// A command that ends the CLI server (here os._exit) fails the script
// with a message, not silently: the `aws` function gets no exit code.
func TestAWSInOneProcessServerGone(t *testing.T) {
	standInCLI(t, "1.45.11", "    os._exit(9)\n")
	prelude := awsInOneProcess(t)
	if prelude == "" {
		t.Fatal("the stand-in awscli 1.x does not run in one process")
	}
	cmd := exec.CommandContext(t.Context(), "bash", "-c", "set -euo pipefail\n"+prelude+"aws one\necho after\n")
	out, err := cmd.CombinedOutput()
	if err == nil || strings.Contains(string(out), "after") || !strings.Contains(string(out), "did not answer") {
		t.Errorf("script: %v, output %q; want a failure saying the server did not answer", err, out)
	}
}
