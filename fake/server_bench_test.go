package fake_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// tenServices serves a fake with 10 steady Fargate services of 2 tasks
// each in cluster "default" and returns their names.
func tenServices(tb testing.TB) (*faketest.Server, []string) {
	tb.Helper()
	ctx := context.Background()
	srv := faketest.NewServer(tb)
	c := srv.Client
	if _, err := c.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		tb.Fatal(err)
	}
	_, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"),
		NetworkMode: types.NetworkModeAwsvpc, RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("web"), Image: aws.String("nginx:1.27"),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}}}}})
	if err != nil {
		tb.Fatal(err)
	}
	names := make([]string, 10)
	for i := range names {
		names[i] = fmt.Sprintf("svc-%d", i)
		_, err := c.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String(names[i]), TaskDefinition: aws.String("web"),
			DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeFargate,
			NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}})
		if err != nil {
			tb.Fatal(err)
		}
	}
	srv.ECS.Advance(5 * time.Minute)
	return srv, names
}

// BenchmarkServerDescribeServices measures DescribeServices of 10 services
// through the Go SDK client over loopback HTTP, from parallel goroutines;
// it reports requests/s and p50/p99 latency.
func BenchmarkServerDescribeServices(b *testing.B) {
	srv, names := tenServices(b)
	c := srv.Client
	in := &ecs.DescribeServicesInput{Services: names}
	var mu sync.Mutex
	var lat []time.Duration
	b.ReportAllocs()
	// Four clients per core keep both cores busy while others wait on
	// the loopback socket.
	b.SetParallelism(4)
	cpu0 := processCPU()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		local := make([]time.Duration, 0, 1024)
		for pb.Next() {
			t0 := time.Now()
			out, err := c.DescribeServices(context.Background(), in)
			local = append(local, time.Since(t0))
			if err != nil || len(out.Services) != 10 {
				b.Errorf("DescribeServices: %v", err)
				return
			}
		}
		mu.Lock()
		lat = append(lat, local...)
		mu.Unlock()
	})
	b.StopTimer()
	reportThroughput(b, processCPU()-cpu0)
	if len(lat) > 0 {
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)*50/100].Microseconds()), "p50-µs")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	}
}

// TestServerManyConcurrentClients has many goroutines with their own
// clients deploy, describe and script the fake at once (run with -race).
func TestServerManyConcurrentClients(t *testing.T) {
	srv, names := tenServices(t)
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := srv.NewClient()
			name := names[g%len(names)]
			for i := range 20 {
				var err error
				if i%5 == 4 { // the call log marshals inputs while others call
					resp, err := http.Get(srv.URL + "/_fake/v1/calls")
					if err != nil {
						errs <- fmt.Errorf("goroutine %d GET calls: %w", g, err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				switch i % 4 {
				case 0:
					var out *ecs.DescribeServicesOutput
					out, err = c.DescribeServices(ctx, &ecs.DescribeServicesInput{Services: names})
					if err == nil && len(out.Services) != 10 {
						err = fmt.Errorf("DescribeServices returned %d services", len(out.Services))
					}
				case 1:
					_, err = c.UpdateService(ctx, &ecs.UpdateServiceInput{Service: aws.String(name), ForceNewDeployment: true})
				case 2:
					_, err = c.ListTasks(ctx, &ecs.ListTasksInput{ServiceName: aws.String(name)})
				case 3:
					srv.ECS.Advance(time.Second)
					_, err = c.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: aws.String("web"), LaunchType: types.LaunchTypeFargate,
						NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}})
				}
				if err != nil {
					errs <- fmt.Errorf("goroutine %d call %d: %w", g, i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := srv.ECS.CallCount("UpdateService"); got != 16*5 {
		t.Errorf("UpdateService calls = %d, want %d", got, 16*5)
	}
}

// reportThroughput reports requests/s and the process CPU time (client and
// server together) per request, which says what the machine could do
// without other load: cores / cpu-per-request.
func reportThroughput(b *testing.B, cpu time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/req")
	}
}

// BenchmarkServerDescribeServicesRawHTTP is the same DescribeServices call
// with a plain HTTP client sending a prepared body, so that the figures are
// the server's own cost without the SDK's serialisation.
func BenchmarkServerDescribeServicesRawHTTP(b *testing.B) {
	srv, names := tenServices(b)
	body := `{"cluster":"default","services":["` + strings.Join(names, `","`) + `"]}`
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.Cleanup(client.CloseIdleConnections)
	b.ReportAllocs()
	cpu0 := processCPU()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(body))
			req.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.DescribeServices")
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || n < 10000 {
				b.Errorf("status %d, %d bytes", resp.StatusCode, n)
				return
			}
		}
	})
	b.StopTimer()
	reportThroughput(b, processCPU()-cpu0)
}
