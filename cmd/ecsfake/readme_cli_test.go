package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// awsFunction is the shell function that replaces the `aws` command in the
// README script when the CLI runs in one process: it sends the command
// line, working directory and exported environment to
// testdata/aws_cli_server.py and relays the command's stdout, stderr and
// exit code, or fails with a message when the server does not answer.
// Only builtins run besides two cats.
const awsFunction = `
aws() {
  local fd rc name out="$ecsfake_cli_dir/out.$BASHPID" err="$ecsfake_cli_dir/err.$BASHPID"
  exec {fd}<>"/dev/tcp/127.0.0.1/$ecsfake_cli_port"
  {
    printf '%s\0' "$PWD" "$out" "$err" "$#" "$@"
    for name in $(compgen -e); do printf '%s=%s\0' "$name" "${!name}"; done
    printf '\0'
  } >&"$fd"
  IFS= read -r rc <&"$fd" || { echo "aws: aws_cli_server.py did not answer (see the test log)" >&2; return 1; }
  exec {fd}>&-
  cat "$out"
  cat "$err" >&2
  return "$rc"
}
`

// awsInOneProcess starts testdata/aws_cli_server.py with the Python of the
// `aws` on PATH and returns the script prelude that routes every `aws`
// command to it: the same awscli code runs each command, exactly as
// written, but Python, awscli and botocore start once instead of once per
// command. It returns "" (each command starts its own CLI, as a user's
// shell would) when that Python cannot import awscli, when its awscli is
// not the version `aws --version` reports, when it is not AWS CLI v1 (v2 is
// a bundled binary, or, as Debian's awscli package, a Python script over an
// awscli 2.x that this server was not written for) or when
// ECSFAKE_README_CLI=process is set.
func awsInOneProcess(t *testing.T) string {
	t.Helper()
	if os.Getenv("ECSFAKE_README_CLI") == "process" {
		t.Log("ECSFAKE_README_CLI=process: one AWS CLI process per command")
		return ""
	}
	python, script, err := cliPython()
	if err != nil {
		t.Logf("one AWS CLI process per command: %v", err)
		return ""
	}
	// The version check is needed only when python3 was guessed; it runs
	// while the server starts.
	var version []byte
	var versionErr error
	checked := make(chan struct{})
	go func() {
		defer close(checked)
		if !script {
			version, versionErr = exec.Command("aws", "--version").CombinedOutput()
		}
	}()
	server, err := filepath.Abs(filepath.Join("testdata", "aws_cli_server.py"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python[0], append(python[1:], server)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		<-checked
		t.Logf("one AWS CLI process per command: %v", err)
		return ""
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() && stderr.Len() > 0 {
			t.Logf("%s stderr:\n%s", server, stderr.String())
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	<-checked
	port, serverVersion, _ := strings.Cut(strings.TrimSpace(line), " ")
	switch {
	case err != nil:
		_ = cmd.Wait() // its stderr is then complete
		t.Logf("one AWS CLI process per command: %s did not start: %v\n%s", server, err, stderr.String())
		return ""
	case versionErr != nil:
		t.Logf("one AWS CLI process per command: aws --version: %v", versionErr)
		return ""
	case !script && !strings.HasPrefix(string(version), "aws-cli/"+serverVersion+" "):
		t.Logf("one AWS CLI process per command: python3 has awscli %s, aws is %q", serverVersion, bytes.TrimSpace(version))
		return ""
	case !strings.HasPrefix(serverVersion, "1."):
		t.Logf("one AWS CLI process per command: awscli %s is not AWS CLI v1", serverVersion)
		return ""
	}
	t.Logf("AWS CLI %s commands run in one process (%s)", serverVersion, strings.Join(python, " "))
	return fmt.Sprintf("ecsfake_cli_port=%s\necsfake_cli_dir=%q\n%s", port, t.TempDir(), awsFunction)
}

// cliPython returns the command line of the Python that runs the `aws` on
// PATH: the interpreter named by its script when that is awscli's entry
// point (script true), or else (a wrapper such as a pyenv shim) python3,
// whose awscli the caller must check against `aws --version`.
func cliPython() (python []string, script bool, err error) {
	path, err := exec.LookPath("aws")
	if err != nil {
		return nil, false, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false, err
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if shebang, ok := strings.CutPrefix(strings.TrimSpace(string(first)), "#!"); ok &&
		strings.Contains(shebang, "python") && bytes.Contains(data, []byte("awscli.clidriver")) {
		return strings.Fields(shebang), true, nil
	}
	return []string{"python3"}, false, nil
}
