package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// awsInOneProcess runs the README's commands in one process only for AWS
// CLI v1: an `aws` that is a Python script over awscli 2.x (Debian's
// awscli package installs v2 so, at /usr/bin/aws) gets one CLI process
// per command. The `aws` here is such a script over a stand-in awscli
// package of each major version (PYTHONPATH), so that no CLI is needed.
func TestAWSInOneProcessOnlyForCLIv1(t *testing.T) {
	// The interpreter itself, not a wrapper such as a pyenv shim.
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	python := strings.TrimSpace(string(out))
	if err != nil || python == "" {
		t.Skipf("no python3: %v", err)
	}
	for _, tc := range []struct {
		version string
		one     bool
	}{{"1.45.11", true}, {"2.9.19", false}} {
		t.Run(tc.version, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{
				"aws":                  "#!" + python + "\nimport sys\nimport awscli.clidriver\nsys.exit(awscli.clidriver.main())\n",
				"awscli/__init__.py":   "__version__ = " + `"` + tc.version + `"` + "\n",
				"awscli/clidriver.py":  "def main():\n    return 0\n",
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
