package fake

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/ecsdeploytest"
)

// conformanceBackend is the in-process fake as an ecsdeploytest backend:
// faults stand in for failing images and exiting containers.
func conformanceBackend(t *testing.T, e *ECS, lt types.LaunchType) ecsdeploytest.Backend {
	n := 0
	unique := func(kind string) string {
		n++
		return fmt.Sprintf("registry.example/%s:%d", kind, n)
	}
	return ecsdeploytest.Backend{
		API: e, Clock: e, Cluster: "default", LaunchType: lt, NetworkConfiguration: netCfg,
		FailingImage: func(t *testing.T) string {
			img := unique("missing")
			if err := e.InjectFault(Fault{Image: img, Action: FaultFailStart}); err != nil {
				t.Fatal(err)
			}
			return img
		},
		ExitingContainer: func(t *testing.T, code int32) (string, []string) {
			img := unique("exits")
			if err := e.InjectFault(Fault{Image: img, Action: FaultExit, ExitCode: code, After: 3 * time.Second}); err != nil {
				t.Fatal(err)
			}
			return img, nil
		},
		AddCapacity: func(t *testing.T, cpu, memory int32) {
			if lt != types.LaunchTypeEc2 {
				return
			}
			if _, err := e.AddInstance("default", InstanceSpec{CPU: int(cpu), Memory: int(memory)}); err != nil {
				t.Fatal(err)
			}
		},
		FailOperation: func(_ *testing.T, op, code string, times int) { e.FailOperation(op, code, times, 0) },
		Calls:         e.CallCounts,
	}
}

// The Deployer conformance suite against the in-process fake, on Fargate
// and on EC2 capacity. It runs only with ECSDEPLOY_CONFORMANCE=1 for now:
// the root package's contracts.go is still a scaffold (RegisterInput keeps
// only family and containers, Diff compares with fmt.Sprint), so
// RegisterOnlyIfChangedReusesRevision fails on both launch types and every
// Fargate deploy registers a revision without awsvpc/FARGATE that ECS (and
// the fake) rightly refuse for a Fargate service. With a RegisterInput that
// keeps networkMode, requiresCompatibilities, cpu and memory, every other
// scenario passes on both launch types.
func TestConformanceInProcess(t *testing.T) {
	if os.Getenv("ECSDEPLOY_CONFORMANCE") == "" {
		t.Skip("set ECSDEPLOY_CONFORMANCE=1 (needs the root package's real RegisterInput and Diff)")
	}
	t.Run("FARGATE", func(t *testing.T) {
		e := newCluster(t, 0)
		ecsdeploytest.Run(t, conformanceBackend(t, e, types.LaunchTypeFargate))
	})
	t.Run("EC2", func(t *testing.T) {
		e := newCluster(t, 6)
		ecsdeploytest.Run(t, conformanceBackend(t, e, types.LaunchTypeEc2))
	})
}
