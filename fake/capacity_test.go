package fake

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/capacity"
)

// Capacity provider rules: docs/ecs-semantics.md, "Capacity providers".

func cpItem(name string, base, weight int32) types.CapacityProviderStrategyItem {
	return types.CapacityProviderStrategyItem{CapacityProvider: aws.String(name), Base: base, Weight: weight}
}

// acceptStrategy is issue #14's strategy: FARGATE base 1 weight 1, FARGATE_SPOT weight 3.
var acceptStrategy = []types.CapacityProviderStrategyItem{cpItem("FARGATE", 1, 1), cpItem("FARGATE_SPOT", 0, 3)}

// spotCluster returns a fake with cluster "default" associated with FARGATE
// and FARGATE_SPOT, with def as its default strategy (may be empty).
func spotCluster(t testing.TB, def []types.CapacityProviderStrategyItem, opts ...Option) *ECS {
	t.Helper()
	e := New(append([]Option{WithTiming(fastTiming)}, opts...)...)
	if def == nil {
		def = []types.CapacityProviderStrategyItem{}
	}
	if _, err := e.CreateCluster(bg, &ecs.CreateClusterInput{CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"},
		DefaultCapacityProviderStrategy: def}); err != nil {
		t.Fatal(err)
	}
	return e
}

// createSpotSvc creates service name on td with strategy cps (nil: the cluster default).
func createSpotSvc(t testing.TB, e *ECS, name, td string, desired int32, cps []types.CapacityProviderStrategyItem, min, max int32) types.Service {
	t.Helper()
	out, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String(name), TaskDefinition: aws.String(td),
		DesiredCount: aws.Int32(desired), CapacityProviderStrategy: cps, NetworkConfiguration: netCfg,
		DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(min), MaximumPercent: aws.Int32(max)}})
	if err != nil {
		t.Fatalf("CreateService(%s): %v", name, err)
	}
	return *out.Service
}

// providerCounts counts the live tasks (desiredStatus RUNNING, not
// STOPPED) of a service per capacity provider and deployment, and the
// RUNNING ones per provider.
type providerCounts struct {
	byDep   map[string]map[string]int // deployment -> provider -> live
	running map[string]int
}

func countByProvider(e *ECS, name string) providerCounts {
	e.mu.Lock()
	defer e.mu.Unlock()
	pc := providerCounts{byDep: map[string]map[string]int{}, running: map[string]int{}}
	for _, t := range e.clusters["default"].tasks {
		if t.forgotten || t.group != "service:"+name || t.lastStatus == statusStopped || t.desiredStatus != statusRunning {
			continue
		}
		if pc.byDep[t.startedBy] == nil {
			pc.byDep[t.startedBy] = map[string]int{}
		}
		pc.byDep[t.startedBy][t.capacityProvider]++
		if t.lastStatus == statusRunning {
			pc.running[t.capacityProvider]++
		}
	}
	return pc
}

// wantSplit checks that every deployment's live tasks are split as
// capacity.Split says for their number (deployments on a launch type are
// skipped).
func wantSplit(t testing.TB, e *ECS, name string, cps []types.CapacityProviderStrategyItem) {
	t.Helper()
	items := strategyItems(cps)
	for dep, m := range countByProvider(e, name).byDep {
		if m[""] > 0 {
			continue
		}
		total := 0
		for _, n := range m {
			total += n
		}
		want := capacity.Split(items, total)
		for i, it := range items {
			if m[it.Provider] != want[i] {
				t.Fatalf("at %v deployment %s runs %v, want split %v of %d", e.Now(), dep, m, want, total)
			}
		}
	}
}

