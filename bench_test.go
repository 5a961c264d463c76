package ecsdeploy_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/ecsdeploytest"
)

// BenchmarkDeploy: a 10-task rolling deployment (new image; minimum
// healthy 100%, maximum 200%; circuit breaker on) through the Deployer
// against the in-process fake, polling every 5 s of virtual time. It
// reports µs/op (wall time per Deploy), calls/deploy (API calls the fake
// recorded), detect-s (virtual seconds between the deployment turning
// COMPLETED and Deploy returning) and virtual-s/deploy.
func BenchmarkDeploy(b *testing.B) {
	for _, launch := range []types.LaunchType{types.LaunchTypeFargate, types.LaunchTypeEc2} {
		b.Run(string(launch), func(b *testing.B) {
			backend, _ := fakeBackend(b, launch)
			ecsdeploytest.Bench(b, backend, 10)
		})
	}
}
