// Command platformtool is an internal-platform style deploy tool built on
// ecsdeploy: it reads a service spec and a task definition from JSON files,
// shows what would change against what is deployed, and deploys, rolls back
// or reports status, with exit codes a CI pipeline can branch on.
//
//	platformtool -spec service.json -taskdef taskdef.json -diff
//	platformtool -spec service.json -taskdef taskdef.json -deploy [-image app=REPO:TAG]
//	platformtool -spec service.json -rollback
//	platformtool -spec service.json -status
//
// The spec is the JSON of `aws ecs create-service --cli-input-json` or the
// output of `aws ecs describe-services` (taskDefinition may be left out:
// the tool registers -taskdef and uses that revision); the task definition
// is the JSON of `aws ecs register-task-definition --cli-input-json` or the
// output of `aws ecs describe-task-definition`, from AWS CLI v1 or v2.
// Unknown fields are errors, all reported at once. -diff prints the
// Deployer's Plan; -deploy deploys the task definition and the whole spec
// in one Deploy. The tool uses only the exported API of ecsdeploy.
//
// Target: by default an in-memory fake ECS with the spec's cluster, in
// virtual time. It lives for one run, so it is a rehearsal: -deploy creates
// the service on it and checks the spec and task definition against the
// ECS rules the fake enforces, in about a second. With -aws the tool uses
// Amazon ECS through the default AWS config chain; with -aws and
// AWS_ENDPOINT_URL_ECS set it talks to any ECS endpoint, such as a
// long-lived fake served by cmd/ecsfake.
//
// Exit codes:
//
//	0  ok: no changes (-diff), deployed or nothing to deploy (-deploy),
//	   rolled back (-rollback), steady (-status)
//	1  failure: the deployment failed and was not rolled back, the
//	   rollback failed, an API error, a timeout, or no AWS credentials
//	2  usage: bad flags, or a -spec/-taskdef file that cannot be read or
//	   is invalid
//	3  -diff found changes (or the service does not exist yet)
//	4  not found: the service or cluster does not exist
//	5  -deploy failed and the service was rolled back to the previous
//	   revision (it still serves, on the old version)
//	6  -status: a deployment is in progress (not steady yet)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"
)

// Exit codes (see the package documentation).
const (
	exitOK         = 0
	exitFailed     = 1
	exitUsage      = 2
	exitDiff       = 3
	exitNotFound   = 4
	exitRolledBack = 5
	exitInProgress = 6
)

// mode is what the tool was asked to do.
type mode string

const (
	modeDiff     mode = "diff"
	modeDeploy   mode = "deploy"
	modeRollback mode = "rollback"
	modeStatus   mode = "status"
)

// options are the command-line flags.
type options struct {
	mode     mode
	spec     string
	taskdef  string
	image    string
	cluster  string
	aws      bool
	region   string
	poll     time.Duration
	timeout  time.Duration
	noRollbk bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, connect)
	stop()
	os.Exit(code)
}

// connector returns the target for the options; tests pass their own.
type connector func(ctx context.Context, o options, cluster string) (*target, error)

// run is the whole program; it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, conn connector) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	code, err := execute(ctx, o, stdout, conn)
	if err != nil {
		fmt.Fprintln(stderr, "platformtool:", err)
	}
	return code
}

// parseFlags reads and checks the flags; problems are printed to stderr.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	var diff, deploy, rollback, status bool
	fs := flag.NewFlagSet("platformtool", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: platformtool -spec service.json [-taskdef taskdef.json] -diff|-deploy|-rollback|-status [-aws] [flags]")
		fmt.Fprintln(stderr, "exit codes: 0 ok, 1 failure, 2 usage/invalid input, 3 diff found, 4 not found, 5 failed and rolled back, 6 in progress")
		fs.PrintDefaults()
	}
	fs.BoolVar(&diff, "diff", false, "show what -deploy would change; exit 3 when something would")
	fs.BoolVar(&deploy, "deploy", false, "register the task definition if it changed, create or update the service and wait")
	fs.BoolVar(&rollback, "rollback", false, "roll the service back to its last completed task definition and wait")
	fs.BoolVar(&status, "status", false, "report the service's deployments and recent events")
	fs.StringVar(&o.spec, "spec", "", "service spec JSON (aws ecs create-service --cli-input-json format)")
	fs.StringVar(&o.taskdef, "taskdef", "", "task definition JSON (register-task-definition input or describe-task-definition output); needed by -diff and -deploy")
	fs.StringVar(&o.image, "image", "", "override the image: IMAGE (one container) or CONTAINER=IMAGE")
	fs.StringVar(&o.cluster, "cluster", "", "cluster (overrides the spec's)")
	fs.BoolVar(&o.aws, "aws", false, "use Amazon ECS (default AWS config chain; honours AWS_ENDPOINT_URL_ECS) instead of the in-memory fake")
	fs.StringVar(&o.region, "region", "", "AWS region (default: from the AWS config chain)")
	fs.DurationVar(&o.poll, "poll", 5*time.Second, "how often to poll ECS while waiting")
	fs.DurationVar(&o.timeout, "timeout", 15*time.Minute, "longest wait for a deployment")
	fs.BoolVar(&o.noRollbk, "no-rollback", false, "-deploy: do not roll back a failed deployment that ECS's circuit breaker did not roll back")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	var problems []string
	var modes []mode
	for _, m := range []struct {
		set bool
		m   mode
	}{{diff, modeDiff}, {deploy, modeDeploy}, {rollback, modeRollback}, {status, modeStatus}} {
		if m.set {
			modes = append(modes, m.m)
		}
	}
	switch len(modes) {
	case 0:
		problems = append(problems, "one of -diff, -deploy, -rollback or -status is required")
	case 1:
		o.mode = modes[0]
	default:
		problems = append(problems, fmt.Sprintf("only one of -diff, -deploy, -rollback, -status at a time (got %d)", len(modes)))
	}
	if o.spec == "" {
		problems = append(problems, "-spec is required")
	}
	if (o.mode == modeDiff || o.mode == modeDeploy) && o.taskdef == "" {
		problems = append(problems, fmt.Sprintf("-taskdef is required with -%s", o.mode))
	}
	if o.image != "" && o.mode != modeDiff && o.mode != modeDeploy {
		problems = append(problems, "-image applies to -diff and -deploy only")
	}
	if o.poll <= 0 || o.timeout <= 0 {
		problems = append(problems, "-poll and -timeout must be > 0")
	}
	if fs.NArg() > 0 {
		problems = append(problems, "unexpected arguments: "+strings.Join(fs.Args(), " "))
	}
	if len(problems) > 0 {
		err := errors.New(strings.Join(problems, "; "))
		fmt.Fprintln(stderr, "platformtool:", err)
		fs.Usage()
		return o, err
	}
	return o, nil
}