func TestCreateClusterWithFargateProvidersAndDefaultStrategy(t *testing.T) {
	e := spotCluster(t, acceptStrategy)
	out, err := e.DescribeClusters(bg, &ecs.DescribeClustersInput{Clusters: []string{"default"}})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Clusters[0]
	if !slices.Equal(c.CapacityProviders, []string{"FARGATE", "FARGATE_SPOT"}) || len(c.DefaultCapacityProviderStrategy) != 2 ||
		c.DefaultCapacityProviderStrategy[0].Base != 1 || c.DefaultCapacityProviderStrategy[1].Weight != 3 {
		t.Fatalf("cluster = %v / %+v", c.CapacityProviders, c.DefaultCapacityProviderStrategy)
	}
	dp, err := e.DescribeCapacityProviders(bg, &ecs.DescribeCapacityProvidersInput{CapacityProviders: []string{"FARGATE_SPOT", "my-asg"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(dp.CapacityProviders) != 1 || aws.ToString(dp.CapacityProviders[0].Name) != "FARGATE_SPOT" ||
		dp.CapacityProviders[0].Status != types.CapacityProviderStatusActive ||
		aws.ToString(dp.CapacityProviders[0].CapacityProviderArn) != "arn:aws:ecs:us-east-1:123456789012:capacity-provider/FARGATE_SPOT" {
		t.Fatalf("DescribeCapacityProviders = %+v", dp.CapacityProviders)
	}
	if len(dp.Failures) != 1 || aws.ToString(dp.Failures[0].Reason) != "MISSING" {
		t.Fatalf("failures = %+v", dp.Failures)
	}
	all, _ := e.DescribeCapacityProviders(bg, &ecs.DescribeCapacityProvidersInput{})
	if len(all.CapacityProviders) != 2 {
		t.Fatalf("all providers = %d, want the 2 built-ins", len(all.CapacityProviders))
	}
}

// TestCapacityProviderBadInputRefusedNothingChanged: each bad strategy is
// refused with InvalidParameterException and ECS's text, and no service
// is created (API Reference, CapacityProviderStrategyItem; CreateService).
func TestCapacityProviderBadInputRefusedNothingChanged(t *testing.T) {
	many := make([]types.CapacityProviderStrategyItem, 21)
	for i := range many {
		many[i] = cpItem(fmt.Sprintf("p%d", i), 0, 1)
	}
	for _, tc := range []struct {
		name string
		lt   types.LaunchType
		cps  []types.CapacityProviderStrategyItem
		msg  string
	}{
		{"LaunchTypeBesideStrategy", types.LaunchTypeFargate, acceptStrategy, msgLaunchTypeAndStrategy},
		{"UnknownProvider", "", []types.CapacityProviderStrategyItem{cpItem("nope", 0, 1)}, msgProviderNotAssociated},
		{"MoreThanOneBase", "", []types.CapacityProviderStrategyItem{cpItem("FARGATE", 1, 1), cpItem("FARGATE_SPOT", 2, 1)}, msgOneBase},
		{"WeightAbove1000", "", []types.CapacityProviderStrategyItem{cpItem("FARGATE", 0, 1001)}, "capacityProviderStrategy[0].weight: must be between 0 and 1000, got 1001."},
		{"NegativeWeight", "", []types.CapacityProviderStrategyItem{cpItem("FARGATE", 0, -1)}, "capacityProviderStrategy[0].weight: must be between 0 and 1000, got -1."},
		{"BaseAbove100000", "", []types.CapacityProviderStrategyItem{cpItem("FARGATE", 100001, 1)}, "capacityProviderStrategy[0].base: must be between 0 and 100000, got 100001."},
		{"AllWeightsZero", "", []types.CapacityProviderStrategyItem{cpItem("FARGATE", 1, 0), cpItem("FARGATE_SPOT", 0, 0)}, msgSomeWeight},
		{"MoreThan20Entries", "", many, msgTooManyItems},
		{"DuplicateProvider", "", []types.CapacityProviderStrategyItem{cpItem("FARGATE", 0, 1), cpItem("FARGATE", 0, 1)}, "capacityProviderStrategy[1].capacityProvider: FARGATE appears more than once in the strategy."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := spotCluster(t, nil)
			td := register(t, e, fargateTD("web", "nginx"))
			_, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td),
				DesiredCount: aws.Int32(1), LaunchType: tc.lt, CapacityProviderStrategy: tc.cps, NetworkConfiguration: netCfg})
			apiErr(t, err, "InvalidParameterException", tc.msg)
			_, err = e.RunTask(bg, &ecs.RunTaskInput{TaskDefinition: aws.String(td), LaunchType: tc.lt, CapacityProviderStrategy: tc.cps, NetworkConfiguration: netCfg})
			apiErr(t, err, "InvalidParameterException", tc.msg)
			ls, _ := e.ListServices(bg, &ecs.ListServicesInput{})
			if len(ls.ServiceArns) != 0 || len(e.Tasks("default")) != 0 {
				t.Fatalf("something changed: services %v, tasks %d", ls.ServiceArns, len(e.Tasks("default")))
			}
		})
	}
	// Not associated with the cluster: a cluster with FARGATE only.
	e := New(WithTiming(fastTiming))
	if _, err := e.CreateCluster(bg, &ecs.CreateClusterInput{CapacityProviders: []string{"FARGATE"}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}}); err != nil {
		t.Fatal(err)
	}
	td := register(t, e, fargateTD("web", "nginx"))
	_, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td),
		DesiredCount: aws.Int32(1), CapacityProviderStrategy: acceptStrategy, NetworkConfiguration: netCfg})
	apiErr(t, err, "InvalidParameterException", msgProviderNotAssociated)
	// CreateCluster with an unknown provider creates nothing.
	_, err = e.CreateCluster(bg, &ecs.CreateClusterInput{ClusterName: aws.String("x"), CapacityProviders: []string{"my-asg"}})
	apiErr(t, err, "InvalidParameterException", "capacityProviders[0]: The specified capacity provider my-asg does not exist. Specify a valid capacity provider and try again.")
	if out, _ := e.DescribeClusters(bg, &ecs.DescribeClustersInput{Clusters: []string{"x"}}); len(out.Clusters) != 0 {
		t.Fatal("cluster x was created")
	}
	// A default strategy over a provider the cluster does not list.
	_, err = e.PutClusterCapacityProviders(bg, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("default"),
		CapacityProviders: []string{"FARGATE"}, DefaultCapacityProviderStrategy: acceptStrategy})
	apiErr(t, err, "InvalidParameterException", msgProviderNotAssociated)
}

