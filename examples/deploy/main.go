// Command deploy is a custom deploy script as a user of ecsdeploy would
// write it. It plays the whole Amazon ECS story:
//
//  1. build a task definition from an image reference (logging to
//     CloudWatch Logs with the awslogs driver);
//  2. register it (revision 1), creating the log group if needed;
//  3. run a one-off migration task to completion and print its output and
//     exit code;
//  4. run 2 one-off tasks and watch them go PENDING -> RUNNING;
//  5. stop them;
//  6. create a service (desired 2, minimumHealthyPercent 50,
//     maximumPercent 200, deployment circuit breaker with rollback);
//  7. deploy revision 2 with a new image (rolling update);
//  8. force a new deployment of the same revision;
//  9. deploy an image that cannot be pulled, watch the circuit breaker fail
//     the deployment and roll back, and explain the stopped tasks' reason;
//  10. deploy a release that crashes on start, roll it back, and print the
//     crashed containers' last log lines under their stop reason;
//  11. print the final status.
//
// By default it runs against the in-memory fake ECS in virtual time, so
// the story takes a second and needs no AWS account:
//
//	go run ./examples/deploy
//
// -speed N replays it on a clock running N times faster than the wall
// clock instead (for example -speed 20 to watch it in about 20 seconds).
//
// With -aws it runs the same story against real Amazon ECS through the
// default AWS configuration chain (environment, shared config and
// credentials files, SSO, instance and task roles). The cluster must
// exist; the tasks run on Fargate in the given subnets:
//
//	go run ./examples/deploy -aws -region eu-west-1 -cluster demo \
//	    -subnets subnet-0abc,subnet-0def -security-groups sg-0123 \
//	    -execution-role arn:aws:iam::123456789012:role/ecsTaskExecutionRole
//
// The story creates the log group /ecs/<family> when it does not exist
// (logs:CreateLogGroup) and reads the containers' output from it
// (logs:GetLogEvents); the execution role lets the tasks write there.
//
// On AWS it deletes the service it created at the end unless -keep is
// given. Exit codes: 0 the story ended as expected, 1 it did not (or AWS
// credentials are missing), 2 bad flags.
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

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// options are the command-line flags.
type options struct {
	aws            bool
	region         string
	cluster        string
	subnets        []string
	securityGroups []string
	executionRole  string
	assignPublicIP bool
	family         string
	service        string
	image          string
	newImage       string
	brokenImage    string
	crashImage     string
	crashWait      time.Duration
	speed          float64
	poll           time.Duration
	timeout        time.Duration
	keep           bool
	targetGroup    string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program: it parses args, connects to the fake or to
// AWS, plays the story and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	tgt, err := connect(ctx, opts)
	if err != nil {
		fmt.Fprintln(stderr, "deploy:", err)
		var ue *usageError
		if errors.As(err, &ue) {
			return exitUsage
		}
		return exitFailed
	}
	if _, err := newStory(tgt, opts, stdout).play(ctx); err != nil {
		fmt.Fprintln(stderr, "deploy:", err)
		return exitFailed
	}
	return exitOK
}

// parseFlags reads the flags; errors are already printed to stderr.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	var subnets, sgs string
	fs := flag.NewFlagSet("deploy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: deploy [-speed N] | deploy -aws -cluster NAME -subnets IDS -execution-role ARN [-security-groups IDS] [-region R] [-keep]")
		fmt.Fprintln(stderr, "Plays the whole ECS story on the in-memory fake, or with -aws on Amazon ECS.")
		fs.PrintDefaults()
	}
	fs.BoolVar(&o.aws, "aws", false, "run against Amazon ECS (default AWS config chain) instead of the in-memory fake")
	fs.StringVar(&o.region, "region", "", "AWS region (default: from the AWS config chain; us-east-1 on the fake)")
	fs.StringVar(&o.cluster, "cluster", "", "ECS cluster (required with -aws; the fake creates \"demo\")")
	fs.StringVar(&subnets, "subnets", "", "comma-separated subnet IDs for the awsvpc tasks (required with -aws)")
	fs.StringVar(&sgs, "security-groups", "", "comma-separated security group IDs (default: the VPC's default group)")
	fs.StringVar(&o.executionRole, "execution-role", "", "task execution role ARN (needed for private ECR images and awslogs)")
	fs.BoolVar(&o.assignPublicIP, "assign-public-ip", true, "give Fargate tasks a public IP (to pull public images without a NAT gateway)")
	fs.StringVar(&o.family, "family", "", "task definition family (default \"web\" on the fake, \"ecsdeploy-demo\" with -aws)")
	fs.StringVar(&o.service, "service", "", "service name (default \"web\" on the fake, \"ecsdeploy-demo\" with -aws)")
	fs.StringVar(&o.image, "image", "public.ecr.aws/nginx/nginx:1.27", "image of revision 1")
	fs.StringVar(&o.newImage, "new-image", "public.ecr.aws/nginx/nginx:1.28", "image of revision 2")
	fs.StringVar(&o.brokenImage, "broken-image", "public.ecr.aws/nginx/nginx:0.0-does-not-exist", "an image that cannot be pulled (on the fake a scripted fault makes sure)")
	fs.StringVar(&o.crashImage, "crash-image", "public.ecr.aws/docker/library/busybox:1.36", "an image with sh: the crashing release prints a few lines and exits 1 (on the fake scripted output)")
	fs.DurationVar(&o.crashWait, "crash-wait", 2*time.Minute, "how long the crashing release may try before the deployer rolls it back")
	fs.Float64Var(&o.speed, "speed", 0, "fake only: run the fake's clock N times faster than the wall clock (0: pure virtual time, instant)")
	fs.DurationVar(&o.poll, "poll", 5*time.Second, "how often to poll ECS while waiting")
	fs.DurationVar(&o.timeout, "timeout", 15*time.Minute, "longest wait for one step")
	fs.BoolVar(&o.keep, "keep", false, "with -aws: keep the service at the end instead of deleting it")
	fs.StringVar(&o.targetGroup, "target-group", "", "with -aws: put the service behind this ALB target group (ip target type, port 80) and watch its targets; the fake always creates one")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		err := fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
		fmt.Fprintln(stderr, "deploy:", err)
		fs.Usage()
		return o, err
	}
	var problems []string
	if o.speed < 0 {
		problems = append(problems, "-speed must be >= 0")
	}
	if o.speed > 0 && o.aws {
		problems = append(problems, "-speed applies to the fake only, not with -aws")
	}
	if o.poll <= 0 || o.timeout <= 0 || o.crashWait <= 0 {
		problems = append(problems, "-poll, -timeout and -crash-wait must be > 0")
	}
	if len(problems) > 0 {
		err := errors.New(strings.Join(problems, "; "))
		fmt.Fprintln(stderr, "deploy:", err)
		return o, err
	}
	o.subnets, o.securityGroups = splitList(subnets), splitList(sgs)
	def := "web"
	if o.aws {
		def = "ecsdeploy-demo"
	}
	if o.family == "" {
		o.family = def
	}
	if o.service == "" {
		o.service = def
	}
	return o, nil
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// usageError is a problem with the flags found after parsing (exit 2).
type usageError struct{ missing []string }

func (e *usageError) Error() string {
	return "missing " + strings.Join(e.missing, ", ")
}
