package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// TestMain lets the signal test run this test binary as ecsfake itself.
func TestMain(m *testing.M) {
	if os.Getenv("ECSFAKE_TEST_MAIN") == "1" {
		os.Args = append([]string{"ecsfake"}, strings.Fields(os.Getenv("ECSFAKE_TEST_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// started is a run in progress.
type started struct {
	url    string
	banner string
	cancel context.CancelFunc
	done   chan error
	rest   bytes.Buffer // stdout after the banner, complete once copied is closed
	copied chan struct{}
}

// start calls run with args in the background and waits for its banner.
func start(t *testing.T, args ...string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &started{cancel: cancel, done: make(chan error, 1), copied: make(chan struct{})}
	// A short drain keeps the suite fast (each test's clients leave idle
	// connections behind); a test may pass its own -drain after it.
	args = append([]string{"-drain", "100ms"}, args...)
	go func() {
		err := run(ctx, args, pw, io.Discard)
		pw.CloseWithError(io.EOF)
		s.done <- err
	}()
	t.Cleanup(func() {
		cancel()
		<-s.copied
	})
	r := bufio.NewReader(pr)
	var banner strings.Builder
	defer func() {
		go func() {
			_, _ = io.Copy(&s.rest, r)
			close(s.copied)
		}()
	}()
	for {
		line, err := r.ReadString('\n')
		banner.WriteString(line)
		if err != nil {
			t.Fatalf("run ended before its banner: %v\n%s", err, banner.String())
		}
		if u, ok := strings.CutPrefix(line, "ecsfake: serving Amazon ECS at "); ok {
			s.url = strings.TrimSpace(u)
		}
		if strings.HasPrefix(line, "Stop with Ctrl-C") {
			break
		}
	}
	s.banner = banner.String()
	return s
}

func (s *started) client() *ecs.Client {
	return ecs.New(ecs.Options{Region: "us-east-1", BaseEndpoint: aws.String(s.url),
		Credentials: credentials.NewStaticCredentialsProvider("x", "x", "")})
}

func (s *started) get(t *testing.T, path string) map[string]any {
	t.Helper()
	resp, err := http.Get(s.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
	}
	return doc
}

func TestRunServesDefaultClusterWithInstances(t *testing.T) {
	s := start(t, "-addr", "127.0.0.1:0", "-speed", "0", "-instances", "3", "-instance-cpu", "4096",
		"-instance-memory", "8192", "-region", "eu-west-1", "-account", "210987654321")
	ctx := t.Context()
	c := s.client()
	clusters, err := c.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{"default"}})
	if err != nil || len(clusters.Clusters) != 1 {
		t.Fatalf("DescribeClusters: %v %+v", err, clusters)
	}
	// The client signs for us-east-1, so its ARNs say us-east-1; the
	// cluster made at start uses -region and -account.
	if got := aws.ToString(clusters.Clusters[0].ClusterArn); got != "arn:aws:ecs:eu-west-1:210987654321:cluster/default" {
		t.Errorf("cluster ARN %s", got)
	}
	if n := clusters.Clusters[0].RegisteredContainerInstancesCount; n != 3 {
		t.Errorf("registeredContainerInstancesCount = %d, want 3", n)
	}
	list, err := c.ListContainerInstances(ctx, &ecs.ListContainerInstancesInput{})
	if err != nil || len(list.ContainerInstanceArns) != 3 {
		t.Fatalf("ListContainerInstances: %v %v", err, list)
	}
	ci, err := c.DescribeContainerInstances(ctx, &ecs.DescribeContainerInstancesInput{ContainerInstances: list.ContainerInstanceArns[:1]})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ci.ContainerInstances[0].RegisteredResources {
		if n := aws.ToString(r.Name); (n == "CPU" && r.IntegerValue != 4096) || (n == "MEMORY" && r.IntegerValue != 8192) {
			t.Errorf("resource %s = %d", n, r.IntegerValue)
		}
	}
}

func TestBannerSaysHowToPointClients(t *testing.T) {
	s := start(t, "-addr", "127.0.0.1:0", "-speed", "0")
	for _, want := range []string{
		"export AWS_ENDPOINT_URL_ECS=" + s.url,
		"aws --endpoint-url " + s.url + " ecs list-clusters",
		`o.BaseEndpoint = aws.String("` + s.url + `")`,
		s.url + "/_fake/v1/advance",
		"time: manual",
	} {
		if !strings.Contains(s.banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, s.banner)
		}
	}
}

func TestSpeedZeroMovesTimeOnlyThroughAdvance(t *testing.T) {
	s := start(t, "-addr", "127.0.0.1:0", "-speed", "0")
	t0 := s.get(t, "/_fake/v1/time")["now"]
	if t1 := s.get(t, "/_fake/v1/time")["now"]; t1 != t0 {
		t.Errorf("time moved without advance: %v -> %v", t0, t1)
	}
	resp, err := http.Post(s.url+"/_fake/v1/advance", "application/json", strings.NewReader(`{"duration":"90s"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("advance: %v %v", err, resp)
	}
	resp.Body.Close()
	start, _ := time.Parse(time.RFC3339Nano, t0.(string))
	now, _ := time.Parse(time.RFC3339Nano, s.get(t, "/_fake/v1/time")["now"].(string))
	if now.Sub(start) != 90*time.Second {
		t.Errorf("after advance 90s: %s -> %s", start, now)
	}
}

func TestSpeedRunsVirtualTimeFaster(t *testing.T) {
	s := start(t, "-addr", "127.0.0.1:0", "-speed", "10000")
	t0, _ := time.Parse(time.RFC3339Nano, s.get(t, "/_fake/v1/time")["now"].(string))
	realStart := time.Now()
	for {
		now, _ := time.Parse(time.RFC3339Nano, s.get(t, "/_fake/v1/time")["now"].(string))
		if now.Sub(t0) >= 10*time.Second { // 1 ms of real time at speed 10000
			break
		}
		if time.Since(realStart) > 5*time.Second {
			t.Fatalf("virtual time moved only %s in 5 s of real time at -speed 10000", now.Sub(t0))
		}
	}
}

func TestResetRestoresDefaultCluster(t *testing.T) {
	s := start(t, "-addr", "127.0.0.1:0", "-speed", "0", "-instances", "2")
	c := s.client()
	if _, err := c.DeleteCluster(t.Context(), &ecs.DeleteClusterInput{Cluster: aws.String("default")}); err == nil {
		t.Fatal("DeleteCluster with instances succeeded, want ClusterContainsContainerInstancesException")
	}
	if _, err := c.CreateCluster(t.Context(), &ecs.CreateClusterInput{ClusterName: aws.String("extra")}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(s.url+"/_fake/v1/reset", "application/json", nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("reset: %v %v", err, resp)
	}
	resp.Body.Close()
	out, err := c.ListClusters(t.Context(), &ecs.ListClustersInput{})
	if err != nil || len(out.ClusterArns) != 1 || !strings.HasSuffix(out.ClusterArns[0], "cluster/default") {
		t.Errorf("clusters after reset: %v %v", out, err)
	}
	list, err := c.ListContainerInstances(t.Context(), &ecs.ListContainerInstancesInput{})
	if err != nil || len(list.ContainerInstanceArns) != 2 {
		t.Errorf("instances after reset: %v %v", list, err)
	}
}

func TestRunShutsDownGracefullyOnCancel(t *testing.T) {
	s := start(t, "-addr", "127.0.0.1:0")
	s.cancel()
	if err := <-s.done; err != nil {
		t.Errorf("run after cancel: %v", err)
	}
	<-s.copied
	if rest := s.rest.String(); !strings.Contains(rest, "ecsfake: shutting down") {
		t.Errorf("output after cancel = %q", rest)
	}
	if _, err := http.Get(s.url + "/_fake/v1/time"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

func TestSignalsShutDownGracefully(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the subprocess test")
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd, url, r := ecsfakeProcess(t, "-addr 127.0.0.1:0 -speed 0")
			if !strings.HasPrefix(url, "http://127.0.0.1:") {
				t.Fatalf("serving at %q, want http://127.0.0.1:port", url)
			}
			if resp, err := http.Get(url + "/_fake/v1/time"); err != nil {
				t.Fatalf("subprocess not serving: %v", err)
			} else {
				resp.Body.Close()
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			rest, _ := io.ReadAll(r)
			if err := cmd.Wait(); err != nil {
				t.Errorf("exit after %s: %v", sig, err)
			}
			if !strings.Contains(string(rest), "ecsfake: shutting down") {
				t.Errorf("output after %s = %q", sig, rest)
			}
		})
	}
}

func TestFlagsRejectBadValues(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-addr", "0.0.0.0:4599"}, "not a loopback address"},
		{[]string{"-addr", ":4599"}, "needs -allow-remote"},
		{[]string{"-addr", "example.com:4599"}, "not a loopback address"},
		{[]string{"-addr", "4599"}, `-addr "4599"`},
		{[]string{"-speed", "-1"}, "-speed -1: must be 0 (manual time) or positive"},
		{[]string{"-instances", "-2"}, "-instances -2: must be in [0,10000]"},
		{[]string{"-instance-cpu", "0"}, "-instance-cpu 0: must be positive"},
		{[]string{"-instance-memory", "-5"}, "-instance-memory -5: must be positive"},
		{[]string{"-region", "mars"}, `-region "mars": must look like us-east-1`},
		{[]string{"-account", "abc"}, `-account "abc": must be 12 digits`},
		{[]string{"-eventual-consistency", "-1s"}, "-eventual-consistency -1s: must be in [0,1h]"},
		{[]string{"serve"}, `unexpected argument "serve"`},
		{[]string{"-nope"}, "flag provided but not defined: -nope"},
		{[]string{"-quota", "services=3"}, "want NAME=N with NAME one of clusters-per-account, container-instances-per-cluster"},
		{[]string{"-quota", "tasks-per-service=0"}, "tasks-per-service: want a positive number, or -1 for no limit"},
		{[]string{"-read-timeout", "0s"}, "must be positive"},
		{[]string{"-max-header-bytes", "10"}, "-max-header-bytes 10: must be in [4096,1048576]"},
		{[]string{"-max-conns", "-1"}, "-max-conns -1"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			err := run(t.Context(), tc.args, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run(%v) = %v, want error containing %q", tc.args, err, tc.want)
			}
		})
	}
	if err := run(t.Context(), []string{"-h"}, io.Discard, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v, want flag.ErrHelp", err)
	}
}

func TestCheckAddrAcceptsLoopback(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:4599", "127.0.0.2:0", "[::1]:4599", "localhost:4599"} {
		if err := checkAddr(addr, false); err != nil {
			t.Errorf("checkAddr(%q) = %v", addr, err)
		}
	}
	if err := checkAddr("0.0.0.0:4599", true); err != nil {
		t.Errorf("checkAddr with allowRemote = %v", err)
	}
}

// TestGoSDKFindsServerThroughEnv checks the banner's advice: the Go SDK's
// config.LoadDefaultConfig reads AWS_ENDPOINT_URL_ECS.
func TestGoSDKFindsServerThroughEnv(t *testing.T) {
	s := start(t, "-addr", "127.0.0.1:0", "-speed", "0")
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_ECS": s.url, "AWS_ACCESS_KEY_ID": "fake", "AWS_SECRET_ACCESS_KEY": "fake",
		"AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
		"AWS_CONFIG_FILE": dir + "/config", "AWS_SHARED_CREDENTIALS_FILE": dir + "/credentials",
	} {
		t.Setenv(k, v)
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"} {
		t.Setenv(k, "") // restored after the test
		os.Unsetenv(k)
	}
	cfg, err := config.LoadDefaultConfig(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	out, err := ecs.NewFromConfig(cfg).ListClusters(t.Context(), &ecs.ListClustersInput{})
	if err != nil || len(out.ClusterArns) != 1 || !strings.HasSuffix(out.ClusterArns[0], "cluster/default") {
		t.Errorf("ListClusters through AWS_ENDPOINT_URL_ECS: %v %v", out, err)
	}
}