// TestPutClusterCapacityProvidersInUseRefused: a provider a service uses
// cannot be removed (ResourceInUseException); an unused one can.
func TestPutClusterCapacityProvidersInUseRefused(t *testing.T) {
	e := spotCluster(t, nil)
	td := register(t, e, fargateTD("web", "nginx"))
	createSpotSvc(t, e, "web", td, 2, []types.CapacityProviderStrategyItem{cpItem("FARGATE_SPOT", 0, 1)}, 100, 200)
	e.Advance(time.Minute)
	_, err := e.PutClusterCapacityProviders(bg, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("default"),
		CapacityProviders: []string{"FARGATE"}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}})
	apiErr(t, err, "ResourceInUseException", msgProviderInUse)
	out, err := e.PutClusterCapacityProviders(bg, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("default"),
		CapacityProviders: []string{"FARGATE_SPOT"}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{cpItem("FARGATE_SPOT", 0, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out.Cluster.CapacityProviders, []string{"FARGATE_SPOT"}) || len(out.Cluster.DefaultCapacityProviderStrategy) != 1 {
		t.Fatalf("cluster = %v %+v", out.Cluster.CapacityProviders, out.Cluster.DefaultCapacityProviderStrategy)
	}
}

// TestServiceSplitBaseThenWeightAtEveryStep: a service on FARGATE base 1
// weight 1 + FARGATE_SPOT weight 3 keeps its tasks split as the split
// core says while it starts, scales out and scales in; the service and
// its deployment show the strategy and no launch type; tasks show their
// provider and launch type FARGATE.
func TestServiceSplitBaseThenWeightAtEveryStep(t *testing.T) {
	e := spotCluster(t, nil)
	td := register(t, e, fargateTD("web", "nginx"))
	s := createSpotSvc(t, e, "web", td, 4, acceptStrategy, 100, 200)
	if s.LaunchType != "" || len(s.CapacityProviderStrategy) != 2 || len(s.Deployments[0].CapacityProviderStrategy) != 2 || s.Deployments[0].LaunchType != "" {
		t.Fatalf("service launchType %q strategy %+v deployment %q %+v", s.LaunchType, s.CapacityProviderStrategy, s.Deployments[0].LaunchType, s.Deployments[0].CapacityProviderStrategy)
	}
	check := func() { wantSplit(t, e, "web", acceptStrategy) }
	stepUntil(t, e, 5*time.Second, 10*time.Minute, check, func() bool { return completed(t, e, "web", td) })
	if got := countByProvider(e, "web").running; got["FARGATE"] != 2 || got["FARGATE_SPOT"] != 2 {
		t.Fatalf("desired 4: running per provider %v, want FARGATE 2 FARGATE_SPOT 2", got)
	}
	for _, tk := range e.Tasks("default") {
		if tk.LaunchType != types.LaunchTypeFargate || (aws.ToString(tk.CapacityProviderName) != "FARGATE" && aws.ToString(tk.CapacityProviderName) != "FARGATE_SPOT") {
			t.Fatalf("task launchType %q capacityProviderName %q", tk.LaunchType, aws.ToString(tk.CapacityProviderName))
		}
	}
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(9)})
	stepUntil(t, e, 5*time.Second, 10*time.Minute, check, func() bool { return svc(t, e, "web").RunningCount == 9 })
	if got := countByProvider(e, "web").running; got["FARGATE"] != 3 || got["FARGATE_SPOT"] != 6 {
		t.Fatalf("desired 9: %v, want FARGATE 3 FARGATE_SPOT 6", got)
	}
	// Scale in once every task counts as healthy: the planner stops tasks
	// that are not yet healthy first, and the re-pick by provider only
	// swaps tasks in the same condition (minimumHealthyPercent first).
	for range 12 {
		e.Advance(5 * time.Second)
		check()
	}
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), DesiredCount: aws.Int32(3)})
	e.Advance(time.Second)
	check()
	stepUntil(t, e, 5*time.Second, 10*time.Minute, check, func() bool { return svc(t, e, "web").RunningCount == 3 })
	if got := countByProvider(e, "web").running; got["FARGATE"] != 1 || got["FARGATE_SPOT"] != 2 {
		t.Fatalf("desired 3: %v, want FARGATE 1 FARGATE_SPOT 2", got)
	}
}

