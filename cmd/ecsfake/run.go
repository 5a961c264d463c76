package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// run serves the fake until ctx is cancelled, then shuts down gracefully.
// The first line it prints is "ecsfake: serving Amazon ECS at <URL>".
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	opts := []fake.Option{fake.WithRegion(o.region), fake.WithAccount(o.account), fake.WithSeed(o.seed), fake.WithQuotas(o.quotas),
		fake.WithEventualConsistency(o.consistency)}
	if o.speed > 0 {
		opts = append(opts, fake.WithClock(fake.RealTime(o.speed)))
	}
	e, restored, err := openWorld(o, opts)
	if err != nil {
		return err
	}
	setup := func(ctx context.Context, e *fake.ECS) error { return setupDefault(ctx, e, o) }
	if !restored {
		if err := setup(ctx, e); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	printBanner(stdout, url, o, restored)
	if restored {
		fmt.Fprintf(stdout, "ecsfake: world restored from %s at virtual time %s\n", o.state, e.Now().UTC().Format(time.RFC3339))
		if ignored := ignoredOnRestore(o); len(ignored) > 0 {
			fmt.Fprintf(stderr, "ecsfake: -state %s: the restored world keeps the settings it was saved with; ignoring %s "+
				"(move the file away to start a new world with them)\n",
				o.state, strings.Join(ignored, ", "))
		}
	}
	stopSaving := make(chan struct{})
	if o.state != "" && o.stateEvery > 0 {
		go saveEvery(e, o.state, o.stateEvery, stopSaving, stderr)
	}

	handler := fake.NewServer(e, fake.WithResetHook(setup), fake.WithLogger(log.New(stderr, "ecsfake: ", log.LstdFlags)))
	srv := newHardenedServer(ln, handler, o.limits, context.WithoutCancel(ctx))
	served := make(chan error, 1)
	go func() { served <- srv.serve() }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "ecsfake: shutting down")
	shutdownErr := srv.shutdown(stderr)
	close(stopSaving)
	if o.state != "" {
		n, err := saveState(e, o.state)
		if err != nil {
			return fmt.Errorf("saving state to %s: %w", o.state, err)
		}
		fmt.Fprintf(stdout, "ecsfake: world saved to %s (%d bytes)\n", o.state, n)
	}
	if shutdownErr != nil {
		return shutdownErr
	}
	return <-served
}

// setupDefault creates cluster "default" and its -instances instances: the
// state at start and after POST /_fake/v1/reset.
func setupDefault(ctx context.Context, e *fake.ECS, o options) error {
	if _, err := e.CreateCluster(fake.ContextWithRegion(ctx, o.region), &ecs.CreateClusterInput{ClusterName: aws.String("default")}); err != nil {
		return fmt.Errorf("creating cluster default: %w", err)
	}
	for i := range o.instances {
		if _, err := e.AddInstance("default", fake.InstanceSpec{CPU: o.instanceCPU, Memory: o.instanceMemory}); err != nil {
			return fmt.Errorf("adding instance %d: %w", i+1, err)
		}
	}
	return nil
}

// printBanner tells the user where the endpoint is and how to point the
// AWS CLI and the Go SDK at it. A restored world's region, account, seed
// and instances are the state file's, not the flags': the banner then does
// not name them.
func printBanner(w io.Writer, url string, o options, restored bool) {
	state := "in memory only: lost when ecsfake stops (-state FILE keeps it)"
	if o.state != "" {
		state = fmt.Sprintf("kept in %s (saved every %v and at shutdown)", o.state, o.stateEvery)
	}
	speed := fmt.Sprintf("%g virtual seconds per real second", o.speed)
	if o.speed == 0 {
		speed = "manual: time moves only through POST /_fake/v1/advance"
	}
	world := fmt.Sprintf("region %s, account %s, seed %d; time: %s\n  state: %s\n  cluster \"default\" with %d EC2 instance(s) of %d CPU units / %d MiB",
		o.region, o.account, o.seed, speed, state, o.instances, o.instanceCPU, o.instanceMemory)
	if restored {
		world = fmt.Sprintf("time: %s\n  state: %s\n  world restored from the file: its region, account, seed, quotas and instances are the file's", speed, state)
	}
	fmt.Fprintf(w, `ecsfake: serving Amazon ECS at %[1]s
  %[3]s

AWS CLI (any credentials work):
  export AWS_ENDPOINT_URL_ECS=%[1]s AWS_ACCESS_KEY_ID=fake AWS_SECRET_ACCESS_KEY=fake AWS_DEFAULT_REGION=%[2]s
  aws ecs list-clusters
or per command:
  aws --endpoint-url %[1]s ecs list-clusters
Elastic Load Balancing v2 is served on the same endpoint:
  export AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2=%[1]s; aws elbv2 describe-load-balancers
CloudWatch Logs (awslogs containers) on the same endpoint:
  export AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=%[1]s
  aws logs describe-log-groups
CloudWatch alarms and Application Auto Scaling on the same endpoint:
  export AWS_ENDPOINT_URL_CLOUDWATCH=%[1]s AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING=%[1]s
  aws application-autoscaling describe-scalable-targets --service-namespace ecs
  (service load for the metrics: POST %[1]s/_fake/v1/load {"service":"web","cpu":[{"value":300}]})

Go SDK (aws-sdk-go-v2): AWS_ENDPOINT_URL_ECS as above, or
  client := ecs.NewFromConfig(cfg, func(o *ecs.Options) { o.BaseEndpoint = aws.String(%[1]q) })

Controls (JSON): POST %[1]s/_fake/v1/advance {"duration":"90s"}, POST /_fake/v1/faults,
  POST /_fake/v1/instances, POST /_fake/v1/lose-instance, GET /_fake/v1/calls, POST /_fake/v1/reset
Stop with Ctrl-C.
`, url, o.region, world)
}
