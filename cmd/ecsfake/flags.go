package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"regexp"
	"time"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// options are the command-line flags.
type options struct {
	addr           string
	allowRemote    bool
	speed          float64
	instances      int
	instanceCPU    int
	instanceMemory int
	region         string
	account        string
	seed           int64
	limits         serverLimits
	quotas         fake.Quotas
	state          string
	stateEvery     time.Duration
	consistency    time.Duration   // reads lag writes by up to this (fake.WithEventualConsistency)
	set            map[string]bool // the flags given on the command line, by name
}

var (
	regionRE  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	accountRE = regexp.MustCompile(`^[0-9]{12}$`)
)

// parseFlags reads and validates args; usage and errors go to stderr.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("ecsfake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:4599", "listen address; loopback only unless -allow-remote (port 0 picks a free port)")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow a non-loopback -addr (the fake has no authentication)")
	fs.Float64Var(&o.speed, "speed", 1, "virtual seconds per real second; 0 means time moves only through POST /_fake/v1/advance")
	fs.IntVar(&o.instances, "instances", 0, "EC2 container instances registered in cluster \"default\"")
	fs.IntVar(&o.instanceCPU, "instance-cpu", 2048, "CPU units of each -instances instance (1024 per vCPU)")
	fs.IntVar(&o.instanceMemory, "instance-memory", 3943, "memory in MiB of each -instances instance")
	fs.StringVar(&o.region, "region", "us-east-1", "region of ARNs for unsigned requests (signed requests use their SigV4 region)")
	fs.StringVar(&o.account, "account", "123456789012", "12-digit account ID in ARNs")
	fs.Int64Var(&o.seed, "seed", 1, "seed of IDs and random placement; the same seed and calls give the same results")
	fs.DurationVar(&o.limits.readHeaderTimeout, "read-header-timeout", 10*time.Second, "time a client has to send a request's line and headers")
	fs.DurationVar(&o.limits.readTimeout, "read-timeout", 30*time.Second, "time a client has to send a whole request, body included (a slow upload is cut off)")
	fs.DurationVar(&o.limits.writeTimeout, "write-timeout", time.Minute, "time to answer a request, from the end of its headers")
	fs.DurationVar(&o.limits.idleTimeout, "idle-timeout", 2*time.Minute, "how long a keep-alive connection may wait for its next request")
	fs.IntVar(&o.limits.maxHeaderBytes, "max-header-bytes", 64<<10, "largest request line and headers, in bytes (larger: 431)")
	fs.IntVar(&o.limits.maxConns, "max-conns", 256, "open connections at a time; more wait in the listen backlog (0: no limit)")
	fs.DurationVar(&o.limits.drain, "drain", time.Second, "at shutdown: how long open connections may send a last request")
	fs.DurationVar(&o.limits.shutdownGrace, "shutdown-grace", 35*time.Second, "at shutdown: how long requests in flight may take to finish")
	fs.StringVar(&o.state, "state", "", "keep the world in FILE: restored at start, saved atomically every -state-every and at shutdown (default: in memory only, lost at exit)")
	fs.DurationVar(&o.stateEvery, "state-every", 30*time.Second, "with -state: how often the world is saved (0: only at shutdown)")
	fs.Var(quotaFlag{&o.quotas}, "quota", "an ECS service quota as NAME=N (-1: no limit), repeatable; NAME: "+quotaNames())
	fs.DurationVar(&o.consistency, "eventual-consistency", 0, "reads may lag RunTask, StartTask, CreateService, UpdateService and RegisterTaskDefinition by up to this much virtual time (seeded; 0 turns it off)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: ecsfake [flags]\n\nServes an in-memory Amazon ECS on a local endpoint.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q; ecsfake takes only flags", fs.Arg(0))
	}
	switch {
	case o.speed < 0 || math.IsNaN(o.speed) || math.IsInf(o.speed, 0):
		return o, fmt.Errorf("-speed %v: must be 0 (manual time) or positive", o.speed)
	case o.instances < 0 || o.instances > 10000:
		return o, fmt.Errorf("-instances %d: must be in [0,10000]", o.instances)
	case o.consistency < 0 || o.consistency > time.Hour:
		return o, fmt.Errorf("-eventual-consistency %v: must be in [0,1h]", o.consistency)
	case o.instanceCPU <= 0:
		return o, fmt.Errorf("-instance-cpu %d: must be positive", o.instanceCPU)
	case o.instanceMemory <= 0:
		return o, fmt.Errorf("-instance-memory %d: must be positive", o.instanceMemory)
	case o.limits.readHeaderTimeout <= 0 || o.limits.readTimeout <= 0 || o.limits.writeTimeout <= 0 || o.limits.idleTimeout <= 0:
		return o, fmt.Errorf("-read-header-timeout, -read-timeout, -write-timeout and -idle-timeout must be positive")
	case o.limits.maxHeaderBytes < 4<<10 || o.limits.maxHeaderBytes > 1<<20:
		return o, fmt.Errorf("-max-header-bytes %d: must be in [4096,1048576]", o.limits.maxHeaderBytes)
	case o.limits.maxConns < 0:
		return o, fmt.Errorf("-max-conns %d: must be 0 (no limit) or positive", o.limits.maxConns)
	case o.stateEvery < 0:
		return o, fmt.Errorf("-state-every %v: must not be negative", o.stateEvery)
	case o.limits.drain < 0 || o.limits.shutdownGrace <= 0:
		return o, fmt.Errorf("-drain must not be negative and -shutdown-grace must be positive")
	case !regionRE.MatchString(o.region):
		return o, fmt.Errorf("-region %q: must look like us-east-1", o.region)
	case !accountRE.MatchString(o.account):
		return o, fmt.Errorf("-account %q: must be 12 digits", o.account)
	}
	if err := checkAddr(o.addr, o.allowRemote); err != nil {
		return o, err
	}
	return o, nil
}

// checkAddr refuses listen addresses that are not loopback, unless
// allowRemote: the fake accepts any credentials.
func checkAddr(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %v", addr, err)
	}
	if allowRemote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-addr %q: not a loopback address (127.0.0.1, ::1 or localhost); the fake accepts any credentials, "+
		"so listening beyond this machine needs -allow-remote", addr)
}