// TestClusterDefaultStrategyUsedWhenNeitherGiven: CreateService and
// RunTask without launch type or strategy use the cluster's default
// strategy (API Reference, CreateCluster defaultCapacityProviderStrategy).
func TestClusterDefaultStrategyUsedWhenNeitherGiven(t *testing.T) {
	e := spotCluster(t, acceptStrategy)
	td := register(t, e, fargateTD("web", "nginx"))
	s := createSpotSvc(t, e, "web", td, 5, nil, 100, 200)
	if len(s.CapacityProviderStrategy) != 2 || aws.ToString(s.CapacityProviderStrategy[1].CapacityProvider) != "FARGATE_SPOT" {
		t.Fatalf("service strategy = %+v, want the cluster default", s.CapacityProviderStrategy)
	}
	stepUntil(t, e, 5*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
	if got := countByProvider(e, "web").running; got["FARGATE"] != 2 || got["FARGATE_SPOT"] != 3 {
		t.Fatalf("desired 5: %v, want FARGATE 2 FARGATE_SPOT 3", got)
	}
	out := run(t, e, &ecs.RunTaskInput{TaskDefinition: aws.String(td), Count: aws.Int32(9), NetworkConfiguration: netCfg})
	per := map[string]int{}
	for _, tk := range out.Tasks {
		per[aws.ToString(tk.CapacityProviderName)]++
	}
	if per["FARGATE"] != 3 || per["FARGATE_SPOT"] != 6 || len(out.Failures) != 0 {
		t.Fatalf("RunTask 9 split %v failures %v, want FARGATE 3 FARGATE_SPOT 6", per, reasons(out.Failures))
	}
}

// TestRunTaskSpotCapacityUnavailable: while Fargate Spot has no capacity,
// RunTask's Spot share comes back in failures with ECS's reason and the
// FARGATE share runs (re:Post, "ecs-fargate-runtask-capacity").
func TestRunTaskSpotCapacityUnavailable(t *testing.T) {
	e := spotCluster(t, nil)
	td := register(t, e, fargateTD("job", "busybox"))
	e.SetFargateSpotCapacity(false)
	out := run(t, e, &ecs.RunTaskInput{TaskDefinition: aws.String(td), Count: aws.Int32(5), CapacityProviderStrategy: acceptStrategy, NetworkConfiguration: netCfg})
	if len(out.Tasks) != 2 || len(out.Failures) != 3 || aws.ToString(out.Failures[0].Reason) != capacityUnavailable {
		t.Fatalf("tasks %d failures %v, want 2 FARGATE tasks and 3 %q", len(out.Tasks), reasons(out.Failures), capacityUnavailable)
	}
	for _, tk := range out.Tasks {
		if aws.ToString(tk.CapacityProviderName) != "FARGATE" {
			t.Fatalf("task on %q, want FARGATE", aws.ToString(tk.CapacityProviderName))
		}
	}
}

// TestSpotInterruptionStopsWithNoticeAndIsReplaced: interrupted
// FARGATE_SPOT tasks stop with stop code SpotInterruption and ECS's reason
// within two minutes of the notice, and the scheduler replaces them on
// Spot, keeping the split (re:Post knowledge center,
// "fargate-spot-termination-notice").
func TestSpotInterruptionStopsWithNoticeAndIsReplaced(t *testing.T) {
	e := spotCluster(t, nil)
	td := register(t, e, fargateTD("web", "nginx"))
	createSpotSvc(t, e, "web", td, 4, acceptStrategy, 100, 200)
	stepUntil(t, e, 5*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
	var spot []string
	for _, tk := range e.Tasks("default") {
		if aws.ToString(tk.CapacityProviderName) == "FARGATE_SPOT" {
			spot = append(spot, aws.ToString(tk.TaskArn))
		}
	}
	notice := e.Now()
	if err := e.InterruptSpot(SpotInterruption{Service: "web"}); err != nil {
		t.Fatal(err)
	}
	e.Advance(2 * time.Minute)
	for _, arn := range spot {
		tk := describe(t, e, arn)
		if tk.StopCode != types.TaskStopCodeSpotInterruption || aws.ToString(tk.StoppedReason) != "Your Spot Task was interrupted." {
			t.Fatalf("interrupted task: stopCode %q reason %q", tk.StopCode, aws.ToString(tk.StoppedReason))
		}
		if !tk.StoppingAt.Equal(notice) || aws.ToString(tk.LastStatus) != "STOPPED" || tk.StoppedAt.Sub(notice) > 2*time.Minute {
			t.Fatalf("interrupted task: stopping at %v (notice %v), %s at %v", tk.StoppingAt, notice, aws.ToString(tk.LastStatus), tk.StoppedAt)
		}
	}
	stepUntil(t, e, 5*time.Second, 10*time.Minute, func() { wantSplit(t, e, "web", acceptStrategy) }, func() bool {
		r := countByProvider(e, "web").running
		return r["FARGATE"] == 2 && r["FARGATE_SPOT"] == 2
	})
}

// TestSpotCapacityUnavailableFargateBaseKeepsServiceAlive: with Spot
// reclaimed and no Spot capacity, the FARGATE base keeps the service
// running; the service reports ECS's capacity reason, never moves Spot's
// share to FARGATE, and converges when capacity returns.
func TestSpotCapacityUnavailableFargateBaseKeepsServiceAlive(t *testing.T) {
	e := spotCluster(t, nil)
	td := register(t, e, fargateTD("web", "nginx"))
	createSpotSvc(t, e, "web", td, 4, acceptStrategy, 100, 200)
	stepUntil(t, e, 5*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
	e.SetFargateSpotCapacity(false)
	if err := e.InterruptSpot(SpotInterruption{}); err != nil {
		t.Fatal(err)
	}
	for range 60 {
		e.Advance(10 * time.Second)
		r := countByProvider(e, "web")
		if r.running["FARGATE"] != 2 {
			t.Fatalf("FARGATE tasks %d, want the 2 kept", r.running["FARGATE"])
		}
		if n := r.byDep; len(n) > 0 {
			for _, m := range n {
				if m["FARGATE"] > 2 {
					t.Fatalf("Spot's share moved to FARGATE: %v", m)
				}
			}
		}
	}
	s := svc(t, e, "web")
	want := "(service web) was unable to place a task. Reason: " + capacityUnavailable + ". For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
	if countEvents(s, want) == 0 {
		t.Fatalf("no capacity event; events: %q", eventTexts(s)[:min(5, len(s.Events))])
	}
	e.SetFargateSpotCapacity(true)
	stepUntil(t, e, 10*time.Second, 45*time.Minute, nil, func() bool { return svc(t, e, "web").RunningCount == 4 })
	if r := countByProvider(e, "web").running; r["FARGATE_SPOT"] != 2 {
		t.Fatalf("after capacity returned: %v", r)
	}
}

// TestSpotInterruptionDuringRollingDeploymentConverges: Spot interruptions
// in the middle of a rolling deployment leave the service converged on
// the new revision with the split kept, and the healthy count never falls
// below minimumHealthyPercent by more than the tasks the interruption took.
func TestSpotInterruptionDuringRollingDeploymentConverges(t *testing.T) {
	e := spotCluster(t, nil)
	td1 := register(t, e, fargateTD("web", "nginx:1"))
	td2 := register(t, e, fargateTD("web", "nginx:2"))
	createSpotSvc(t, e, "web", td1, 8, acceptStrategy, 50, 150)
	stepUntil(t, e, 5*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	for range 6 { // both deployments keep their split until the interruption
		e.Advance(5 * time.Second)
		wantSplit(t, e, "web", acceptStrategy)
	}
	if err := e.InterruptSpot(SpotInterruption{Service: "web", Fraction: 0.5}); err != nil {
		t.Fatal(err)
	}
	interrupted := func() int {
		n := 0
		e.mu.Lock()
		defer e.mu.Unlock()
		for _, tk := range e.clusters["default"].tasks {
			if tk.stopCode == types.TaskStopCodeSpotInterruption {
				n++
			}
		}
		return n
	}
	check := func() {
		c := countSvcTasks(e, "web")
		if floor := 4 - interrupted(); c.healthy < floor {
			t.Fatalf("at %v healthy %d < minimum 4 - %d interrupted", e.Now(), c.healthy, interrupted())
		}
	}
	e.Advance(time.Second)
	if interrupted() == 0 {
		t.Fatal("the interruption hit no task")
	}
	stepUntil(t, e, 5*time.Second, 30*time.Minute, check, func() bool { return completed(t, e, "web", td2) })
	wantSplit(t, e, "web", acceptStrategy)
	if r := countByProvider(e, "web").running; r["FARGATE"] != 3 || r["FARGATE_SPOT"] != 5 {
		t.Fatalf("converged split %v, want FARGATE 3 FARGATE_SPOT 5", r)
	}
}

// TestUpdateServiceSwitchLaunchTypeAndStrategyNeedsForce: switching a
// service between a launch type and a strategy, or changing its strategy,
// needs forceNewDeployment (ECS Developer Guide, "Capacity provider
// strategies"); an empty strategy returns it to the launch type.
func TestUpdateServiceSwitchLaunchTypeAndStrategyNeedsForce(t *testing.T) {
	e := spotCluster(t, nil)
	td := register(t, e, fargateTD("web", "nginx"))
	out, err := e.CreateService(bg, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String(td),
		DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: netCfg})
	if err != nil {
		t.Fatal(err)
	}
	dep := aws.ToString(out.Service.Deployments[0].Id)
	stepUntil(t, e, 5*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
	_, err = e.UpdateService(bg, &ecs.UpdateServiceInput{Service: aws.String("web"), CapacityProviderStrategy: acceptStrategy})
	apiErr(t, err, "InvalidParameterException", msgForceToSwitch)
	if s := svc(t, e, "web"); s.LaunchType != types.LaunchTypeFargate || len(s.CapacityProviderStrategy) != 0 || aws.ToString(s.Deployments[0].Id) != dep {
		t.Fatalf("refused update changed the service: %q %+v", s.LaunchType, s.CapacityProviderStrategy)
	}
	s := update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), CapacityProviderStrategy: acceptStrategy, ForceNewDeployment: true})
	if s.LaunchType != "" || len(s.CapacityProviderStrategy) != 2 || len(s.Deployments) != 2 || len(primaryOf(t, s).CapacityProviderStrategy) != 2 {
		t.Fatalf("switched: launchType %q strategy %+v deployments %d", s.LaunchType, s.CapacityProviderStrategy, len(s.Deployments))
	}
	stepUntil(t, e, 5*time.Second, 10*time.Minute, func() { wantSplit(t, e, "web", acceptStrategy) }, func() bool { return completed(t, e, "web", td) })
	if r := countByProvider(e, "web").running; r["FARGATE"] != 1 || r["FARGATE_SPOT"] != 1 {
		t.Fatalf("after switch: %v", r)
	}
	// Changing the strategy also needs force.
	_, err = e.UpdateService(bg, &ecs.UpdateServiceInput{Service: aws.String("web"), CapacityProviderStrategy: []types.CapacityProviderStrategyItem{cpItem("FARGATE_SPOT", 0, 1)}})
	apiErr(t, err, "InvalidParameterException", msgForceToSwitch)
	// The same strategy again is no change.
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), CapacityProviderStrategy: acceptStrategy})
	// Back to the launch type with an empty list.
	s = update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), CapacityProviderStrategy: []types.CapacityProviderStrategyItem{}, ForceNewDeployment: true})
	if s.LaunchType != types.LaunchTypeFargate || len(s.CapacityProviderStrategy) != 0 {
		t.Fatalf("back: launchType %q strategy %+v", s.LaunchType, s.CapacityProviderStrategy)
	}
	stepUntil(t, e, 5*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
	for _, tk := range e.Tasks("default") {
		if aws.ToString(tk.LastStatus) == "RUNNING" && tk.CapacityProviderName != nil {
			t.Fatalf("launch-type task on provider %q", aws.ToString(tk.CapacityProviderName))
		}
	}
}

