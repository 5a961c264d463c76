// Command ecsfake serves the ecsdeploy in-memory Amazon ECS as a local ECS
// endpoint, speaking the ECS wire protocol (AWS JSON 1.1), so that the AWS
// CLI, the AWS SDKs and any other ECS client can run against it:
//
//	go run ./cmd/ecsfake -addr 127.0.0.1:4599
//	export AWS_ENDPOINT_URL_ECS=http://127.0.0.1:4599
//	aws ecs list-clusters
//
// Cluster "default" exists from the start, with -instances EC2 container
// instances. Virtual time runs -speed times faster than the wall clock
// (0: it moves only through POST /_fake/v1/advance). The fake's controls
// (advance, faults, instances, lose-instance, calls, reset) are under
// /_fake/v1/; see package fake and README.md. The world lives in memory
// and is lost at exit unless -state FILE keeps it; the HTTP server's
// timeouts, connection and header limits, and the ECS service quotas are
// flags too.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case err != nil:
		fmt.Fprintln(os.Stderr, "ecsfake:", err)
		os.Exit(1)
	}
}
