package fake_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

var loadRun = flag.Duration("fake.loadrun", 0, "run TestLoadRun for this long (mixed load over HTTP; 0 skips it)")

// rssBytes reads the process's resident set size (Linux; 0 elsewhere).
func rssBytes() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// TestLoadRun drives a fake on a real-time clock (60 virtual seconds per
// second) over HTTP with 8 clients for -fake.loadrun: DescribeServices of
// 10 services, ListTasks, forced deployments, RunTask and StopTask, call
// log pages, and one hostile 1 MiB RegisterTaskDefinition per client every
// 200 calls. It reports requests/s, p50/p99 and the process RSS and live
// heap every tenth of the run (docs/reliability.md, "Load").
//
//	go test ./fake -run TestLoadRun -fake.loadrun=60s -v
func TestLoadRun(t *testing.T) {
	if *loadRun <= 0 {
		t.Skip("set -fake.loadrun=60s to run")
	}
	ctx := context.Background()
	srv := faketest.NewServerFor(t, fake.New(fake.WithClock(fake.RealTime(60))))
	c := srv.Client
	if _, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"),
		NetworkMode: types.NetworkModeAwsvpc, RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("web"), Image: aws.String("nginx:1.27")}}}); err != nil {
		t.Fatal(err)
	}
	net := &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}
	names := make([]string, 10)
	for i := range names {
		names[i] = fmt.Sprintf("svc-%d", i)
		if _, err := c.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String(names[i]), TaskDefinition: aws.String("web"),
			DesiredCount: aws.Int32(3), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: net}); err != nil {
			t.Fatal(err)
		}
	}
	hostile := emptyContainers((1<<20 - 60) / 3)
	end := time.Now().Add(*loadRun)
	var calls, failures atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			cl := srv.NewClient()
			raw := &http.Client{Transport: &http.Transport{Proxy: nil}}
			var mine []time.Duration
			for i := 0; time.Now().Before(end) && i < 10_000_000; i++ {
				t0 := time.Now()
				var err error
				switch i % 10 {
				case 0, 1, 2, 3:
					_, err = cl.DescribeServices(ctx, &ecs.DescribeServicesInput{Services: names})
				case 4, 5:
					_, err = cl.ListTasks(ctx, &ecs.ListTasksInput{ServiceName: aws.String(names[(g+i)%10])})
				case 6:
					_, err = cl.UpdateService(ctx, &ecs.UpdateServiceInput{Service: aws.String(names[(g+i)%10]), ForceNewDeployment: i%50 == 6})
				case 7:
					var out *ecs.RunTaskOutput
					out, err = cl.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("web"), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: net})
					if err == nil && len(out.Tasks) == 1 {
						_, err = cl.StopTask(ctx, &ecs.StopTaskInput{Task: out.Tasks[0].TaskArn})
					}
				case 8:
					var resp *http.Response
					if resp, err = raw.Get(srv.URL + "/_fake/v1/calls?limit=100"); err == nil {
						_, _ = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				case 9:
					if i%200 == 9 {
						status, _ := wireCall(t, raw, srv.URL, "RegisterTaskDefinition", hostile)
						if status != 400 {
							err = fmt.Errorf("hostile request answered %d", status)
						}
					} else {
						_, err = cl.ListServices(ctx, &ecs.ListServicesInput{})
					}
				}
				mine = append(mine, time.Since(t0))
				calls.Add(1)
				if err != nil {
					failures.Add(1)
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	start := time.Now()
	tick := time.NewTicker(*loadRun / 10)
	var samples []string
	for done := false; !done; {
		<-tick.C
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		samples = append(samples, fmt.Sprintf("t=%3.0fs calls=%7d RSS=%4d MiB heap=%4d MiB",
			time.Since(start).Seconds(), calls.Load(), rssBytes()>>20, m.HeapAlloc>>20))
		done = time.Now().After(end)
	}
	tick.Stop()
	wg.Wait()
	slices.Sort(lat)
	elapsed := time.Since(start)
	t.Logf("%d calls in %v: %.0f requests/s, p50 %v, p99 %v, %d failures",
		len(lat), elapsed.Round(time.Second), float64(len(lat))/elapsed.Seconds(), lat[len(lat)/2], lat[len(lat)*99/100], failures.Load())
	for _, s := range samples {
		t.Log(s)
	}
	if failures.Load() > 0 {
		t.Errorf("%d calls failed", failures.Load())
	}
}