// TestSpotInterruptionByFamilyFractionAndTime: an interruption scheduled
// for a later time strikes then, only on the family it names, and on the
// fraction asked (rounded up); invalid fractions are refused.
func TestSpotInterruptionByFamilyFractionAndTime(t *testing.T) {
	e := spotCluster(t, nil)
	web := register(t, e, fargateTD("web", "nginx"))
	job := register(t, e, fargateTD("job", "busybox"))
	spotOnly := []types.CapacityProviderStrategyItem{cpItem("FARGATE_SPOT", 0, 1)}
	run(t, e, &ecs.RunTaskInput{TaskDefinition: aws.String(web), Count: aws.Int32(4), CapacityProviderStrategy: spotOnly, NetworkConfiguration: netCfg})
	run(t, e, &ecs.RunTaskInput{TaskDefinition: aws.String(job), Count: aws.Int32(4), CapacityProviderStrategy: spotOnly, NetworkConfiguration: netCfg})
	e.Advance(time.Minute)
	at := e.Now().Add(10 * time.Minute)
	if err := e.InterruptSpot(SpotInterruption{Family: "job", Fraction: 0.3, At: at}); err != nil {
		t.Fatal(err)
	}
	count := func() map[string]int {
		n := map[string]int{}
		for _, tk := range e.Tasks("default") {
			if tk.StopCode == types.TaskStopCodeSpotInterruption {
				n[strings.Split(aws.ToString(tk.TaskDefinitionArn), "/")[1]]++
			}
		}
		return n
	}
	e.Advance(10*time.Minute - time.Second)
	if n := count(); len(n) != 0 {
		t.Fatalf("interrupted before At: %v", n)
	}
	e.Advance(time.Second)
	if n := count(); n["job:1"] != 2 || n["web:1"] != 0 {
		t.Fatalf("interrupted %v, want 2 of 4 job tasks (0.3 rounded up) and no web task", n)
	}
	for _, bad := range []float64{-0.1, 1.5} {
		if err := e.InterruptSpot(SpotInterruption{Fraction: bad}); err == nil {
			t.Fatalf("fraction %v accepted", bad)
		}
	}
}
